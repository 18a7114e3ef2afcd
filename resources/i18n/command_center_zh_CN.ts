<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ActivityTableModel</name>
    <message>
        <location filename="../../command_center/views/activity/activity_table_model.py" line="+32"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>What</source>
        <translation>内容</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Why</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>ActivityView</name>
    <message>
        <location filename="../../command_center/views/activity/activity_view.py" line="+279"/>
        <source>Filter: person, action, reason…</source>
        <translation>筛选：人员、内容、原因…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Duty log</source>
        <translation>值班日志</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Write down what happened on shift. Ctrl+Enter records it.</source>
        <translation>记录值班情况，按 Ctrl+Enter 提交。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Record the entry in the duty log (Ctrl+Enter)</source>
        <translation>记入值班日志（Ctrl+Enter）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Waiting to be sent (sent automatically when the connection is back):</source>
        <translation>待发送（连接恢复后自动发送）：</translation>
    </message>
    <message numerus="yes">
        <location line="+10"/>
        <source>%n entries</source>
        <translation>
            <numerusform>共 %n 条</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 of %2 entries</source>
        <translation>%1 / %2 条</translation>
    </message>
    <message>
        <location line="+88"/>
        <source>Type the entry first.</source>
        <translation>请先输入值班日志内容。</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Recording…</source>
        <translation>正在记录…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Recorded at %1.</source>
        <translation>已于 %1 记录。</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Not sent: the connection is down. The entry is kept below and will be sent automatically when the connection is back.</source>
        <translation>未发送：数据库连接中断。这条记录已保存在下方待发送列表中，连接恢复后自动发送。</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <location filename="../../command_center/views/application.py" line="+221"/>
        <location line="+11"/>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>--user works only on the demo database. Sign in with your password.</source>
        <translation>--user 只能用于演示数据库。请输入密码登录。</translation>
    </message>
</context>
<context>
    <name>AreaTreeModel</name>
    <message>
        <location filename="../../command_center/views/overview/area_tree_model.py" line="+27"/>
        <source>Area</source>
        <translation>区域</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Grids</source>
        <translation>网格</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Grid workers</source>
        <translation>专职网格员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open incidents</source>
        <translation>在办事件</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>County</source>
        <translation>县</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Town</source>
        <translation>镇</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Township</source>
        <translation>乡</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sub-district</source>
        <translation>街道</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Industrial park</source>
        <translation>工业园区</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Village</source>
        <translation>村</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Comprehensive grid</source>
        <translation>综合网格</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dedicated grid</source>
        <translation>专属网格</translation>
    </message>
    <message>
        <location line="+115"/>
        <source>No full-time grid worker is assigned to this grid</source>
        <translation>该网格未配备专职网格员</translation>
    </message>
</context>
<context>
    <name>Attention</name>
    <message>
        <location filename="../../command_center/views/attention.py" line="+194"/>
        <location line="+200"/>
        <source>To do</source>
        <translation>待办</translation>
    </message>
    <message>
        <location line="-190"/>
        <source>Not yet looked at: %1</source>
        <translation>未查看的提醒：%1 条</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Returned and objected orders, urgent calls, calls without a location</source>
        <translation>部门退单和异议、紧急来电、无位置来电</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Nothing new</source>
        <translation>暂无新提醒</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Play a sound</source>
        <translation>提示音</translation>
    </message>
    <message>
        <location line="+60"/>
        <location line="+114"/>
        <source>(+%1 more)</source>
        <translation>（另有 %1 条）</translation>
    </message>
</context>
<context>
    <name>ChangePasswordDialog</name>
    <message>
        <location filename="../../command_center/views/login_dialog.py" line="+401"/>
        <source>Choose a new password</source>
        <translation>设置新密码</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>An administrator set your password. Choose your own before you go on (at least %1 characters).</source>
        <translation>您的密码由管理员设置，请先设置自己的密码（至少 %1 个字符）。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Change password</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Enter your current password, then the new one twice (at least %1 characters).</source>
        <translation>请输入当前密码，再输入两次新密码（至少 %1 个字符）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Current password</source>
        <translation>当前密码(&amp;C)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;New password</source>
        <translation>新密码(&amp;N)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Again</source>
        <translation>再输入一次(&amp;A)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <location line="+13"/>
        <location line="+31"/>
        <source>Cannot reach the database. Try again in a moment.</source>
        <translation>无法连接数据库，请稍后重试。</translation>
    </message>
    <message>
        <location line="-23"/>
        <source>Enter your current password.</source>
        <translation>请输入当前密码。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
</context>
<context>
    <name>FilterPopup</name>
    <message>
        <location filename="../../command_center/views/map/widgets.py" line="+85"/>
        <source>Channels</source>
        <translation>来源渠道</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Categories</source>
        <translation>事件类别</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Statuses</source>
        <translation>办理状态</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
</context>
<context>
    <name>IncidentCardPanel</name>
    <message>
        <location line="+119"/>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reported</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deadline</source>
        <translation>办理时限</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Grid</source>
        <translation>所属网格</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Open details…</source>
        <translation>查看详情…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>This incident no longer exists.</source>
        <translation>该事件已不存在。</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>overdue</source>
        <translation>已超期</translation>
    </message>
</context>
<context>
    <name>LockDialog</name>
    <message>
        <location filename="../../command_center/views/idle_lock.py" line="+90"/>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Locked — %1, enter your password to go on</source>
        <translation>已锁定 —— %1，请输入密码继续</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Cannot reach the database. Try again in a moment.</source>
        <translation>无法连接数据库，请稍后重试。</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../command_center/views/login_dialog.py" line="-281"/>
        <source>Sign in — Command Center</source>
        <translation>登录 — 网格化综治指挥中心</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Grid Governance Command Center</source>
        <translation>网格化综治指挥中心</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose your name and enter your password.</source>
        <translation>请选择您的姓名并输入密码。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enter your login name and your password.</source>
        <translation>请输入登录名和密码。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Login name</source>
        <translation>登录名(&amp;L)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Password</source>
        <translation>密码(&amp;P)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+78"/>
        <source>No user chosen</source>
        <translation>尚未选择用户</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Signing in as %1 (%2)</source>
        <translation>登录身份：%1（%2）</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Enter your login name first.</source>
        <translation>请先输入登录名。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Enter your password.</source>
        <translation>请输入密码。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Cannot reach the database. Try again in a moment.</source>
        <translation>无法连接数据库，请稍后重试。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../command_center/views/areas.py" line="+10"/>
        <source>Map</source>
        <translation>地图</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Incidents</source>
        <translation>事件队列</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Work orders</source>
        <translation>工单队列</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Intake</source>
        <translation>事件登记</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Inbox</source>
        <translation>部门收件箱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Overview</source>
        <translation>总览</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Activity</source>
        <translation>最新动态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Situation board</source>
        <translation>态势</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Supervision</source>
        <translation>督办台账</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Disputes</source>
        <translation>矛盾纠纷</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Grid workers</source>
        <translation>网格员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Analysis</source>
        <translation>研判分析</translation>
    </message>
    <message>
        <location filename="../../command_center/views/main_window.py" line="+493"/>
        <source>Grid Governance Command Center</source>
        <translation>网格化综治指挥中心</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Show %1 (%2)</source>
        <translation>显示%1（%2）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Navigation</source>
        <translation>导航</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import hotline requests (CSV/XLSX)…</source>
        <translation>导入12345来件（CSV/XLSX）…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Working rules…</source>
        <translation>办理规则…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import boundaries (GeoJSON)…</source>
        <translation>导入边界（GeoJSON）…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Boundary review…</source>
        <translation>边界审核…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Accounts…</source>
        <translation>账号管理…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Change password…</source>
        <translation>修改密码…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Wall mode…</source>
        <translation>墙面模式(&amp;W)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Reset layout</source>
        <translation>恢复默认布局(&amp;R)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Database: embedded</source>
        <translation>数据库：内置数据库</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Database: %1</source>
        <translation>数据库：%1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The translation could not be loaded.</source>
        <translation>无法加载该语言的翻译。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>● Connected</source>
        <translation>● 已连接</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>● Connection lost, reconnecting…</source>
        <translation>● 连接中断，正在重连…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>● Connecting…</source>
        <translation>● 连接中…</translation>
    </message>
    <message numerus="yes">
        <location line="+15"/>
        <source>%n duty-log entries waiting to be sent</source>
        <translation>
            <numerusform>%n 条值班日志待发送</numerusform>
        </translation>
    </message>
    <message>
        <location line="+60"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location line="+138"/>
        <source>Area filter cleared</source>
        <translation>已清除区域筛选</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The queues show only the area drawn on the map</source>
        <translation>队列只显示地图上圈选的区域</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>The queue shows the records behind the figure</source>
        <translation>队列已显示该数字背后的记录</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The map shows the analysis&apos;s range as incidents per grid</source>
        <translation>地图按网格显示研判所选时段的事件数</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Click the place on the map (Esc cancels)</source>
        <translation>请在地图上点选位置（Esc 取消）</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Open311 polling: %1</source>
        <translation>12345来件轮询：%1</translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>%n new request(s) fetched from the hotline</source>
        <translation>
            <numerusform>已从12345热线获取 %n 件新来件</numerusform>
        </translation>
    </message>
    <message>
        <location line="+57"/>
        <source>Your password was changed.</source>
        <translation>密码已修改。</translation>
    </message>
    <message>
        <location line="+62"/>
        <location line="+10"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>The intake form holds a call that has not been saved.</source>
        <translation>事件登记表中还有未保存的内容。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>What was typed is kept on this workstation and will be back in the form at the next start.</source>
        <translation>已填写的内容保存在本机，下次启动时会重新填入登记表。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Keep working</source>
        <translation>继续工作</translation>
    </message>
</context>
<context>
    <name>MapView</name>
    <message>
        <location filename="../../command_center/views/map/map_view.py" line="+72"/>
        <source>All open</source>
        <translation>全部在办</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 24 hours</source>
        <translation>近24小时</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 7 days</source>
        <translation>近7天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 30 days</source>
        <translation>近30天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>From … to …</source>
        <translation>自定义日期…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Towns</source>
        <translation>乡镇</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Villages</source>
        <translation>村（社区）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Grids</source>
        <translation>网格</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Incidents</source>
        <translation>事件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Density (heat)</source>
        <translation>密度（热力图）</translation>
    </message>
    <message>
        <location filename="../../command_center/views/map/layers.py" line="+28"/>
        <location filename="../../command_center/views/map/map_view.py" line="+1"/>
        <source>Incidents per grid</source>
        <translation>各网格事件数</translation>
    </message>
    <message>
        <location filename="../../command_center/views/map/map_view.py" line="+1"/>
        <source>Grid workers (last check-in)</source>
        <translation>网格员（最近签到位置）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cameras</source>
        <translation>视频监控</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open disputes by risk</source>
        <translation>在办矛盾纠纷（按风险）</translation>
    </message>
    <message>
        <location filename="../../command_center/views/map/layers.py" line="-8"/>
        <source>low risk</source>
        <translation>低风险</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>medium risk</source>
        <translation>中风险</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>high risk</source>
        <translation>高风险</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>major risk</source>
        <translation>重大风险</translation>
    </message>
    <message>
        <location filename="../../command_center/views/map/map_view.py" line="+117"/>
        <source>Incident density</source>
        <translation>事件密度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>low</source>
        <translation>低</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>high</source>
        <translation>高</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Legend</source>
        <translation>图例</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>larger: more urgent</source>
        <translation>越大越紧急</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>red rim: overdue incident</source>
        <translation>红边：超期事件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>incidents in this spot</source>
        <translation>此处事件数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>≥%1 overdue and ≥%2 of them</source>
        <translation>超期≥%1件且占≥%2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>half or more overdue</source>
        <translation>半数以上超期</translation>
    </message>
    <message>
        <location line="+115"/>
        <source>Whole county</source>
        <translation>全县</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>⌂ County</source>
        <translation>⌂ 全县</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show the whole county again</source>
        <translation>回到全县视图</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Draw area</source>
        <translation>圈选区域</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Draw a lasso around an area; Shift+drag draws a rectangle</source>
        <translation>拖动鼠标圈出一片区域；按住 Shift 拖动可框选矩形</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This area only</source>
        <translation>仅看此区域</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show the whole map again</source>
        <translation>恢复显示全部区域</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save this view for the wall…</source>
        <translation>保存当前视图（用于墙面轮播）…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Base layer (tiles)…</source>
        <translation>底图（瓦片）设置…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>From (reported on or after)</source>
        <translation>起始日期（含当日上报）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To (reported on or before)</source>
        <translation>截止日期（含当日上报）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No location: %1</source>
        <translation>无位置事件：%1</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Channels</source>
        <translation>渠道</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Categories</source>
        <translation>类别</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Statuses</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>overdue only</source>
        <translation>仅超期</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Filter: %1</source>
        <translation>筛选：%1</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Filter…</source>
        <translation>筛选…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Channels, categories, statuses</source>
        <translation>按渠道、类别、状态筛选</translation>
    </message>
    <message>
        <location line="+132"/>
        <source>New today</source>
        <translation>今日新增</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open</source>
        <translation>在办</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resolved today</source>
        <translation>今日办结</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Grid workers active (30 days)</source>
        <translation>网格员活跃率（近30天）</translation>
    </message>
    <message>
        <location line="+247"/>
        <source>Boundaries left off the map:</source>
        <translation>以下边界数据有误，未在地图上显示：</translation>
    </message>
    <message>
        <location filename="../../command_center/views/map/layers.py" line="+9"/>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>checked in %1 min ago</source>
        <translation>%1 分钟前签到</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>checked in %1 h ago</source>
        <translation>%1 小时前签到</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>checked in %1 days ago</source>
        <translation>%1 天前签到</translation>
    </message>
    <message>
        <location filename="../../command_center/views/map/map_view.py" line="+207"/>
        <source>Save this view</source>
        <translation>保存当前视图</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Name of the view (shown on the wall):</source>
        <translation>视图名称（墙面上显示）：</translation>
    </message>
</context>
<context>
    <name>OverviewView</name>
    <message>
        <location filename="../../command_center/views/overview/overview_view.py" line="+65"/>
        <source>Towns</source>
        <translation>乡镇（街道）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>towns and sub-districts</source>
        <translation>乡镇、街道、园区</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Villages</source>
        <translation>村（社区）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>villages and communities</source>
        <translation>行政村和社区</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Grids</source>
        <translation>网格</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Micro-grids</source>
        <translation>微网格</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Grid workers</source>
        <translation>专职网格员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>full-time</source>
        <translation>专职</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Active workers</source>
        <translation>网格员活跃率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>checked in within %1 days</source>
        <translation>近 %1 天有报平安</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open work orders</source>
        <translation>在办工单</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Incidents today</source>
        <translation>今日事件</translation>
    </message>
    <message>
        <location line="+133"/>
        <source>Find a town, village or grid…</source>
        <translation>查找乡镇、村（社区）或网格…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Not updated: the database cannot be reached</source>
        <translation>未能更新：无法连接数据库</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>%1 / %2 checked in, %3 days</source>
        <translation>%1/%2人，近%3天</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Updated %1</source>
        <translation>更新于 %1</translation>
    </message>
</context>
<context>
    <name>Role</name>
    <message>
        <location filename="../../command_center/views/login_dialog.py" line="-269"/>
        <source>Duty operator</source>
        <translation>值班员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Supervisor</source>
        <translation>督办员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Department handler</source>
        <translation>部门承办人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Analyst</source>
        <translation>研判分析员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Administrator</source>
        <translation>系统管理员</translation>
    </message>
</context>
<context>
    <name>TableExport</name>
    <message>
        <location filename="../../command_center/views/table_export.py" line="+29"/>
        <source>Export to Excel/CSV…</source>
        <translation>导出为 Excel/CSV…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export the table</source>
        <translation>导出表格</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Exporting %1…</source>
        <translation>正在导出 %1…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Exported %1 rows to %2</source>
        <translation>已导出 %1 行到 %2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Exporting %1… %2 rows</source>
        <translation>正在导出 %1… 已写 %2 行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export cancelled</source>
        <translation>已取消导出，未留下文件</translation>
    </message>
</context>
<context>
    <name>TileSettingsDialog</name>
    <message>
        <location filename="../../command_center/views/map/widgets.py" line="+32"/>
        <source>Map base layer</source>
        <translation>地图底图</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Leave the address empty for no tiles (the county&apos;s boundaries on a plain background). Tianditu tiles are WGS-84; stored coordinates are GCJ-02 and are converted.</source>
        <translation>地址留空则不加载底图（在纯色背景上显示本县边界）。天地图瓦片为 WGS-84 坐标系；系统存储的坐标为 GCJ-02，将自动换算。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Tile URL</source>
        <translation>瓦片地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Datum of the tiles</source>
        <translation>瓦片坐标系</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Attribution</source>
        <translation>版权说明</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Maximum zoom</source>
        <translation>最大缩放级别</translation>
    </message>
</context>
<context>
    <name>WallBoardView</name>
    <message>
        <location filename="../../command_center/views/overview/wall_board.py" line="+358"/>
        <source>New today</source>
        <translation>今日新增</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resolved today</source>
        <translation>今日办结</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open</source>
        <translation>在办</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Overdue incidents</source>
        <translation>超期事件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Overdue work orders</source>
        <translation>超期工单</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Checked in today</source>
        <translation>今日报到</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Today, hour by hour</source>
        <translation>今日事件流（按小时）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>new</source>
        <translation>新增</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>resolved</source>
        <translation>办结</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Newest urgent calls</source>
        <translation>最新紧急来电</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No urgent calls</source>
        <translation>暂无紧急来电</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Overdue work orders by department</source>
        <translation>超期工单 · 按部门</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+2"/>
        <source>Nothing overdue</source>
        <translation>无超期</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Overdue incidents by town</source>
        <translation>超期事件 · 按乡镇</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Alerts</source>
        <translation>告警</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No alerts</source>
        <translation>暂无告警</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Grid workers today</source>
        <translation>网格员今日动态</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Not updated: the database cannot be reached</source>
        <translation>未能更新：无法连接数据库</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Checked in today (of %1)</source>
        <translation>今日报到（共%1人）</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>(not placed)</source>
        <translation>（未落位）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Supervision</source>
        <translation>督办</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Returned</source>
        <translation>退单</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Objection</source>
        <translation>异议</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>High-risk dispute</source>
        <translation>高风险纠纷</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Checked in: %1 of %2</source>
        <translation>今日报到：%1 / %2 人</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Patrols: %1</source>
        <translation>巡查：%1 次</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Findings on patrol: %1</source>
        <translation>巡查发现：%1 件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reported by grid workers: %1</source>
        <translation>网格员上报：%1 件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Active in 30 days: %1</source>
        <translation>近30天活跃率：%1</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Updated %1</source>
        <translation>更新于 %1</translation>
    </message>
</context>
<context>
    <name>WallModeDialog</name>
    <message>
        <location filename="../../command_center/views/wall.py" line="+122"/>
        <source>Wall mode</source>
        <translation>墙面模式</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Each chosen view fills one screen. Screens found: %1. With more views than screens, a screen shows its views in turn. Esc leaves wall mode.</source>
        <translation>每个选中的视图占满一块屏幕。检测到 %1 块屏幕。视图多于屏幕时，同一屏幕轮流显示其视图。按 Esc 退出墙面模式。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Start wall mode</source>
        <translation>进入墙面模式</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>WallWindow</name>
    <message>
        <location line="+124"/>
        <source>Esc: leave wall mode</source>
        <translation>按 Esc 退出墙面模式</translation>
    </message>
</context>
</TS>
