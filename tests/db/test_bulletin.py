"""The monthly bulletin: every figure recomputed with SQL of its own; the PDF reads as Chinese,
embeds its font and ends with the audit chain's head; the tables go to XLSX."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pypdf
import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from command_center.services import analysis as a
from command_center.services import bulletin

MONTH = "2026-10"  # a whole month of the test county (seeded until 2026-11-20)

COUNTED = "reported_at >= :s AND reported_at < :e AND status <> 'merged'"
ORDERS = "dispatched_at >= :s AND dispatched_at < :e AND o.status <> 'cancelled'"


def one(session: Session, sql: str, **kw: object) -> int:
    return int(session.execute(text(sql), kw).scalar_one() or 0)


def expected(session: Session) -> dict[str, int]:
    """Every figure of the bulletin, by SQL written here and nowhere else."""
    p = a.month_period(MONTH)
    s, e = p.start, p.end
    ly_s, ly_e = s.replace(year=s.year - 1), e.replace(year=e.year - 1)
    out = {
        "incidents": one(session, f"SELECT count(*) FROM incidents WHERE {COUNTED}", s=s, e=e),
        "incidents_last_year": one(
            session, f"SELECT count(*) FROM incidents WHERE {COUNTED}", s=ly_s, e=ly_e),
        "incidents_previous_month": one(
            session, f"SELECT count(*) FROM incidents WHERE {COUNTED}",
            s=a.month_period("2026-09").start, e=s),
        "incidents_resolved": one(
            session, f"SELECT count(*) FROM incidents WHERE {COUNTED} AND status IN "
            "('resolved','verified','closed')", s=s, e=e),
        "workers_full_time": one(
            session, "SELECT count(*) FROM grid_workers WHERE kind = 'full_time' AND active"),
        "workers_active": one(
            session, "SELECT count(DISTINCT w.id) FROM grid_workers w JOIN check_ins c ON "
            "c.worker_id = w.id WHERE w.kind = 'full_time' AND w.active AND c.day >= "
            "DATE '2026-10-01' AND c.day <= DATE '2026-10-31'"),
        "disputes_concluded": one(
            session, "SELECT count(*) FROM dispute_cases WHERE concluded_at >= :s AND "
            "concluded_at < :e AND status IN ('agreement','closed','failed','referred_court')",
            s=s, e=e),
        "disputes_agreements": one(
            session, "SELECT count(*) FROM dispute_cases WHERE concluded_at >= :s AND "
            "concluded_at < :e AND status IN ('agreement','closed') AND agreement_text IS NOT "
            "NULL", s=s, e=e),
    }
    j = f"FROM work_orders o JOIN incidents i ON i.id = o.incident_id WHERE {ORDERS}"
    out["orders_received"] = one(session, f"SELECT count(*) {j}", s=s, e=e)
    out["orders_on_time"] = one(
        session, f"SELECT count(*) {j} AND o.resolved_at <= o.deadline_at", s=s, e=e)
    out["orders_rated"] = one(
        session, f"SELECT count(*) {j} AND i.satisfaction IS NOT NULL", s=s, e=e)
    out["orders_satisfied"] = one(
        session, f"SELECT count(*) {j} AND i.satisfaction >= 4", s=s, e=e)
    for code, n in session.execute(text(
        "WITH RECURSIVE t(top, code) AS (SELECT code, code FROM categories WHERE parent_code IS "
        "NULL UNION ALL SELECT t.top, c.code FROM categories c JOIN t ON c.parent_code = t.code) "
        f"SELECT t.top, count(i.id) FROM t JOIN incidents i ON i.category_code = t.code AND "
        f"{COUNTED.replace('reported_at', 'i.reported_at').replace('status', 'i.status')} "
        "GROUP BY t.top"), {"s": s, "e": e}):
        out[f"category:{code}"] = int(n)
    for code, n in session.execute(text(
            f"SELECT channel_code, count(*) FROM incidents WHERE {COUNTED} GROUP BY 1"),
            {"s": s, "e": e}):
        out[f"channel:{code}"] = int(n)
    for town, n in session.execute(text(
            f"SELECT town_id, count(*) FROM incidents WHERE {COUNTED} AND town_id IS NOT NULL "
            "GROUP BY 1"), {"s": s, "e": e}):
        out[f"town:{town}"] = int(n)
    for dept, rec, ot, od, ret, sec in session.execute(text(
        "SELECT o.department_id, count(*), count(*) FILTER (WHERE o.resolved_at <= o.deadline_at),"
        " count(*) FILTER (WHERE o.resolved_at > o.deadline_at OR (o.resolved_at IS NULL AND "
        "o.status IN ('dispatched','accepted','in_progress') AND o.deadline_at < :e)), "
        "count(*) FILTER (WHERE o.status IN ('returned','objected')), "
        f"count(*) FILTER (WHERE o.dispatch_round > 1) {j} GROUP BY 1"), {"s": s, "e": e}):
        for m, v in (("received", rec), ("on_time", ot), ("overdue", od), ("returned", ret),
                     ("second_dispatch", sec)):
            out[f"department:{dept}:{m}"] = int(v)
    return out


@pytest.fixture(scope="module")
def made(county_engine: Engine) -> tuple[bulletin.Bulletin, bytes, dict[str, int]]:
    with Session(county_engine) as session:
        b = bulletin.compute(session, MONTH)
        want = expected(session)
    return b, bulletin.render_pdf(b), want


def test_every_figure_equals_sql(made: tuple[bulletin.Bulletin, bytes, dict[str, int]]) -> None:
    b, _pdf, want = made
    got = {k: v for k, v in b.figures.items() if k != "warnings"}
    # a department without orders this month is in the bulletin with zeros
    want_full = {k: 0 for k in got if k.startswith("department:")} | want
    assert got == want_full
    assert b.figures["incidents"] and b.figures["orders_received"]


def test_pdf_reads_as_chinese_with_the_figures_and_the_audit_head(
    made: tuple[bulletin.Bulletin, bytes, dict[str, int]],
) -> None:
    b, pdf, _want = made
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    pages = [page.extract_text() for page in reader.pages]
    whole = "\n".join(pages)
    assert "平安民乐动态" in pages[0] and "2026年10月" in pages[0]
    assert f"全县共受理各类事件 {b.figures['incidents']} 件" in whole
    for name, *_ in b.table("categories").rows:
        assert name in whole
    for _rank, name, n, *_ in b.table("towns").rows:
        assert name in whole and str(n) in whole
    for _rank, name, *_ in b.table("departments").rows:
        assert name in whole
    assert "督办考核" in whole and "每100件到期工单折算" in whole
    seq, digest = b.audit_head
    assert seq > 0 and len(digest) == 64
    assert "审计日志链头" in pages[-1] and digest in pages[-1].replace("\n", "")
    assert b"/FontFile2" in pdf and b"MicroHei" in pdf  # the TrueType font, embedded


def test_the_supervision_column_is_each_department_s_score_of_the_month(
    made: tuple[bulletin.Bulletin, bytes, dict[str, int]], county_engine: Engine
) -> None:
    """督办考核: the month's score on the 100 scale, recomputed from the points ledger."""
    from tests.db.test_supervision import scores_in_sql

    b, _pdf, _want = made
    with Session(county_engine) as session:
        oracle = scores_in_sql(session, dt.date(2026, 10, 1))
        names = dict(session.execute(text("SELECT id, name FROM departments")).all())
    shown = {row[1]: row[-1] for row in b.table("departments").rows}
    assert shown == {names[i]: f"{v:.1f}" for i, v in oracle.items()}
    assert any(float(v) < 100 for v in shown.values())


def test_tables_to_xlsx(made: tuple[bulletin.Bulletin, bytes, dict[str, int]],
                        tmp_path: Path) -> None:
    b, _pdf, _want = made
    path = tmp_path / "b.xlsx"
    bulletin.write_xlsx(b, str(path))
    wb = load_workbook(path)
    assert {"figures", "categories", "channels", "towns", "departments", "daily"} <= set(
        wb.sheetnames)
    towns = list(wb["towns"].iter_rows(values_only=True))
    assert towns[0][1] == "镇（街道）" and towns[1][2] == b.table("towns").rows[0][2]
    figures = dict(wb["figures"].iter_rows(min_row=2, values_only=True))
    assert figures["incidents"] == b.figures["incidents"]


def test_a_month_not_over_is_refused(session: Session) -> None:
    with pytest.raises(a.AnalysisError, match="not over"):
        bulletin.compute(session, "2026-12")
