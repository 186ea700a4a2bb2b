"""Fit the one confidence function (:mod:`assistant.confidence`) on development questions.

    python -m eval.fit_confidence                      # eval/questions.jsonl → assistant/confidence.json
    python -m eval.fit_confidence --questions a.jsonl b.jsonl --dry-run

For every question whose plan was reached by linking a row, the features of the best link are
labelled 1 when that row is a gold source and 0 when it is not (or when the report has no answer).
A logistic regression is fit on the questions with an odd position in the file and checked on the
even ones; the answer cut-off minimises (2 × answered wrongly + refused rightly-answerable) on the
fit half — a wrong answer costs twice a refusal. The check half's figures are printed and stored.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

from assistant.confidence import DEFAULT_WEIGHTS, WEIGHTS_FILE
from eval import run as eval_run

FEATURES = [name for name in DEFAULT_WEIGHTS if name != "bias"]
WRONG_COST = 1.75  # a wrong answer is worse than a refusal (correct or silent); at 2.0 a third of the answerable dev questions were refused
L2 = 0.01  # keeps weights small on a few hundred questions
CLARIFY_GAP = 0.2  # the clarify cut-off sits this far below the answer cut-off


def collect(paths: list[Path]) -> list[tuple[str, list[float], int]]:
    """(question id, features, label) for every question answered by linking a row."""
    import assistant
    from assistant.core import _search_of, dialogue_state
    from assistant.understand import Context, understand

    samples = []
    for path in paths:
        questions = eval_run.load_questions(path)
        corpus = eval_run.default_corpus(questions)
        for question in questions:
            engine = assistant.get_engine(eval_run.corpus_for(question, corpus, False))
            history = []
            for turn in question["context"]:
                reply = assistant.answer(turn, history, engine=engine)
                history += [{"role": "user", "content": turn}, {"role": "assistant", "content": reply.text, "state": reply.state}]
            state = dialogue_state(history, engine)
            plan = understand(question["question"], state, Context(layer=engine.layer, search=_search_of(engine)))
            if not plan.features or question["type"] in ("count", "filter_list", "rank", "overview", "legend", "clarify"):
                continue
            best = engine.layer.rows[str(plan.features["best_row"])]
            gold = any(
                s.get("annex") == best.annex and s.get("row") == best.row and (not s.get("report") or s["report"] == best.report)
                for s in question["sources"]
            )
            label = 1 if gold and question["type"] != "no_answer" else 0
            samples.append((question["id"], [float(plan.features[f]) for f in FEATURES], label))
    return samples


def fit(x: np.ndarray, y: np.ndarray, steps: int = 4000, rate: float = 0.5) -> np.ndarray:
    w = np.zeros(x.shape[1] + 1)
    xb = np.hstack([np.ones((len(x), 1)), x])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-xb @ w))
        grad = xb.T @ (p - y) / len(y) + L2 * np.r_[0, w[1:]]
        w -= rate * grad
    return w


def probabilities(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-(np.hstack([np.ones((len(x), 1)), x]) @ w)))


def best_cutoff(p: np.ndarray, y: np.ndarray) -> float:
    candidates = np.unique(np.round(p, 3))
    costs = [(WRONG_COST * np.sum((p >= c) & (y == 0)) + np.sum((p < c) & (y == 1)), c) for c in candidates]
    return float(min(costs)[1]) if costs else 0.5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.fit_confidence")
    parser.add_argument("--questions", type=Path, nargs="+", default=[eval_run.DEFAULT_QUESTIONS])
    parser.add_argument("--dry-run", action="store_true", help="print the fit, do not write confidence.json")
    args = parser.parse_args(argv)
    samples = collect(args.questions)
    fit_half = [s for i, s in enumerate(samples) if i % 2 == 1]
    check_half = [s for i, s in enumerate(samples) if i % 2 == 0]
    x_fit = np.array([s[1] for s in fit_half])
    y_fit = np.array([s[2] for s in fit_half])
    w = fit(x_fit, y_fit)
    cut = best_cutoff(probabilities(w, x_fit), y_fit)
    x_check = np.array([s[1] for s in check_half])
    y_check = np.array([s[2] for s in check_half])
    p_check = probabilities(w, x_check)
    answered = p_check >= cut
    report = {
        "samples": len(samples),
        "fit": len(fit_half),
        "check": len(check_half),
        "check_answered_right": int(np.sum(answered & (y_check == 1))),
        "check_answered_wrong": int(np.sum(answered & (y_check == 0))),
        "check_refused_right": int(np.sum(~answered & (y_check == 0))),
        "check_refused_wrong": int(np.sum(~answered & (y_check == 1))),
    }
    weights = {"bias": float(w[0]), **{name: float(v) for name, v in zip(FEATURES, w[1:], strict=True)}}
    stored = {"weights": weights, "answer_at": cut, "clarify_at": max(0.05, cut - CLARIFY_GAP), "check": report,
              "fitted_on": [str(p) for p in args.questions]}
    print(json.dumps(stored, ensure_ascii=False, indent=2))
    if not args.dry_run:
        WEIGHTS_FILE.write_text(json.dumps(stored, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"→ {WEIGHTS_FILE}")
    return 0 if not math.isnan(cut) else 1


if __name__ == "__main__":
    raise SystemExit(main())
