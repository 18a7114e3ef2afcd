"""The monthly bulletin (平安动态), in the manner of Minle's 平安民乐动态, out on the 5th for the
month before: the month's figures, a daily chart against last year, categories, channels, the
towns' and the departments' rankings, grid workers' activity (the inactive ones named),
disputes, notable cases and the early warnings at the month's end; on its last page the head
of the audit log's hash chain, to be compared later with ``command-center audit verify``.

Every number comes from ``services/analysis.py`` (one definition of each figure);
``Bulletin.figures`` lists them by name, and ``tests/db/test_bulletin.py`` recomputes each with
SQL of its own. The PDF embeds WenQuanYi Micro Hei (``agreement_pdf``'s font setup); the charts
are reportlab drawings (vector graphics, their labels in the embedded font). The tables also go
to an XLSX workbook, one sheet each. No Qt here.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from command_center import clock
from command_center.clock import CST
from command_center.models import AdminArea
from command_center.services import analysis as a
from command_center.services import scores
from command_center.services.agreement_pdf import _register_font

NOTABLE_CASES = 8
WARNINGS_SHOWN = 12


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    header: tuple[str, ...]
    rows: list[tuple[Any, ...]]


@dataclass
class Bulletin:
    county: str
    month: str  # YYYY-MM
    period: a.Period
    issued: dt.date
    figures: dict[str, int | float | None]
    daily: list[a.TrendPoint]
    tables: list[Table] = field(default_factory=list)
    inactive_workers: tuple[str, ...] = ()
    warning_lines: list[str] = field(default_factory=list)
    audit_head: tuple[int, str] = (0, "")
    # how the supervision score was counted
    score_scale: scores.ScoreScale = field(default_factory=scores.ScoreScale)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def _month_start(p: a.Period) -> dt.date:
    return p.start.astimezone(CST).date().replace(day=1)


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.1%}"


def _ratio(n: int, d: int) -> float | None:
    return n / d if d else None


def audit_head(session: Session) -> tuple[int, str]:
    """The last entry of the audit chain: its position and hash (hex)."""
    row = session.execute(
        text(
            "SELECT seq, encode(hash, 'hex') FROM audit_log WHERE seq IS NOT NULL "
            "ORDER BY seq DESC LIMIT 1"
        )
    ).first()
    return (int(row[0]), str(row[1])) if row else (0, "")


def compute(
    session: Session, month: str, progress: Callable[[int, str], None] | None = None
) -> Bulletin:
    """Every figure and table of the bulletin of ``month`` ("YYYY-MM")."""
    step = progress or (lambda _p, _s: None)
    p = a.month_period(month)
    if p.end > clock.now() + dt.timedelta(days=1):
        raise a.AnalysisError(
            f"{month} 尚未结束，不能出动态 / {month} is not over: no bulletin yet"
        )
    county = session.scalar(select(AdminArea.name).where(AdminArea.level == "county")) or ""
    step(5, "总体情况")
    head = a.headline(session, p)
    depts = a.departments(session, p, now=p.end)
    received = sum(d.counts["received"] for d in depts)
    on_time = sum(d.counts["on_time"] for d in depts)
    rated = sum(d.counts["rated"] for d in depts)
    satisfied = sum(d.counts["satisfied"] for d in depts)
    workers = a.worker_activity(session, p)
    disputes = a.dispute_figures(session, p)
    figures: dict[str, int | float | None] = {
        "incidents": head.incidents,
        "incidents_last_year": head.last_year,
        "incidents_previous_month": head.previous,
        "incidents_resolved": head.resolved,
        "orders_received": received,
        "orders_on_time": on_time,
        "orders_rated": rated,
        "orders_satisfied": satisfied,
        "workers_full_time": workers.full_time,
        "workers_active": workers.active,
        "disputes_concluded": disputes.concluded,
        "disputes_agreements": disputes.agreements,
    }
    step(25, "趋势")
    daily = a.trend(session, p, "day")
    step(40, "类别与渠道")
    cats = a.categories(session, p)
    chans = a.channels(session, p)
    towns = a.regions(session, p)
    tables = [
        Table("categories", "事件类别", ("类别", "件数", "占比", "去年同期", "同比"),
              [(c.name, c.count, _pct(_ratio(c.count, head.incidents)), c.last_year,
                a.change(c.count, c.last_year)) for c in cats]),
        Table("channels", "来源渠道", ("渠道", "件数", "占比", "去年同期", "同比"),
              [(c.name, c.count, _pct(_ratio(c.count, head.incidents)), c.last_year,
                a.change(c.count, c.last_year)) for c in chans]),
        Table("towns", "镇（街道）事件排名", ("名次", "镇（街道）", "件数", "去年同期", "同比"),
              [(i, t.name, t.count, t.last_year, a.change(t.count, t.last_year))
               for i, t in enumerate(towns, 1)]),
        Table("departments", "部门考核",
              ("名次", "部门", "受理", "按时办结", "超期", "退单", "二次派单", "满意率", "得分",
               "督办考核"),
              [(i, d.name, d.counts["received"], d.counts["on_time"], d.counts["overdue"],
                d.counts["returned"], d.counts["second_dispatch"],
                _pct(d.rate("satisfied", "rated")),
                "—" if d.score is None else f"{d.score:.1f}",
                "—" if d.supervision is None else f"{d.supervision.score:.1f}")
               for i, d in enumerate(depts, 1)]),
    ]
    for c in cats:
        figures[f"category:{c.key}"] = c.count
    for c in chans:
        figures[f"channel:{c.key}"] = c.count
    for t in towns:
        figures[f"town:{t.key}"] = t.count
    for d in depts:
        for m in ("received", "on_time", "overdue", "returned", "second_dispatch"):
            figures[f"department:{d.department_id}:{m}"] = d.counts[m]
    step(60, "典型案例")
    notable = session.execute(
        text(
            "SELECT i.number, i.title, t.name, i.status FROM incidents i LEFT JOIN admin_areas t "
            "ON t.id = i.town_id WHERE i.reported_at >= :s AND i.reported_at < :e AND "
            "i.status <> 'merged' AND i.priority = 1 ORDER BY i.reported_at, i.id LIMIT :n"
        ),
        {"s": p.start, "e": p.end, "n": NOTABLE_CASES},
    ).all()
    tables.append(Table("notable", "重点事件（一级）", ("编号", "事件", "镇（街道）", "状态"),
                        [tuple(r) for r in notable]))
    step(75, "预警")
    warns = a.warnings(session, now=p.end)
    figures["warnings"] = len(warns)
    warning_lines = [w.why.split(" / ")[0] for w in warns[:WARNINGS_SHOWN]]
    step(85, "审计链")
    return Bulletin(
        county, month, p, (p.end.astimezone(CST).date().replace(day=5)), figures, daily, tables,
        workers.inactive_names, warning_lines, audit_head(session),
        scores.month_scales(session, [_month_start(p)])[_month_start(p)],
    )


# --- the PDF ------------------------------------------------------------------------------


def _short_county(name: str) -> str:
    return name[:-1] if len(name) > 2 and name.endswith(("县", "市", "区")) else name


def render_pdf(b: Bulletin) -> bytes:
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepTogether,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
    )
    from reportlab.platypus import (
        Table as RLTable,
    )
    from reportlab.platypus import (
        TableStyle as RLTableStyle,
    )

    font = _register_font()
    red = colors.HexColor("#c00000")
    title = ParagraphStyle("t", fontName=font, fontSize=30, leading=40, alignment=1,
                           textColor=red)
    sub = ParagraphStyle("s", fontName=font, fontSize=11, leading=16, alignment=1)
    h = ParagraphStyle("h", fontName=font, fontSize=14, leading=22, spaceBefore=8,
                       spaceAfter=4)
    body = ParagraphStyle("b", fontName=font, fontSize=11, leading=19, wordWrap="CJK",
                          firstLineIndent=22)
    cell = ParagraphStyle("c", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    small = ParagraphStyle("sm", fontName=font, fontSize=8, leading=11, wordWrap="CJK")
    f = b.figures
    y, m = b.month.split("-")
    month_zh = f"{y}年{int(m)}月"
    inc, ly, prev = int(f["incidents"] or 0), int(f["incidents_last_year"] or 0), int(
        f["incidents_previous_month"] or 0)

    def rate(n: str, d: str) -> str:
        return _pct(_ratio(int(f[n] or 0), int(f[d] or 0)))

    story: list[Any] = [
        Paragraph(f"平安{escape(_short_county(b.county))}动态", title),
        Spacer(1, 2 * mm),
        Paragraph(f"{escape(b.county)}综治中心　{month_zh}　（{b.issued.year}年{b.issued.month}月"
                  f"{b.issued.day}日发布）", sub),
        Spacer(1, 2 * mm),
        _Rule(red),
        Paragraph("一、总体情况", h),
        Paragraph(
            f"{month_zh}，全县共受理各类事件 {inc} 件，去年同期 {ly} 件，同比 "
            f"{a.change(inc, ly)}；上月 {prev} 件，环比 {a.change(inc, prev)}。"
            f"其中已办结 {f['incidents_resolved']} 件，办结率 "
            f"{_pct(_ratio(int(f['incidents_resolved'] or 0), inc))}。"
            f"职能部门本月受理工单 {f['orders_received']} 件，按时办结 {f['orders_on_time']} 件，"
            f"按时办结率 {rate('orders_on_time', 'orders_received')}"
            f"；回访评价 {f['orders_rated']} 件，满意 {f['orders_satisfied']} 件，满意率 "
            f"{rate('orders_satisfied', 'orders_rated')}。"
            f"专职网格员 {f['workers_full_time']} 名，本月活跃 {f['workers_active']} 名，活跃率 "
            f"{rate('workers_active', 'workers_full_time')}。"
            f"矛盾纠纷本月调结 {f['disputes_concluded']} 件，达成协议 {f['disputes_agreements']} "
            f"件，调解成功率 "
            f"{rate('disputes_agreements', 'disputes_concluded')}"
            f"。月末共有预警 {f['warnings']} 条。",
            body,
        ),
    ]
    # the daily chart, this year's bars against last year's
    d = Drawing(170 * mm, 62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 8 * mm, 152 * mm, 42 * mm
    chart.data = [[pt.count for pt in b.daily], [pt.last_year for pt in b.daily]]
    chart.categoryAxis.categoryNames = [
        str(pt.period.start.day) if pt.period.start.day % 5 == 1 else "" for pt in b.daily
    ]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.HexColor("#c0392b")
    chart.bars[1].fillColor = colors.HexColor("#b0b7c3")
    chart.bars.strokeWidth = 0
    chart.barSpacing = 0.5
    chart.groupSpacing = 2
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = 110 * mm, 59 * mm
    legend.fontName, legend.fontSize = font, 8
    legend.columnMaximum, legend.deltax, legend.dx, legend.dy = 1, 28 * mm, 6, 6
    legend.colorNamePairs = [(colors.HexColor("#c0392b"), "本月"),
                             (colors.HexColor("#b0b7c3"), "去年同期")]
    d.add(legend)
    d.add(String(12 * mm, 58 * mm, "每日受理事件数", fontName=font, fontSize=9))
    story += [Paragraph("二、每日事件走势", h), d]

    def table(t: Table, widths: Sequence[float], zebra: bool = True) -> Any:
        data = [[Paragraph(escape(str(x)), cell) for x in t.header]] + [
            [Paragraph(escape(str(x)), cell) for x in r] for r in t.rows
        ]
        tbl = RLTable(data, colWidths=[w * mm for w in widths], repeatRows=1)
        style = [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2dcdb")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
        if zebra:
            style += [("BACKGROUND", (0, i), (-1, i), colors.HexColor("#f7f7f7"))
                      for i in range(2, len(data), 2)]
        tbl.setStyle(RLTableStyle(style))
        return tbl

    story += [
        Paragraph("三、事件类别", h), table(b.table("categories"), (60, 25, 25, 30, 30)),
        Paragraph("四、来源渠道", h), table(b.table("channels"), (60, 25, 25, 30, 30)),
        Paragraph("五、镇（街道）事件排名", h),
        table(b.table("towns"), (15, 70, 25, 30, 30)),
        Paragraph("六、职能部门考核排名", h),
        Paragraph("得分按权重计：按时办结 30%、办结 20%、未退单 10%、未二次派单 10%、群众满意 30%"
                  "（满意度权重不低于 30%）。督办考核为本月督办考核得分：基础分 100，"
                  + (f"督办规则分值按每{b.score_scale.per_orders}件到期工单折算，"
                     if b.score_scale.per_orders else "督办规则分值全额计入，")
                  + ("不足折算件数的按实际分值计，" if b.score_scale.per_orders else "")
                  + f"加分最多 {b.score_scale.credit_cap} 分，扣完为止。", small),
        table(b.table("departments"), (10, 40, 13, 16, 13, 13, 16, 15, 13, 16)),
        Paragraph("七、网格员履职", h),
        Paragraph(
            f"本月未报平安的专职网格员 {len(b.inactive_workers)} 名，予以通报："
            + escape("、".join(b.inactive_workers) or "无"), body),
        Paragraph("八、重点事件", h),
        table(b.table("notable"), (40, 70, 35, 25)),
        Paragraph("九、风险预警（月末）", h),
    ]
    if b.warning_lines:
        story += [Paragraph(f"{i}. {escape(line)}", small)
                  for i, line in enumerate(b.warning_lines, 1)]
    else:
        story.append(Paragraph("无。", body))
    seq, digest = b.audit_head
    story += [
        PageBreak(),
        KeepTogether([
            Paragraph("审计日志链头", h),
            Paragraph(
                f"本动态生成时，审计日志共 {seq} 条，最后一条的哈希值（链头）为：", body),
            Paragraph(escape(digest), ParagraphStyle("hash", fontName="Courier", fontSize=9,
                                                     leading=13)),
            Paragraph("核对方法：在服务器上运行 command-center audit verify，其输出的链头应从此值"
                      "延续；若本页所示条目已被改动或删除，核对将指出断开之处。", body),
        ]),
    ]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
        bottomMargin=16 * mm, title=f"平安{_short_county(b.county)}动态 {b.month}",
        author=f"{b.county}综治中心",
    )

    def footer(canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawCentredString(A4[0] / 2, 9 * mm, f"— {canvas.getPageNumber()} —")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


class _Rule:
    """A red line under the masthead (a flowable drawn full width)."""

    def __new__(cls, color: Any) -> Any:
        from reportlab.platypus.flowables import HRFlowable

        return HRFlowable(width="100%", thickness=2, color=color, spaceBefore=2, spaceAfter=6)


def write_xlsx(b: Bulletin, path: str) -> int:
    """The bulletin's tables, one sheet each, and its figures; returns the rows written."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "figures"
    ws.append(("figure", "value"))
    for k, v in b.figures.items():
        ws.append((k, v))
    n = len(b.figures)
    for t in b.tables:
        sheet = wb.create_sheet(t.key)
        sheet.append(t.header)
        for r in t.rows:
            sheet.append(list(r))
        n += len(t.rows)
    daily = wb.create_sheet("daily")
    daily.append(("日期", "件数", "去年同期"))
    for pt in b.daily:
        daily.append((pt.period.start.date().isoformat(), pt.count, pt.last_year))
    wb.save(path)
    return n
