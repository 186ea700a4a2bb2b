"""Comparing typed indicator values: single numbers, ranges (``7,5-8,0``) and comparators (``>75``).

A typed value (the ``facts`` dicts of :mod:`ingestion.facts`) is read as an interval; an estimate is
compared to a target by where its interval lies. Example::

    outcome_vs_target({"value": 5.86}, {"low": 7.5, "high": 8.0}, lower_is_better=False) == "not_met"
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

TargetOutcome = Literal["met", "not_met", "exceeded", "undetermined"]
PreviousOutcome = Literal["up", "down", "unchanged", "undetermined"]


@dataclass(frozen=True)
class Interval:
    """A closed/open interval. Example: ``">75"`` → ``Interval(75, inf, low_open=True)``."""

    low: float
    high: float
    low_open: bool = False
    high_open: bool = False

    @property
    def is_point(self) -> bool:
        return self.low == self.high and not (self.low_open or self.high_open)


def interval_of(typed: dict[str, Any] | None) -> Interval | None:
    """The interval a typed value states, or ``None`` for free text / empty cells."""
    if not typed or typed.get("text"):
        return None
    if typed.get("low") is not None and typed.get("high") is not None:
        low, high = sorted((float(typed["low"]), float(typed["high"])))
        return Interval(low, high)
    if typed.get("value") is None:
        return None
    value = float(typed["value"])
    match typed.get("comparator"):
        case ">":
            return Interval(value, math.inf, low_open=True, high_open=True)
        case ">=":
            return Interval(value, math.inf, high_open=True)
        case "<":
            return Interval(-math.inf, value, low_open=True, high_open=True)
        case "<=":
            return Interval(-math.inf, value, low_open=True)
        case None:
            return Interval(value, value)
    return None


def _above(a: Interval, b: Interval) -> bool:
    """Every point of ``a`` is above every point of ``b``."""
    return a.low > b.high or (a.low == b.high and (a.low_open or b.high_open))


def _within(a: Interval, b: Interval) -> bool:
    low_ok = a.low > b.low or (a.low == b.low and (a.low_open or not b.low_open))
    high_ok = a.high < b.high or (a.high == b.high and (a.high_open or not b.high_open))
    return low_ok and high_ok


def outcome_vs_target(estimate: dict | None, target: dict | None, lower_is_better: bool) -> TargetOutcome:
    """met (inside / equal), exceeded (better than the whole target), not_met (worse), else undetermined.

    Example: ``outcome_vs_target({"value": 0.09}, {"value": 0.15}, lower_is_better=True) == "exceeded"``.
    """
    e, t = interval_of(estimate), interval_of(target)
    if e is None or t is None:
        return "undetermined"
    if _within(e, t):
        return "met"
    if _above(e, t):
        return "not_met" if lower_is_better else "exceeded"
    if _above(t, e):
        return "exceeded" if lower_is_better else "not_met"
    return "undetermined"


def direction_vs_previous(estimate: dict | None, previous: dict | None) -> PreviousOutcome:
    """up / down / unchanged of the estimate against last year's actual (undetermined when overlapping).

    Example: ``direction_vs_previous({"value": 31500.0}, {"value": 28527.46}) == "up"``.
    """
    e, p = interval_of(estimate), interval_of(previous)
    if e is None or p is None:
        return "undetermined"
    if e.is_point and p.is_point and e.low == p.low:
        return "unchanged"
    if _above(e, p):
        return "up"
    if _above(p, e):
        return "down"
    return "undetermined"


def indicator_outcome(facts: dict[str, Any]) -> TargetOutcome:
    """The estimate-vs-target outcome of a row from its typed facts (lower is better when the report says so).

    Example: ``indicator_outcome({"estimate": {"value": 5.86}, "target": {"low": 7.5, "high": 8.0}}) == "not_met"``.
    """
    estimate = facts.get("estimate") or facts.get("actual")
    return outcome_vs_target(estimate, facts.get("target"), bool(facts.get("lower_is_better")))
