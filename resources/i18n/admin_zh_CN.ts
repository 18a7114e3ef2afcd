<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BoundaryImportDialog</name>
    <message>
        <location filename="../../command_center/views/admin/boundaries_dialog.py" line="+253"/>
        <source>County (a new deployment&apos;s outline)</source>
        <translation>县（新部署的县域轮廓）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Towns and sub-districts</source>
        <translation>乡镇（街道）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Villages and communities</source>
        <translation>村（社区）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Grids</source>
        <translation>网格</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Micro-grids</source>
        <translation>微网格</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Import boundaries</source>
        <translation>导入边界</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Choose file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>As the file declares</source>
        <translation>按文件声明</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>GCJ-02 (Amap, DataV)</source>
        <translation>GCJ-02（高德、DataV）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>WGS-84 (GPS, Tianditu, CGCS2000)</source>
        <translation>WGS-84（GPS、天地图、CGCS2000）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>e.g. 洪水镇 or 洪水镇/益民村; empty: each area&apos;s own parent/上级</source>
        <translation>如 洪水镇 或 洪水镇/益民村；留空：按各区域的“上级”属性</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Coordinates</source>
        <translation>坐标系</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Under</source>
        <translation>上级</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Level</source>
        <translation>层级</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Submit for review</source>
        <translation>提交审核</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Boundary file</source>
        <translation>边界文件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>GeoJSON (*.geojson *.json);;All (*)</source>
        <translation>GeoJSON (*.geojson *.json);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The file cannot be read: %1</source>
        <translation>文件无法读取：%1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>%1 area(s) to import, %2 finding(s), %3 area(s) left out</source>
        <translation>将导入%1个区域，发现问题%2条，%3个区域未导入</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Draft #%1 submitted: the county center reviews it.</source>
        <translation>草稿 #%1 已提交，待县综治中心审核。</translation>
    </message>
</context>
<context>
    <name>BoundaryReviewDialog</name>
    <message>
        <location line="+8"/>
        <source>Awaiting review</source>
        <translation>待审核</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Approved</source>
        <translation>已批准</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rejected</source>
        <translation>已退回</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Boundary review</source>
        <translation>边界审核</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No.</source>
        <translation>编号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Areas</source>
        <translation>区域数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Findings</source>
        <translation>问题数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Drafted by</source>
        <translation>起草人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Approve</source>
        <translation>批准</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reject…</source>
        <translation>退回…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Only the county center&apos;s administrator approves boundary changes.</source>
        <translation>边界变更由县综治中心的系统管理员审核。</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Reject draft</source>
        <translation>退回草稿</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Why is it rejected? The drafter reads this.</source>
        <translation>退回理由（起草人会看到）：</translation>
    </message>
</context>
<context>
    <name>DeadlineRuleForm</name>
    <message>
        <location filename="../../command_center/views/admin/rules_dialog.py" line="+181"/>
        <source>Deadline rule</source>
        <translation>办理时限规则</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All categories</source>
        <translation>全部分类</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Any priority</source>
        <translation>任意优先级</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1 urgent</source>
        <translation>1 紧急</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>working days</source>
        <translation>个工作日</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>office hours</source>
        <translation>个工作小时</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Category</source>
        <translation>分类</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Time allowed</source>
        <translation>办理时限</translation>
    </message>
</context>
<context>
    <name>FindingsPanel</name>
    <message>
        <location filename="../../command_center/views/admin/boundaries_dialog.py" line="-343"/>
        <source>Findings (select one to see it on the map)</source>
        <translation>发现的问题（选中一条即在图上标出）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Green: new areas; blue: new lines of existing areas (dashed: today&apos;s); grey: neighbours that stay; dark outline: the parent. ✖ left out of the import, ⚠ imported, for the reviewer to judge.</source>
        <translation>绿色：新区域；蓝色：已有区域的新边界（虚线为现行边界）；灰色：保持不变的相邻区域；深色轮廓：上级区域。✖ 未导入，⚠ 已导入、由审核人判断。</translation>
    </message>
</context>
<context>
    <name>NewAccountForm</name>
    <message>
        <location filename="../../command_center/views/admin/users_dialog.py" line="+203"/>
        <source>New account</source>
        <translation>新建账号</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>a–z, 0–9 and _, starting with a letter</source>
        <translation>小写字母、数字或下划线，以字母开头</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Login name</source>
        <translation>登录名(&amp;L)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Name</source>
        <translation>姓名(&amp;N)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Initial &amp;password</source>
        <translation>初始密码(&amp;P)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Again</source>
        <translation>再输入一次(&amp;A)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>At least %1 characters. The user chooses a new password at the first sign-in.</source>
        <translation>至少 %1 个字符。用户首次登录时须设置自己的密码。</translation>
    </message>
</context>
<context>
    <name>PasswordForm</name>
    <message>
        <location line="+41"/>
        <source>Reset password</source>
        <translation>重设密码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Account</source>
        <translation>账号</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>New &amp;password</source>
        <translation>新密码(&amp;P)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Again</source>
        <translation>再输入一次(&amp;A)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>At least %1 characters. The user chooses a new password at the next sign-in; a locked account is unlocked.</source>
        <translation>至少 %1 个字符。用户下次登录时须设置自己的密码；已锁定的账号随之解锁。</translation>
    </message>
</context>
<context>
    <name>RoleForm</name>
    <message>
        <location line="-21"/>
        <source>Role and department</source>
        <translation>角色和部门</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Account</source>
        <translation>账号</translation>
    </message>
</context>
<context>
    <name>RoutingRuleForm</name>
    <message>
        <location filename="../../command_center/views/admin/rules_dialog.py" line="-69"/>
        <source>Routing rule</source>
        <translation>派单规则</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Whole county</source>
        <translation>全县</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Why (shown to the operator with the suggestion)</source>
        <translation>理由（派单建议中向值班员显示）</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Category</source>
        <translation>分类</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Town</source>
        <translation>乡镇</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Department</source>
        <translation>承办部门</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Note</source>
        <translation>说明</translation>
    </message>
</context>
<context>
    <name>RulesDialog</name>
    <message>
        <location line="-106"/>
        <source>Objection window</source>
        <translation>异议期限</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>hours</source>
        <translation>小时</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Reopening allowed for</source>
        <translation>归档后可重新办理</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>days after closure</source>
        <translation>天内</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Answer the reporter within</source>
        <translation>答复反映人时限</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+377"/>
        <source>working days</source>
        <translation>个工作日</translation>
    </message>
    <message>
        <location line="-371"/>
        <source>Dispatches before escalation</source>
        <translation>提请督办前最多派送</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>rounds</source>
        <translation>次</translation>
    </message>
    <message>
        <location line="+161"/>
        <source>Working rules</source>
        <translation>办理规则</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+3"/>
        <location line="+86"/>
        <location line="+29"/>
        <source>Category</source>
        <translation>分类</translation>
    </message>
    <message>
        <location line="-118"/>
        <source>Town</source>
        <translation>乡镇</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Department</source>
        <translation>承办部门</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Note</source>
        <translation>说明</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Time allowed</source>
        <translation>办理时限</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Routing</source>
        <translation>派单规则</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Deadlines</source>
        <translation>办理时限</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Save settings</source>
        <translation>保存设置</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Orders</source>
        <translation>工单设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Smart dispatch</source>
        <translation>智能派单</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Supervision</source>
        <translation>督办</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+331"/>
        <source>Only an administrator can change the working rules.</source>
        <translation>只有系统管理员可以修改办理规则。</translation>
    </message>
    <message>
        <location line="-313"/>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Trained</source>
        <translation>训练时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>By</source>
        <translation>训练人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Incidents</source>
        <translation>事件数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Category macro-F1</source>
        <translation>分类 macro-F1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Department macro-F1</source>
        <translation>部门 macro-F1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>In use</source>
        <translation>在用</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Learn from closed incidents now</source>
        <translation>立即从已办结事件学习</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Use the selected version</source>
        <translation>启用所选版本</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Dispatch automatically from</source>
        <translation>自动派单置信度不低于</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>never</source>
        <translation>从不</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Suggestions taken and overridden, per category</source>
        <translation>各分类建议的采纳与改派情况</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Suggested</source>
        <translation>建议内容</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Suggestions</source>
        <translation>建议次数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Taken</source>
        <translation>采纳</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Overridden</source>
        <translation>改选</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Taken %</source>
        <translation>采纳率</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Yellow and red cards: working days past the order&apos;s deadline (red more than yellow, yellow more than 0). A category&apos;s own limits come before its unit kind&apos;s.</source>
        <translation>黄牌、红牌：超过工单办理时限的工作日数（红牌须大于黄牌，黄牌须大于0）。分类自己的时限优先于单位类别的时限。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Unit kind</source>
        <translation>单位类别</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Yellow card</source>
        <translation>黄牌</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Red card</source>
        <translation>红牌</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Add a category&apos;s limits</source>
        <translation>添加分类时限</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>not counted per orders</source>
        <translation>不折算</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Count points per this many orders due</source>
        <translation>每多少件到期工单折算</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Credit adds at most</source>
        <translation>加分上限</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Monthly score: every unit starts at 100. The points per order count per the number of orders due set below (a unit with fewer counts them whole; 0: whole), credit is capped, points given by hand count whole, and no score falls below 0. A locked month keeps the scale it was locked with.</source>
        <translation>月度考核：各单位基础分100分。各规则分值按下方设定的到期工单数折算（不足该数按实际分值计；设为0则不折算），加分封顶，人工调整分值全额计入，扣完为止（最低0分）。已锁定的月份保留锁定时的折算设置。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Save supervision rules</source>
        <translation>保存督办规则</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Default</source>
        <translation>默认</translation>
    </message>
    <message>
        <location line="+84"/>
        <source>category</source>
        <translation>分类</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>department</source>
        <translation>部门</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Learning from the closed incidents… (about half a minute)</source>
        <translation>正在从已办结事件学习…（约半分钟）</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Add…</source>
        <translation>新增…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Edit…</source>
        <translation>修改…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Whole county</source>
        <translation>全县</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1 office hours</source>
        <translation>%1个工作小时</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 working days</source>
        <translation>%1个工作日</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Any</source>
        <translation>任意</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
</context>
<context>
    <name>UsersDialog</name>
    <message>
        <location filename="../../command_center/views/admin/users_dialog.py" line="-71"/>
        <source>— none —</source>
        <translation>— 无 —</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Role</source>
        <translation>角色(&amp;R)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Department</source>
        <translation>部门(&amp;D)</translation>
    </message>
    <message>
        <location line="+115"/>
        <source>Accounts</source>
        <translation>账号管理</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Login name</source>
        <translation>登录名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last sign-in</source>
        <translation>最近登录</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>New account…</source>
        <translation>新建账号…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Role and department…</source>
        <translation>角色和部门…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reset password…</source>
        <translation>重设密码…</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+92"/>
        <source>Disable</source>
        <translation>停用</translation>
    </message>
    <message>
        <location line="-83"/>
        <source>Failed sign-ins and lockouts are not shown here: only the server&apos;s owner reads them (command-center user list). A new password unlocks an account.</source>
        <translation>登录失败次数和锁定状态不在此显示，只有数据库服务器的所有者可以查看（command-center user list）。重设密码即可解锁账号。</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Enable</source>
        <translation>启用</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>You cannot disable your own account.</source>
        <translation>不能停用自己的账号。</translation>
    </message>
    <message>
        <location line="+77"/>
        <source>Account %1 created. The password is to be changed at the first sign-in.</source>
        <translation>已新建账号 %1，首次登录时须修改密码。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>You cannot change your own role.</source>
        <translation>不能更改自己的角色。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The role of %1 was changed.</source>
        <translation>已更改 %1 的角色和部门。</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>The password of %1 was reset; it is to be changed at the next sign-in.</source>
        <translation>已重设 %1 的密码，下次登录时须修改。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Disable account</source>
        <translation>停用账号</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Disable the account of %1 (%2)? They can no longer sign in, and their open sessions end.</source>
        <translation>停用 %1（%2）的账号？停用后无法登录，正在进行的会话也将结束。</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>%1 was enabled.</source>
        <translation>已启用 %1。</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 was disabled.</source>
        <translation>已停用 %1。</translation>
    </message>
</context>
</TS>
