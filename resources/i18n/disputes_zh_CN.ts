<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AgreementDialog</name>
    <message>
        <location filename="../../command_center/views/disputes/dialogs.py" line="+379"/>
        <source>Agreement reached</source>
        <translation>达成协议</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fulfil by</source>
        <translation>履行期限</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Terms agreed</source>
        <translation>协议内容</translation>
    </message>
</context>
<context>
    <name>BoardTab</name>
    <message>
        <location filename="../../command_center/views/disputes/disputes_view.py" line="+554"/>
        <source>Rooms and mediators…</source>
        <translation>调解组织与调解员…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Room / mediator</source>
        <translation>调解组织 / 调解员</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Open</source>
        <translation>在办</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>High risk</source>
        <translation>高风险</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Double-click a room or a mediator for its open cases; a number for those cases.</source>
        <translation>双击调解组织或调解员查看其在办案件；双击数字查看对应案件。</translation>
    </message>
</context>
<context>
    <name>CaseFilePanel</name>
    <message>
        <location line="-226"/>
        <source>Assign…</source>
        <translation>指派…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add session…</source>
        <translation>调解记录…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Extend…</source>
        <translation>延期…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Agreement…</source>
        <translation>达成协议…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Failed…</source>
        <translation>调解不成…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Withdraw…</source>
        <translation>撤回…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Follow-up…</source>
        <translation>回访…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show identity…</source>
        <translation>查看完整信息…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Agreement PDF…</source>
        <translation>调解协议书…</translation>
    </message>
    <message>
        <location line="+58"/>
        <source>Timeline</source>
        <translation>办理经过</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Side</source>
        <translation>身份</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name</source>
        <translation>姓名/名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Identity number</source>
        <translation>身份证号码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Address</source>
        <translation>住址</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Choose a case in the list</source>
        <translation>请在列表中选择案件</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Time limit %1 (%2)</source>
        <translation>调解期限 %1（%2）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>, extended: %1</source>
        <translation>，已延期：%1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Room: %1&#x3000;Mediator: %2</source>
        <translation>调解组织：%1&#x3000;调解员：%2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Source: %1</source>
        <translation>来源：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Risk: %1&#x3000;People involved: %2</source>
        <translation>风险等级：%1&#x3000;涉及人数：%2</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Amount at stake: %1 yuan</source>
        <translation>涉及金额：%1 元</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>From incident %1</source>
        <translation>由事件 %1 转入</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Repeat: the parties were in case %1</source>
        <translation>重复纠纷：当事人曾涉及案件 %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Agreement: %1</source>
        <translation>协议内容：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Fulfil by %1</source>
        <translation>履行期限：%1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Referred to: %1</source>
        <translation>引导途径：%1</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Transfer</source>
        <translation>移交</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Session</source>
        <translation>调解</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Follow-up</source>
        <translation>回访</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Alert</source>
        <translation>预警</translation>
    </message>
</context>
<context>
    <name>CaseTableModel</name>
    <message>
        <location line="-279"/>
        <source>Number</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Received</source>
        <translation>受理时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type</source>
        <translation>纠纷类型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Risk</source>
        <translation>风险等级</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Room</source>
        <translation>调解组织</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mediator</source>
        <translation>调解员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Town</source>
        <translation>乡镇</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Time limit</source>
        <translation>调解期限</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Facts</source>
        <translation>纠纷简要情况</translation>
    </message>
    <message>
        <location line="+95"/>
        <source>The parties had a dispute before</source>
        <translation>当事人此前有过纠纷</translation>
    </message>
</context>
<context>
    <name>CloseForm</name>
    <message>
        <location filename="../../command_center/views/disputes/rooms_dialog.py" line="+183"/>
        <source>Close the room</source>
        <translation>撤销调解组织</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>(no open case to move)</source>
        <translation>（无在办案件需移交）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 open cases: they move to the room chosen below, unassigned; its %2 mediators leave with it.</source>
        <translation>在办案件 %1 件：移交至下列调解组织（待重新指派调解员）；其 %2 名调解员随之离岗。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Room</source>
        <translation>调解组织</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Open cases</source>
        <translation>在办案件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move them to</source>
        <translation>移交至</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
</context>
<context>
    <name>DisputesView</name>
    <message>
        <location filename="../../command_center/views/disputes/disputes_view.py" line="+548"/>
        <source>Number, words, reference</source>
        <translation>编号、关键词、移送文号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Received</source>
        <translation>受理日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New case…</source>
        <translation>受理新案件…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Open</source>
        <translation>在办</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>All risks</source>
        <translation>全部风险等级</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>High and major</source>
        <translation>高风险及重大</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>All sources</source>
        <translation>全部来源</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>All types</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>All rooms</source>
        <translation>全部调解组织</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>All towns</source>
        <translation>全部乡镇</translation>
    </message>
    <message>
        <location line="-31"/>
        <source>Cases</source>
        <translation>案件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Mediation rooms</source>
        <translation>调解组织</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Figures</source>
        <translation>统计</translation>
    </message>
    <message>
        <location line="+130"/>
        <source>(from the figures)</source>
        <translation>（来自统计）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 cases</source>
        <translation>%1 件</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>The change failed: %1</source>
        <translation>操作失败：%1</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Case taken in</source>
        <translation>案件已受理</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Session recorded</source>
        <translation>调解记录已保存</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Agreement recorded</source>
        <translation>调解协议已登记</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Failure recorded</source>
        <translation>调解不成已登记</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Case withdrawn</source>
        <translation>案件已撤回</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Time limit extended</source>
        <translation>调解期限已延长</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Follow-up recorded</source>
        <translation>回访已登记</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Assign</source>
        <translation>指派</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Room and mediator</source>
        <translation>调解组织和调解员</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Case assigned</source>
        <translation>案件已指派</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Show identity</source>
        <translation>查看完整信息</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Why do you need the full personal data?</source>
        <translation>查看当事人完整个人信息的原因：</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Save the agreement</source>
        <translation>保存调解协议书</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Agreement saved: %1</source>
        <translation>调解协议书已保存：%1</translation>
    </message>
</context>
<context>
    <name>FailureDialog</name>
    <message>
        <location filename="../../command_center/views/disputes/dialogs.py" line="+22"/>
        <source>Mediation failed</source>
        <translation>调解不成</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Why it failed</source>
        <translation>调解不成的原因</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Referred to</source>
        <translation>引导途径</translation>
    </message>
</context>
<context>
    <name>FiguresTab</name>
    <message>
        <location filename="../../command_center/views/disputes/disputes_view.py" line="-613"/>
        <source>Period</source>
        <translation>统计期间</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cases received in the period; click a number for its cases</source>
        <translation>按受理日期统计；点击数字查看对应案件</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Open cases by town</source>
        <translation>各乡镇在办案件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Open cases by type</source>
        <translation>各类型在办案件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sources</source>
        <translation>案件来源</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Success rate</source>
        <translation>调解成功率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Satisfaction</source>
        <translation>满意率</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Average duration</source>
        <translation>平均办理时长</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 days</source>
        <translation>%1 天</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Open cases</source>
        <translation>在办案件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Of %1 follow-up visits: click to see their cases</source>
        <translation>基于 %1 次回访，点击查看对应案件</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Of %1 cases: click to see them</source>
        <translation>基于 %1 件案件，点击查看</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Not recorded</source>
        <translation>（未定）</translation>
    </message>
</context>
<context>
    <name>FollowUpDialog</name>
    <message>
        <location filename="../../command_center/views/disputes/dialogs.py" line="+47"/>
        <source>Follow-up visit</source>
        <translation>回访</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The agreement is kept</source>
        <translation>协议已履行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The agreement is broken</source>
        <translation>协议未履行</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mediate again</source>
        <translation>重新调解</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Agreement</source>
        <translation>协议</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Satisfaction</source>
        <translation>满意率</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>If broken</source>
        <translation>未履行时</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Notes</source>
        <translation>情况记录</translation>
    </message>
</context>
<context>
    <name>FormDialog</name>
    <message>
        <location line="-335"/>
        <location line="+19"/>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
</context>
<context>
    <name>IntakeDialog</name>
    <message>
        <location line="+87"/>
        <source>New dispute case</source>
        <translation>受理矛盾纠纷</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>yuan, optional</source>
        <translation>元，可不填</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Side</source>
        <translation>身份</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Name</source>
        <translation>姓名/名称</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Identity number</source>
        <translation>身份证号码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Address</source>
        <translation>住址</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Add party</source>
        <translation>添加当事人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove party</source>
        <translation>删除当事人</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>From incident %1</source>
        <translation>由事件 %1 转入</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Incident</source>
        <translation>关联事件</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Type</source>
        <translation>纠纷类型</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Facts and matters</source>
        <translation>纠纷事实及争议事项</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source</source>
        <translation>案件来源</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sent by</source>
        <translation>移送单位</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sender&apos;s reference</source>
        <translation>移送文号</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Mediation room</source>
        <translation>调解组织</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mediator</source>
        <translation>调解员</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>People involved</source>
        <translation>涉及人数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Risk</source>
        <translation>风险等级</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Reasons for the risk</source>
        <translation>风险研判理由</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Amount at stake</source>
        <translation>涉及金额</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Parties</source>
        <translation>当事人</translation>
    </message>
    <message>
        <location line="-21"/>
        <location line="+50"/>
        <source>(not yet)</source>
        <translation>（暂不指派）</translation>
    </message>
</context>
<context>
    <name>MediatorForm</name>
    <message>
        <location filename="../../command_center/views/disputes/rooms_dialog.py" line="+41"/>
        <source>New mediator</source>
        <translation>新增调解员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mediator</source>
        <translation>调解员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>(general)</source>
        <translation>（综合）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Active</source>
        <translation>在岗</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Active (made inactive, their %1 open cases stay in the room, unassigned)</source>
        <translation>在岗（设为离岗后，其 %1 件在办案件留在本调解组织，待重新指派）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Room</source>
        <translation>调解组织</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Speciality</source>
        <translation>专业方向</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
</context>
<context>
    <name>MoveForm</name>
    <message>
        <location line="+32"/>
        <source>Move the mediator</source>
        <translation>调动调解员</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Their %1 open cases stay in the room they leave, to be assigned again.</source>
        <translation>其 %1 件在办案件留在原调解组织，待重新指派。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mediator</source>
        <translation>调解员</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>To the room</source>
        <translation>调往</translation>
    </message>
</context>
<context>
    <name>PeriodPicker</name>
    <message>
        <location filename="../../command_center/views/disputes/disputes_view.py" line="-622"/>
        <source>All dates</source>
        <translation>全部日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This quarter</source>
        <translation>本季度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This year</source>
        <translation>本年度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Custom days</source>
        <translation>自定义日期</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>From (included)</source>
        <translation>起始日期（含）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To (included)</source>
        <translation>截止日期（含）</translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <location filename="../../command_center/views/disputes/dialogs.py" line="+138"/>
        <source>Withdrawal</source>
        <translation>撤回申请</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Extend the time limit (once)</source>
        <translation>延长调解期限（限一次）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
</context>
<context>
    <name>RenameForm</name>
    <message>
        <location filename="../../command_center/views/disputes/rooms_dialog.py" line="-130"/>
        <source>Rename the room</source>
        <translation>调解组织更名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New name</source>
        <translation>新名称</translation>
    </message>
</context>
<context>
    <name>RoomForm</name>
    <message>
        <location line="-43"/>
        <source>New mediation room</source>
        <translation>新设调解组织</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Under</source>
        <translation>上级组织</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Level</source>
        <translation>层级</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Serves</source>
        <translation>服务区域</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Speciality</source>
        <translation>专业方向</translation>
    </message>
</context>
<context>
    <name>RoomsDialog</name>
    <message>
        <location line="+288"/>
        <source>Mediation rooms and mediators</source>
        <translation>调解组织与调解员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Room</source>
        <translation>调解组织</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Level</source>
        <translation>层级</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+3"/>
        <source>Open cases</source>
        <translation>在办案件</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>Mediators</source>
        <translation>调解员</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+3"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Name</source>
        <translation>名称 / 姓名</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Speciality</source>
        <translation>专业方向</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show closed rooms</source>
        <translation>显示已撤销的调解组织</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add a room under it…</source>
        <translation>新设下级调解组织…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rename…</source>
        <translation>更名…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Close…</source>
        <translation>撤销…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reopen</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add mediator…</source>
        <translation>新增调解员…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Edit…</source>
        <translation>修改…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move to another room…</source>
        <translation>调往其他调解组织…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Only administrators change rooms and mediators. A room with open cases is closed only once they are moved to another room; every change is recorded in the audit log.</source>
        <translation>只有系统管理员可以维护调解组织和调解员。有在办案件的调解组织须先将案件移交其他调解组织才能撤销；每项修改均记入审计日志。</translation>
    </message>
    <message>
        <location line="+127"/>
        <source>Active</source>
        <translation>在岗</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Inactive</source>
        <translation>离岗</translation>
    </message>
    <message>
        <location line="+90"/>
        <source>Room %1 added.</source>
        <translation>已新设调解组织 %1。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Room renamed.</source>
        <translation>调解组织已更名。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Room %1 closed; %2 open cases moved.</source>
        <translation>已撤销调解组织 %1，移交在办案件 %2 件。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Room %1 reopened.</source>
        <translation>已恢复调解组织 %1。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Mediator %1 added.</source>
        <translation>已新增调解员 %1。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Mediator %1 saved.</source>
        <translation>调解员 %1 已保存。</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+16"/>
        <source> %1 open cases are to be assigned again.</source>
        <translation> %1 件在办案件待重新指派。</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Mediator %1 moved.</source>
        <translation>调解员 %1 已调动。</translation>
    </message>
</context>
<context>
    <name>SessionDialog</name>
    <message>
        <location filename="../../command_center/views/disputes/dialogs.py" line="-77"/>
        <source>Record a mediation session</source>
        <translation>调解记录</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Date and time</source>
        <translation>调解时间</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Place</source>
        <translation>调解地点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Participants</source>
        <translation>参加人员</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Notes</source>
        <translation>情况记录</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next step</source>
        <translation>下一步安排</translation>
    </message>
</context>
</TS>
