"""The monthly supervision score on the 100 scale (services/supervision.unit_score)."""

from __future__ import annotations

import pytest

from command_center.services import scores
from command_center.services.orders import TransitionError

SCALE = scores.ScoreScale(per_orders=100, credit_cap=10)
score = scores.unit_score


def test_points_count_whole_up_to_a_hundred_orders_due_and_per_hundred_beyond() -> None:
    few = score({"on_time": 4, "overdue": -2, "red": -10}, {"on_time": 4, "overdue": 1},
                        SCALE)
    assert (few.score, few.due, few.factor) == (92.0, 5, 1.0)
    # twice the orders and twice the points: the same rates, the same score
    at_100 = score({"overdue": -20, "yellow": -25}, {"on_time": 90, "overdue": 10}, SCALE)
    at_200 = score({"overdue": -40, "yellow": -50}, {"on_time": 180, "overdue": 20}, SCALE)
    assert at_100.score == at_200.score == 55.0
    assert at_200.factor == 0.5


def test_credit_is_capped_hand_points_count_whole_and_nothing_falls_below_zero() -> None:
    good = score({"on_time": 50, "satisfied": 50, "manual": 5},
                         {"on_time": 50, "satisfied": 50, "manual": 1}, SCALE)
    assert (good.credit, good.manual, good.score) == (10.0, 5, 115.0)
    bad = score({"red": -300, "manual": 20}, {"overdue": 30, "red": 30}, SCALE)
    assert bad.score == 0.0
    whole = score({"overdue": -400}, {"overdue": 200}, scores.ScoreScale(0, 10))
    assert whole.score == 0.0 and whole.factor == 1.0


@pytest.mark.parametrize(
    "value, words",
    [({"per_orders": 5}, "折算工单数"), ({"credit_cap": -1}, "加分上限"),
     ({"per_orders": "x"}, "整数"), ({"cap": 3}, "无效"), ([100], "格式")],
)
def test_a_wrong_scale_is_refused_with_its_reason(value: object, words: str) -> None:
    with pytest.raises(TransitionError, match=words):
        scores.validate_score_scale(value)
    assert scores.validate_score_scale({}) == {"per_orders": 100, "credit_cap": 10}
