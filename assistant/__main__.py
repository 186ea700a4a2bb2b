"""``python -m assistant ask "câu hỏi" --json`` · ``ask --batch q.jsonl --json`` · ``chat`` · ``warm`` (build the
tables, layer and indexes the chat loads, so its first start only loads them)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.core import answer
from assistant.engine import get_engine
from assistant.types import Answer


def _payload(reply: Answer) -> dict:
    return {
        "answer": reply.text,
        "citations": [{"report": c.report, "annex": c.annex, "row": c.row} for c in reply.citations],
        "route": reply.route,
        "abstained": reply.abstained,
        "latency_ms": reply.latency_ms,
        # a clarifying reply: each reading, and the question that asks it (send it back to get the answer)
        "clarify": [{"label": o.label, "question": o.question} for o in reply.clarify],
    }


def _history(context: object) -> list[dict]:
    turns = [context] if isinstance(context, str) else list(context or [])
    return [{"role": "user", "content": str(turn)} for turn in turns if str(turn).strip()]


def _print_human(reply: Answer) -> None:
    print(reply.text)
    for notice in reply.notices:
        print(f"  ! {notice}")
    for c in reply.citations:
        where = f"[{c.report} · Phụ lục {c.annex} · mục {c.row}" + (f" · {c.column}" if c.column else "") + "]"
        print(f"  {where}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer one question or a batch")
    ask.add_argument("question", nargs="?", help="the question (omit with --batch)")
    ask.add_argument("--json", action="store_true", help="print JSON")
    ask.add_argument("--history", action="append", default=[], help="an earlier user turn (repeatable, oldest first)")
    ask.add_argument("--batch", type=Path, help="JSONL with id, question, optional context")
    chat = sub.add_parser("chat", help="a terminal chat")
    warm = sub.add_parser("warm", help="build what the chat loads at start (tables, layer, indexes)")
    for command in (ask, chat, warm):
        command.add_argument("--corpus", type=Path, nargs="+", help="report files (default: data/raw/*.txt)")
    args = parser.parse_args(argv)

    engine = get_engine(args.corpus)
    if args.command == "warm":
        engine.warm_up()
        print(f"Sẵn sàng: {len(engine.rows)} bản ghi, {len(engine.reports())} báo cáo.")
        return 0
    if args.command == "chat":
        history: list[dict] = []
        print("Trợ lý hỏi đáp báo cáo — gõ câu hỏi, Enter để gửi, Ctrl-D để thoát.")
        for line in sys.stdin:
            question = line.strip()
            if not question:
                continue
            reply = answer(question, history, engine=engine)
            _print_human(reply)
            history += [{"role": "user", "content": question}, {"role": "assistant", "content": reply.text}]
        return 0
    if args.batch:
        with args.batch.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                item = json.loads(line)
                reply = answer(item["question"], _history(item.get("context")), engine=engine)
                print(json.dumps({"id": item.get("id"), **_payload(reply)}, ensure_ascii=False), flush=True)
        return 0
    if not args.question:
        parser.error("a question or --batch is required")
    reply = answer(args.question, _history(args.history), engine=engine)
    if args.json:
        print(json.dumps(_payload(reply), ensure_ascii=False))
    else:
        _print_human(reply)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
