"""The map's rule for marking a cluster overdue: only where it matters."""

from __future__ import annotations

import pytest

from command_center.services.map_data import (
    OVERDUE_FILL_SHARE,
    OVERDUE_RING_MIN,
    OVERDUE_RING_SHARE,
    overdue_mark,
    overdue_rule,
)


@pytest.mark.parametrize(
    ("n", "overdue", "mark"),
    [
        (10, 0, ""),
        (10, 1, ""),  # one late among many: the county's everyday share, no ring
        (10, 2, ""),  # fewer than the minimum, though 20 %
        (2, 2, ""),  # all overdue, but only two: not a place to send someone for
        (10, 3, "ring"),  # 30 %
        (100, 29, ""),  # many, but under the share
        (100, 30, "ring"),
        (10, 5, "fill"),  # half
        (3, 3, "fill"),
        (0, 0, ""),
    ],
)
def test_a_cluster_is_marked_only_where_overdue_work_piles_up(
    n: int, overdue: int, mark: str
) -> None:
    assert overdue_mark(n, overdue) == mark


def test_the_page_gets_the_same_thresholds() -> None:
    assert overdue_rule() == {
        "min": OVERDUE_RING_MIN,
        "ring_share": OVERDUE_RING_SHARE,
        "fill_share": OVERDUE_FILL_SHARE,
    }
    assert OVERDUE_RING_SHARE < OVERDUE_FILL_SHARE
