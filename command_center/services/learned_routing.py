"""Learned suggestions (智能派单): the classifier (services/classifier.py) trained on the center's
closed incidents, versioned in the database (``classifier_models``, alembic 0014), and what it
suggests for a new incident's words.

The labels are what a person confirmed: a closed incident's category, and the department of its
last lead work order that was not cancelled or returned. Each training is a new version with its
cross-validated figures; an administrator activates one (rolling back is activating an older
one). Every change is audited.

Rules come first: routing.suggest's department stays the one preselected where a rule (or a
category's default) exists; the learned suggestion is shown beside it with its reasons.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from command_center import clock
from command_center.models import AppUser, Category, ClassifierModel, Department
from command_center.services import audit, classifier, permissions
from command_center.services.audit import Actor

FOLDS = 3  # the figures stored with a version: enough to compare versions, quick to compute
MIN_SAMPLES = 30


class LearningError(classifier.ClassifierError):
    pass


@dataclass(frozen=True)
class VersionRow:
    id: int
    version: int
    created_at: dt.datetime
    created_by: str | None
    trained_on: int
    train_s: float
    macro_f1: float
    accuracy: float
    department_macro_f1: float
    active: bool
    note: str | None
    ece: float | None = None  # the category's expected calibration error (None: stored before)


@dataclass(frozen=True)
class LearnedSuggestion:
    """The model's category path (level 1 → leaf) and department, each with a confidence (0–1)
    and the words that drove it."""

    version: int
    categories: list[classifier.Guess]  # codes and names, level 1 first
    category_reasons: list[str]
    department_id: int | None
    department_name: str | None
    department_confidence: float
    department_reasons: list[str]
    # the English interface's names, from the database (None or missing: the Chinese ones)
    department_name_en: str | None = None
    category_names_en: tuple[str | None, ...] = ()

    @property
    def category_code(self) -> str | None:
        return self.categories[-1].label if self.categories else None

    @property
    def category_confidence(self) -> float:
        return self.categories[-1].confidence if self.categories else 0.0

    @property
    def path(self) -> str:
        return " › ".join(g.name for g in self.categories)

    @property
    def path_en(self) -> str:
        """The category path by the categories' English names (a missing one: its name)."""
        en = list(self.category_names_en) + [None] * len(self.categories)
        return " › ".join(en[i] or g.name for i, g in enumerate(self.categories))


def actor_named(session: Session, username: str) -> Actor:
    """The account ``username`` as an actor (the command line's ``--user``)."""
    row = session.execute(
        select(AppUser.id, AppUser.display_name).where(AppUser.username == username)
    ).one_or_none()
    if row is None:
        raise permissions.PermissionDenied(f"没有用户 {username}", f"no user {username}")
    return Actor(row.id, row.display_name)


def training_samples(session: Session) -> list[classifier.Sample]:
    rows = session.execute(
        text(
            """
            SELECT i.title, i.description, i.category_code,
                   (SELECT w.department_id FROM work_orders w
                     WHERE w.incident_id = i.id AND w.lead_order_id IS NULL
                       AND w.status NOT IN ('cancelled', 'returned')
                     ORDER BY w.dispatched_at DESC, w.id DESC LIMIT 1) AS department_id
            FROM incidents i
            WHERE i.status = 'closed' AND i.category_code IS NOT NULL
            ORDER BY i.id
            """
        )
    ).all()
    return [
        classifier.Sample(
            f"{r.title}\n{r.description or ''}",
            r.category_code,
            str(r.department_id) if r.department_id is not None else None,
        )
        for r in rows
    ]


def _tree(session: Session) -> tuple[dict[str, str | None], dict[str, str]]:
    parents: dict[str, str | None] = {}
    names: dict[str, str] = {}
    for code, parent, name in session.execute(
        select(Category.code, Category.parent_code, Category.name)
    ):
        parents[code] = parent
        names[code] = name
    for dept_id, name in session.execute(select(Department.id, Department.name)):
        names[str(dept_id)] = name
    return parents, names


def learn(
    session: Session,
    actor: Actor,
    *,
    activate: bool = True,
    note: str | None = None,
    folds: int = FOLDS,
) -> VersionRow:
    """Train on the closed incidents, evaluate (``folds``-fold), store as the next version and
    (``activate``) use it. Commits. Only an administrator may."""
    permissions.require_edit_rules(session, actor)
    samples = training_samples(session)
    if len(samples) < MIN_SAMPLES:
        raise LearningError(
            f"已办结事件太少（{len(samples)}件，至少{MIN_SAMPLES}件） / too few closed incidents "
            f"({len(samples)}, at least {MIN_SAMPLES})"
        )
    parents, names = _tree(session)
    with classifier.remembering_words():  # each text segmented once for the folds and the model
        cat_eval, dept_eval = classifier.cross_validate(
            samples, folds, parents=parents, names=names
        )
        model = classifier.train(samples, parents=parents, names=names)
    data = model.dumps()
    import sklearn

    version = (
        session.scalar(
            select(ClassifierModel.version).order_by(ClassifierModel.version.desc()).limit(1)
        )
        or 0
    ) + 1
    metrics = {"category": cat_eval.as_dict()}
    if dept_eval is not None:
        metrics["department"] = dept_eval.as_dict()
    row = ClassifierModel(
        version=version,
        created_at=clock.now(),
        created_by_id=actor.user_id,
        trained_on=model.trained_on,
        train_s=model.train_s,
        macro_f1=round(cat_eval.macro_f1, 4),
        accuracy=round(cat_eval.accuracy, 4),
        department_macro_f1=round(dept_eval.macro_f1, 4) if dept_eval else 0.0,
        metrics=metrics,
        active=False,
        note=note,
        sha256=hashlib.sha256(data).hexdigest(),
        library=f"scikit-learn {sklearn.__version__}",
        model=data,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "classifier.learn",
        "classifier_model",
        row.id,
        f"{actor.name} 训练智能派单模型 v{version}（{model.trained_on}件已办结事件，"
        f"分类 macro-F1 {row.macro_f1:.3f}）",
        after={
            "version": version,
            "trained_on": model.trained_on,
            "macro_f1": row.macro_f1,
            "accuracy": row.accuracy,
            "department_macro_f1": row.department_macro_f1,
        },
    )
    if activate:
        _activate(session, actor, row)
    session.commit()
    return _row(row, actor.name if actor.user_id else None)


def _activate(session: Session, actor: Actor, row: ClassifierModel) -> None:
    before = session.scalar(select(ClassifierModel.version).where(ClassifierModel.active))
    session.execute(update(ClassifierModel).where(ClassifierModel.active).values(active=False))
    session.flush()
    row.active = True
    session.flush()
    audit.record(
        session,
        actor,
        "classifier.activate",
        "classifier_model",
        row.id,
        f"{actor.name} 启用智能派单模型 v{row.version}"
        + (f"（此前 v{before}）" if before is not None else ""),
        before={"active_version": before},
        after={"active_version": row.version},
    )


def activate(session: Session, actor: Actor, version: int) -> None:
    """Use this stored version from now on (a roll back, or forward again). Commits."""
    permissions.require_edit_rules(session, actor)
    row = session.scalar(select(ClassifierModel).where(ClassifierModel.version == version))
    if row is None:
        raise LearningError(f"没有模型版本 v{version} / no model version v{version}")
    if row.active:
        return
    _activate(session, actor, row)
    session.commit()


def _row(r: ClassifierModel, by: str | None) -> VersionRow:
    return VersionRow(
        r.id,
        r.version,
        r.created_at,
        by,
        r.trained_on,
        r.train_s,
        r.macro_f1,
        r.accuracy,
        r.department_macro_f1,
        r.active,
        r.note,
        (r.metrics or {}).get("category", {}).get("ece"),
    )


def versions(session: Session) -> list[VersionRow]:
    """Every stored version, newest first, with its figures (not its bytes)."""
    rows = session.execute(
        select(ClassifierModel, AppUser.display_name)
        .outerjoin(AppUser, AppUser.id == ClassifierModel.created_by_id)
        .order_by(ClassifierModel.version.desc())
    ).all()
    return [_row(r, by) for r, by in rows]


# --- pruning --------------------------------------------------------------------------------

KEEP_VERSIONS_SETTING = "dispatch.keep_model_versions"
KEEP_DAYS_SETTING = "dispatch.keep_model_days"


def prunable(
    rows: list[tuple[int, dt.datetime, bool]], keep: int, days: float, now: dt.datetime
) -> list[int]:
    """The versions pruning removes, of ``rows`` (version, created_at, active): all but the
    active one, the ``keep`` newest of the others and any younger than ``days``. The rule, in
    one place (the database refuses to delete the active version, alembic 0020)."""
    others = sorted((r for r in rows if not r[2]), key=lambda r: r[0], reverse=True)
    cutoff = now - dt.timedelta(days=days)
    return sorted(
        version for i, (version, created, _) in enumerate(others) if i >= keep and created < cutoff
    )


def prune(
    session: Session,
    actor: Actor,
    *,
    keep: int | None = None,
    days: float | None = None,
    dry_run: bool = False,
) -> list[int]:
    """Delete the stored models :func:`prunable` names (``keep``/``days``: the settings
    ``dispatch.keep_model_versions`` / ``dispatch.keep_model_days`` by default); each deletion
    audited with the version's figures. The versions removed (or that would be: ``dry_run``).
    Only an administrator may. Commits."""
    from command_center.services import settings

    permissions.require_edit_rules(session, actor)
    keep = int(settings.get(session, KEEP_VERSIONS_SETTING) if keep is None else keep)
    days = float(settings.get(session, KEEP_DAYS_SETTING) if days is None else days)
    if keep < 0 or days < 0:
        raise LearningError(
            "保留数量和天数不能为负 / the versions and days to keep cannot be negative"
        )
    rows = session.execute(
        select(ClassifierModel.version, ClassifierModel.created_at, ClassifierModel.active)
    ).all()
    doomed = prunable([(r[0], r[1], r[2]) for r in rows], keep, days, clock.now())
    if dry_run or not doomed:
        return doomed
    for row in session.scalars(
        select(ClassifierModel).where(ClassifierModel.version.in_(doomed))
    ).all():
        audit.record(
            session,
            actor,
            "classifier.prune",
            "classifier_model",
            row.id,
            f"{actor.name} 清理智能派单模型 v{row.version}（保留启用版本、最近{keep}个版本和"
            f"{days:g}天内的版本）",
            before={
                "version": row.version,
                "created_at": row.created_at.isoformat(),
                "trained_on": row.trained_on,
                "macro_f1": row.macro_f1,
                "sha256": row.sha256,
            },
        )
        session.delete(row)
    session.flush()
    session.commit()
    return doomed


def due(session: Session, older_than_days: float) -> bool:
    """Whether a scheduled training should run: no active model, or one older than this."""
    at = session.scalar(select(ClassifierModel.created_at).where(ClassifierModel.active))
    return at is None or clock.now() - at > dt.timedelta(days=older_than_days)


# --- the active model, loaded once per process and version ----------------------------

_cache: dict[str, tuple[int, str, classifier.Model]] = {}
_lock = threading.Lock()


def active_model(session: Session) -> tuple[int, classifier.Model] | None:
    """(version, model) of the active version, or None. The bytes are read (and unpickled)
    only when the active version changed since the last call in this process."""
    head = session.execute(
        select(ClassifierModel.id, ClassifierModel.version, ClassifierModel.sha256).where(
            ClassifierModel.active
        )
    ).one_or_none()
    if head is None:
        return None
    with _lock:
        hit = _cache.get("active")
        if hit is not None and hit[0] == head.id and hit[1] == head.sha256:
            return head.version, hit[2]
    data = session.scalar(select(ClassifierModel.model).where(ClassifierModel.id == head.id))
    if data is None or hashlib.sha256(data).hexdigest() != head.sha256:
        raise LearningError(
            f"模型 v{head.version} 的内容与校验值不符 / model v{head.version} does not match "
            "its checksum"
        )
    model = classifier.loads(bytes(data))
    with _lock:
        _cache["active"] = (head.id, head.sha256, model)
    return head.version, model


def suggest(session: Session, title: str, description: str = "") -> LearnedSuggestion | None:
    """What the active model suggests for these words; None without a model or words."""
    if not (title or "").strip() and not (description or "").strip():
        return None
    loaded = active_model(session)
    if loaded is None:
        return None
    version, model = loaded
    p = model.predict(f"{title}\n{description}")
    if p is None:
        return None
    dept_id = int(p.department.label) if p.department is not None else None
    categories_en = dict(
        session.execute(
            select(Category.code, Category.name_en).where(
                Category.code.in_([g.label for g in p.categories])
            )
        ).all()
    )
    dept_en = (
        session.scalar(select(Department.name_en).where(Department.id == dept_id))
        if dept_id is not None
        else None
    )
    return LearnedSuggestion(
        version,
        p.categories,
        p.category_reasons,
        dept_id,
        p.department.name if p.department is not None else None,
        p.department.confidence if p.department is not None else 0.0,
        p.department_reasons,
        dept_en,
        tuple(categories_en.get(g.label) for g in p.categories),
    )


# --- automatic dispatch -------------------------------------------------------------------

AUTO = Actor(None, "智能派单（自动）")
"""Who an automatic dispatch is by, in the audit log and the incident's history."""
AUTO_SETTING = "dispatch.auto_confidence"


@dataclass(frozen=True)
class AutoDispatch:
    incident_id: int
    department_id: int
    department_name: str
    version: int
    confidence: float  # the lower of the category's and the department's


def auto_dispatch(session: Session, incident_id: int) -> AutoDispatch | None:
    """Dispatch a new incident without a person, where everything agrees: the setting
    ``dispatch.auto_confidence`` is on; the incident is new or accepted, has a category and is
    not urgent; the routing rules (a rule or the category's default) name a department; the
    learned model names the same category and the same department, both with at least that
    confidence. Otherwise None and nothing changes. The dispatch is by :data:`AUTO` (audited as
    automatic) and can be undone (:func:`undo_auto_dispatch`). Commits."""
    from command_center.models import Incident
    from command_center.services import orders, routing, settings

    threshold = float(settings.get(session, AUTO_SETTING) or 0)
    if threshold <= 0:
        return None
    inc = session.get(Incident, incident_id)
    if inc is None or inc.status not in ("new", "accepted") or inc.category_code is None:
        return None
    if inc.priority == 1:  # urgent: a person looks at it
        return None
    rule = routing.suggest(session, inc.category_code, inc.town_id)
    if rule is None:
        return None
    learned = suggest(session, inc.title, inc.description)
    if (
        learned is None
        or learned.category_code != inc.category_code
        or learned.department_id != rule.department_id
    ):
        return None
    confidence = min(learned.category_confidence, learned.department_confidence)
    if confidence < threshold:
        return None
    orders.dispatch(
        session,
        AUTO,
        inc.id,
        rule.department_id,
        note=(
            f"自动派单：模型 v{learned.version} 与派单规则一致（置信度 {confidence:.0%}；"
            f"依据：{'、'.join(learned.department_reasons[:3])}）"
        ),
        expected_version=inc.version,
    )  # commits
    return AutoDispatch(
        inc.id, rule.department_id, rule.department_name, learned.version, confidence
    )


def auto_dispatch_many(session: Session, incident_ids: list[int]) -> list[AutoDispatch]:
    """:func:`auto_dispatch` for each of a batch just imported or polled (the same agreement
    rule, each in its own transaction); a refusal or a model that cannot be loaded leaves the
    incident for a person, logged. Nothing is read when automatic dispatch is off."""
    import logging

    from command_center.services import orders, settings

    if not incident_ids or float(settings.get(session, AUTO_SETTING) or 0) <= 0:
        return []
    done: list[AutoDispatch] = []
    for incident_id in incident_ids:
        try:
            made = auto_dispatch(session, incident_id)
        except (orders.TransitionError, classifier.ClassifierError) as exc:
            session.rollback()
            logging.getLogger(__name__).warning("automatic dispatch of %s: %s", incident_id, exc)
            continue
        if made is not None:
            done.append(made)
    return done


def auto_dispatched(session: Session, incident_id: int) -> bool:
    """Whether the incident's last dispatch was automatic (and so may be undone while no
    department has accepted it)."""
    from command_center.models import AuditEntry

    last = session.execute(
        select(AuditEntry.actor_id, AuditEntry.actor_name)
        .where(
            AuditEntry.entity_type == "incident",
            AuditEntry.entity_id == incident_id,
            AuditEntry.action == "incident.dispatch",
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).one_or_none()
    return last is not None and last.actor_id is None and last.actor_name == AUTO.name


def undo_auto_dispatch(
    session: Session,
    actor: Actor,
    incident_id: int,
    reason: str | None = None,
    *,
    expected_version: int | None = None,
) -> None:
    """An operator takes back an automatic dispatch (before the department accepted it): the
    orders are cancelled, the incident waits to be dispatched by a person. Refused
    (orders.TransitionError) when the incident's last dispatch was a person's. Commits."""
    from command_center.services import orders

    if not auto_dispatched(session, incident_id):
        raise orders.TransitionError(
            "该事件不是自动派单的，请用二次派送或退单",
            "this incident was not dispatched automatically: send it again or have it returned",
        )
    from command_center.models import WorkOrder

    dept = session.scalar(
        select(WorkOrder.department_id)
        .where(WorkOrder.incident_id == incident_id, WorkOrder.lead_order_id.is_(None))
        .order_by(WorkOrder.id.desc())
        .limit(1)
    )
    orders.recall_dispatch(
        session,
        actor,
        incident_id,
        f"撤销自动派单：{reason.strip()}" if reason and reason.strip() else "撤销自动派单",
        expected_version=expected_version,
    )
    learned = suggest(session, *_words(session, incident_id))
    if learned is not None and dept is not None:  # the automatic choice overridden
        record_choice(session, actor, incident_id, "department", f"undone:{dept}", learned)


def _words(session: Session, incident_id: int) -> tuple[str, str]:
    from command_center.models import Incident

    inc = session.get(Incident, incident_id)
    return (inc.title, inc.description) if inc is not None else ("", "")


# --- accept and override rates ------------------------------------------------------------


def record_choice(
    session: Session,
    actor: Actor,
    incident_id: int,
    kind: str,
    chosen: str | None,
    learned: LearnedSuggestion | None = None,
) -> bool | None:
    """Note whether the person took the learned suggestion for this incident — ``kind``
    "category" (intake) or "department" (dispatch) — with the suggestion as the active model
    makes it now (``learned``: already made). None when there was none. Commits."""
    from command_center.models import ClassifierFeedback, Incident

    inc = session.get(Incident, incident_id)
    if inc is None or chosen is None:
        return None
    if learned is None:
        learned = suggest(session, inc.title, inc.description)
    if learned is None:
        return None
    suggested = learned.category_code if kind == "category" else learned.department_id
    if suggested is None:
        return None
    accepted = str(suggested) == str(chosen)
    session.add(
        ClassifierFeedback(
            at=clock.now(),
            model_version=learned.version,
            incident_id=incident_id,
            category_code=inc.category_code,
            kind=kind,
            suggested=str(suggested),
            chosen=str(chosen),
            accepted=accepted,
            user_id=actor.user_id,
        )
    )
    session.commit()
    return accepted


@dataclass(frozen=True)
class RateRow:
    category_code: str | None
    category_name: str
    kind: str  # "category" or "department"
    suggestions: int
    accepted: int
    category_name_en: str | None = None  # the English interface's (None: the Chinese one)

    @property
    def rate(self) -> float:
        return self.accepted / self.suggestions if self.suggestions else 0.0


def rates(session: Session, version: int | None = None) -> list[RateRow]:
    """How often people took the learned suggestion, per category (the one finally chosen) and
    kind, most suggestions first; of one model version, or of all."""
    rows = session.execute(
        text(
            """
            SELECT f.category_code, coalesce(c.name, '—') AS name, c.name_en, f.kind,
                   count(*) AS n, count(*) FILTER (WHERE f.accepted) AS ok
            FROM classifier_feedback f LEFT JOIN categories c ON c.code = f.category_code
            WHERE CAST(:v AS integer) IS NULL OR f.model_version = :v
            GROUP BY f.category_code, c.name, c.name_en, f.kind
            ORDER BY count(*) DESC, f.category_code, f.kind
            """
        ),
        {"v": version},
    ).all()
    return [RateRow(r.category_code, r.name, r.kind, r.n, r.ok, r.name_en) for r in rows]
