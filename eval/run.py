"""End-to-end QA eval: every question through the same ``assistant.answer()``, scored and reported.

Usage::

    python -m eval.run                                 # eval/questions.jsonl → eval/out/
    python -m eval.run --baseline --out eval/out       # + naive RAG baseline side by side
    python -m eval.run --ids q001 q167 --limit 5       # a few questions
    python -m eval.run --questions other.jsonl --corpus data/raw/a.txt data/raw/b.txt
    python -m eval.run --min-correct 0.95              # exit 1 below 95 % correct
    python -m eval.run --questions cau-hoi.xlsx --compare latest   # any question set; saved, compared with a run

``--questions`` reads .jsonl (the schema below) or an evaluator's .xlsx / .csv (Vietnamese columns, see
``eval/question_sets.py``). ``--save`` keeps the run under ``data/eval_runs/<run_id>/`` (``eval/runs.py``);
``--compare RUN`` (a run id, its prefix, ``latest`` or a run folder) also saves it and prints what changed.

Default corpus: every report file in ``data/raw`` (.txt, .docx, .xlsx, .pdf) plus, when the questions mention a report that only
exists as a test fixture (``45/BC-UBND`` → ``tests/data/bao-cao-45-BC-UBND-2025-phu-luc.txt``),
that fixture. Outputs in ``--out`` (default ``eval/out``): ``report.md`` (also printed),
``results.jsonl`` (one line per question, answer + every score), ``scores.png`` and, as the evaluation
page downloads them, ``bao-cao-danh-gia.md`` (Vietnamese report), ``ket-qua.xlsx`` and ``ket-qua.csv``.

Question schema (JSONL): ``id, type, question, context ("" | str | list of earlier user turns,
oldest first), must_include, sources [{report?, annex, row}], answer, notes``; a source without
``report`` matches any report; unknown fields are ignored, missing optional ones default.
Each earlier turn is answered first (as a chat would), so the history holds user and assistant turns.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eval import scoring
from ingestion.readers import report_files

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_QUESTIONS = ROOT / "eval" / "questions.jsonl"
DEFAULT_OUT = ROOT / "eval" / "out"
RAW_DIR = ROOT / "data" / "raw"
FIXTURE_DIR = ROOT / "tests" / "data"
_REPORT_NUMBER_RE = re.compile(r"Kèm\s+theo\s+\w+(?:\s+\w+)?\s+số\s+(\d+[\w./&\-Đđ]*)", re.IGNORECASE)


def fixture_reports() -> dict[str, Path]:
    """Reports that exist only as test fixtures (``tests/data/*.txt``), by report number: added to the
    default corpus when questions mention them."""
    found: dict[str, Path] = {}
    for path in sorted(FIXTURE_DIR.glob("*.txt")):
        if match := _REPORT_NUMBER_RE.search(path.read_text(encoding="utf-8", errors="replace")):
            found.setdefault(match.group(1).rstrip(".,;"), path)
    return found


FIXTURE_REPORTS = fixture_reports()
KHONG_DAU = "khong dau"
CO_DAU = "có dấu"

AnswerFn = Callable[..., Any]


# ---------------------------------------------------------------- questions and corpus


def normalize_question(raw: dict[str, Any], index: int = 0) -> dict[str, Any]:
    """Fill defaults for a question record; ``context`` becomes a list of earlier user turns."""
    context = raw.get("context") or []
    if isinstance(context, str):
        context = [context] if context.strip() else []
    sources = []
    for src in raw.get("sources") or []:
        if isinstance(src, dict):
            sources.append(
                {
                    k: (str(v) if v is not None else None)
                    for k, v in src.items()
                    if k in ("report", "annex", "row")
                }
            )
    count = raw.get("count")
    return {
        "id": str(raw.get("id") or f"q{index + 1:03d}"),
        "type": str(raw.get("type") or "unknown"),
        "question": str(raw.get("question") or ""),
        "context": [str(c) for c in context if str(c).strip()],
        "must_include": [str(m) for m in raw.get("must_include") or []],
        "must_not_include": [str(m) for m in raw.get("must_not_include") or []],
        "count": int(count) if isinstance(count, int | float) and not isinstance(count, bool) else None,
        "sources": sources,
        **({"report": str(raw["report"])} if raw.get("report") else {}),  # the report a source-less question is about
        "tags": [str(t) for t in raw.get("tags") or []],
        "answer": str(raw.get("answer") or ""),
        "notes": str(raw.get("notes") or ""),
    }


def load_questions(
    path: Path, ids: Sequence[str] | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Read a questions JSONL (blank lines and ``//`` comments skipped), keep ``ids`` then ``limit``."""
    questions = []
    for i, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines()):
        if line.strip() and not line.lstrip().startswith("//"):
            questions.append(normalize_question(json.loads(line), i))
    if ids:
        wanted = set(ids)
        unknown = wanted - {q["id"] for q in questions}
        if unknown:
            raise SystemExit(f"Unknown question ids: {', '.join(sorted(unknown))}")
        questions = [q for q in questions if q["id"] in wanted]
    if limit is not None:
        questions = questions[:limit]
    return with_set_report(questions)


def with_set_report(questions: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Questions of a set about one fixture report (every cited source is of that report): those that cite
    nothing (no-answer questions) are asked of that report too, not of the bundled one alone.

    >>> with_set_report([{"sources": [{"report": "468/BC-UBND"}]}, {"sources": []}])[1]["report"]
    '468/BC-UBND'
    """
    cited = {src.get("report") for q in questions for src in q.get("sources") or []}
    (only,) = cited if len(cited) == 1 else (None,)
    if only not in FIXTURE_REPORTS:
        return list(questions)
    return [q if q.get("sources") or q.get("report") else {**q, "report": only} for q in questions]


def default_corpus(questions: Sequence[dict[str, Any]]) -> list[Path]:
    """``data/raw`` reports + the fixture reports the questions mention (see ``FIXTURE_REPORTS``)."""
    files = report_files(RAW_DIR)
    blob = json.dumps(list(questions), ensure_ascii=False)
    for report, path in FIXTURE_REPORTS.items():
        if report in blob and path.exists() and path not in files:
            files.append(path)
    return files


# ---------------------------------------------------------------- running


def _dump(obj: Any) -> Any:
    if hasattr(obj, "model_dump"):
        return obj.model_dump()
    if isinstance(obj, dict):
        return obj
    return dict(vars(obj))


def _engine_rows(engine: Any) -> tuple[dict[str, Any], set[str]]:
    by_id = getattr(engine, "by_id", None)
    rows = getattr(engine, "rows", None) or []
    if not by_id:
        by_id = {getattr(r, "id", None): r for r in rows}
    reports = {getattr(r, "report", "") for r in (rows or by_id.values())} - {""}
    return by_id, reports


def run_one(
    question: dict[str, Any], answer_fn: AnswerFn, engine: Any, by_id: dict[str, Any], reports: set[str]
) -> dict[str, Any]:
    """Ask the earlier turns then the question; score the final answer."""
    history: list[dict[str, str]] = []
    record: dict[str, Any] = {
        "id": question["id"],
        "type": question["type"],
        "question": question["question"],
        "context": question["context"],
        "diacritics": scoring.has_diacritics(question["question"]),
        "must_include": question["must_include"],
        "sources": question["sources"],
        "tags": question.get("tags", []),
        "error": None,
    }
    try:
        for turn in question["context"]:
            previous = answer_fn(turn, list(history), engine=engine)
            history += [{"role": "user", "content": turn},
                        {"role": "assistant", "content": previous.text, "state": getattr(previous, "state", None)}]
        start = time.perf_counter()
        reply = answer_fn(question["question"], list(history), engine=engine)
        latency = (time.perf_counter() - start) * 1000
    except Exception as exc:  # noqa: BLE001 - one broken question must not stop the eval
        record.update(
            text="",
            citations=[],
            route="error",
            abstained=False,
            intent="",
            confidence=0.0,
            computed_values=[],
            latency_ms=0.0,
            error=f"{type(exc).__name__}: {exc}",
        )
        score = scoring.score_answer(question, "", False, [], by_id, (), reports, question["context"])
        record.update(_score_fields(score))
        record["correct"] = record["abstention_correct"] = False
        record["reason"] = f"error: {record['error']}"
        return record
    citations = [_with_printed(_dump(c), by_id) for c in reply.citations]
    computed = [str(v) for v in (getattr(reply, "computed_values", None) or [])]
    clarified = bool(getattr(reply, "clarify", None))
    score = scoring.score_answer(
        question, reply.text, bool(reply.abstained), citations, by_id, computed, reports, question["context"],
        clarified=clarified, offered=[_dump(c) for c in getattr(reply, "suggestions", None) or []] if clarified else [],
    )
    record.update(
        text=reply.text,
        citations=citations,
        route=getattr(reply, "route", ""),
        abstained=bool(reply.abstained),
        intent=getattr(reply, "intent", ""),
        confidence=getattr(reply, "confidence", None),
        computed_values=computed,
        notices=list(getattr(reply, "notices", []) or []),
        latency_ms=round(latency, 1),
    )
    record.update(_score_fields(score))
    if not score.correct:
        record["reason"] = _explain(score, question, citations)
    return record


def _with_printed(citation: dict[str, Any], by_id: dict[str, Any]) -> dict[str, Any]:
    """The label as printed next to the unique one ("3" for "B.I.3"): question writers cite what they read."""
    row = by_id.get(citation.get("row_id")) if by_id else None
    printed = getattr(row, "printed", None)
    named = {}
    if printed == "" and getattr(row, "parent", None):  # a sub-line printed "-": a reader cites it by its parent's number
        parent = by_id.get(f"{row.report}:{row.annex}:{row.parent}")
        printed = getattr(parent, "printed", None) or row.parent
        named = {"name": row.name}  # …or by its name ("Khách quốc tế"), the only label it has
    return {**citation, "printed": printed, **named} if printed and printed != citation.get("row") else citation


def _explain(score: scoring.Score, question: dict[str, Any], citations: list[dict[str, Any]]) -> str:
    """One line for the failing-questions list: what the answer lacked and where it looked."""
    cited = list(dict.fromkeys(f"{c.get('annex')}:{c.get('row')}" for c in citations))
    where = f"; cited {', '.join(cited[:4])}{' …' if len(cited) > 4 else ''}" if cited else "; no citation"
    gold = list(dict.fromkeys(f"{s.get('annex')}:{s.get('row')}" for s in question["sources"]))
    expected = f"; expected {', '.join(gold[:4])}{' …' if len(gold) > 4 else ''}" if gold else ""
    if score.reason == "abstained":
        return f"abstained, needed {question['must_include']}{expected}"
    return f"{score.reason}{where}{expected}"


def _score_fields(score: scoring.Score) -> dict[str, Any]:
    return {
        "correct": score.correct,
        "abstention_correct": score.abstention_correct,
        "missing": score.missing,
        "stated_numbers": scoring.fmt_numbers(score.stated_numbers),
        "citation_precision": score.citation_precision,
        "citation_recall": score.citation_recall,
        "unsupported_numbers": scoring.fmt_numbers(score.unsupported),
        "reason": score.reason,
        "outcome": score.outcome,
    }


def baseline_query(question: dict[str, Any]) -> str:
    """The baseline embeds the earlier user turns + the question (no LLM to rewrite follow-ups)."""
    return " ".join([*question["context"], question["question"]])


def run_baseline_one(
    question: dict[str, Any], baseline: Any, files: Sequence[Path] | None = None, threshold: float | None = None
) -> dict[str, Any]:
    """Retrieve top-4 for the question, restricted to the same files the assistant had for it; abstain when
    the nearest chunk is farther than ``threshold`` (``eval.baseline.fit_threshold``)."""
    start = time.perf_counter()
    text, distance = baseline.retrieve_scored(baseline_query(question), files)
    latency = (time.perf_counter() - start) * 1000
    abstained = threshold is not None and distance > threshold
    text = "" if abstained else text
    score = scoring.score_answer(question, text, abstained, retrieved=True)
    return {
        "baseline_correct": score.correct,
        "baseline_abstention_correct": score.abstention_correct,
        "baseline_missing": score.missing,
        "baseline_latency_ms": round(latency, 1),
        "baseline_abstained": abstained,
        "baseline_text": text,
    }


@dataclass
class EvalResult:
    results: list[dict[str, Any]]
    summary: dict[str, dict[str, Any]]
    baseline_summary: dict[str, dict[str, Any]] | None = None
    baseline_threshold: float | None = None
    elapsed_s: float = 0.0
    corpus: list[str] = field(default_factory=list)
    warmup_s: float = 0.0

    @property
    def correct_rate(self) -> float:
        return self.summary["overall"]["correct"]


def mentions_report(question: dict[str, Any], report: str) -> bool:
    """Does the question (its report, sources, text or earlier turns) name ``report``, e.g. ``45/BC-UBND``?"""
    if question.get("report") == report or any(src.get("report") == report for src in question["sources"]):
        return True
    number = re.escape(report.split("/")[0])
    text = " ".join([*question["context"], question["question"]])
    return bool(
        re.search(
            rf"(?i)(?<!\d){re.escape(report)}|\b(?:báo cáo|bao cao|bc)\s*(?:số\s*|so\s*)?{number}\b", text
        )
    )


def corpus_for(question: dict[str, Any], corpus: Sequence[Path], explicit: bool) -> list[Path]:
    """The files a question runs on. With the default corpus, a fixture-only report (``FIXTURE_REPORTS``)
    is loaded only for questions that name it: with both reports loaded, a question that names no
    report is answered from the newest one (by design), so seed questions must not see the newer
    synthetic report. An explicit ``--corpus`` is used as given for every question.
    """
    if explicit:
        return list(corpus)
    fixtures = {path: report for report, path in FIXTURE_REPORTS.items()}
    return [p for p in corpus if p not in fixtures or mentions_report(question, fixtures[p])]


def run_eval(
    questions: Sequence[dict[str, Any]],
    corpus_files: Sequence[Path] | None = None,
    *,
    baseline: bool = False,
    out_dir: Path | None = None,
    answer_fn: AnswerFn | None = None,
    engine: Any | None = None,
    progress: bool = True,
) -> EvalResult:
    """Load each engine once, answer + score every question (and the baseline), write the outputs.

    ``answer_fn`` defaults to ``assistant.answer``; ``engine`` (one for every question) defaults to
    ``assistant.get_engine(files)`` per distinct :func:`corpus_for` file set (loaded and warmed up
    once, so the first call's index/model loading stays out of the latencies).
    """
    from tqdm import tqdm

    started = time.perf_counter()
    questions = with_set_report([normalize_question(q, i) for i, q in enumerate(questions)])  # idempotent
    explicit = bool(corpus_files)
    corpus = list(corpus_files) if corpus_files else default_corpus(questions)
    if answer_fn is None:
        import assistant

        answer_fn = assistant.answer
    engines: dict[tuple[Path, ...], tuple[Any, dict[str, Any], set[str]]] = {}
    warmup_s = 0.0

    def engine_for(question: dict[str, Any]) -> tuple[Any, dict[str, Any], set[str]]:
        nonlocal warmup_s
        key = tuple(corpus_for(question, corpus, explicit)) if engine is None else ()
        if key not in engines:
            warm = time.perf_counter()
            if engine is None:
                import assistant

                loaded = assistant.get_engine(list(key))
            else:
                loaded = engine
            try:  # lazy indexes/models load on the first call: keep that out of the latencies
                answer_fn(question["question"], [], engine=loaded)
            except Exception:  # noqa: BLE001 - the scored run reports the error
                pass
            engines[key] = (loaded, *_engine_rows(loaded))
            warmup_s += time.perf_counter() - warm
        return engines[key]

    results = []
    for q in tqdm(questions, desc="assistant", unit="q", disable=not progress, file=sys.stderr):
        results.append(run_one(q, answer_fn, *engine_for(q)))
    baseline_summary = None
    threshold = None
    if baseline:
        from eval.baseline import Baseline, fit_threshold

        threshold = fit_threshold()
        with Baseline(corpus) as base:
            for record, q in zip(
                results,
                tqdm(questions, desc="baseline", unit="q", disable=not progress, file=sys.stderr),
                strict=True,
            ):
                record.update(run_baseline_one(q, base, corpus_for(q, corpus, explicit), threshold))
        baseline_summary = summarize(results, prefix="baseline_")
    result = EvalResult(
        results=results,
        summary=summarize(results),
        baseline_summary=baseline_summary,
        baseline_threshold=threshold if baseline else None,
        elapsed_s=time.perf_counter() - started,
        corpus=[str(p) for p in corpus],
        warmup_s=warmup_s,
    )
    if out_dir is not None:
        write_outputs(result, Path(out_dir))
    return result


# ---------------------------------------------------------------- summary and outputs


def _percentile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    import numpy as np

    return float(np.percentile(values, q))


def _bucket_stats(records: Sequence[dict[str, Any]], prefix: str) -> dict[str, Any]:
    n = len(records)
    lat = [r[f"{prefix}latency_ms"] for r in records if r.get(f"{prefix}latency_ms") is not None]
    stats: dict[str, Any] = {
        "n": n,
        "correct": sum(bool(r.get(f"{prefix}correct")) for r in records) / n if n else 0.0,
        "abstention_correct": sum(bool(r.get(f"{prefix}abstention_correct")) for r in records) / n
        if n
        else 0.0,
        "latency_p50": _percentile(lat, 50),
        "latency_p95": _percentile(lat, 95),
    }
    if not prefix:
        stats["answered_wrongly"] = sum(r.get("outcome") == "answered_wrongly" for r in records) / n if n else 0.0
        stats["wrongly_refused"] = sum(r.get("outcome") == "wrongly_refused" for r in records) / n if n else 0.0
        stats["citation_precision"] = sum(r["citation_precision"] or 0 for r in records) / n if n else 0.0
        stats["citation_recall"] = sum(r["citation_recall"] or 0 for r in records) / n if n else 0.0
        stats["unsupported"] = sum(len(r["unsupported_numbers"] or []) for r in records)
    return stats


def summarize(results: Sequence[dict[str, Any]], prefix: str = "") -> dict[str, dict[str, Any]]:
    """Buckets: ``overall``, one per type (in first-seen order), ``có dấu`` and ``khong dau``."""
    buckets: dict[str, list[dict[str, Any]]] = {"overall": list(results)}
    for r in results:
        buckets.setdefault(f"type:{r['type']}", []).append(r)
    buckets[CO_DAU] = [r for r in results if r["diacritics"]]
    buckets[KHONG_DAU] = [r for r in results if not r["diacritics"]]
    buckets["single-turn"] = [r for r in results if not r.get("context")]
    buckets["multi-turn"] = [r for r in results if r.get("context")]
    for r in results:
        for tag in r.get("tags") or []:
            buckets.setdefault(f"tag:{tag}", []).append(r)
    return {name: _bucket_stats(recs, prefix) for name, recs in buckets.items() if recs}


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def _ms(x: float | None) -> str:
    return "—" if x is None else f"{x:.0f}"


def _label(name: str) -> str:
    return name.removeprefix("type:")


def render_report(result: EvalResult, totals_only: bool = False) -> str:
    lines = [
        "# QA eval",
        "",
        f"Questions: {len(result.results)} · corpus: {', '.join(Path(p).name for p in result.corpus)} · "
        f"elapsed: {result.elapsed_s:.1f} s (engine load + warm-up {result.warmup_s:.1f} s, not in latencies)",
        "",
        "## Assistant",
        "",
        "| bucket | n | correct | answered wrongly | wrongly refused | cit. precision | cit. recall | unsupported nums | p50 ms | p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s in result.summary.items():
        lines.append(
            f"| {_label(name)} | {s['n']} | {_pct(s['correct'])} | {_pct(s.get('answered_wrongly'))} | "
            f"{_pct(s.get('wrongly_refused'))} | {s['citation_precision']:.2f} | {s['citation_recall']:.2f} | "
            f"{s['unsupported']} | {_ms(s['latency_p50'])} | {_ms(s['latency_p95'])} |"
        )
    if result.baseline_summary:
        lines += [
            "",
            "## Ours vs baseline",
            "",
            "Baseline: RecursiveCharacterTextSplitter(1000, 150) over the raw text, same embedder, Chroma "
            "top-4; the answer is the retrieved text (correct = every must_include is anywhere in it, an upper bound). It "
            f"abstains when the nearest chunk's distance is above {result.baseline_threshold:.3f}, a threshold fit on the "
            "development set (eval/questions.jsonl) for the most correct answers, so its no-answer score is not zero by "
            "construction. It cannot cite rows (citations and unsupported numbers: n/a).",
            "",
            "| bucket | n | ours correct | baseline correct | ours abstention ok | baseline abstention ok "
            "| ours p50 ms | baseline p50 ms |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name, s in result.summary.items():
            b = result.baseline_summary.get(name, {})
            lines.append(
                f"| {_label(name)} | {s['n']} | {_pct(s['correct'])} | {_pct(b.get('correct'))} | "
                f"{_pct(s['abstention_correct'])} | {_pct(b.get('abstention_correct'))} | "
                f"{_ms(s['latency_p50'])} | {_ms(b.get('latency_p50'))} |"
            )
    if totals_only:
        return "\n".join(lines) + "\n"
    failing = [r for r in result.results if not r["correct"]]
    lines += ["", f"## Failing questions ({len(failing)})", ""]
    lines += [f"- `{r['id']}` ({r['type']}): {r['reason']}" for r in failing] or ["(none)"]
    flagged = [r for r in result.results if r["unsupported_numbers"]]
    lines += ["", f"## Answers with unsupported numbers ({len(flagged)})", ""]
    lines += [f"- `{r['id']}`: {', '.join(r['unsupported_numbers'])}" for r in flagged] or ["(none)"]
    return "\n".join(lines) + "\n"


def plot_scores(result: EvalResult, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [n for n in result.summary if n.startswith("type:")] + ["overall"]
    ours = [100 * result.summary[n]["correct"] for n in names]
    xs = list(range(len(names)))
    fig, ax = plt.subplots(figsize=(max(8, 0.8 * len(names)), 4.5))
    if result.baseline_summary:
        base = [100 * result.baseline_summary.get(n, {}).get("correct", 0.0) for n in names]
        ax.bar([x - 0.2 for x in xs], ours, width=0.4, label="ours", color="#2b7bba")
        ax.bar([x + 0.2 for x in xs], base, width=0.4, label="baseline (naive RAG)", color="#c8c8c8")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=2, frameon=False)
    else:
        ax.bar(xs, ours, width=0.6, label="ours", color="#2b7bba")
    ax.set_xticks(xs, [_label(n) for n in names], rotation=35, ha="right")
    ax.set_ylabel("correct (%)")
    ax.set_ylim(0, 105)
    ax.set_title(f"Correct answers per question type (n={len(result.results)})")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_outputs(result: EvalResult, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.md").write_text(render_report(result), encoding="utf-8")
    with (out_dir / "results.jsonl").open("w", encoding="utf-8") as fh:
        for record in result.results:
            fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    summary = {
        "summary": result.summary,
        "baseline_summary": result.baseline_summary,
        "elapsed_s": result.elapsed_s,
        "warmup_s": result.warmup_s,
        "corpus": result.corpus,
    }
    (out_dir / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    plot_scores(result, out_dir / "scores.png")


# ---------------------------------------------------------------- CLI


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m eval.run", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--questions", type=Path, default=DEFAULT_QUESTIONS, help="questions: .jsonl, or .xlsx/.csv with Vietnamese columns"
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        nargs="+",
        default=None,
        help="report files, .txt/.docx/.xlsx/.pdf (default: data/raw reports + mentioned fixture reports)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default eval/out)")
    parser.add_argument("--baseline", action="store_true", help="also run the naive RAG baseline")
    parser.add_argument(
        "--min-correct", type=float, default=None, help="exit 1 when the correct rate is below this"
    )
    parser.add_argument("--limit", type=int, default=None, help="only the first N questions")
    parser.add_argument("--ids", nargs="+", default=None, help="only these question ids")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--totals-only", action="store_true",
                        help="print only the totals per type (a held-out set: do not read its failures)")
    parser.add_argument("--save", action="store_true", help="keep the run under data/eval_runs/<run_id>/")
    parser.add_argument("--compare", default=None, metavar="RUN",
                        help="save this run and compare it with RUN (run id, prefix, 'latest' or a run folder)")
    return parser.parse_args(argv)


def read_questions(path: Path, ids: Sequence[str] | None = None, limit: int | None = None) -> tuple[list[dict[str, Any]], Any]:
    """Questions from a .jsonl (:func:`load_questions`) or an .xlsx/.csv question set, and the set's description."""
    from eval.question_sets import QuestionSet, QuestionSetError, read_question_set
    from settings import get_settings

    data = Path(path).read_bytes()
    if Path(path).suffix.lower() == ".jsonl":
        questions = load_questions(path, ids, limit)
        return questions, QuestionSet(questions, Path(path).name, hashlib.sha256(data).hexdigest())
    try:
        settings = get_settings()
        qset = read_question_set(data, Path(path).name, settings.eval_max_questions, settings.eval_max_upload_bytes)
    except QuestionSetError as exc:
        raise SystemExit(str(exc)) from exc
    for notice in qset.notices:
        print(notice, file=sys.stderr)
    questions = qset.questions
    if ids:
        unknown = set(ids) - {q["id"] for q in questions}
        if unknown:
            raise SystemExit(f"Unknown question ids: {', '.join(sorted(unknown))}")
        questions = [q for q in questions if q["id"] in set(ids)]
    return questions[:limit] if limit is not None else questions, qset


def keep_run(result: EvalResult, questions: Sequence[dict[str, Any]], qset: Any, args: argparse.Namespace) -> None:
    """The run as the evaluation page keeps it: Vietnamese report and spreadsheets in ``--out``; saved and
    compared when asked."""
    from eval import runs
    from eval.question_sets import finish
    from settings import get_settings

    if args.totals_only and not (args.save or args.compare):
        return  # a held-out set: no per-question outputs
    settings = get_settings()
    questions = [finish(q, i) for i, q in enumerate(questions)]
    records = [runs.annotate(r, q) for r, q in zip(result.results, questions, strict=True)]
    meta = {
        "run_id": runs.new_run_id(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "question_set": {"name": qset.name, "sha256": qset.sha256, "n": len(questions)},
        "corpus": corpus_meta(result.corpus),
        "code_version": runs.code_version(),
        "settings": json.loads(settings.model_dump_json()),
        "filters": {},
        "status": "done",
        "n_done": len(records),
        "elapsed_s": round(result.elapsed_s, 2),
        "source": "cli",
    }
    if result.baseline_threshold is not None:
        meta["baseline_threshold"] = result.baseline_threshold
    saved = runs.SavedRun(meta=meta, questions=questions, results=records)
    comparison, against = None, None
    if args.save or args.compare:
        store = runs.RunStore(settings.eval_runs_dir)
        if args.compare:
            try:
                previous = store.load(args.compare)
            except ValueError as exc:
                raise SystemExit(str(exc)) from exc
            against = previous.run_id
            comparison = runs.compare(previous, saved)
        folder = store.save(saved)
        print(f"Run saved in {folder}")
    args.out.mkdir(parents=True, exist_ok=True)
    markdown = runs.render_markdown(saved, comparison, against)
    (args.out / "bao-cao-danh-gia.md").write_text(markdown, encoding="utf-8")
    (args.out / "ket-qua.xlsx").write_bytes(runs.results_xlsx(saved, comparison))
    (args.out / "ket-qua.csv").write_bytes(runs.results_csv(saved))
    if comparison is not None:
        print("\n".join(runs.render_comparison(comparison, saved.run_id, against)))


def corpus_meta(files: Sequence[str]) -> list[dict[str, Any]]:
    """Report number (when the file states one), file name and a hash of each corpus file."""
    out = []
    for name in files:
        data = Path(name).read_bytes()
        match = _REPORT_NUMBER_RE.search(data[:200_000].decode("utf-8", errors="replace"))
        out.append({"report": match.group(1).rstrip(".,;") if match else Path(name).name, "file": Path(name).name,
                    "content_hash": hashlib.sha256(data).hexdigest()[:16]})
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    questions, qset = read_questions(args.questions, args.ids, args.limit)
    if not questions:
        print("No questions to run.", file=sys.stderr)
        return 2
    result = run_eval(
        questions, args.corpus, baseline=args.baseline, out_dir=args.out, progress=not args.no_progress
    )
    print(render_report(result, totals_only=args.totals_only))
    keep_run(result, questions, qset, args)
    print(f"Outputs in {args.out} (report.md, results.jsonl, summary.json, scores.png)")
    print(f"Elapsed: {result.elapsed_s:.1f} s")
    if args.min_correct is not None and result.correct_rate < args.min_correct:
        print(f"FAIL: correct {result.correct_rate:.1%} < required {args.min_correct:.1%}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
