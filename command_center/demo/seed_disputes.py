"""About 1,500 dispute cases a year: intake, mediation sessions, agreement or failure, follow-up."""

from __future__ import annotations

import bisect
import datetime as dt
from decimal import Decimal
from itertools import accumulate
from typing import TYPE_CHECKING

from command_center.db.bulk import copy_rows, reset_identity
from command_center.demo import texts

if TYPE_CHECKING:
    from command_center.demo.seed import SeedContext

CASES_PER_SCALE = 1500
SOURCES = (
    ("walk_in", 40),
    ("grid_worker", 25),
    ("hotline", 10),
    ("court", 10),
    ("police", 10),
    ("petition", 5),
)
SOURCE_ZH = {
    "walk_in": "当事人来访",
    "grid_worker": "网格员排查",
    "hotline": "12345转办",
    "court": "诉调对接",
    "police": "公调对接",
    "petition": "访调对接",
}
ROOM_ZH = {"village": "村（社区）调解室", "town": "乡镇调解中心", "county": "县矛调中心"}
OUTCOME_STATUS = {
    "agreement": "agreement",
    "partial": "agreement",
    "failed": "failed",
    "referred_court": "referred_court",
}
MONEY_TYPES = ("labor", "contract", "damage", "medical", "land", "property")


def disputes(ctx: SeedContext) -> None:
    rng = ctx.rng
    types = list(ctx.taxonomy.dispute_types)
    type_cum = list(accumulate(t.relative_frequency for t in types))
    grid_cum = list(accumulate(g.weight for g in ctx.grids))
    src_cum = list(accumulate(w for _, w in SOURCES))
    n = max(1, round(CASES_PER_SCALE * ctx.scale))
    mediator = ctx.users["zhiban1"]
    starts = sorted(ctx.now - dt.timedelta(seconds=rng.uniform(0, 365 * 86400)) for _ in range(n))
    cases, parties, sessions, visits = [], [], [], []
    from command_center.demo.seed import sample_points

    for cid, received in enumerate(starts, start=1):
        received = received.replace(hour=rng.randint(8, 17), microsecond=0)
        if received > ctx.now:  # office hours of the day before
            received -= dt.timedelta(days=1)
        t = types[bisect.bisect(type_cum, rng.random() * type_cum[-1])]
        g = ctx.grids[bisect.bisect(grid_cum, rng.random() * grid_cum[-1])]
        source = SOURCES[bisect.bisect(src_cum, rng.random() * src_cum[-1])][0]
        risk = rng.choices(("low", "medium", "high"), weights=t.risk_weights)[0]
        if risk == "high" and rng.random() < 0.1:
            risk = "major"
        room = (
            "county"
            if risk in ("high", "major") or source in ("court", "petition")
            else ("town" if rng.random() < 0.45 else "village")
        )
        number = f"TJ{received:%Y%m%d}{cid:05d}"
        lon, lat = sample_points(ctx.np_rng, g.geometry, 1)[0]
        amount = (
            Decimal(rng.randrange(2000, 300000, 100))
            if any(k in t.code for k in MONEY_TYPES)
            else None
        )
        mediator_name = texts.person_name(rng)
        summary = texts.dispute_summary(rng, t.code, village=g.village_name)
        label = f"{number}（{t.name_zh}）"
        status, version = "received", 1
        concluded, agreement = None, None
        ctx.add_audit(
            received,
            mediator,
            "dispute.receive",
            "dispute_case",
            cid,
            f"{ROOM_ZH[room]}受理矛盾纠纷 {label}，来源：{SOURCE_ZH[source]}",
            None,
            {"status": "received", "risk": risk},
        )
        for role in ("applicant", "respondent") + (("third_party",) if rng.random() < 0.15 else ()):
            parties.append(
                (
                    cid,
                    role,
                    texts.person_name(rng),
                    texts.phone(rng),
                    None,
                    f"民乐县{g.town_name}{g.village_name}",
                )
            )
        outcome = rng.choices(
            ("agreement", "partial", "failed", "referred_court"), weights=(80, 6, 8, 6)
        )[0]
        at = received + dt.timedelta(hours=rng.uniform(4, 96))
        n_sessions = rng.choices((1, 2, 3, 4), weights=(50, 30, 15, 5))[0]
        for k in range(n_sessions):
            if at > ctx.now:
                break
            last = k == n_sessions - 1
            this_outcome = outcome if last else "continued"
            note = texts.mediation_note(rng, t.code, outcome if last else "partial")
            sessions.append((cid, at, f"{mediator_name}等", ROOM_ZH[room], this_outcome, note))
            before, status = status, ("mediating" if not last else OUTCOME_STATUS[outcome])
            version += 1
            ctx.add_audit(
                at,
                (None, mediator_name),
                "dispute.mediate",
                "dispute_case",
                cid,
                f"第{k + 1}次调解 {label}：{note[:40]}",
                {"status": before},
                {"status": status},
            )
            if last:
                concluded = at
                if outcome in ("agreement", "partial"):
                    agreement = texts.agreement_text(rng, t.code)
            at += dt.timedelta(days=rng.uniform(2, 12))
        if concluded is not None and status == "agreement":
            visit_at = concluded + dt.timedelta(days=rng.uniform(7, 30))
            if visit_at <= ctx.now:
                kept = rng.random() < 0.94
                visits.append(
                    (
                        cid,
                        visit_at,
                        mediator_name,
                        kept,
                        "协议已履行，双方无新的矛盾" if kept else "一方未按期履行，已再次督促",
                    )
                )
                ctx.add_audit(
                    visit_at,
                    (None, mediator_name),
                    "dispute.follow_up",
                    "dispute_case",
                    cid,
                    f"回访 {label}：{'协议已履行' if kept else '协议未完全履行'}",
                    None,
                    {"agreement_kept": kept},
                )
                if kept:
                    ctx.add_audit(
                        visit_at,
                        (None, mediator_name),
                        "dispute.close",
                        "dispute_case",
                        cid,
                        f"{label} 结案归档",
                        {"status": status},
                        {"status": "closed"},
                    )
                    status, version = "closed", version + 1
        cases.append(
            (
                cid,
                number,
                t.code,
                summary,
                source,
                room,
                g.village_id,
                g.town_id,
                round(lon, 6),
                round(lat, 6),
                risk,
                status,
                amount,
                mediator_name,
                received,
                concluded,
                agreement,
                version,
                received,
                concluded or received,
            )
        )
    copy_rows(
        ctx.conn,
        "dispute_cases",
        (
            "id",
            "number",
            "type_code",
            "summary",
            "source",
            "room_level",
            "village_id",
            "town_id",
            "lon",
            "lat",
            "risk_level",
            "status",
            "amount_involved",
            "mediator_name",
            "received_at",
            "concluded_at",
            "agreement_text",
            "version",
            "created_at",
            "updated_at",
        ),
        cases,
    )
    reset_identity(ctx.conn, "dispute_cases")
    copy_rows(
        ctx.conn,
        "dispute_parties",
        ("case_id", "role", "name", "phone", "id_number", "address"),
        parties,
    )
    copy_rows(
        ctx.conn,
        "mediation_sessions",
        ("case_id", "held_at", "mediators", "location", "outcome", "note"),
        sessions,
    )
    copy_rows(
        ctx.conn,
        "follow_up_visits",
        ("case_id", "visited_at", "visitor", "agreement_kept", "note"),
        visits,
    )
    ctx.counts["dispute_cases"] = len(cases)
