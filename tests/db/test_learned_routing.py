"""Smart dispatch learns from the demo county's closed incidents: a version with its figures,
its suggestions, rolling back, and who may store a model (on real PostgreSQL)."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from command_center.db.engine import libpq_url
from command_center.models import AuditEntry, ClassifierModel
from command_center.services import learned_routing as lr
from command_center.services.audit import Actor
from command_center.services.permissions import PermissionDenied
from tests.conftest import login_url


def _actor(session: Session, username: str) -> Actor:
    return lr.actor_named(session, username)


def test_learns_from_closed_incidents_and_rolls_back(session: Session) -> None:
    admin = _actor(session, "admin")
    samples = lr.training_samples(session)
    closed = session.scalar(
        text("SELECT count(*) FROM incidents WHERE status = 'closed' AND category_code IS NOT NULL")
    )
    assert len(samples) == closed > 100
    # closed without a work order (settled on the spot by a grid worker): category only
    assert sum(1 for s in samples if s.department) > 0.5 * len(samples)

    v1 = lr.learn(session, admin, note="first")
    assert v1.version == 1 and v1.active and v1.trained_on <= closed
    assert 0 < v1.macro_f1 <= 1 and 0 < v1.accuracy <= 1 and v1.department_macro_f1 > 0
    stored = session.scalar(select(ClassifierModel).where(ClassifierModel.version == 1))
    assert stored is not None
    assert stored.metrics["category"]["folds"] == lr.FOLDS
    assert stored.metrics["category"]["classes"][0]["support"] > 0

    # a suggestion follows the tree, names its department and gives its words
    row = session.execute(
        text(
            "SELECT i.title, i.description, i.category_code FROM incidents i "
            "WHERE i.status = 'closed' AND i.category_code IS NOT NULL ORDER BY i.id LIMIT 1"
        )
    ).one()
    s = lr.suggest(session, row.title, row.description)
    assert s is not None and s.version == 1
    codes = [g.label for g in s.categories]
    assert len(codes) == 3 and codes[1].startswith(codes[0]) and codes[2].startswith(codes[1])
    assert s.department_id is not None and s.department_name
    assert s.category_reasons and s.department_reasons
    assert lr.suggest(session, "", "  ") is None

    # the dispatch dialog is prepared with it, beside the rules' suggestion
    from command_center.services import actions

    inc = session.execute(
        text(
            "SELECT id, version, number, category_code, town_id FROM incidents ORDER BY id LIMIT 1"
        )
    ).one()
    prep = actions.prepare(
        session,
        "incident",
        "dispatch",
        [
            actions.Target(
                "incident",
                inc.id,
                inc.version,
                inc.number,
                inc.category_code,
                inc.town_id,
                "accepted",
            )
        ],
    )
    assert prep.learned is not None and prep.learned.department_id is not None

    v2 = lr.learn(session, admin, activate=False, folds=2)
    assert v2.version == 2 and not v2.active
    lr.activate(session, admin, 2)
    assert [(v.version, v.active) for v in lr.versions(session)] == [(2, True), (1, False)]
    lr.activate(session, admin, 1)  # roll back
    assert [(v.version, v.active) for v in lr.versions(session)] == [(2, False), (1, True)]
    assert lr.suggest(session, row.title, row.description).version == 1  # type: ignore[union-attr]

    actions = session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.entity_type == "classifier_model")
        .order_by(AuditEntry.id)
    ).all()
    assert actions == [
        "classifier.learn",
        "classifier.activate",
        "classifier.learn",
        "classifier.activate",
        "classifier.activate",
    ]
    assert not lr.due(session, 30)
    assert lr.due(session, -1)


def test_only_an_administrator_trains_or_activates(session: Session) -> None:
    operator = _actor(session, "zhiban1")
    with pytest.raises(PermissionDenied):
        lr.learn(session, operator)
    with pytest.raises(PermissionDenied):
        lr.activate(session, operator, 1)


def test_the_database_lets_only_administrators_write_model_bytes(seeded_copy: str) -> None:
    """Unpickling runs code: an operator's login may read the models, never write one."""
    sql = (
        "INSERT INTO classifier_models (version, created_at, trained_on, train_s, macro_f1, "
        "accuracy, department_macro_f1, metrics, sha256, library, model) VALUES "
        "(%s, now(), 1, 0, 0, 0, 0, '{}', '', 'x', '\\x00')"
    )
    with psycopg.connect(libpq_url(login_url(seeded_copy, "zhiban1")), autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(sql, (7,))
        assert conn.execute("SELECT count(*) FROM classifier_models").fetchone() == (0,)
    with psycopg.connect(libpq_url(login_url(seeded_copy, "admin")), autocommit=True) as conn:
        conn.execute(sql, (8,))
    with psycopg.connect(libpq_url(login_url(seeded_copy, "bm_police")), autocommit=True) as conn:
        # a department's login sees no model at all (row-level security)
        assert conn.execute("SELECT count(*) FROM classifier_models").fetchone() == (0,)


def test_pruning_keeps_the_active_the_newest_and_the_young_versions(session: Session) -> None:
    """Versions 1–6, the active one v2; keep 2 others and anything younger than 10 days: v6 and
    v5 (the newest others) and v1 (young) stay, v3 and v4 go, each deletion audited; the
    database itself refuses to delete the active version."""
    import datetime as dt

    from command_center import clock

    admin = _actor(session, "admin")
    now = clock.now()
    ages = {1: 2, 2: 90, 3: 80, 4: 70, 5: 60, 6: 50}  # days
    for version, days in ages.items():
        session.add(
            ClassifierModel(
                version=version,
                created_at=now - dt.timedelta(days=days),
                trained_on=1,
                train_s=0,
                macro_f1=0.5,
                accuracy=0.5,
                department_macro_f1=0,
                metrics={},
                active=version == 2,
                sha256="0" * 64,
                library="test",
                model=b"x",
            )
        )
    session.commit()
    assert lr.prune(session, admin, keep=2, days=10, dry_run=True) == [3, 4]
    assert len(lr.versions(session)) == 6  # a dry run deletes nothing
    with pytest.raises(PermissionDenied):
        lr.prune(session, _actor(session, "zhiban1"), keep=2, days=10)
    assert lr.prune(session, admin, keep=2, days=10) == [3, 4]
    assert [(v.version, v.active) for v in lr.versions(session)] == [
        (6, False),
        (5, False),
        (2, True),
        (1, False),
    ]
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "classifier.prune").order_by(AuditEntry.id)
    ).all()
    assert [e.before["version"] for e in entries] == [3, 4]  # type: ignore[index]
    assert all(e.actor_id == admin.user_id for e in entries)
    # the settings' defaults (5 others, 30 days) keep all four
    assert lr.prune(session, admin) == []
    # nothing but the active one: keep 0, no age
    assert lr.prune(session, admin, keep=0, days=0) == [1, 5, 6]
    assert [v.version for v in lr.versions(session)] == [2]


def test_the_database_refuses_to_delete_the_active_model(seeded_copy: str) -> None:
    insert = (
        "INSERT INTO classifier_models (version, created_at, trained_on, train_s, macro_f1, "
        "accuracy, department_macro_f1, metrics, sha256, library, model, active) VALUES "
        "(%s, now(), 1, 0, 0, 0, 0, '{}', '', 'x', '\\x00', %s)"
    )
    with psycopg.connect(libpq_url(login_url(seeded_copy, "admin")), autocommit=True) as conn:
        conn.execute(insert, (1, True))
        conn.execute(insert, (2, False))
        conn.execute("DELETE FROM classifier_models")  # row-level security: the active stays
        assert conn.execute("SELECT version FROM classifier_models").fetchall() == [(1,)]


def test_classify_prune_on_the_command_line(
    capsys: pytest.CaptureFixture[str], seeded_copy: str
) -> None:
    """`classify prune` says what it would delete (--dry-run) and deletes it; a negative count
    is a bilingual error with status 2."""
    from command_center.cli import main

    insert = (
        "INSERT INTO classifier_models (version, created_at, trained_on, train_s, macro_f1, "
        "accuracy, department_macro_f1, metrics, sha256, library, model, active) VALUES "
        "(%s, now() - make_interval(days => %s), 1, 0, 0, 0, 0, '{}', '', 'x', '\\x00', %s)"
    )
    with psycopg.connect(libpq_url(seeded_copy), autocommit=True) as conn:
        for version, days, active in ((1, 100, False), (2, 90, True), (3, 80, False)):
            conn.execute(insert, (version, days, active))
    args = ["classify", "prune", "--user", "admin", "--database-url", seeded_copy]
    assert main([*args, "--keep", "0", "--days", "30", "--dry-run"]) == 0
    assert "would delete: v1, v3" in capsys.readouterr().out
    assert main([*args, "--keep", "1", "--days", "30"]) == 0
    assert "deleted: v1" in capsys.readouterr().out
    with psycopg.connect(libpq_url(seeded_copy)) as conn:
        rows = conn.execute("SELECT version FROM classifier_models ORDER BY version").fetchall()
    assert rows == [(2,), (3,)]
    assert main([*args, "--keep", "-1"]) == 2
    assert "不能为负" in capsys.readouterr().err
