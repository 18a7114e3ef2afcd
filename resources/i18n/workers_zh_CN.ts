<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>GridFiguresDialog</name>
    <message>
        <location filename="../../command_center/views/workers/dialogs.py" line="+267"/>
        <source>Population and households of a grid</source>
        <translation>网格人口和户数</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Population</source>
        <translation>人口</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Households</source>
        <translation>户数</translation>
    </message>
</context>
<context>
    <name>RecordsDialog</name>
    <message numerus="yes">
        <location line="-172"/>
        <source>Open the %n report(s) in the incident queue</source>
        <translation>
            <numerusform>在事件队列中打开这 %n 件上报</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RedeemDialog</name>
    <message>
        <location line="+81"/>
        <source>Redeem points at a 平安超市</source>
        <translation>平安超市积分兑换</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>e.g. 食用油</source>
        <translation>如：食用油</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Worker</source>
        <translation>网格员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Balance</source>
        <translation>积分余额</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Store</source>
        <translation>平安超市</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Item</source>
        <translation>兑换物品</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points each</source>
        <translation>每件积分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points taken</source>
        <translation>扣除积分</translation>
    </message>
</context>
<context>
    <name>RosterImportDialog</name>
    <message>
        <location filename="../../command_center/views/workers/roster_panel.py" line="+58"/>
        <source>Import the grid workers&apos; roster</source>
        <translation>导入网格员花名册</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A roster as CSV (UTF-8 or GB18030) or XLSX</source>
        <translation>花名册文件：CSV（UTF-8 或 GB18030）或 XLSX</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Choose a roster file.</source>
        <translation>请选择花名册文件。</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <location line="+13"/>
        <location line="+29"/>
        <source>Row %1: %2</source>
        <translation>第%1行：%2</translation>
    </message>
    <message>
        <location line="-27"/>
        <source>Check passed: %1 to add, %2 to change, %3 unchanged. Nothing stored yet.</source>
        <translation>检查通过：新增%1人，修改%2人，%3人不变。尚未保存。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Imported: %1 added, %2 changed, %3 unchanged.</source>
        <translation>已导入：新增%1人，修改%2人，%3人不变。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Nothing imported: %1</source>
        <translation>未导入任何记录：%1</translation>
    </message>
</context>
<context>
    <name>RosterPanel</name>
    <message>
        <location line="+89"/>
        <source>All kinds</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Code, name or grid (Enter)</source>
        <translation>编号、姓名或网格（回车查询）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Include those who left</source>
        <translation>含已离岗</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New worker…</source>
        <translation>新增人员…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Change grid…</source>
        <translation>调整网格…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Change kind…</source>
        <translation>变更类别…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Leaves…</source>
        <translation>离岗…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>End the selected assignment</source>
        <translation>结束所选分配</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import roster…</source>
        <translation>导入花名册…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Code</source>
        <translation>编号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Serving</source>
        <translation>负责网格</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Town</source>
        <translation>乡镇</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Identity number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Area</source>
        <translation>区域</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Duty</source>
        <translation>职责</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>From</source>
        <translation>起始日期</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>To</source>
        <translation>结束日期</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>In service</source>
        <translation>在岗</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Left %1</source>
        <translation>%1 离岗</translation>
    </message>
    <message numerus="yes">
        <location line="+16"/>
        <source>%n worker(s)</source>
        <translation>
            <numerusform>%n 人</numerusform>
        </translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Select a worker to see their grids over time.</source>
        <translation>选择一名人员，查看其网格分配历史。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Assignments of %1</source>
        <translation>%1 的网格分配</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>(open)</source>
        <translation>（至今）</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>The roster is changed.</source>
        <translation>花名册已修改。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Select the assignment to end first.</source>
        <translation>请先选择要结束的分配。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The assignment is ended.</source>
        <translation>该分配已结束。</translation>
    </message>
</context>
<context>
    <name>WorkerEditDialog</name>
    <message>
        <location filename="../../command_center/views/workers/dialogs.py" line="+91"/>
        <source>New grid worker</source>
        <translation>新增网格人员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Assign to a grid</source>
        <translation>分配网格</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Change the kind of worker</source>
        <translation>变更人员类别</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The worker leaves</source>
        <translation>人员离岗</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>ends the current grid</source>
        <translation>替换现有网格</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>in addition to the current grid</source>
        <translation>另外增加（兼管）</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+11"/>
        <source>Worker</source>
        <translation>网格员</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>Code</source>
        <translation>编号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+14"/>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <location line="-13"/>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Identity number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+5"/>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location line="-4"/>
        <location line="+6"/>
        <source>From</source>
        <translation>起始日期</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>The new grid</source>
        <translation>新网格</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Leaves on</source>
        <translation>离岗日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>WorkersView</name>
    <message>
        <location filename="../../command_center/views/workers/workers_view.py" line="+232"/>
        <source>Active ratio</source>
        <translation>在岗率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Calendar</source>
        <translation>打卡日历</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+43"/>
        <location line="+4"/>
        <source>Reports</source>
        <translation>上报</translation>
    </message>
    <message>
        <location line="-46"/>
        <source>Inactive</source>
        <translation>未履职</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+64"/>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <location line="-62"/>
        <source>Data quality</source>
        <translation>数据质量</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Inactive for (days):</source>
        <translation>未报平安天数：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remind selected workers</source>
        <translation>提醒所选网格员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Active ratio by town (%) and the target</source>
        <translation>各镇在岗率（%）与目标线</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Active ratio by day, last 90 days (%)</source>
        <translation>近90天每日在岗率（%）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Check-ins by week (columns) and weekday (rows)</source>
        <translation>报平安日历：每列一周，每行一个星期几</translation>
    </message>
    <message>
        <location line="-19"/>
        <location line="+22"/>
        <location line="+9"/>
        <location line="+13"/>
        <location line="+329"/>
        <source>Code</source>
        <translation>编号</translation>
    </message>
    <message>
        <location line="-392"/>
        <source>Reminders</source>
        <translation>提醒签收</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Roster</source>
        <translation>花名册</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Fix…</source>
        <translation>去处理…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open the screen that fixes the selected finding</source>
        <translation>打开处理所选问题的界面</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Acknowledge the selected reminder</source>
        <translation>签收所选提醒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Redeem at a 平安超市…</source>
        <translation>平安超市兑换…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sent</source>
        <translation>发送时间</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+21"/>
        <location line="+10"/>
        <location line="+13"/>
        <location line="+329"/>
        <source>Worker</source>
        <translation>网格员</translation>
    </message>
    <message>
        <location line="-372"/>
        <source>Town and village</source>
        <translation>乡镇村社区</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sent by</source>
        <translation>发送人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Message</source>
        <translation>提醒内容</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Acknowledged</source>
        <translation>签收</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Double-click a row to open the records behind it</source>
        <translation>双击一行，查看其背后的记录</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Click a bar to list the workers it counts</source>
        <translation>点击柱条，列出其统计的网格员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Click a day to list the workers it counts</source>
        <translation>点击某日，列出当日统计的网格员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Click a day for its check-ins, patrols and reports</source>
        <translation>点击某日，查看当日报平安、巡查和上报</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Double-click a finding to fix it</source>
        <translation>双击问题，打开处理界面</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Reports in the last 30 days</source>
        <translation>近30天上报</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+4"/>
        <location line="+7"/>
        <location line="+342"/>
        <source>Town</source>
        <translation>镇（街道）</translation>
    </message>
    <message>
        <location line="-349"/>
        <source>Workers</source>
        <translation>网格员数</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Per worker</source>
        <translation>人均</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+342"/>
        <source>Village</source>
        <translation>村（社区）</translation>
    </message>
    <message>
        <location line="-341"/>
        <location line="+342"/>
        <source>Last check-in</source>
        <translation>最近报平安</translation>
    </message>
    <message>
        <location line="-341"/>
        <source>Days</source>
        <translation>天数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reminded</source>
        <translation>已提醒</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+405"/>
        <location line="+52"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="-453"/>
        <source>Reason</source>
        <translation>事由</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cause</source>
        <translation>来源</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Check</source>
        <translation>检查项</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Code and name</source>
        <translation>编号与名称</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Detail</source>
        <translation>说明</translation>
    </message>
    <message>
        <location line="+99"/>
        <source>Balance of every worker: %1 points; the newest %2 entries with their causes</source>
        <translation>全部网格员积分余额：%1；最近 %2 条记录及其来源</translation>
    </message>
    <message>
        <location line="+71"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Active {active} of {workers} full-time workers ({ratio:.1f}%), target {target:.1f}%; {n} inactive, {q} data-quality findings</source>
        <translation>专职网格员 {workers} 人，在岗 {active} 人（{ratio:.1f}%），目标 {target:.1f}%；未履职 {n} 人，数据质量问题 {q} 条</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>From {first}: {checked} days with a check-in, {km:.1f} km patrolled, {reports} reports</source>
        <translation>自 {first} 起：报平安 {checked} 天，巡查 {km:.1f} 公里，上报事件 {reports} 件</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Select the workers to remind first.</source>
        <translation>请先选择要提醒的网格员。</translation>
    </message>
    <message numerus="yes">
        <location line="+11"/>
        <source>Reminded %n worker(s).</source>
        <translation>
            <numerusform>已提醒 %n 名网格员。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Export data-quality findings</source>
        <translation>导出数据质量问题</translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source>Exported %n finding(s).</source>
        <translation>
            <numerusform>已导出 %n 条问题。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+62"/>
        <source>Workers counted on %1</source>
        <translation>%1 统计的网格员</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Active</source>
        <translation>在岗</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 of %2 workers active (%3%)</source>
        <translation>%2 人中 %1 人在岗（%3%）</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>Check-ins of %1 since %2</source>
        <translation>%1 自 %2 以来的报平安</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Position</source>
        <translation>位置</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+54"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message numerus="yes">
        <location line="-51"/>
        <source>%n check-in(s)</source>
        <translation>
            <numerusform>%n 次报平安</numerusform>
        </translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Check-in</source>
        <translation>报平安</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Patrol</source>
        <translation>巡查</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1 on %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Position or distance</source>
        <translation>位置或里程</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 check-in(s), %2 patrol(s), %3 report(s)</source>
        <translation>报平安%1次，巡查%2次，上报%3件</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Select the reminder to acknowledge first.</source>
        <translation>请先选择要签收的提醒。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Reminder acknowledged.</source>
        <translation>提醒已签收。</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Redeemed; the balance is now %1.</source>
        <translation>兑换成功，当前余额 %1。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Select the finding to fix first.</source>
        <translation>请先选择要处理的问题。</translation>
    </message>
</context>
</TS>
