<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AnalysisView</name>
    <message>
        <location filename="../../command_center/views/analysis/analysis_view.py" line="+367"/>
        <source>Last 90 days</source>
        <translation>近 90 天</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Last 180 days</source>
        <translation>近 180 天</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Last 12 months</source>
        <translation>近 12 个月</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>By day</source>
        <translation>按日</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>By week</source>
        <translation>按周</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>By month</source>
        <translation>按月</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Monthly bulletin…</source>
        <translation>月度动态…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location line="-136"/>
        <location line="+168"/>
        <source>Incidents</source>
        <translation>事件数</translation>
    </message>
    <message>
        <location line="-164"/>
        <location line="+165"/>
        <location line="+13"/>
        <source>Same period last year</source>
        <translation>去年同期</translation>
    </message>
    <message>
        <location line="-32"/>
        <source>Up one level</source>
        <translation>返回上一级</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All towns</source>
        <translation>全部镇（街道）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dismiss with a reason…</source>
        <translation>填写理由后忽略…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open the records</source>
        <translation>打开相关记录</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Categories</source>
        <translation>事件类别</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Regions</source>
        <translation>区域</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Channels</source>
        <translation>来源渠道</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Departments</source>
        <translation>部门考核</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>The supervision assessment: the mean of the monthly scores (on the 100 scale: the points per hundred orders due, credit capped, not below 0) of the months the range touches, * while a month is not locked; — where the county keeps no score. Click: the orders the points were given for</source>
        <translation>督办考核：时段所涉各月月度考核得分的平均值（100分制：各规则分值按每百件到期工单折算，加分封顶，最低0分）；带 * 表示有月份尚未锁定；“—”表示未开展考核。点击查看计分所依据的工单</translation>
    </message>
    <message>
        <location line="+207"/>
        <source>Warnings</source>
        <translation>预警</translation>
    </message>
    <message>
        <location line="-230"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="-43"/>
        <source>Meeting mode</source>
        <translation>会议模式</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>On the map</source>
        <translation>在地图上查看</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The range, the category and the town chosen here as incidents per grid on the map</source>
        <translation>把此处选定的时段、类别和镇（街道）在地图上按网格显示事件数</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The range&apos;s analyses in large type, a page at a time (PageDown / PageUp), then the minutes and the decisions</source>
        <translation>以大字逐页展示所选时段的研判（PageDown / PageUp 翻页），随后记录纪要和决定</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Sources of disputes</source>
        <translation>纠纷来源</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Count</source>
        <translation>件数</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Change</source>
        <translation>同比</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Received</source>
        <translation>受理</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>On time</source>
        <translation>按时办结</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Returned</source>
        <translation>退单</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Second dispatch</source>
        <translation>二次派单</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Satisfied</source>
        <translation>满意</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Satisfaction</source>
        <translation>满意率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Supervision score</source>
        <translation>督办考核分</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>Range %1 – %2</source>
        <translation>时段 %1 至 %2</translation>
    </message>
    <message>
        <location line="+67"/>
        <source>%1 incidents in the range; same period last year %2 (%3); the period before %4 (%5); resolved %6</source>
        <translation>时段内事件 %1 件；去年同期 %2 件（同比 %3）；上一时段 %4 件（环比 %5）；已办结 %6 件</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Towns</source>
        <translation>各镇（街道）</translation>
    </message>
    <message>
        <location line="-188"/>
        <location line="+241"/>
        <source>Warnings (%1)</source>
        <translation>预警（%1）</translation>
    </message>
    <message>
        <location line="+104"/>
        <source>Dismiss the warning</source>
        <translation>忽略预警</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Why is this warning not a concern? (kept in the audit log)</source>
        <translation>为何此预警无需关注？（理由记入审计日志）</translation>
    </message>
    <message>
        <location line="+69"/>
        <source>Monthly bulletin</source>
        <translation>月度动态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Month (YYYY-MM)</source>
        <translation>月份（YYYY-MM）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Save the bulletin</source>
        <translation>保存月度动态</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Making the bulletin…</source>
        <translation>正在生成月度动态…</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Bulletin saved: %1 (tables beside it as .xlsx)</source>
        <translation>月度动态已保存：%1（表格另存为同名 .xlsx）</translation>
    </message>
</context>
<context>
    <name>MeetingWindow</name>
    <message>
        <location filename="../../command_center/views/analysis/meeting_view.py" line="+104"/>
        <source>Meeting %1 – %2</source>
        <translation>研判会议 %1 至 %2</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Analysis %1 – %2</source>
        <translation>研判时段 %1 至 %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 incidents</source>
        <translation>事件 %1 件</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>same period last year %1 (%2)</source>
        <translation>去年同期 %1 件（%2）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the period before %1 (%2)</source>
        <translation>上一时段 %1 件（%2）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>resolved %1</source>
        <translation>已办结 %1 件</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Trend (bars: incidents, line: last year)</source>
        <translation>事件走势（柱：本期，线：去年同期）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Count</source>
        <translation>件数</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Last year</source>
        <translation>去年同期</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Change</source>
        <translation>同比</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Categories</source>
        <translation>事件类别</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Towns</source>
        <translation>镇（街道）排名</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Departments</source>
        <translation>部门考核</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Received</source>
        <translation>受理</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>On time</source>
        <translation>按时办结</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Satisfaction</source>
        <translation>满意率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>No warnings</source>
        <translation>无预警</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Warnings</source>
        <translation>风险预警</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Held</source>
        <translation>召开时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+73"/>
        <source>Meeting</source>
        <translation>会议</translation>
    </message>
    <message>
        <location line="-72"/>
        <source>Decisions carried out</source>
        <translation>决定落实</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Decisions</source>
        <translation>会议决定</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Past meetings</source>
        <translation>历次会议</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>PageDown: next · PageUp: back · Esc: close</source>
        <translation>PageDown 下一页 · PageUp 上一页 · Esc 关闭</translation>
    </message>
    <message>
        <location line="+33"/>
        <location line="+13"/>
        <location line="+17"/>
        <source>Minutes</source>
        <translation>纪要</translation>
    </message>
    <message>
        <location line="-27"/>
        <source>who attended, separated by 、</source>
        <translation>参会人员，以、分隔</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save the minutes</source>
        <translation>保存纪要</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the decision</source>
        <translation>决定内容</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>incident number (SJ…)</source>
        <translation>事件编号（SJ…）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Issue the decision</source>
        <translation>下达决定</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Kind</source>
        <translation>会议类型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Attendees</source>
        <translation>参会人员</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Minutes and decisions</source>
        <translation>会议纪要与决定</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>(department)</source>
        <translation>（部门）</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Minutes saved</source>
        <translation>纪要已保存</translation>
    </message>
</context>
</TS>
