"""About 1,500 dispute cases a year: intake, mediation sessions, agreement or failure, follow-up."""

from __future__ import annotations

import bisect
import datetime as dt
import random
from decimal import Decimal
from itertools import accumulate
from typing import TYPE_CHECKING, Any

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
COUNTY_CENTER = "民乐县矛盾纠纷多元化解中心"
# specialised rooms at the county center, and the dispute types they take
SPECIAL_ROOMS = (
    ("县医疗纠纷人民调解委员会", "medical", ("medical",)),
    ("县劳动争议调解室", "labour", ("labour_wage",)),
    ("县婚姻家庭纠纷调解室", "family", ("marriage_family",)),
    ("县物业纠纷调解室", "property", ("property_mgmt",)),
)
RISK_REASONS = (
    "双方情绪激动，有肢体冲突苗头",
    "涉及人数较多，有集体上访倾向",
    "一方扬言采取过激行为",
    "矛盾积累时间长，多次调处未果",
)
SATISFIED = (("satisfied", 88), ("basic", 11), ("unsatisfied", 1))
# a broken agreement's parties: fairly satisfied or not; with 94 % of agreements kept, the
# satisfaction comes to the field reports' 96.9 % (0.94 × 0.99 + 0.06 × 0.64 ≈ 0.969)
SATISFIED_BROKEN = (("basic", 64), ("unsatisfied", 36))


def _sender(rng: random.Random, source: str, received: dt.datetime, town: str
            ) -> tuple[str | None, str | None]:
    """The body that transferred a case in (诉调/公调/访调对接) and its reference number, as
    their documents number them; nothing for a case not transferred."""
    year, n = received.year, rng.randrange(1, 900)
    if source == "court":
        return "民乐县人民法院", f"({year})甘0722民诉前调{n}号"
    if source == "police":
        station = town.removesuffix("镇").removesuffix("乡")[:2]
        return f"民乐县公安局{station}派出所", f"民公({station})调字〔{year}〕{n}号"
    if source == "petition":
        return "民乐县信访局", f"民信转〔{year}〕{n}号"
    return None, None


def _id_number(rng: random.Random, born: dt.date) -> str:
    """A well-formed (GB 11643) identity number of the county (620725…)."""
    first = f"620725{born:%Y%m%d}{rng.randrange(1000):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first + "10X98765432"[sum(int(c) * w for c, w in zip(first, weights, strict=True)) % 11]


def _orgs(
    ctx: SeedContext, rng: random.Random
) -> tuple[dict[Any, int], dict[int, list[tuple[int, str]]]]:
    """The mediation organisations and their mediators: {key: org id}, {org id: mediators}.
    Keys: "county", ("special", type code), ("town", town id), ("village", village id)."""
    orgs: list[tuple[Any, ...]] = []
    keys: dict[Any, int] = {}

    def add(key: Any, name: str, level: str, parent: int | None, area: int | None,
            town: int | None, specialty: str | None) -> int:
        oid = len(orgs) + 1
        orgs.append((oid, name, level, parent, area, town, specialty))
        keys[key] = oid
        return oid

    county = add("county", COUNTY_CENTER, "county", None, None, None, None)
    for name, specialty, codes in SPECIAL_ROOMS:
        oid = add(("special", specialty), name, "special", county, None, None, specialty)
        for code in codes:
            keys[("special", code)] = oid
    towns: dict[int, str] = {}
    villages: dict[int, tuple[str, int, str]] = {}
    for g in ctx.grids:
        towns.setdefault(g.town_id, g.town_name)
        villages.setdefault(g.village_id, (g.village_name, g.town_id, g.town_name))
    for town_id, town_name in sorted(towns.items()):
        add(("town", town_id), f"{town_name}矛盾纠纷调解中心", "town", county, town_id, town_id,
            None)
    for village_id, (name, town_id, town_name) in sorted(villages.items()):
        add(("village", village_id), f"{town_name}{name}人民调解室", "village",
            keys[("town", town_id)], village_id, town_id, None)
    mediators: dict[int, list[tuple[int, str]]] = {}
    rows: list[tuple[int, int, str, str, str | None]] = []
    per_level = {"county": 6, "special": 2, "town": 3, "village": 2}
    phones = random.Random(1311)  # phones (alembic 0019) leave the county's other draws alone
    for oid, _name, level, _parent, _area, _town, specialty in orgs:
        for _ in range(per_level[level]):
            mid = len(rows) + 1
            name = texts.person_name(rng)
            phone = f"1{phones.choice('3589')}{phones.randrange(10**9):09d}"
            rows.append((mid, oid, name, phone, specialty))
            mediators.setdefault(oid, []).append((mid, name))
    copy_rows(ctx.conn, "mediation_orgs",
              ("id", "name", "level", "parent_id", "area_id", "town_id", "specialty"), orgs)
    reset_identity(ctx.conn, "mediation_orgs")
    copy_rows(ctx.conn, "mediators", ("id", "org_id", "name", "phone", "specialty"), rows)
    reset_identity(ctx.conn, "mediators")
    ctx.counts["mediation_orgs"] = len(orgs)
    return keys, mediators


def disputes(ctx: SeedContext) -> None:
    rng = ctx.rng
    types = list(ctx.taxonomy.dispute_types)
    type_cum = list(accumulate(t.relative_frequency for t in types))
    grid_cum = list(accumulate(g.weight for g in ctx.grids))
    src_cum = list(accumulate(w for _, w in SOURCES))
    n = max(1, round(CASES_PER_SCALE * ctx.scale))
    mediator = ctx.users["zhiban1"]
    starts = sorted(ctx.now - dt.timedelta(seconds=rng.uniform(0, 365 * 86400)) for _ in range(n))
    cases, parties, sessions = [], [], []
    visits: list[tuple[Any, ...]] = []
    from command_center.demo.seed import sample_points

    # the workflow's columns (alembic 0011) draw on a generator of their own: the county's
    # other random draws stay what they were
    wf = random.Random(f"disputes-{ctx.scale}-{len(ctx.grids)}")
    # the senders of transferred cases (alembic 0019's demo) leave the other draws alone
    senders = random.Random(f"senders-{ctx.scale}")
    org_keys, org_mediators = _orgs(ctx, wf)

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
        texts.person_name(rng)  # the stream of draws stays the same
        if room == "county":
            org_id = org_keys.get(("special", t.code), org_keys["county"])
        elif room == "town":
            org_id = org_keys[("town", g.town_id)]
        else:
            org_id = org_keys[("village", g.village_id)]
        mediator_id, mediator_name = wf.choice(org_mediators[org_id])
        people = wf.choices((2, 3, 5, 8, 20, 60, 120), weights=(60, 15, 10, 7, 5, 2, 1))[0]
        if people >= 20 and t.code not in ("labour_wage", "land_acquisition", "property_mgmt"):
            people = 3
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
            born = dt.date(1950, 1, 1) + dt.timedelta(days=wf.randrange(50 * 365))
            parties.append(
                (
                    cid,
                    role,
                    texts.person_name(rng),
                    texts.phone(rng),
                    _id_number(wf, born) if wf.random() < 0.7 else None,
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
        fulfil_by = fulfilled = None
        if concluded is not None and status == "agreement":
            fulfil_by = (concluded + dt.timedelta(days=wf.choice((7, 15, 30)))).date()
            visit_at = concluded + dt.timedelta(days=rng.uniform(7, 30))
            due = concluded + dt.timedelta(days=15)
            if visit_at > ctx.now:
                visits.append((cid, None, None, None, None, due, None))
            if visit_at <= ctx.now:
                kept = rng.random() < 0.94
                fulfilled = kept
                satisfaction = wf.choices([k for k, _ in SATISFIED], [w for _, w in SATISFIED])[0]
                visits.append(
                    (
                        cid,
                        visit_at,
                        mediator_name,
                        kept,
                        "协议已履行，双方无新的矛盾" if kept else "一方未按期履行，已再次督促",
                        due,
                        satisfaction if kept else wf.choices(
                            [k for k, _ in SATISFIED_BROKEN],
                            [w for _, w in SATISFIED_BROKEN])[0],
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
                org_id,
                mediator_id,
                people,
                received + dt.timedelta(days=30),
                fulfil_by,
                fulfilled,
                "court" if status == "referred_court" else None,
                wf.choice(RISK_REASONS) if risk in ("high", "major") else None,
                *_sender(senders, source, received, g.town_name),
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
            "org_id",
            "mediator_id",
            "people_involved",
            "deadline_at",
            "fulfil_by",
            "fulfilled",
            "referral",
            "risk_reasons",
            "source_org",
            "source_reference",
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
        ("case_id", "visited_at", "visitor", "agreement_kept", "note", "due_at", "satisfaction"),
        visits,
    )
    ctx.counts["dispute_cases"] = len(cases)
