"""The one confidence function: how sure we are that a question names a row, from named features.

A logistic score over features of the best link and its runner-up. The weights and the two cut-offs
are fit on the development question set (``python -m eval.fit_confidence``, odd ids fit, even ids
check) and stored in ``confidence.json`` next to this module; the values below are the fallback.

    p = confidence(LinkFeatures(name_cov=1.0, row_cov=1.0, pair_cov=1.0, margin=0.4, unmatched=0.0))
    p > ANSWER_AT            # answer from that row
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

WEIGHTS_FILE = Path(__file__).with_name("confidence.json")

# Fallback weights (overridden by confidence.json when it exists).
DEFAULT_WEIGHTS = {
    "bias": -4.0,
    "name_cov": 3.0,  # the row's name (or group / parent) holds the question's words
    "row_cov": 2.0,  # the row holds them somewhere
    "pair_cov": 1.5,  # adjacent words of the question are adjacent in the name
    "margin": 3.0,  # the runner-up row scores clearly lower
    "unmatched": -5.0,  # rare words of the question nothing accounts for
    "specificity": 1.0,  # the question names most of the row's name
    "retrieved": 0.5,  # the retriever ranks the row in its top 5
}
ANSWER_AT = 0.5  # answer from the best row at or above this probability
CLARIFY_AT = 0.3  # below ANSWER_AT, ask between the two best rows when both reach this and are close
CLOSE_MARGIN = 0.12  # two rows are "close" when the runner-up scores within 12 % of the best


@dataclass(frozen=True)
class LinkFeatures:
    name_cov: float
    row_cov: float
    pair_cov: float
    margin: float
    unmatched: float
    specificity: float = 0.0
    retrieved: float = 0.0


@cache
def weights() -> dict[str, float]:
    if WEIGHTS_FILE.exists():
        stored = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
        return {**DEFAULT_WEIGHTS, **stored.get("weights", {})}
    return dict(DEFAULT_WEIGHTS)


@cache
def cutoffs() -> tuple[float, float]:
    if WEIGHTS_FILE.exists():
        stored = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
        return float(stored.get("answer_at", ANSWER_AT)), float(stored.get("clarify_at", CLARIFY_AT))
    return ANSWER_AT, CLARIFY_AT


def confidence(features: LinkFeatures) -> float:
    """Probability that the best link is the row the question names."""
    w = weights()
    z = w["bias"] + sum(w[name] * value for name, value in asdict(features).items())
    return 1.0 / (1.0 + math.exp(-z))
