"""The lifecycle actions as the queue offers them: labels in the interface language, the
dialog that asks for what an action needs, and the operator's reading of a refusal.

What runs each action is :mod:`command_center.services.actions` (Qt-free, on the worker thread).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QWidget,
)

from command_center.services import orders
from command_center.services.actions import (
    REFUSALS,
    Inputs,
    Prepared,
    Target,
)
from command_center.views import words
from command_center.views.queue.action_dialogs import (
    DispatchDialog,
    MergeDialog,
    ProgressDialog,
    TextDialog,
)

_CTX = "QueueActions"

# actions not offered here
HIDDEN_ACTIONS: set[str] = set()


def tr(text: str) -> str:
    return QCoreApplication.translate(_CTX, text)


def action_label(kind: str, name: str) -> str:
    """An action's button, from the lifecycle's table in the interface language."""
    return words.action_label(kind, name)


def error_message_text(message: str, conflict: bool) -> str:
    """A refusal's message as the operator reads it; after a conflict, that the row was read
    again."""
    if conflict:
        return (
            message
            + "\n"
            + QCoreApplication.translate(
                "QueueActions", "The row has been read again and shows the current state."
            )
        )
    return message


def error_message(exc: BaseException) -> str:
    """What the operator reads when an action failed."""
    if isinstance(exc, orders.ConflictError):
        return (
            str(exc)
            + "\n"
            + QCoreApplication.translate(
                "QueueActions", "The row has been read again and shows the current state."
            )
        )
    if isinstance(exc, REFUSALS):
        return str(exc)
    return QCoreApplication.translate("QueueActions", "The action failed: %1").replace(
        "%1", str(exc) or type(exc).__name__
    )


# --- asking for the inputs of one action ----------------------------------------------------

PROMPTS = {
    ("incident", "resolve"): QT_TRANSLATE_NOOP("QueueActions", "How was it resolved?"),
    ("incident", "reject"): QT_TRANSLATE_NOOP(
        "QueueActions", "Why is it not a matter for the center? (the reporter is told)"
    ),
    ("incident", "verify"): QT_TRANSLATE_NOOP("QueueActions", "Verification note:"),
    ("incident", "close"): QT_TRANSLATE_NOOP(
        "QueueActions", "What the reporter said (not reached: what was tried):"
    ),
    ("incident", "reopen"): QT_TRANSLATE_NOOP("QueueActions", "Why is it reopened?"),
    ("incident", "answer"): QT_TRANSLATE_NOOP("QueueActions", "The answer to the reporter:"),
    ("incident", "undo_auto"): QT_TRANSLATE_NOOP(
        "QueueActions", "Why is the automatic dispatch taken back? (the orders are cancelled)"
    ),
    ("order", "object"): QT_TRANSLATE_NOOP(
        "QueueActions", "Why is this not your department's matter?"
    ),
    ("order", "return"): QT_TRANSLATE_NOOP("QueueActions", "Why is the order returned?"),
    ("order", "resolve"): QT_TRANSLATE_NOOP("QueueActions", "The result:"),
    ("order", "verify"): QT_TRANSLATE_NOOP("QueueActions", "Verification note:"),
}


def ask(
    parent: QWidget, kind: str, name: str, targets: Sequence[Target], prep: Prepared
) -> Inputs | None:
    """Open the dialog for this action; None when the operator cancelled."""
    t = targets[0]
    if name == "accept":
        return Inputs()
    title = action_label(kind, name).rstrip("…")
    if len(targets) > 1:
        title += f"（{len(targets)}）"
    else:
        title += f" — {t.number}"
    if name in ("dispatch", "second_dispatch"):
        cats = {x.category_code for x in targets}
        d = DispatchDialog(
            prep.departments,
            prep.suggestion,
            parent,
            count=len(targets),
            mixed_categories=len(cats) > 1,
            second=name == "second_dispatch",
            learned=prep.learned,
        )
        d.setWindowTitle(title)
        return d.inputs() if d.exec() == QDialog.DialogCode.Accepted else None
    if name == "merge":
        dm = MergeDialog(prep.duplicates, parent)
        dm.setWindowTitle(title)
        return dm.inputs() if dm.exec() == QDialog.DialogCode.Accepted else None
    if name == "progress" or (kind == "order" and name == "resolve"):
        d2 = ProgressDialog(parent, templates=prep.templates, row=t.row, result=name == "resolve")
        d2.setWindowTitle(title)
        return d2.inputs() if d2.exec() == QDialog.DialogCode.Accepted else None
    prompt = tr(PROMPTS.get((kind, name), QT_TRANSLATE_NOOP("QueueActions", "Note:")))
    d3 = TextDialog(
        title,
        prompt,
        parent,
        templates=prep.templates,
        row=t.row,
        required=name not in ("verify", "close"),
        with_verdict=name == "verify",
        with_rating=name == "close",
        suggest_departments=prep.departments if name == "object" else (),
        own_department_id=prep.own_department_id,
        results=prep.results,
        photos=prep.photos,
    )
    return d3.inputs() if d3.exec() == QDialog.DialogCode.Accepted else None
