"""The boundaries import on real PostgreSQL: each GeoJSON shape through the command, each
finding, refusals that change nothing, the county's review with history, and who may draft and
approve (the database refuses the same).

The files (tests/fixtures/boundaries, see make_fixtures.py) describe a made-up county 示范县
east of the demo county: a new deployment starts from its outline on an empty database. The
review is tried on the demo county's own grids, whose incidents must keep their grid.
"""

from __future__ import annotations

import json
import select as _select
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import errors
from shapely.geometry import shape
from sqlalchemy import text

from command_center.cli import main
from command_center.db.engine import libpq_url, make_engine, make_session_factory
from command_center.services import boundary_review, geo_transform
from command_center.services.audit import Actor
from command_center.services.permissions import PermissionDenied
from tests.conftest import login_url
from tests.db.conftest import q

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "boundaries"


ERR: list[str] = []


def _run(
    capsys: pytest.CaptureFixture[str], db: str, name: str, *args: str
) -> tuple[int, list[str]]:
    """The command's exit code and output lines (its messages on stderr: ``ERR[-1]``)."""
    code = main(["import", "boundaries", str(FIXTURES / name), "--database-url", db, *args])
    out = capsys.readouterr()
    ERR.append(out.err)
    return code, out.out.splitlines()


def _counts(db: str) -> tuple[Any, ...]:
    return q(
        db,
        "SELECT (SELECT count(*) FROM admin_areas), (SELECT count(*) FROM area_boundaries), "
        "(SELECT count(*) FROM boundary_imports), (SELECT count(*) FROM audit_log), "
        "(SELECT md5(string_agg(geometry::text, '' ORDER BY id)) FROM admin_areas)",
    )[0]


def _area(db: str, name: str) -> tuple[Any, ...]:
    return q(
        db,
        "SELECT a.id, a.level, a.kind, p.name, a.geometry, a.code FROM admin_areas a "
        "LEFT JOIN admin_areas p ON p.id = a.parent_id WHERE a.name = %s AND a.valid_to IS NULL",
        name,
    )[0]


def _new_county(capsys: pytest.CaptureFixture[str], db: str) -> None:
    """示范县 and its two towns, approved (a new deployment's first steps)."""
    assert _run(
        capsys, db, "示范县.geojson", "--level", "county", "--crs", "gcj02", "--approve"
    ) == (0, ["imported=1 findings=0"])
    assert _run(
        capsys, db, "towns_array.json", "--level", "town", "--crs", "gcj02", "--approve"
    ) == (0, ["imported=2 findings=0"])


def test_a_new_deployment_imports_each_shape_from_its_county_outline(
    capsys: pytest.CaptureFixture[str], db_url: str
) -> None:
    db = db_url
    # a bare geometry: the county outline, named after its file, with no parent
    _new_county(capsys, db)
    _id, level, kind, parent, geometry, _code = _area(db, "示范县")
    assert (level, kind, parent, geometry["type"]) == ("county", "county", None, "Polygon")
    # a bare array of Features, Chinese property names (名称, 代码, 上级); 西镇 keeps its exclave
    _id, level, kind, parent, geometry, code = _area(db, "西镇")
    assert (level, kind, parent, code) == ("town", "town", "示范县", "990001001000")
    assert geometry["type"] == "MultiPolygon" and len(geometry["coordinates"]) == 2
    east = _area(db, "东镇")[4]
    assert east["type"] == "Polygon" and len(east["coordinates"]) == 2  # the exclave's hole
    # a GB18030 FeatureCollection (NAME) under --parent, drafted and then approved
    code, out = _run(
        capsys,
        db,
        "villages_gb18030.geojson",
        "--level",
        "village",
        "--crs",
        "gcj02",
        "--parent",
        "东镇",
    )
    assert (code, out) == (0, ["imported=2 findings=0"])
    assert q(db, "SELECT count(*) FROM admin_areas WHERE level = 'village'") == [(0,)]
    ((draft,),) = q(db, "SELECT id FROM boundary_imports WHERE status = 'draft'")
    with make_session_factory(make_engine(db))() as session:
        done = boundary_review.approve(session, Actor(None, "测试"), draft)
    assert (done.added, done.changed) == (2, 0)
    assert _area(db, "东二村")[1:4] == ("village", "village", "东镇")
    # a single Feature, micro-grids' parent level too
    assert _run(
        capsys,
        db,
        "grid_feature.geojson",
        "--level",
        "grid",
        "--crs",
        "gcj02",
        "--parent",
        "东一村",
        "--approve",
    ) == (0, ["imported=1 findings=0"])
    assert _area(db, "东一村第一网格")[1:4] == ("grid", "comprehensive", "东一村")
    code, out = _run(
        capsys,
        db,
        "grid_feature.geojson",
        "--level",
        "micro",
        "--crs",
        "gcj02",
        "--parent",
        "东镇/东一村/东一村第一网格",
        "--dry-run",
    )
    assert (code, out) == (0, ["imported=1 findings=0"])
    # every step is in the audit log
    assert q(
        db,
        "SELECT action, count(*) FROM audit_log WHERE entity_type = 'boundary_import' "
        "GROUP BY action ORDER BY action",
    ) == [("boundary_approve", 4), ("boundary_draft", 4)]


def test_a_wgs84_file_is_stored_in_gcj02(capsys: pytest.CaptureFixture[str], db_url: str) -> None:
    # the file declares CRS84 in a crs member: no --crs needed
    assert _run(capsys, db_url, "county_wgs84.geojson", "--level", "county", "--approve") == (
        0,
        ["imported=1 findings=0"],
    )
    stored = shape(_area(db_url, "示范县")[4])
    x0, y0, x1, y1 = stored.bounds
    # the made-up outline was written in GCJ-02 and converted to WGS-84 for the file
    assert (x0, y0, x1, y1) == pytest.approx((102.00, 39.00, 102.20, 39.10), abs=2e-7)
    wgs = json.loads((FIXTURES / "county_wgs84.geojson").read_text("utf-8"))
    wx, wy = wgs["features"][0]["geometry"]["coordinates"][0][0]
    assert (wx, wy) != pytest.approx((102.00, 39.00), abs=1e-3)  # really another datum
    assert geo_transform.wgs_to_gcj(wx, wy) == pytest.approx((102.00, 39.00), abs=2e-7)


def test_each_finding_kind_is_reported_and_a_dry_run_changes_nothing(
    capsys: pytest.CaptureFixture[str], db_url: str
) -> None:
    db = db_url
    _new_county(capsys, db)
    before = _counts(db)
    code, out = _run(
        capsys,
        db,
        "findings_villages.geojson",
        "--level",
        "village",
        "--crs",
        "gcj02",
        "--parent",
        "西镇",
        "--dry-run",
    )
    assert code == 0
    assert out[0] == "imported=3 findings=9"
    found = [line.split("\t") for line in out[1:]]
    kinds = sorted((k, area) for k, area, _message in found)
    assert kinds == sorted(
        [
            ("self_intersection", "西三村"),
            ("ring_not_closed", "西六村"),
            ("too_few_points", "西七村"),
            ("name_missing", "#9"),
            ("duplicate_name", "西五村"),
            ("duplicate_name", "西五村"),
            ("overlap", "西一村"),
            ("outside_parent", "西四村"),
            ("gap", "西镇"),
        ]
    )
    messages = {k: m for k, _a, m in found}
    assert "西二村" in messages["overlap"] and " / " in messages["overlap"]
    # the exclave (0.01° × 0.01° at 39°N, about 0.96 km²) is the gap
    assert "0.96 平方公里" in messages["gap"] and "0.96 km²" in messages["gap"]
    assert "102.030000, 39.070000" in messages["self_intersection"]
    assert _counts(db) == before


def test_not_geojson_all_invalid_or_no_crs_exit_2_and_change_nothing(
    capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path
) -> None:
    db = db_url
    _new_county(capsys, db)
    before = _counts(db)
    assert (
        _run(
            capsys,
            db,
            "not_geojson.json",
            "--level",
            "village",
            "--crs",
            "gcj02",
            "--parent",
            "西镇",
        )[0]
        == 2
    )
    assert "不是GeoJSON" in ERR[-1]
    code, out = _run(
        capsys,
        db,
        "all_invalid.geojson",
        "--level",
        "village",
        "--crs",
        "gcj02",
        "--parent",
        "西镇",
    )
    assert code == 2 and out[0] == "imported=0 findings=2"
    # a text file, a file without a declared system when none is given, an unknown parent
    csv = tmp_path / "areas.csv"
    csv.write_text("名称,代码\n西镇,990001001000\n", encoding="utf-8")
    assert (
        main(
            [
                "import",
                "boundaries",
                str(csv),
                "--level",
                "town",
                "--crs",
                "gcj02",
                "--database-url",
                db,
            ]
        )
        == 2
    )
    assert (
        _run(capsys, db, "villages_gb18030.geojson", "--level", "village", "--parent", "东镇")[0]
        == 2
    )
    assert "--crs" in ERR[-1]
    assert (
        _run(
            capsys,
            db,
            "villages_gb18030.geojson",
            "--level",
            "village",
            "--crs",
            "gcj02",
            "--parent",
            "北镇",
        )[0]
        == 2
    )
    assert "北镇" in ERR[-1]
    assert _counts(db) == before


# --- the review, on the demo county ---------------------------------------------------------------


def _grid_with_incidents(session: Any) -> tuple[int, str, dict[str, Any], int]:
    row = session.execute(
        text(
            "SELECT g.id, t.name || '/' || v.name, g.geometry, count(i.id) FROM admin_areas g "
            "JOIN admin_areas v ON v.id = g.parent_id JOIN admin_areas t ON t.id = v.parent_id "
            "JOIN incidents i ON i.grid_id = g.id WHERE g.level = 'grid' "
            "GROUP BY g.id, t.name, v.name ORDER BY count(i.id) DESC, g.id LIMIT 1"
        )
    ).one()
    return row[0], row[1], row[2], row[3]


def _shrunk_grid_file(session: Any, tmp_path: Path, metres: float) -> tuple[int, str, Path, int]:
    """A file redrawing the demo grid with the most incidents, ``metres`` smaller all round."""
    grid_id, parent_path, geometry, incidents = _grid_with_incidents(session)
    name = session.execute(
        text("SELECT name FROM admin_areas WHERE id = :g"), {"g": grid_id}
    ).scalar()
    smaller = shape(geometry).buffer(-metres / 111_320, join_style="mitre")
    path = tmp_path / f"grid_{metres:.0f}.geojson"
    from shapely.geometry import mapping

    path.write_text(
        json.dumps({"type": "Feature", "properties": {"名称": name}, "geometry": mapping(smaller)}),
        encoding="utf-8",
    )
    return grid_id, parent_path, path, incidents


def test_a_change_goes_through_review_and_keeps_history_and_incidents(
    session: Any, tmp_path: Path
) -> None:
    admin = session.execute(
        text("SELECT id, display_name FROM app_users WHERE username = 'admin'")
    ).one()
    actor = Actor(admin[0], admin[1])
    grid_id, parent, path, incidents = _shrunk_grid_file(session, tmp_path, 30)
    old = session.execute(
        text("SELECT geometry FROM admin_areas WHERE id = :g"), {"g": grid_id}
    ).scalar()
    placed = {
        r[0]: r[1]
        for r in session.execute(
            text("SELECT id, grid_id FROM incidents WHERE grid_id = :g"), {"g": grid_id}
        )
    }
    plan = boundary_review.plan(
        session, path.read_bytes(), level="grid", crs="gcj02", parent=parent, file_name=path.name
    )
    assert plan.imported == 1 and plan.planned[0].existing.id == grid_id
    assert [f.kind for f in plan.findings] == ["gap"]  # a 30 m band is left to nobody
    draft = boundary_review.submit(session, actor, plan)
    # a draft changes nothing on the map
    assert (
        session.execute(
            text("SELECT geometry FROM admin_areas WHERE id = :g"), {"g": grid_id}
        ).scalar()
        == old
    )
    listed = boundary_review.list_imports(session, ["draft"])
    assert [r.id for r in listed] == [draft] and listed[0].findings == 1

    done = boundary_review.approve(session, actor, draft)
    assert (done.changed, done.added) == (1, 0)
    new = session.execute(
        text("SELECT geometry FROM admin_areas WHERE id = :g"), {"g": grid_id}
    ).scalar()
    assert shape(new).area < shape(old).area
    periods = boundary_review.history(session, grid_id)
    assert [(p.valid_to is None, p.import_id) for p in periods] == [(False, None), (True, draft)]
    assert periods[0].geometry == old and periods[0].valid_to == periods[1].valid_from
    # the incidents keep the grid they were placed in, even those now outside it
    after = dict(
        session.execute(
            text("SELECT id, grid_id FROM incidents WHERE id = ANY(:ids)"), {"ids": list(placed)}
        ).all()
    )
    assert after == placed and len(placed) == incidents
    now_outside = [
        (lon, lat)
        for lon, lat in session.execute(
            text("SELECT lon, lat FROM incidents WHERE id = ANY(:ids) AND lon IS NOT NULL"),
            {"ids": list(placed)},
        )
        if not shape(new).buffer(1e-9).contains(shape({"type": "Point", "coordinates": [lon, lat]}))
    ]
    # (some may now lie in the band the grid gave up; they stay in it all the same)
    assert len(now_outside) <= len(placed)

    # a second draft, rejected with a reason: the approved boundary stays
    _g, _p, path2, _n = _shrunk_grid_file(session, tmp_path, 60)
    plan2 = boundary_review.plan(
        session, path2.read_bytes(), level="grid", crs="gcj02", parent=parent, file_name=path2.name
    )
    draft2 = boundary_review.submit(session, actor, plan2)
    with pytest.raises(boundary_review.BoundaryError, match="理由"):
        boundary_review.reject(session, actor, draft2, "  ")
    boundary_review.reject(session, actor, draft2, "与相邻网格的界线未经村委会确认")
    assert (
        session.execute(
            text("SELECT geometry FROM admin_areas WHERE id = :g"), {"g": grid_id}
        ).scalar()
        == new
    )
    assert len(boundary_review.history(session, grid_id)) == 2
    with pytest.raises(boundary_review.BoundaryError, match="已审核"):
        boundary_review.approve(session, actor, draft2)
    assert session.execute(
        text(
            "SELECT action, reason FROM audit_log WHERE entity_type = 'boundary_import' "
            "AND entity_id = :d ORDER BY id"
        ),
        {"d": draft2},
    ).all() == [("boundary_draft", None), ("boundary_reject", "与相邻网格的界线未经村委会确认")]


# --- who may: a town drafts, the county approves; the database says the same --------------------


def _login(url: str, username: str) -> psycopg.Connection:
    return psycopg.connect(libpq_url(login_url(url, username)), autocommit=True)


def test_a_town_user_drafts_its_own_areas_and_cannot_approve(
    seeded_copy: str, tmp_path: Path
) -> None:
    db = seeded_copy
    ((town_id,),) = q(db, "SELECT id FROM admin_areas WHERE name = '洪水镇' AND level = 'town'")
    ((other_id,),) = q(db, "SELECT id FROM admin_areas WHERE name = '六坝镇' AND level = 'town'")
    with psycopg.connect(libpq_url(db), autocommit=True) as owner:
        owner.execute(
            "INSERT INTO app_users (username, display_name, role_code, scope_area_id) "
            "VALUES ('hongshui', '洪水镇综治中心', 'duty_operator', %s)",
            (town_id,),
        )
    ((town_user,),) = q(db, "SELECT id FROM app_users WHERE username = 'hongshui'")
    town_actor = Actor(town_user, "洪水镇综治中心")

    engine = make_engine(login_url(db, "hongshui"))
    with make_session_factory(engine)() as session:
        me = boundary_review.scope_of(session, town_actor)
        assert me == boundary_review.Scope("duty_operator", town_id)
        assert not boundary_review.may_review(me)
        # a grid of one of 洪水镇's villages: the town may draft it
        ((village,),) = q(
            db,
            "SELECT v.name FROM admin_areas v WHERE v.parent_id = %s AND v.level = 'village' "
            "ORDER BY v.id LIMIT 1",
            town_id,
        )
        ((grid_name, geometry),) = q(
            db,
            "SELECT g.name, g.geometry FROM admin_areas g JOIN admin_areas v ON v.id = g.parent_id "
            "WHERE v.name = %s AND v.parent_id = %s AND g.level = 'grid' ORDER BY g.id LIMIT 1",
            village,
            town_id,
        )
        path = tmp_path / "grid.geojson"
        # the feature names its own parent (上级), as a town's file of several villages would
        path.write_text(
            json.dumps(
                {
                    "type": "Feature",
                    "properties": {"name": grid_name, "上级": f"洪水镇/{village}"},
                    "geometry": geometry,
                }
            ),
            encoding="utf-8",
        )
        plan = boundary_review.plan(
            session, path.read_bytes(), level="grid", crs="gcj02", file_name=path.name
        )
        assert plan.imported == 1 and plan.parent is None
        draft = boundary_review.submit(session, town_actor, plan)
        # the Python rule refuses the approval …
        with pytest.raises(PermissionDenied):
            boundary_review.approve(session, town_actor, draft)
        session.rollback()
        # … and so does the database, whatever the SQL
        conn = session.connection().connection.driver_connection
        assert conn.execute(
            "SELECT cc_may_review_boundaries(), cc_may_draft_boundary(%s), "
            "cc_may_draft_boundary(%s)",
            (town_id, other_id),
        ).fetchone() == (False, True, False)
        assert (
            conn.execute(
                "UPDATE boundary_imports SET status = 'approved' WHERE id = %s", (draft,)
            ).rowcount
            == 0
        )
        assert (
            conn.execute("UPDATE admin_areas SET name = '改名' WHERE id = %s", (town_id,)).rowcount
            == 0
        )
        session.rollback()
        # a draft outside the town is refused by the database too
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO boundary_imports (level, parent_id, file_name, source_crs, "
                "drafted_by_id, drafted_by, drafted_at) "
                "VALUES ('village', %s, 'x', 'GCJ-02', %s, 'x', now())",
                (other_id, town_user),
            )
        conn.rollback()
        # … and so is an area of another town slipped into the town's own draft
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO area_boundaries (import_id, geometry, valid_from, status, name, "
                "level, parent_id) SELECT %s, geometry, current_date, 'draft', '外镇村', "
                "'village', id FROM admin_areas WHERE id = %s",
                (draft, other_id),
            )
        conn.rollback()
        # the service says why before the database has to
        other_plan = boundary_review.plan(
            session,
            json.dumps(
                {"type": "Feature", "properties": {"name": "外镇新村"}, "geometry": geometry}
            ).encode("utf-8"),
            level="village",
            crs="gcj02",
            parent="六坝镇",
            file_name="x.json",
        )
        with pytest.raises(PermissionDenied, match="乡镇"):
            boundary_review.submit(session, town_actor, other_plan)
    engine.dispose()
    assert q(db, "SELECT status FROM boundary_imports WHERE id = %s", draft) == [("draft",)]

    # the county's administrator approves, through its own login; the map hears of it
    ((admin_id, admin_name),) = q(
        db, "SELECT id, display_name FROM app_users WHERE username = 'admin'"
    )
    listener = psycopg.connect(libpq_url(db), autocommit=True)
    listener.execute("LISTEN cc_changes")
    engine = make_engine(login_url(db, "admin"))
    with make_session_factory(engine)() as session:
        conn = session.connection().connection.driver_connection
        assert conn.execute("SELECT cc_may_review_boundaries()").fetchone() == (True,)
        session.rollback()
        boundary_review.approve(session, Actor(admin_id, admin_name), draft)
    engine.dispose()
    tables = set()
    if _select.select([listener.fileno()], [], [], 5)[0]:
        for note in listener.notifies(timeout=1):
            tables.add(json.loads(note.payload)["t"])
    listener.close()
    assert {"admin_areas", "boundary_imports"} <= tables
    assert q(db, "SELECT status, reviewed_by FROM boundary_imports WHERE id = %s", draft) == [
        ("approved", admin_name)
    ]


def test_a_county_duty_operator_and_the_analyst_do_not_draft(session: Any, tmp_path: Path) -> None:
    _grid, parent, path, _n = _shrunk_grid_file(session, tmp_path, 30)
    plan = boundary_review.plan(
        session, path.read_bytes(), level="grid", crs="gcj02", parent=parent, file_name=path.name
    )
    for username in ("zhiban1", "yanpan1"):
        uid, name = session.execute(
            text("SELECT id, display_name FROM app_users WHERE username = :u"), {"u": username}
        ).one()
        me = boundary_review.scope_of(session, Actor(uid, name))
        assert not boundary_review.may_draft_somewhere(me) and not boundary_review.may_review(me)
        with pytest.raises(PermissionDenied, match="起草"):
            boundary_review.submit(session, Actor(uid, name), plan)
    assert boundary_review.list_imports(session) == []
