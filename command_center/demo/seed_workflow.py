"""The demo county's working rules: a few routing rules, deadline rules and response templates,
as a center would have set them up (administrators change them in the program)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from command_center.demo.seed import SeedContext

# (category, town name or None, department code, note)
ROUTING_RULES = (
    ("0601", None, "housing", "供热供水由县住建局统一监管"),
    ("0703", "洪水镇", "urban", "县城建成区的人居环境由城管局负责"),
    ("0302", "洪水镇", "urban", "县城区噪音扰民由城管执法处理"),
    ("0202", None, "police", "涉诈风险一律由公安反诈中心研判"),
    ("1001", None, "petition", "征地拆迁诉求由信访局牵头"),
)

# (category or None, priority or None, working days, working hours)
DEADLINE_RULES = (
    (None, 1, None, 8),  # urgent: one working day of office hours
    ("05", 1, None, 4),  # urgent safety hazards: four office hours
    ("05", None, 3, None),
    ("0202", None, 2, None),
)

# (category or None, status or None, title, body). The status says which action a template serves
# (services/response_templates.py): the status of the incident when the reporter is answered,
# or the status an action leads to — ``returned`` 退单, ``objected`` 异议, ``in_progress`` 进展,
# ``resolved`` 办结, ``rejected`` 不予受理.
TEMPLATES = (
    (
        None,
        "accepted",
        "受理告知",
        "您好，您反映的问题（编号{number}）已受理，我们将协调有关部门尽快处理，"
        "并在5个工作日内答复您。感谢您对网格化服务管理工作的支持。",
    ),
    (
        None,
        "dispatched",
        "派单告知",
        "您好，您反映的问题（编号{number}）已转{department}办理，办理时限至{deadline}。",
    ),
    (
        None,
        "closed",
        "办结答复",
        "您好，您反映的问题（编号{number}）已办结：{result}。如仍有问题，请在15日内来电，"
        "我们将重新办理。",
    ),
    (
        "01",
        "resolved",
        "调解结果",
        "已由村（社区）调委会组织调解，双方达成一致意见，网格员将跟踪回访。",
    ),
    (
        "03",
        "in_progress",
        "现场处置中",
        "城管执法人员已到现场核实处置，处理完毕后反馈结果。",
    ),
    (None, "in_progress", "已到现场核实", "已派员到现场核实情况，正在处置。"),
    (None, "resolved", "已处置完毕", "已到现场处置完毕，问题已解决。"),
    (
        None,
        "returned",
        "非本部门职责",
        "经现场核实，该事项不属于本部门职责范围，请中心重新研判派单。",
    ),
    (None, "returned", "需多部门协调", "该事项涉及多个部门职责，本部门无法单独办理，请中心协调。"),
    (
        None,
        "objected",
        "职责异议",
        "该事项不属于本部门法定职责，建议转有关部门办理。",
    ),
    (
        None,
        "rejected",
        "不予受理告知",
        "您好，经核实，您反映的事项不属于本中心受理范围，建议您通过{channel}反映。",
    ),
    (
        "06",
        "accepted",
        "民生诉求受理",
        "您好，您反映的民生诉求已受理，相关部门将上门了解情况，请保持电话畅通。",
    ),
)


def workflow(ctx: SeedContext) -> None:
    conn = ctx.conn
    towns = dict(conn.execute("SELECT name, id FROM admin_areas WHERE level = 'town'").fetchall())
    codes = {row[0] for row in conn.execute("SELECT code FROM categories").fetchall()}
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO routing_rules (category_code, town_id, department_id, note) "
            "VALUES (%s, %s, %s, %s)",
            [
                (cat, towns.get(town) if town else None, ctx.dept_ids[dept], note)
                for cat, town, dept, note in ROUTING_RULES
                if cat in codes and dept in ctx.dept_ids and (town is None or town in towns)
            ],
        )
        cur.executemany(
            "INSERT INTO deadline_rules (category_code, priority, working_days, working_hours) "
            "VALUES (%s, %s, %s, %s)",
            [r for r in DEADLINE_RULES if r[0] is None or r[0] in codes],
        )
        cur.executemany(
            "INSERT INTO response_templates (category_code, status, title, body) "
            "VALUES (%s, %s, %s, %s)",
            [t for t in TEMPLATES if t[0] is None or t[0] in codes],
        )
    ctx.counts["routing_rules"] = len(ROUTING_RULES)
