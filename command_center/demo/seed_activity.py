"""Grid workers and what they do: assignments, daily check-ins, patrols, the points ledger."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from command_center.db.bulk import copy_rows, reset_identity
from command_center.demo import texts

if TYPE_CHECKING:
    from command_center.demo.seed import SeedContext

FULL_TIME = 404
ACTIVE_SHARE = 0.811  # Minle: 404 workers, 81.1% active
UNSTAFFED_GRIDS = 8  # grids with no full-time worker: a data-quality finding the centre checks
STORES = [
    f"平安超市（{n}）"
    for n in (
        "洪水",
        "六坝",
        "新天",
        "南古",
        "永固",
        "三堡",
        "南丰",
        "民联",
        "顺化",
        "丰乐",
        "城区",
        "园区",
    )
]


# what the 平安超市 give for points (item, points each)
GOODS = (("洗衣液", 30), ("食用油", 50), ("大米（5公斤）", 80), ("毛巾", 20), ("保温杯", 100))


def workers(ctx: SeedContext) -> None:
    """404 full-time workers over 448 grids (some serve two, a few grids have none), an
    auxiliary worker per grid, a worker per micro-grid, and each town's 三官一师 team."""
    rng = ctx.rng
    start = (ctx.now - dt.timedelta(days=365)).date()
    grids = list(ctx.grids)
    order = list(range(len(grids)))
    rng.shuffle(order)
    unstaffed = set(order[:UNSTAFFED_GRIDS])
    staffed = [i for i in range(len(grids)) if i not in unstaffed]
    doubles = len(staffed) - FULL_TIME  # these workers serve two neighbouring grids
    # id, code, name, kind, gender, birth_year, phone, id_number, hired_on
    rows: list[tuple[int, str, str, str, str, int, str, str, dt.date]] = []
    assignments: list[tuple[object, ...]] = []
    wid = 0
    left: dict[int, dt.date] = {}  # predecessors who handed their grid over during the year

    def person(kind: str, prefix: str) -> tuple[int, str]:
        nonlocal wid
        wid += 1
        name = texts.person_name(rng)
        year = rng.randint(1965, 2000)
        rows.append(
            (
                wid,
                f"{prefix}{wid:05d}",
                name,
                kind,
                rng.choice("男女"),
                year,
                texts.phone(rng),
                _id_number(rng, year),
                start - dt.timedelta(days=rng.randint(0, 2000)),
            )
        )
        return wid, name

    i = 0
    while i < len(staffed):
        g = grids[staffed[i]]
        w, name = person("full_time", "WGY")
        served = [g]
        if (
            doubles > 0
            and i + 1 < len(staffed)
            and grids[staffed[i + 1]].village_id == g.village_id
        ):
            served.append(grids[staffed[i + 1]])
            doubles -= 1
            i += 1
        for s in served:
            s.worker_id = s.worker_id or w
            # some workers took over their grid during the year: assignment history
            if rng.random() < 0.06:
                since = start + dt.timedelta(days=rng.randint(30, 330))
                prev, _ = person("full_time", "WGY")
                left[prev] = since
                assignments.append((prev, s.id, "primary", start - dt.timedelta(days=400), since))
                assignments.append((w, s.id, "primary", since, None))
            else:
                assignments.append((w, s.id, "primary", start - dt.timedelta(days=400), None))
        ctx.workers.append((w, name, g.id))
        ctx.worker_names[w] = name
        i += 1
    for g in grids:
        person_id, _ = person("auxiliary", "FZY")
        assignments.append((person_id, g.id, "helper", start - dt.timedelta(days=300), None))
        for micro_id in g.micro_ids:
            person_id, _ = person("micro_grid", "WWG")
            assignments.append((person_id, micro_id, "primary", start, None))
    assert ctx.county is not None
    town_ids = {g.town_id for g in grids}
    for town_id in sorted(town_ids):
        for kind in ("judge", "prosecutor", "police", "lawyer"):
            person_id, _ = person(kind, "SGYS")
            assignments.append((person_id, town_id, "team", start, None))
    copy_rows(
        ctx.conn,
        "grid_workers",
        (
            "id",
            "code",
            "name",
            "kind",
            "gender",
            "birth_year",
            "phone",
            "id_number",
            "hired_on",
            "left_on",
            "active",
        ),
        [(*r, left.get(r[0]), r[0] not in left) for r in rows],
    )
    reset_identity(ctx.conn, "grid_workers")
    copy_rows(
        ctx.conn,
        "grid_assignments",
        ("worker_id", "area_id", "duty", "valid_from", "valid_to"),
        assignments,
    )
    ctx.counts["full_time_grid_workers"] = len(ctx.workers)
    ctx.counts["grid_workers_all"] = len(rows)


def _id_number(rng: random.Random, year: int) -> str:
    body = f"620722{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


def activity(ctx: SeedContext) -> None:
    """Daily check-ins (报平安) for a year, patrols, and the monthly points ledger."""
    rng = ctx.rng
    today = ctx.now.date()
    first = today - dt.timedelta(days=364)
    grid_by_id = {g.id: g for g in ctx.grids}
    from command_center.demo.seed import sample_points

    n_active = round(len(ctx.workers) * ACTIVE_SHARE)
    idx = list(range(len(ctx.workers)))
    rng.shuffle(idx)
    active = set(idx[:n_active])
    checkins: list[tuple[object, ...]] = []
    patrols: list[tuple[object, ...]] = []
    monthly: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    np_rng = ctx.np_rng
    all_days = [first + dt.timedelta(days=i) for i in range((today - first).days + 1)]
    weekend = np.array([d.weekday() >= 5 for d in all_days])
    midnight = [dt.datetime.combine(d, dt.time(7, 0), ctx.now.tzinfo) for d in all_days]
    notes = [texts.checkin_note(rng) for _ in range(64)]
    for k, (wid, _name, grid_id) in enumerate(ctx.workers):
        g = grid_by_id[grid_id]
        pool = sample_points(np_rng, g.geometry, 24)
        diligence = rng.uniform(0.55, 0.97)
        n_days = len(all_days) if k in active else len(all_days) - rng.randint(31, 150)
        # vectorised per worker: which days they checked in, at what minute after 07:00
        present = np_rng.random(n_days) < diligence * np.where(weekend[:n_days], 0.8, 1.0)
        minutes = np_rng.triangular(0, 60, 240, n_days)
        spots = np_rng.integers(0, len(pool), n_days)
        patrol = np_rng.random(n_days) < 0.45
        patrol_start = np_rng.integers(20, 240, n_days)
        patrol_len = np_rng.integers(40, 180, n_days)
        with_note = np_rng.random(n_days) < 0.5
        for i in np.flatnonzero(present).tolist():
            day = all_days[i]
            at = midnight[i] + dt.timedelta(minutes=float(minutes[i]))
            if at > ctx.now:
                continue
            lon, lat = pool[spots[i]]
            note = notes[(wid + i) % len(notes)] if with_note[i] else None
            checkins.append((wid, day, at, round(lon, 6), round(lat, 6), note))
            month = day.strftime("%Y-%m")
            monthly[(wid, month)][0] += 1
            if patrol[i]:
                start = at + dt.timedelta(minutes=int(patrol_start[i]))
                minutes_walked = int(patrol_len[i])
                if start + dt.timedelta(minutes=minutes_walked) <= ctx.now:
                    track = [pool[(spots[i] + j * 5) % len(pool)] for j in range(6)]
                    patrols.append(
                        (
                            wid,
                            grid_id,
                            start,
                            start + dt.timedelta(minutes=minutes_walked),
                            round(minutes_walked / 60 * (2.0 + (i % 25) / 10), 2),
                            {
                                "type": "LineString",
                                "coordinates": [[round(x, 6), round(y, 6)] for x, y in track],
                            },
                            (wid + i) % 3 if (wid * i) % 4 == 0 else 0,
                        )
                    )
                    monthly[(wid, month)][1] += 1
    copy_rows(ctx.conn, "check_ins", ("worker_id", "day", "at", "lon", "lat", "note"), checkins)
    copy_rows(
        ctx.conn,
        "patrols",
        ("worker_id", "grid_id", "started_at", "ended_at", "distance_km", "track", "findings"),
        patrols,
    )
    ledger: list[tuple[object, ...]] = []
    balances: dict[int, int] = defaultdict(int)
    for (wid, month), (days, n_patrols) in sorted(monthly.items()):
        at = dt.datetime.strptime(month + "-28 18:00", "%Y-%m-%d %H:%M").replace(
            tzinfo=ctx.now.tzinfo
        )
        at = min(at, ctx.now)
        reports = ctx.reports.get((wid, month), 0)
        for reason, pts, note in (
            ("checkin", days, f"{month} 报平安{days}天"),
            ("patrol", n_patrols * 2, f"{month} 巡查{n_patrols}次"),
            ("report", reports * 3, f"{month} 上报事件{reports}件"),
        ):
            if pts:
                ledger.append((wid, at, pts, reason, None, note))
                balances[wid] += pts
        if balances[wid] > 120 and rng.random() < 0.3:
            item, price = rng.choice(GOODS)
            quantity = rng.randint(1, max(1, min(3, 100 // price)))
            spend = price * quantity
            ledger.append(
                (
                    wid,
                    min(at + dt.timedelta(hours=1), ctx.now),  # never after the seed's "now"
                    -spend,
                    "redeem",
                    rng.choice(STORES),
                    f"兑换{item}",
                    item,
                    quantity,
                    "平安超市店员",
                )
            )
            balances[wid] -= spend
    copy_rows(
        ctx.conn,
        "points_ledger",
        ("worker_id", "at", "points", "reason", "store", "note", "item", "quantity", "operator"),
        [row if len(row) == 9 else (*row, None, None, None) for row in ledger],
    )
    ctx.counts["check_ins"] = len(checkins)
    ctx.counts["patrols"] = len(patrols)
    ctx.counts["points_entries"] = len(ledger)
    reset_identity(ctx.conn, "check_ins")
