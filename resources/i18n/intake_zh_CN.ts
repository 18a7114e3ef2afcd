<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CategoryPicker</name>
    <message>
        <location filename="../../command_center/views/intake/intake_form.py" line="+190"/>
        <location line="+26"/>
        <source>Search categories, e.g. 噪音</source>
        <translation>搜索分类，如：噪音</translation>
    </message>
    <message>
        <location line="+111"/>
        <source>No category chosen (choose a leaf)</source>
        <translation>未选择分类（请选到第三级）</translation>
    </message>
</context>
<context>
    <name>EditIncidentDialog</name>
    <message>
        <location filename="../../command_center/views/intake/edit_dialog.py" line="+52"/>
        <source>Edit / complete %1</source>
        <translation>编辑/补充 %1</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>longitude, latitude (GCJ-02)</source>
        <translation>经度, 纬度（GCJ-02）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>unchanged (not shown)</source>
        <translation>不变（不显示原值）</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Why — e.g. 来电人补充了具体位置 (recorded)</source>
        <translation>原因，如：来电人补充了具体位置（将记入操作日志）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Category</source>
        <translation>事件分类</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Description</source>
        <translation>诉求内容</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Address</source>
        <translation>事发地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Location</source>
        <translation>坐标</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Priority</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Caller</source>
        <translation>来电人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>The location is two numbers: longitude, latitude.</source>
        <translation>坐标应为两个数：经度, 纬度。</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Say why the incident is changed (it is recorded).</source>
        <translation>请填写编辑原因（将记入操作日志）。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
</context>
<context>
    <name>ImportTableDialog</name>
    <message>
        <location filename="../../command_center/views/intake/import_dialog.py" line="+55"/>
        <source>Import 12345 requests from a table</source>
        <translation>从表格导入12345工单</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>A CSV (UTF-8 or GB18030) or XLSX file</source>
        <translation>CSV（UTF-8 或 GB18030）或 XLSX 文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Read</source>
        <translation>读取</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>First rows of the file</source>
        <translation>文件前几行</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Name for this mapping</source>
        <translation>映射名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save mapping</source>
        <translation>保存映射</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Saved mappings</source>
        <translation>已存映射</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Columns (our field ← their column)</source>
        <translation>列对应（本系统字段 ← 文件列）</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Source (requests already imported from it are skipped)</source>
        <translation>来源（已从该来源导入的工单将跳过）</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Choose a file exported from the hotline.</source>
        <translation>请选择从热线平台导出的文件。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>12345 request table</source>
        <translation>12345工单表格</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tables (*.csv *.xlsx *.txt);;All files (*)</source>
        <translation>表格 (*.csv *.xlsx *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Reading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>(not in the file)</source>
        <translation>（文件中没有）</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+77"/>
        <source>(suggested from the headers)</source>
        <translation>（按表头自动识别）</translation>
    </message>
    <message>
        <location line="-65"/>
        <source>%1 rows, %2. Check the columns, then import.</source>
        <translation>共 %1 行，编码 %2。请核对列对应后导入。</translation>
    </message>
    <message>
        <location line="+69"/>
        <source>Mapping “%1” saved.</source>
        <translation>映射「%1」已保存。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Row %1: %2</source>
        <translation>第%1行：%2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Imported %1, skipped %2.</source>
        <translation>导入 %1 件，跳过 %2 行。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 outside the county</source>
        <translation>%1 件在辖区外</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 without coordinates</source>
        <translation>%1 件无坐标</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Flagged for checking: %1.</source>
        <translation>待核实：%1。</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+3"/>
        <source>Nothing imported: %1</source>
        <translation>未导入任何工单：%1</translation>
    </message>
</context>
<context>
    <name>IntakeFormView</name>
    <message>
        <location filename="../../command_center/views/intake/intake_form.py" line="+70"/>
        <location line="+221"/>
        <source>What is the problem, in a few words</source>
        <translation>简要概括问题</translation>
    </message>
    <message>
        <location line="-217"/>
        <location line="+219"/>
        <source>What the caller says: what, where, since when</source>
        <translation>来电人所述：什么问题、在哪里、从何时开始</translation>
    </message>
    <message>
        <location line="-211"/>
        <location line="+213"/>
        <source>Town, village, landmark — e.g. 洪水镇益民村三社</source>
        <translation>乡镇、村社区、地标，如：洪水镇益民村三社</translation>
    </message>
    <message>
        <location line="-204"/>
        <location line="+205"/>
        <source>longitude, latitude (GCJ-02)</source>
        <translation>经度, 纬度（GCJ-02）</translation>
    </message>
    <message>
        <location line="-204"/>
        <location line="+205"/>
        <source>Pick on map</source>
        <translation>地图选点</translation>
    </message>
    <message>
        <location line="-203"/>
        <location line="+204"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location line="-203"/>
        <location line="+204"/>
        <source>Swap longitude and latitude</source>
        <translation>交换经纬度</translation>
    </message>
    <message>
        <location line="-191"/>
        <location line="+193"/>
        <source>Only if there is no place: why — e.g. 来电人不清楚具体位置</source>
        <translation>仅在没有位置时填写原因，如：来电人不清楚具体位置</translation>
    </message>
    <message>
        <location line="-182"/>
        <location line="+184"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="-456"/>
        <source>1 · Urgent</source>
        <translation>1 · 紧急</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>2 · High</source>
        <translation>2 · 较急</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>3 · Normal</source>
        <translation>3 · 一般</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>4 · Low</source>
        <translation>4 · 不急</translation>
    </message>
    <message>
        <location line="+280"/>
        <location line="+177"/>
        <source>Channel</source>
        <translation>来源渠道</translation>
    </message>
    <message>
        <location line="-176"/>
        <location line="+177"/>
        <source>Category</source>
        <translation>事件分类</translation>
    </message>
    <message>
        <location line="-176"/>
        <location line="+57"/>
        <location line="+120"/>
        <location line="+25"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location line="-201"/>
        <location line="+177"/>
        <source>Description</source>
        <translation>诉求内容</translation>
    </message>
    <message>
        <location line="-176"/>
        <location line="+177"/>
        <source>Address</source>
        <translation>事发地址</translation>
    </message>
    <message>
        <location line="-176"/>
        <location line="+184"/>
        <source>Location</source>
        <translation>坐标</translation>
    </message>
    <message>
        <location line="-183"/>
        <location line="+176"/>
        <source>No location</source>
        <translation>无位置原因</translation>
    </message>
    <message>
        <location line="-175"/>
        <location line="+182"/>
        <source>Caller</source>
        <translation>来电人</translation>
    </message>
    <message>
        <location line="-181"/>
        <location line="+175"/>
        <source>Priority</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <location line="-168"/>
        <location line="+179"/>
        <source>Save (Ctrl+Enter)</source>
        <translation>登记（Ctrl+Enter）</translation>
    </message>
    <message>
        <location line="-176"/>
        <location line="+177"/>
        <source>Clear form</source>
        <translation>清空</translation>
    </message>
    <message>
        <location line="-159"/>
        <location line="+160"/>
        <source>Responsibility (where it will be placed)</source>
        <translation>属地定责（归属网格）</translation>
    </message>
    <message>
        <location line="-154"/>
        <location line="+155"/>
        <source>Routing suggestion</source>
        <translation>派单建议</translation>
    </message>
    <message>
        <location line="-139"/>
        <location line="+145"/>
        <source>Number</source>
        <translation>编号</translation>
    </message>
    <message>
        <location line="-143"/>
        <location line="+145"/>
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <location line="-144"/>
        <location line="+145"/>
        <source>Apart</source>
        <translation>相隔</translation>
    </message>
    <message>
        <location line="-144"/>
        <location line="+145"/>
        <source>Match</source>
        <translation>相似度</translation>
    </message>
    <message>
        <location line="-132"/>
        <location line="+125"/>
        <source>Save and merge into the selected report</source>
        <translation>登记并合并至所选事件</translation>
    </message>
    <message>
        <location line="-122"/>
        <location line="+121"/>
        <source>Possibly the same problem</source>
        <translation>疑似重复反映</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>Type the location as: longitude, latitude</source>
        <translation>坐标格式：经度, 纬度</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>The location “%1” is not a coordinate: type longitude, latitude — e.g. 100.850, 38.472 — or pick it on the map.</source>
        <translation>位置“%1”不是坐标：请按“经度, 纬度”填写（如 100.850, 38.472），或在地图上选取。</translation>
    </message>
    <message>
        <location line="+96"/>
        <source>Type an address or pick the place on the map.</source>
        <translation>请输入事发地址，或在地图上选点。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Choose a category.</source>
        <translation>请选择事件分类。</translation>
    </message>
    <message>
        <location line="+12"/>
        <location line="+250"/>
        <source>Latitude and longitude look swapped: the other way round the point is in the county. Press “Swap longitude and latitude”.</source>
        <translation>经纬度似乎填反了：交换后该点位于本县。请点击“交换经纬度”。</translation>
    </message>
    <message>
        <location line="-241"/>
        <source>The coordinate %1 is not a place on Earth: the longitude comes first (−180 to 180), then the latitude (−90 to 90).</source>
        <translation>坐标 %1 无效：先填经度（−180 至 180），再填纬度（−90 至 90）。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Placed by the point (town › village › grid).</source>
        <translation>按坐标定位（乡镇 › 村社区 › 网格）。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Outside the county — the point is in no grid. Check the location; it will be saved flagged.</source>
        <translation>位置在辖区外——该点不在任何网格内。请核实位置；登记后将标记待核。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>By the address only, no point: pick it on the map if you can.</source>
        <translation>仅按地址定位，无坐标：如可能请在地图上选点。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No usable location — the address names no known place. It will be saved flagged for checking.</source>
        <translation>无可用位置——地址中没有可识别的地名。登记后将标记待核。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No suggestion: choose a category.</source>
        <translation>暂无建议：请先选择事件分类。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No rule or default department for this category.</source>
        <translation>该分类没有派单规则或默认承办部门。</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Learned from past incidents (model v%1):</source>
        <translation>据以往事件学习的建议（模型 v%1）：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Category: %1 (%2)</source>
        <translation>分类：%1（%2）</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+13"/>
        <source>because of: %1</source>
        <translation>依据：%1</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>Department: %1 (%2)</source>
        <translation>承办部门：%1（%2）</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Use the learned category (%1)</source>
        <translation>采用学习建议的分类（%1）</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>%1 m</source>
        <translation>%1 米</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>same village</source>
        <translation>同村</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 h</source>
        <translation>%1 小时</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Words in common: %1</source>
        <translation>文字相同部分：%1</translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source>%n report(s) nearby with similar words in the last days. If it is the same problem, select it and merge: the caller gets its outcome.</source>
        <translation>
            <numerusform>近几天附近有 %n 件内容相近的事件。如是同一问题，请选中后合并：来电人将收到该事件的办理结果。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>None found nearby in the last three days.</source>
        <translation>近三天附近没有相近的事件。</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>a title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a category of the third level</source>
        <translation>三级事件分类</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a description</source>
        <translation>事件描述</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>an address or a point — or, if there is none, why</source>
        <translation>地址或坐标（没有时填写无位置原因）</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Not saved yet — still needed: %1.</source>
        <translation>尚未登记，还须填写：%1。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>The point %1 lies outside %2: it is in none of its grids, and the incident would be saved flagged “outside the county”.

Save it all the same?</source>
        <translation>坐标 %1 位于%2之外：不在任何网格内，事件将标记为“位置在辖区外”登记。

仍要登记吗？</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Outside %1?</source>
        <translation>位于%1之外？</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Save outside the county</source>
        <translation>仍按辖区外登记</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Correct the location</source>
        <translation>修改位置</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Not saved: correct the location, or clear it.</source>
        <translation>未登记：请修改位置，或清除位置。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Saving…</source>
        <translation>正在登记…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Saved as %1 and merged as a repeated report.</source>
        <translation>已登记为 %1，并作为重复反映合并。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Saved as %1 and dispatched automatically to %2 (the learned model agrees with the routing rules, %3). %4</source>
        <translation>已登记为 %1，并已自动派单至 %2（学习模型与派单规则一致，置信度 %3）。%4</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Saved as %1.</source>
        <translation>已登记为 %1。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Automatic dispatch undone: the incident waits to be dispatched.</source>
        <translation>已撤销自动派单，事件待人工派单。</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Not saved: the connection to the database is lost. What you typed is kept — press save again once the connection is back.</source>
        <translation>未登记：与数据库的连接已中断。已填写的内容都保留着，连接恢复后请再按“登记”。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Not saved, because of an error (what you typed is kept): %1</source>
        <translation>出错，未登记（已填写的内容都保留着）：%1</translation>
    </message>
    <message>
        <location line="+168"/>
        <source>Restored the call you had not saved when the program closed (last typed %1). Check it and save it; nothing has been saved yet.</source>
        <translation>已恢复上次程序关闭时未保存的登记（最后填写于 %1）。请核对后按“登记”，目前尚未保存。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>The database cannot be reached: no placement, suggestions or address completion for now. Go on typing — what you type is kept.</source>
        <translation>暂时连不上数据库：暂无属地定责、派单建议和地址提示。请继续填写，已填写的内容会保留。</translation>
    </message>
</context>
</TS>
