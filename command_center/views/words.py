"""The lifecycle's words as the interface shows them: Chinese or English by the interface
language.

The words themselves are defined once, with the statuses and actions, in
:mod:`command_center.services.lifecycle` (services use them for their messages, the Open311 API
for its notes). The views take them from there by language instead of translating a second copy
through Qt's .ts files, so a status cannot read one way on the map and another in the queue.
The interface language is the default QLocale, which the application sets with its translator
(``app.Translations.switch``).
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QLocale

from command_center.services import lifecycle, place_names


def language() -> lifecycle.Lang:
    """Chinese ("zh") while the interface speaks it, else English ("en")."""
    return "zh" if QLocale().language() == QLocale.Language.Chinese else "en"


def _kind(kind: str) -> lifecycle.Kind:
    # the queues say "incidents"/"orders"/"inbox", the actions "incident"/"order"
    return "incident" if kind.startswith("incident") else "order"


def status_codes(kind: str) -> tuple[str, ...]:
    """Every status of incidents or of orders, in the lifecycle's order."""
    return lifecycle.status_codes(_kind(kind))


def status_text(kind: str, code: str) -> str:
    """The word for an incident's or an order's status."""
    return lifecycle.status_text(_kind(kind), code, language())


def action_label(kind: str, code: str) -> str:
    """An action's button; "…" when a dialog asks for something first."""
    k = _kind(kind)
    label = lifecycle.action_label(k, code, language())
    a = lifecycle.ACTIONS[k].get(code)
    return label + "…" if a is not None and a.inputs else label


def status_words(kind: str, code: str) -> tuple[str, str]:
    """(中文, English) of a status, for a bilingual message."""
    return lifecycle.status_words(_kind(kind), code)


def pick(pair: tuple[str, str]) -> str:
    """The word of a Qt-free (中文, English) pair in the interface language."""
    return pair[0] if language() == "zh" else pair[1]


def word_of(table: Mapping[str, tuple[str, str]], code: str) -> str:
    """A code's word from a Qt-free table of (中文, English) pairs; the code itself if absent."""
    return pick(table.get(code, (code, code)))


LOCATION_FLAG_WORDS = {
    "outside": ("辖区外，待核实", "outside the county: to be checked"),
    "missing": ("无位置，待核实", "no location: to be checked"),
}
"""What a queue's place and the details say of an incident whose point is not in the county
(models.LocationFlag; an ok one says nothing)."""


def location_flag_text(flag: str | None) -> str:
    words = LOCATION_FLAG_WORDS.get(flag or "")
    return "" if words is None else pick(words)


def plain_tip(text: str | None) -> str | None:
    """A tooltip that shows ``text`` as the characters it is made of.

    Qt takes a tooltip that looks like HTML (Qt.mightBeRichText) for rich text, so a caller's
    ``<h1>``, link or image would be drawn; this escapes the text and wraps it in a paragraph,
    which Qt then renders as exactly the text given (line breaks kept)."""
    if not text:
        return None
    from PySide6.QtGui import Qt

    return Qt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpaceNormal)


def name_text(zh: str | None, en: str | None) -> str:
    """A name from the database in the interface language: its English form (a ``name_en``
    column) in English where it has one, else the Chinese name."""
    return pick((zh or "", en or zh or ""))


def place_text(name: str | None) -> str:
    """A town's, village's or grid's name in the interface language (English:
    ``services.place_names.english``, which leaves a name it cannot spell in Chinese)."""
    return pick(place_names.words(name))


def places_text(*names: str | None, sep: str = " · ") -> str:
    """Several place names (town, village, grid), the empty ones left out."""
    return sep.join(place_text(n) for n in names if n)
