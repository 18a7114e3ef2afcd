<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>DepartmentInboxView</name>
    <message>
        <location filename="../../command_center/views/queue/inbox_view.py" line="+88"/>
        <source>Department inbox — %1</source>
        <translation>部门收件箱 —— %1</translation>
    </message>
</context>
<context>
    <name>DetailsPanel</name>
    <message>
        <location filename="../../command_center/views/queue/details_panel.py" line="+230"/>
        <location line="+445"/>
        <source>Work orders</source>
        <translation>工单</translation>
    </message>
    <message>
        <location line="-444"/>
        <location line="+16"/>
        <location line="+445"/>
        <source>Progress</source>
        <translation>办理进展</translation>
    </message>
    <message>
        <location line="-460"/>
        <location line="+473"/>
        <source>History</source>
        <translation>处理记录</translation>
    </message>
    <message>
        <location line="-470"/>
        <location line="+10"/>
        <source>Order</source>
        <translation>工单</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>Department</source>
        <translation>承办部门</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+146"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="-145"/>
        <source>Dispatched</source>
        <translation>派单时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Time limit</source>
        <translation>办理时限</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+8"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="-6"/>
        <location line="+6"/>
        <source>Who</source>
        <translation>人员</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>What</source>
        <translation>内容</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Why</source>
        <translation>理由</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Select a row to see its details.</source>
        <translation>选择一行查看详情。</translation>
    </message>
    <message>
        <location line="+71"/>
        <source>objected</source>
        <translation>提出异议</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>returned the order</source>
        <translation>退回工单</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 %2 (%3): %4</source>
        <translation>%1%2（%3）：%4</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Suggests: %1</source>
        <translation>建议派给：%1</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Work order</source>
        <translation>工单</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Category</source>
        <translation>分类</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Place</source>
        <translation>位置</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Channel</source>
        <translation>来源</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Reported</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+4"/>
        <source>Due</source>
        <translation>办理期限</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>Objection until</source>
        <translation>异议截止</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+6"/>
        <source>Reporter</source>
        <translation>反映人</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>Show in full</source>
        <translation>查看完整</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>waiting for an answer, due %1</source>
        <translation>等待答复，期限 %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Answer</source>
        <translation>答复</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Dispute case</source>
        <translation>纠纷案件</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Supervision</source>
        <translation>督办</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>not approved: the public sees only the category</source>
        <translation>未审定：公众只看到分类名称</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Public</source>
        <translation>公开摘要</translation>
    </message>
    <message>
        <location line="+90"/>
        <source>Edit / complete…</source>
        <translation>编辑/补充…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Supervise…</source>
        <translation>督办…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Take in as a dispute…</source>
        <translation>转为矛盾纠纷…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Public summary…</source>
        <translation>公开摘要…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>What the public Open311 list shows of this incident (never the caller&apos;s own words unless approved here)</source>
        <translation>对外公开（Open311 公开列表）显示的内容；未经此处审定，绝不公开来电人原话</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Incident</source>
        <translation>事件</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Work order %1 (%2)</source>
        <translation>工单 %1（%2）</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No action is open for this one now.</source>
        <translation>当前没有可进行的操作。</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>Double-click to open the photo</source>
        <translation>双击打开照片</translation>
    </message>
</context>
<context>
    <name>PhotoDialog</name>
    <message>
        <location filename="../../command_center/views/queue/queue_view.py" line="+1274"/>
        <source>This file cannot be shown as a picture.</source>
        <translation>此文件无法作为图片显示。</translation>
    </message>
</context>
<context>
    <name>QueueActions</name>
    <message>
        <location filename="../../command_center/views/queue/actions.py" line="+54"/>
        <location line="+13"/>
        <source>The row has been read again and shows the current state.</source>
        <translation>已重新读取，显示的是当前状态。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The action failed: %1</source>
        <translation>操作失败：%1</translation>
    </message>
    <message>
        <location filename="../../command_center/views/queue/action_dialogs.py" line="+61"/>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>Reports nearby and close in time that may be the same problem. This report joins the one chosen; its reporter will receive that report&apos;s outcome.</source>
        <translation>附近、时间相近、可能反映同一问题的事件。本件将并入所选事件，反映人将收到该事件的办理结果。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No report nearby and close in time looks like the same problem.</source>
        <translation>附近近期没有疑似反映同一问题的事件。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Number</source>
        <translation>编号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Apart</source>
        <translation>相隔</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Match</source>
        <translation>相似度</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Reason (default: the same problem)</source>
        <translation>合并理由（默认：重复反映）</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Choose a report.</source>
        <translation>请选择一件事件。</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Confirmed</source>
        <translation>核查通过</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not done: send back</source>
        <translation>未办好，退回重办</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Satisfaction:</source>
        <translation>满意度：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Very dissatisfied</source>
        <translation>很不满意</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dissatisfied</source>
        <translation>不满意</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Neutral</source>
        <translation>基本满意</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Satisfied</source>
        <translation>满意</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Very satisfied</source>
        <translation>非常满意</translation>
    </message>
    <message>
        <location line="-166"/>
        <source>Start from a template…</source>
        <translation>从模板开始…</translation>
    </message>
    <message>
        <location line="+177"/>
        <source>Could not reach the reporter (recorded; not closed)</source>
        <translation>未联系上反映人（记录本次回访，不归档）</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Visit made:</source>
        <translation>回访方式：</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>It belongs to (optional):</source>
        <translation>应由哪个部门办理（可不填）：</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Not sure</source>
        <translation>不确定</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>No result was reported in writing.</source>
        <translation>部门未填写办理结果。</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>No photos.</source>
        <translation>没有照片。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Choose whether the result is confirmed or sent back.</source>
        <translation>请选择核查通过，或未办好退回重办。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Choose the reporter&apos;s rating, or that the reporter could not be reached.</source>
        <translation>请选择反映人的满意度，或选择“未联系上”。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Please write it first.</source>
        <translation>请先填写内容。</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Dispatch again</source>
        <translation>二次派送</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Dispatch</source>
        <translation>派单</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Dispatch %1 incidents to:</source>
        <translation>将 %1 件事件派给：</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The same department</source>
        <translation>原承办部门</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Suggested: %1 — %2</source>
        <translation>建议派给：%1 —— %2</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No suggestion: the selected incidents are of different categories.</source>
        <translation>所选事件分类不同，无派单建议。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No routing rule matches; choose the department.</source>
        <translation>没有匹配的派单规则，请选择承办部门。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Learned from past incidents: %1 (%2), because of: %3. %4 takes it.</source>
        <translation>据以往事件学习的建议：%1（%2），依据：%3。按 %4 采用。</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Joint handling with (optional):</source>
        <translation>联办部门（可选）：</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Note (optional)</source>
        <translation>备注（可选）</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Please give the reason.</source>
        <translation>请填写理由。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Choose a department.</source>
        <translation>请选择承办部门。</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Resolve</source>
        <translation>办结</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Report progress</source>
        <translation>反馈进展</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The result (photos of the work done help the verification):</source>
        <translation>办理结果（附上处理后的照片便于核查）：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>What has been done so far:</source>
        <translation>目前办理情况：</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Add photos…</source>
        <translation>添加照片…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Choose photos</source>
        <translation>选择照片</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Images (*.jpg *.jpeg *.png *.bmp *.gif *.webp)</source>
        <translation>图片 (*.jpg *.jpeg *.png *.bmp *.gif *.webp)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>At most %1 photos per report.</source>
        <translation>每次最多上传 %1 张照片。</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Please write the result.</source>
        <translation>请填写办理结果。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Please describe the progress.</source>
        <translation>请填写办理进展。</translation>
    </message>
    <message>
        <location filename="../../command_center/views/queue/actions.py" line="+8"/>
        <source>How was it resolved?</source>
        <translation>处置结果：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Why is it not a matter for the center? (the reporter is told)</source>
        <translation>不予受理的理由（将告知反映人）：</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+14"/>
        <source>Verification note:</source>
        <translation>核查意见：</translation>
    </message>
    <message>
        <location line="-13"/>
        <source>What the reporter said (not reached: what was tried):</source>
        <translation>反映人意见（未联系上时填写联系情况）：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Why is it reopened?</source>
        <translation>重新办理的理由：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The answer to the reporter:</source>
        <translation>答复反映人的内容：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Why is the automatic dispatch taken back? (the orders are cancelled)</source>
        <translation>为什么撤销自动派单？（工单将被撤销）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Why is this not your department&apos;s matter?</source>
        <translation>异议理由（为何不属于本部门职责）：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Why is the order returned?</source>
        <translation>退单理由：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The result:</source>
        <translation>办理结果：</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Note:</source>
        <translation>备注：</translation>
    </message>
</context>
<context>
    <name>QueueStatus</name>
    <message>
        <location filename="../../command_center/views/queue/queue_model.py" line="+49"/>
        <source>Urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>High</source>
        <translation>较急</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Normal</source>
        <translation>一般</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Low</source>
        <translation>较缓</translation>
    </message>
</context>
<context>
    <name>QueueTableModel</name>
    <message>
        <location line="+44"/>
        <source>%1 d %2 h</source>
        <translation>%1天%2小时</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 h %2 min</source>
        <translation>%1小时%2分</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 min</source>
        <translation>%1分钟</translation>
    </message>
    <message>
        <location line="-36"/>
        <source>%1 overdue</source>
        <translation>超期%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 left</source>
        <translation>剩%1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>objection: %1 left</source>
        <translation>异议期剩%1</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Number</source>
        <translation>事件编号</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+12"/>
        <source>Time limit</source>
        <translation>办理时限</translation>
    </message>
    <message>
        <location line="-11"/>
        <location line="+13"/>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <location line="-12"/>
        <location line="+13"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="-12"/>
        <location line="+13"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location line="-12"/>
        <location line="+13"/>
        <source>Category</source>
        <translation>分类</translation>
    </message>
    <message>
        <location line="-12"/>
        <location line="+13"/>
        <source>Town / grid</source>
        <translation>乡镇 · 网格</translation>
    </message>
    <message>
        <location line="-12"/>
        <source>Channel</source>
        <translation>来源</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reported</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+12"/>
        <source>Reporter</source>
        <translation>反映人答复</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>Order</source>
        <translation>工单编号</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Department</source>
        <translation>承办部门</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Dispatched</source>
        <translation>派单时间</translation>
    </message>
    <message>
        <location line="+231"/>
        <location filename="../../command_center/views/queue/queue_view.py" line="-810"/>
        <source>Answer overdue</source>
        <translation>答复超期</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../../command_center/views/queue/queue_view.py" line="+1"/>
        <source>Awaiting answer</source>
        <translation>待答复</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Changed: no longer matches the filter. Refresh to remove it.</source>
        <translation>已变更，不再符合筛选条件。刷新后移出列表。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Due %1</source>
        <translation>期限 %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1% of the allowed time used</source>
        <translation>已用时限的 %1%</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The reporter is waiting for an answer, due %1</source>
        <translation>反映人等待答复，答复期限 %1</translation>
    </message>
</context>
<context>
    <name>QueueView</name>
    <message>
        <location filename="../../command_center/views/queue/queue_view.py" line="-292"/>
        <source>Open</source>
        <translation>未办结</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Returned or objected</source>
        <translation>被退回/有异议</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location line="+226"/>
        <source>Overdue only</source>
        <translation>只看超期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reporter waiting</source>
        <translation>待答复反映人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Search number, title, address…</source>
        <translation>搜索编号、标题、地址…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Go to number (SJ…/GD…)</source>
        <translation>跳转到编号（SJ…/GD…）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Saved filters</source>
        <translation>常用筛选</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Accept selected</source>
        <translation>批量受理</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sign for selected</source>
        <translation>批量签收</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Dispatch selected…</source>
        <translation>批量派单…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Answer with a template…</source>
        <translation>按模板答复…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Clear the filters and show it</source>
        <translation>清除筛选并显示</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Clear all filters</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Back to what the queue shows when it opens: everything still open</source>
        <translation>回到队列打开时的样子：所有未办结的</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>↑ Show earlier rows</source>
        <translation>↑ 显示前面的记录</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Area on the map ✕</source>
        <translation>地图圈选区域 ✕</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Only incidents inside the area drawn on the map. Click to remove.</source>
        <translation>只显示地图上圈选区域内的事件。点击取消。</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>All priorities</source>
        <translation>全部优先级</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>By time limit</source>
        <translation>按办理时限</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Newest first</source>
        <translation>最新上报在前</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Newest dispatch first</source>
        <translation>最新派单在前</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>By priority</source>
        <translation>按优先级</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>All channels</source>
        <translation>全部来源</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>All categories</source>
        <translation>全部分类</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>All towns</source>
        <translation>全部乡镇</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>All departments</source>
        <translation>全部部门</translation>
    </message>
    <message>
        <location line="+124"/>
        <source>Save current filter as…</source>
        <translation>将当前筛选另存为…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Default filter</source>
        <translation>默认筛选</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Save filter</source>
        <translation>保存筛选</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>%1 selected</source>
        <translation>已选 %1 条</translation>
    </message>
    <message>
        <location line="+98"/>
        <source>This incident is not in the current list (check the filter); its details are shown.</source>
        <translation>此事件不在当前列表中（请检查筛选条件），已显示其详情。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No incident or order has the number %1.</source>
        <translation>没有编号为 %1 的事件或工单。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 exists but is not in the current list (the filter hides it).</source>
        <translation>%1 存在，但不在当前列表中（被筛选条件隐藏）。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>%1 in all</source>
        <translation>共 %1 条</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>about %1</source>
        <translation>约 %1 条</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>An estimate: more than %1 rows match, which are not counted one by one.</source>
        <translation>估算值：符合条件的超过 %1 条，不逐条计数。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 new or changed rows match the filter — click to refresh</source>
        <translation>有 %1 条新增或变更的记录符合筛选条件 —— 点击刷新</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Could not read the queue: %1</source>
        <translation>无法读取队列：%1</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>The photo is no longer there.</source>
        <translation>照片已不存在。</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Public summary</source>
        <translation>公开摘要</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>What the public Open311 list shows of this incident. Leave out names, phone numbers and flat numbers; empty: the public sees only the category.</source>
        <translation>对外公开列表显示的事件摘要。请勿写入姓名、电话和门牌号；留空则公众只看到分类名称。</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Saved; the change is in the incident&apos;s history.</source>
        <translation>已保存，改动已记入事件的处理记录。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Show the reporter in full</source>
        <translation>查看反映人完整信息</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Why? (recorded in the audit log)</source>
        <translation>查看原因（将记入操作日志）：</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Nothing is selected: select the rows first (the selection is cleared when the list is read again).</source>
        <translation>未选中任何行：请先选择（列表重新读取后选择会清空）。</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>Working…</source>
        <translation>正在处理…</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Not known whether it went through: %1</source>
        <translation>不确定是否已完成：%1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Not done (%1): %2</source>
        <translation>未完成（%1 件）：%2</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>%1: the reporter could not be reached. The attempt is recorded; the incident stays open for another visit.</source>
        <translation>%1：未联系上反映人。本次回访已记录，事件保持待回访，请再次回访。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1: done for %2.</source>
        <translation>%1：%2 已完成。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1: done for %2 of %3.</source>
        <translation>%1：%3 件中已完成 %2 件。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>… and %1 more</source>
        <translation>…… 另有 %1 条</translation>
    </message>
</context>
</TS>
