<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AgreementDialog</name>
    <message>
        <location filename="../../command_center/views/disputes/dialogs.py" line="+290"/>
        <source>Agreement reached</source>
        <translation>达成协议</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Fulfil by</source>
        <translation>履行期限</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Terms agreed</source>
        <translation>协议内容</translation>
    </message>
</context>
<context>
    <name>BoardTab</name>
    <message>
        <location filename="../../command_center/views/disputes/disputes_view.py" line="+391"/>
        <source>Room / mediator</source>
        <translation>调解组织 / 调解员</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Open</source>
        <translation>在办</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>High risk</source>
        <translation>高风险</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Double-click a room or a mediator for its open cases; a number for those cases.</source>
        <translation>双击调解组织或调解员查看其在办案件；双击数字查看对应案件。</translation>
    </message>
</context>
<context>
    <name>CaseFilePanel</name>
    <message>
        <location line="-182"/>
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
        <location line="+57"/>
        <source>Timeline</source>
        <translation>办理经过</translation>
    </message>
    <message>
        <location line="+13"/>
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
        <location line="+4"/>
        <source>Choose a case in the list</source>
        <translation>请在列表中选择案件</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Time limit %1 (%2)</source>
        <translation>调解期限 %1（%2）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>, extended: %1</source>
        <translation>，已延期：%1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Room: %1&#x3000;Mediator: %2</source>
        <translation>调解组织：%1&#x3000;调解员：%2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Source: %1</source>
        <translation>来源：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Risk: %1&#x3000;People involved: %2</source>
        <translation>风险等级：%1&#x3000;涉及人数：%2</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Amount at stake: %1 yuan</source>
        <translation>涉及金额：%1 元</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>From incident %1</source>
        <translation>由事件 %1 转入</translation>
    </message>
    <message>
        <location line="+2"/>
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
        <location line="+2"/>
        <source>Referred to: %1</source>
        <translation>引导途径：%1</translation>
    </message>
</context>
<context>
    <name>CaseTableModel</name>
    <message>
        <location line="-234"/>
        <source>Number</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Received</source>
        <translation>受理时间</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Type</source>
        <translation>纠纷类型</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Risk</source>
        <translation>风险等级</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Room</source>
        <translation>调解组织</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Mediator</source>
        <translation>调解员</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Town</source>
        <translation>乡镇</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Time limit</source>
        <translation>调解期限</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Facts</source>
        <translation>纠纷简要情况</translation>
    </message>
    <message>
        <location line="+92"/>
        <source>The parties had a dispute before</source>
        <translation>当事人此前有过纠纷</translation>
    </message>
</context>
<context>
    <name>DisputesView</name>
    <message>
        <location line="+441"/>
        <source>Number, words, reference</source>
        <translation>编号、关键词、移送文号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New case…</source>
        <translation>受理新案件…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Open</source>
        <translation>在办</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>All risks</source>
        <translation>全部风险等级</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>High and major</source>
        <translation>高风险及重大</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>All sources</source>
        <translation>全部来源</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>All types</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>All rooms</source>
        <translation>全部调解组织</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>All towns</source>
        <translation>全部乡镇</translation>
    </message>
    <message>
        <location line="-17"/>
        <source>Cases</source>
        <translation>案件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Mediation rooms</source>
        <translation>调解组织</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Figures</source>
        <translation>统计</translation>
    </message>
    <message>
        <location line="+93"/>
        <source>(from the figures)</source>
        <translation>（来自统计）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 cases</source>
        <translation>%1 件</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>The change failed: %1</source>
        <translation>操作失败：%1</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Case taken in</source>
        <translation>案件已受理</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Session recorded</source>
        <translation>调解记录已保存</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Agreement recorded</source>
        <translation>调解协议已登记</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Failure recorded</source>
        <translation>调解不成已登记</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Withdrawal</source>
        <translation>撤回申请</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+4"/>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>Case withdrawn</source>
        <translation>案件已撤回</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Extend the time limit (once)</source>
        <translation>延长调解期限（限一次）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Time limit extended</source>
        <translation>调解期限已延长</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Follow-up recorded</source>
        <translation>回访已登记</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Assign</source>
        <translation>指派</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Room and mediator</source>
        <translation>调解组织和调解员</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Case assigned</source>
        <translation>案件已指派</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Show identity</source>
        <translation>查看完整信息</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Why do you need the full personal data?</source>
        <translation>查看当事人完整个人信息的原因：</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Save the agreement</source>
        <translation>保存调解协议书</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Agreement saved: %1</source>
        <translation>调解协议书已保存：%1</translation>
    </message>
</context>
<context>
    <name>FailureDialog</name>
    <message>
        <location filename="../../command_center/views/disputes/dialogs.py" line="+15"/>
        <source>Mediation failed</source>
        <translation>调解不成</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Why it failed</source>
        <translation>调解不成的原因</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Referred to</source>
        <translation>引导途径</translation>
    </message>
</context>
<context>
    <name>FiguresTab</name>
    <message>
        <location filename="../../command_center/views/disputes/disputes_view.py" line="-438"/>
        <source>Open cases by town</source>
        <translation>各乡镇在办案件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open cases by type</source>
        <translation>各类型在办案件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sources</source>
        <translation>案件来源</translation>
    </message>
    <message>
        <location line="+26"/>
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
        <location line="+2"/>
        <source>%1 days</source>
        <translation>%1 天</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open cases</source>
        <translation>在办案件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Of %1 cases: click to see them</source>
        <translation>基于 %1 件案件，点击查看</translation>
    </message>
</context>
<context>
    <name>FollowUpDialog</name>
    <message>
        <location filename="../../command_center/views/disputes/dialogs.py" line="+22"/>
        <source>Follow-up visit</source>
        <translation>回访</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The agreement is kept</source>
        <translation>协议已履行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The agreement is broken</source>
        <translation>协议未履行</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Mediate again</source>
        <translation>重新调解</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Agreement</source>
        <translation>协议</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Satisfaction</source>
        <translation>满意率</translation>
    </message>
    <message>
        <location line="+1"/>
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
        <location line="-260"/>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
</context>
<context>
    <name>IntakeDialog</name>
    <message>
        <location line="+25"/>
        <source>New dispute case</source>
        <translation>受理矛盾纠纷</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>yuan, optional</source>
        <translation>元，可不填</translation>
    </message>
    <message>
        <location line="+4"/>
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
        <location line="+5"/>
        <source>Add party</source>
        <translation>添加当事人</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Remove party</source>
        <translation>删除当事人</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>From incident %1</source>
        <translation>由事件 %1 转入</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Incident</source>
        <translation>关联事件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type</source>
        <translation>纠纷类型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Facts and matters</source>
        <translation>纠纷事实及争议事项</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source</source>
        <translation>案件来源</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sent by</source>
        <translation>移送单位</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sender&apos;s reference</source>
        <translation>移送文号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mediation room</source>
        <translation>调解组织</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mediator</source>
        <translation>调解员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>People involved</source>
        <translation>涉及人数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Risk</source>
        <translation>风险等级</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reasons for the risk</source>
        <translation>风险研判理由</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Amount at stake</source>
        <translation>涉及金额</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Parties</source>
        <translation>当事人</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>(not yet)</source>
        <translation>（暂不指派）</translation>
    </message>
</context>
<context>
    <name>SessionDialog</name>
    <message>
        <location line="+46"/>
        <source>Record a mediation session</source>
        <translation>调解记录</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Date and time</source>
        <translation>调解时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Place</source>
        <translation>调解地点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Participants</source>
        <translation>参加人员</translation>
    </message>
    <message>
        <location line="+1"/>
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
