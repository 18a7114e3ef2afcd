<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>IssueDialog</name>
    <message>
        <location filename="../../command_center/views/supervision/ledger_view.py" line="+217"/>
        <source>Issue supervision</source>
        <translation>签发督办</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>work order or incident number</source>
        <translation>工单号或事件编号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Order / incident</source>
        <translation>工单/事件</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the leader who takes the case</source>
        <translation>包案领导姓名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Leader</source>
        <translation>包案领导</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> working days</source>
        <translation>个工作日</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Answer within</source>
        <translation>反馈时限</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Instructions</source>
        <translation>督办要求</translation>
    </message>
</context>
<context>
    <name>ScoreDialog</name>
    <message>
        <location filename="../../command_center/views/supervision/score_view.py" line="+63"/>
        <source>Adjust the score</source>
        <translation>调整考核分</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+121"/>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <location line="-117"/>
        <source>Points</source>
        <translation>分值</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+19"/>
        <location line="+59"/>
        <source>Monthly score</source>
        <translation>月度考核</translation>
    </message>
    <message>
        <location line="-52"/>
        <location line="+53"/>
        <source>Departments</source>
        <translation>部门</translation>
    </message>
    <message>
        <location line="-52"/>
        <location line="+53"/>
        <source>Towns</source>
        <translation>乡镇</translation>
    </message>
    <message>
        <location line="-52"/>
        <location line="+53"/>
        <source>Adjust…</source>
        <translation>调整…</translation>
    </message>
    <message>
        <location line="-50"/>
        <location line="+51"/>
        <source>Lock the month…</source>
        <translation>锁定本月…</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Rank</source>
        <translation>名次</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Orders due</source>
        <translation>到期工单</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Credit counted</source>
        <translation>加分（折算）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deductions counted</source>
        <translation>扣分（折算）</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Score = 100 + credit + deductions + points by hand, not below 0. The points of the rules (right) count per hundred orders due in the month (closed on time or overdue; a unit with fewer counts them whole); credit adds at most {cap}.</source>
        <translation>得分 = 100 + 加分 + 扣分 + 人工调整，最低0分。右侧各规则分值按本月每百件到期工单（按期办结或超期）折算，不足百件按实际分值计；加分最多{cap}分。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Score = 100 + credit + deductions + points by hand, not below 0. The points of the rules (right) count whole; credit adds at most {cap}.</source>
        <translation>得分 = 100 + 加分 + 扣分 + 人工调整，最低0分。右侧各规则分值全额计入；加分最多{cap}分。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Score = 100 + credit + deductions + points by hand, not below 0. The points of the rules (right) count per {n} orders due in the month; credit adds at most {cap}.</source>
        <translation>得分 = 100 + 加分 + 扣分 + 人工调整，最低0分。右侧各规则分值按本月每{n}件到期工单折算；加分最多{cap}分。</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Choose a unit first.</source>
        <translation>请先选择一个单位。</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Lock the month</source>
        <translation>锁定本月</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>After locking, no points can be added or deducted by hand.</source>
        <translation>锁定后不能再人工加减分。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
</context>
<context>
    <name>SupervisionBanner</name>
    <message>
        <location filename="../../command_center/views/supervision/banner.py" line="+67"/>
        <source>Acknowledge</source>
        <translation>签收</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Supervision waiting for your department: %1</source>
        <translation>本部门待办督办：%1</translation>
    </message>
</context>
<context>
    <name>SupervisionView</name>
    <message>
        <location filename="../../command_center/views/supervision/ledger_view.py" line="+181"/>
        <location line="+1"/>
        <source>Supervision ledger</source>
        <translation>督办台账</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Issue supervision…</source>
        <translation>签发督办…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export XLSX…</source>
        <translation>导出XLSX…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Monthly score…</source>
        <translation>月度考核…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose a supervision above: its instructions, steps and replies show here.</source>
        <translation>在上方选择一条督办，这里显示其督办要求、办理经过和回复。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Number</source>
        <translation>督办编号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Step</source>
        <translation>环节</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Department</source>
        <translation>责任单位</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Town</source>
        <translation>乡镇</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Order</source>
        <translation>工单</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Incident</source>
        <translation>事件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Issued</source>
        <translation>督办时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Acknowledged</source>
        <translation>签收时间</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Open incident</source>
        <translation>查看事件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Acknowledge</source>
        <translation>签收</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Report progress…</source>
        <translation>报告进展…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reply…</source>
        <translation>反馈…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ask for more time…</source>
        <translation>申请延期…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>List it…</source>
        <translation>挂牌督办…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Decline…</source>
        <translation>不采纳…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Decide extension…</source>
        <translation>审批延期…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Review and close…</source>
        <translation>审核办结…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Withdraw…</source>
        <translation>撤销…</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>All levels</source>
        <translation>全部级别</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>All steps</source>
        <translation>全部环节</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cards</source>
        <translation>黄牌/红牌</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Open</source>
        <translation>办理中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Finished</source>
        <translation>已结束</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>All departments</source>
        <translation>全部单位</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>All towns</source>
        <translation>全部乡镇</translation>
    </message>
    <message>
        <location line="+138"/>
        <source>Reason: %1</source>
        <translation>事由：%1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Instructions: %1</source>
        <translation>督办要求：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Leader: %1</source>
        <translation>包案领导：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Order deadline: %1</source>
        <translation>工单时限：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Acknowledged: %1</source>
        <translation>签收时间：%1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Asks for %1 more working days</source>
        <translation>申请延期%1个工作日</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Reply: %1</source>
        <translation>反馈：%1</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>Report progress</source>
        <translation>报告进展</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Progress</source>
        <translation>进展情况</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reply to the supervision</source>
        <translation>反馈督办</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Reply</source>
        <translation>反馈</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Review and close</source>
        <translation>审核办结</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Review</source>
        <translation>审核意见</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Withdraw the supervision</source>
        <translation>撤销督办</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+2"/>
        <location line="+16"/>
        <source>Reason</source>
        <translation>事由</translation>
    </message>
    <message>
        <location line="-17"/>
        <source>List for supervision</source>
        <translation>挂牌督办</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Instructions</source>
        <translation>督办要求</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Decline the proposal</source>
        <translation>不采纳挂牌建议</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Ask for more time</source>
        <translation>申请延期</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Decide the extension</source>
        <translation>审批延期</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Note</source>
        <translation>审批意见</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>Export the ledger</source>
        <translation>导出督办台账</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>%1 rows exported</source>
        <translation>已导出%1条</translation>
    </message>
</context>
<context>
    <name>_TextDialog</name>
    <message>
        <location line="-631"/>
        <source> working days</source>
        <translation>个工作日</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Days</source>
        <translation>天数</translation>
    </message>
</context>
</TS>
