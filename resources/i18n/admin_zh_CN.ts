<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>DeadlineRuleForm</name>
    <message>
        <location filename="../../command_center/views/admin/rules_dialog.py" line="+157"/>
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
    <name>RoutingRuleForm</name>
    <message>
        <location line="-69"/>
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
        <location line="-94"/>
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
        <source>working days</source>
        <translation>个工作日</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Dispatches before escalation</source>
        <translation>提请督办前最多派送</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>rounds</source>
        <translation>次</translation>
    </message>
    <message>
        <location line="+149"/>
        <source>Working rules</source>
        <translation>办理规则</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+3"/>
        <source>Category</source>
        <translation>分类</translation>
    </message>
    <message>
        <location line="-3"/>
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
        <location line="+3"/>
        <location line="+40"/>
        <source>Only an administrator can change the working rules.</source>
        <translation>只有系统管理员可以修改办理规则。</translation>
    </message>
    <message>
        <location line="-23"/>
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
        <location line="+3"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Any</source>
        <translation>任意</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
</context>
</TS>
