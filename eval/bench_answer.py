"""Warm answer latency of ``assistant.answer`` (no LLM) over the eval questions: p50 / p95 / max.

Usage: ``python -m eval.bench_answer [--rounds 3]``. Loads the engine once, warms it, then times every
question of the seed report (follow-ups with their history) ``rounds`` times.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from assistant import answer, get_engine

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench_answer")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--questions", type=Path, default=ROOT / "eval" / "questions.jsonl")
    args = parser.parse_args()
    items = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = [q for q in items if "45/BC-UBND" not in json.dumps(q, ensure_ascii=False)]
    started = time.perf_counter()
    engine = get_engine()
    engine.warm_up()
    load_s = time.perf_counter() - started
    timings = []
    for _ in range(args.rounds):
        for item in items:
            context = item.get("context") or []
            turns = [context] if isinstance(context, str) else context
            history = [{"role": "user", "content": turn} for turn in turns if turn]
            t0 = time.perf_counter()
            answer(item["question"], history, engine=engine)
            timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(f"engine load + warm-up: {load_s:.1f} s")
    print(f"answers: {len(timings)} · p50 {statistics.median(timings):.1f} ms · p95 {p95:.1f} ms · max {timings[-1]:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
