<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>WorkersView</name>
    <message>
        <location filename="../../command_center/views/workers/workers_view.py" line="+164"/>
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
        <location line="+16"/>
        <location line="+4"/>
        <source>Reports</source>
        <translation>上报</translation>
    </message>
    <message>
        <location line="-19"/>
        <source>Inactive</source>
        <translation>未履职</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+38"/>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <location line="-37"/>
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
        <location line="+1"/>
        <source>Active ratio by town (%) and the target</source>
        <translation>各镇在岗率（%）与目标线</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Active ratio by day, last 90 days (%)</source>
        <translation>近90天每日在岗率（%）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check-ins by week (columns) and weekday (rows)</source>
        <translation>报平安日历：每列一周，每行一个星期几</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+9"/>
        <location line="+13"/>
        <source>Code</source>
        <translation>编号</translation>
    </message>
    <message>
        <location line="-22"/>
        <location line="+10"/>
        <location line="+13"/>
        <source>Worker</source>
        <translation>网格员</translation>
    </message>
    <message>
        <location line="-23"/>
        <location line="+4"/>
        <location line="+7"/>
        <source>Town</source>
        <translation>镇（街道）</translation>
    </message>
    <message>
        <location line="-7"/>
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
        <source>Village</source>
        <translation>村（社区）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last check-in</source>
        <translation>最近报平安</translation>
    </message>
    <message>
        <location line="+1"/>
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
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="+4"/>
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
        <location line="+115"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Active {active} of {workers} full-time workers ({ratio:.1f}%), target {target:.1f}%; {n} inactive, {q} data-quality findings</source>
        <translation>专职网格员 {workers} 人，在岗 {active} 人（{ratio:.1f}%），目标 {target:.1f}%；未履职 {n} 人，数据质量问题 {q} 条</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>From {first}: {checked} days with a check-in, {km:.1f} km patrolled, {reports} reports</source>
        <translation>自 {first} 起：报平安 {checked} 天，巡查 {km:.1f} 公里，上报事件 {reports} 件</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Select the workers to remind first.</source>
        <translation>请先选择要提醒的网格员。</translation>
    </message>
    <message numerus="yes">
        <location line="+12"/>
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
</context>
</TS>
