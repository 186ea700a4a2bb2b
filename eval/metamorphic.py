"""Metamorphic checks: the same question asked differently must get the same answer.

From every question five variants are made — diacritics stripped, a one-letter typo in a content word,
a lexicon synonym, a politeness prefix, the year dropped when the report's own year is asked — and each
must cite the same first row and be as correct as the original (same required strings present).

    python -m eval.metamorphic                          # eval/questions.jsonl, prints the invariance rate
    python -m eval.metamorphic --questions f.jsonl --limit 40 --show

Invariance = variants whose (first cited row, correct) equals the original's / variants made.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from eval import run as eval_run
from eval import scoring
from structured.lexicon import fold, lexicon, tokens

POLITE_PREFIXES = ("Cho tôi hỏi", "Đề nghị cho biết", "Xin cho biết")
TYPO_MIN_LENGTH = 5  # shorter words have too many one-letter neighbours to stay recognisable
SKIPPED_TYPES = ("no_answer",)  # a variant of a question the report cannot answer must stay refused: kept


def _stable(text: str) -> int:
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:8], 16)


def strip_diacritics(text: str) -> str:
    """``"Tỷ lệ hộ nghèo?"`` → ``"ty le ho ngheo?"`` (case kept where it can be)."""
    return "".join(fold(ch) if ch.isalpha() else ch for ch in text)


def typo(text: str) -> str | None:
    """One letter of the longest content word dropped (deterministically), or None when no word is long enough."""
    function = lexicon().words("function_words")
    words = [w for w in re.findall(r"\w+", text) if len(w) >= TYPO_MIN_LENGTH and not w.isdigit() and fold(w) not in function]
    if not words:
        return None
    word = max(words, key=len)
    cut = 1 + _stable(text) % (len(word) - 2)
    return text.replace(word, word[:cut] + word[cut + 1 :], 1)


def synonym(text: str) -> str | None:
    """One measure / operation phrase replaced by another of the same meaning from the lexicon."""
    folded = f" {' '.join(tokens(text))} "
    for section in ("measures", "operations"):
        for phrases in lexicon().phrases(section).values():
            for phrase in sorted(phrases, key=len, reverse=True):
                if len(phrase.split()) < 2 or f" {' '.join(tokens(phrase))} " not in folded:
                    continue
                others = [p for p in phrases if p != phrase and len(p.split()) >= 2 and "%" not in p]
                if not others:
                    continue
                other = others[_stable(text + phrase) % len(others)]
                replaced = re.sub(re.escape(phrase), other, text, count=1, flags=re.IGNORECASE)
                if replaced != text:
                    return replaced
    return None


def polite(text: str) -> str:
    prefix = POLITE_PREFIXES[_stable(text) % len(POLITE_PREFIXES)]
    return f"{prefix} {text[:1].lower()}{text[1:]}"


def drop_year(text: str, year: int | None) -> str | None:
    if year is None or str(year) not in text:
        return None
    dropped = re.sub(rf"\s*(?:năm\s+)?{year}\b", "", text, count=1, flags=re.IGNORECASE)
    return dropped if dropped.strip() and dropped != text else None


def variants(question: dict[str, Any], report_year: int | None) -> list[tuple[str, str]]:
    text = question["question"]
    made = [("no_diacritics", strip_diacritics(text)), ("typo", typo(text)), ("synonym", synonym(text)),
            ("politeness", polite(text)), ("year_dropped", drop_year(text, report_year))]
    return [(kind, v) for kind, v in made if v and v != text]


def _outcome(question: dict[str, Any], reply: Any) -> tuple[str, bool]:
    citations = [c.model_dump() for c in reply.citations]
    first = next((f"{c['report']}:{c['annex']}:{c['row']}" for c in citations), "")
    score = scoring.score_answer(question, reply.text, reply.abstained, citations, clarified=bool(reply.clarify))
    return first, score.correct


def run(questions: list[dict[str, Any]], show: bool = False) -> dict[str, Any]:
    import assistant

    corpus = eval_run.default_corpus(questions)
    by_kind: Counter[str] = Counter()
    same_by_kind: Counter[str] = Counter()
    broken = []
    for question in questions:
        engine = assistant.get_engine(eval_run.corpus_for(question, corpus, False))
        history: list[dict] = []
        for turn in question["context"]:
            reply = assistant.answer(turn, history, engine=engine)
            history += [{"role": "user", "content": turn}, {"role": "assistant", "content": reply.text, "state": reply.state}]
        original = _outcome(question, assistant.answer(question["question"], history, engine=engine))
        year = engine.layer.newest_report().year if len(engine.layer.reports) == 1 else None
        for kind, text in variants(question, year):
            outcome = _outcome(question, assistant.answer(text, history, engine=engine))
            by_kind[kind] += 1
            if outcome == original:
                same_by_kind[kind] += 1
            else:
                broken.append((question["id"], kind, text, original, outcome))
    total, same = sum(by_kind.values()), sum(same_by_kind.values())
    summary = {
        "questions": len(questions),
        "variants": total,
        "invariance": same / total if total else 1.0,
        "by_kind": {kind: round(same_by_kind[kind] / n, 3) for kind, n in sorted(by_kind.items())},
    }
    if show:
        for item in broken:
            print(json.dumps(item, ensure_ascii=False))
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.metamorphic")
    parser.add_argument("--questions", type=Path, default=eval_run.DEFAULT_QUESTIONS)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--show", action="store_true", help="print every variant whose answer changed")
    args = parser.parse_args(argv)
    questions = eval_run.load_questions(args.questions, limit=args.limit)
    summary = run(questions, show=args.show)
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
