"""The incident taxonomy the demo county and routing use: three levels, ten departments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from command_center.demo.taxonomy import DEFAULT_PATH, load_taxonomy


def test_three_levels_ten_departments_and_every_leaf_routed() -> None:
    tax = load_taxonomy()
    assert {c.level for c in tax.categories} == {1, 2, 3}
    assert len(tax.departments) == 10
    assert 80 <= len(tax.leaves) <= 120
    dept_codes = {d.code for d in tax.departments}
    for leaf in tax.leaves:
        assert leaf.default_department in dept_codes
        assert len(leaf.seasonal) == 12
        assert [a.level for a in tax.ancestors(leaf.code)] == [1, 2, 3]
    assert abs(sum(c.share for c in tax.channels) - 1) < 1e-3
    assert {"grid_worker", "hotline_12345"} <= {c.code for c in tax.channels}
    assert any(leaf.focus for leaf in tax.leaves)


def _tampered(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    raw = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    change(raw)
    p = tmp_path / "categories.json"
    p.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return p


def _leaf(raw: dict) -> dict:
    return next(c for c in raw["categories"] if "default_department" in c)


@pytest.mark.parametrize(
    ("what", "change"),
    [
        ("duplicate", lambda r: r["categories"].append(dict(r["categories"][0]))),
        ("parent", lambda r: _leaf(r).update(parent_code="9999")),
        ("department", lambda r: _leaf(r).update(default_department="nowhere")),
        ("seasonal", lambda r: _leaf(r).update(seasonal=[1.0] * 11)),
        ("share", lambda r: r["channels"][0].update(share=r["channels"][0]["share"] + 0.2)),
    ],
)
def test_a_broken_taxonomy_is_refused_with_a_message(tmp_path: Path, what: str, change) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError) as err:
        load_taxonomy(_tampered(tmp_path, change))
    assert str(tmp_path) in str(err.value)
