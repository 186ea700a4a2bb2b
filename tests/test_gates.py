"""CI gates measured on questions we did not tune on: the frozen held-out sets (totals only, never their
individual failures), and the metamorphic invariance of the development questions.

The floors sit a few points under the figures measured when they were set (README, "Evaluation"), so a
regression fails CI; the targets of issue 10 (held-out ≥ 93 %) are not met yet and are not the floor.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eval import metamorphic
from eval import run as eval_run

EVAL = Path(__file__).resolve().parents[1] / "eval"
HELDOUT_FLOORS = {  # file → (correct, no-answer refused): measured 76.4 % / 84 %, 70.7 %, 65.8 %, 53.3 % / 75 %, 57.3 % / 50 %
    "heldout.jsonl": (0.70, 0.75),
    "fixtures/thai-nguyen-412.heldout.jsonl": (0.62, 0.70),
    "fixtures/hue-468.heldout.jsonl": (0.58, 0.70),
    "heldout_v3.jsonl": (0.48, 0.50),  # written 2026-11-30: 60 questions, 4 of them not answerable
    "fixtures/vinh-long-57.heldout.jsonl": (0.52, 0.33),  # 6 not answerable: 2 refused of 6 is the floor
}
MIN_INVARIANCE = 0.90  # measured 95.0 % on the development questions
METAMORPHIC_QUESTIONS = 60  # the first questions of the development set (all types): enough, and quick


def _totals(result) -> str:
    """Per-type totals only: the held-out questions themselves are never printed."""
    by_type: dict[str, list[bool]] = {}
    for record in result.results:
        by_type.setdefault(record["type"], []).append(record["correct"])
    return ", ".join(f"{t} {sum(v)}/{len(v)}" for t, v in sorted(by_type.items()))


@pytest.mark.parametrize(("name", "floors"), HELDOUT_FLOORS.items(), ids=list(HELDOUT_FLOORS))
def test_heldout_totals(name, floors):
    questions = eval_run.load_questions(EVAL / name)
    result = eval_run.run_eval(questions, progress=False)
    correct, refused = floors
    no_answer = [r for r in result.results if r["type"] == "no_answer"]
    refused_rate = sum(r["abstention_correct"] for r in no_answer) / len(no_answer) if no_answer else 1.0
    assert result.correct_rate >= correct, f"{name}: correct {result.correct_rate:.1%} < {correct:.0%} ({_totals(result)})"
    assert refused_rate >= refused, f"{name}: no-answer refused {refused_rate:.1%} < {refused:.0%}"


def test_metamorphic_invariance():
    questions = eval_run.load_questions(eval_run.DEFAULT_QUESTIONS, limit=METAMORPHIC_QUESTIONS)
    summary = metamorphic.run(questions)
    assert summary["variants"] >= 5 * METAMORPHIC_QUESTIONS // 2
    assert summary["invariance"] >= MIN_INVARIANCE, summary
