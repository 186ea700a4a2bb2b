"""Command line: build/update the chunk index and search it.

Examples::

    python -m retrieval index [--rows data/processed/rows.jsonl] [--rebuild]
    python -m retrieval search "thu vien thanh pho" --k 5 --json
    python -m retrieval search --batch questions.jsonl --k 20 --json   # one JSON line per question
    python -m retrieval remove 320/BC-UBND
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from ingestion.cache import stamped_digest
from retrieval.rows import load_rows, rows_path
from retrieval.search import MODES, Retriever
from retrieval.store import (
    IndexStats,
    IndexUnavailable,
    index_rows,
    is_synced,
    mark_synced,
    open_store,
    remove_report,
    rows_digest,
)
from settings import get_settings


def _index(args: argparse.Namespace) -> int:
    settings = get_settings()
    store = open_store(settings)
    if args.rebuild:
        store.client.delete_collection(store.name)
        store = open_store(settings)
    start = time.perf_counter()
    # rows.jsonl as the app or the ingestion CLI stamped it: its digest without reading 37,000 rows
    stamped = None if args.rows or args.rebuild else stamped_digest(rows_path(settings), settings.cache_dir / "rows.stamp")
    if stamped is not None and is_synced(settings, store, stamped[0]):
        count, stats = stamped[1], IndexStats(unchanged=store.count())
    else:
        rows = load_rows(settings, args.rows)
        corpus_key, count = rows_digest(rows), len(rows)
        if not args.rebuild and is_synced(settings, store, corpus_key):  # the last completed sync was of these rows
            stats = IndexStats(unchanged=store.count())
        else:
            stats = index_rows(rows, store, progress=True)
            mark_synced(settings, store, corpus_key, stats.added + stats.updated + stats.unchanged)
    took = time.perf_counter() - start
    print(
        f"{store.name}: {count} bản ghi → thêm {stats.added}, cập nhật {stats.updated}, "
        f"xóa {stats.deleted}, giữ nguyên {stats.unchanged} chunk ({took:.1f} s); tổng {store.count()}"
    )
    return 0


def _search(args: argparse.Namespace) -> int:
    settings = get_settings()
    rows = load_rows(settings, args.rows)
    retriever = Retriever(rows, settings, progress=True)
    filters = {key: getattr(args, key) for key in ("report", "annex", "kind", "agency", "marker")}
    if args.batch is not None:  # {"id", "question"} per line → {"id", "hits": [{report, annex, row}, …]} per line
        for line in args.batch.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            found = retriever.search(str(item.get("question", "")), k=args.k, filters=filters, mode=args.mode)
            print(json.dumps({"id": item.get("id"), "hits": [{"report": h.report, "annex": h.annex, "row": h.row}
                                                            for h in found]}, ensure_ascii=False), flush=True)
        return 0
    if not args.query:
        print("Lỗi: cần câu truy vấn hoặc --batch", file=sys.stderr)
        return 2
    hits = retriever.search(args.query, k=args.k, filters=filters, mode=args.mode)
    if args.json:
        payload = [
            {"id": h.row_id, "report": h.report, "annex": h.annex, "row": h.row, "score": h.score,
             "name": h.name, "chunk_id": h.chunk_id, "snippet": h.snippet}
            for h in hits
        ]
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    if not hits:
        print("Không tìm thấy kết quả / no hits")
    for rank, h in enumerate(hits, start=1):
        print(f"{rank}. [{h.score:.4f}] {h.row_id} — {h.name}\n   {h.snippet}")
    return 0


def _remove(args: argparse.Namespace) -> int:
    removed = remove_report(args.report, open_store(get_settings()))
    print(f"Đã xóa {removed} chunk của {args.report}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m retrieval", description="Chunk index and hybrid search")
    sub = parser.add_subparsers(dest="command", required=True)

    index = sub.add_parser("index", help="build or update the Chroma index from rows.jsonl")
    index.add_argument("--rows", type=Path, default=None, help="rows.jsonl (default: settings.rows_dir)")
    index.add_argument("--rebuild", action="store_true", help="drop the collection first")
    index.set_defaults(func=_index)

    search = sub.add_parser("search", help="search the rows")
    search.add_argument("query", nargs="?", default=None)
    search.add_argument("--batch", type=Path, default=None, help="JSONL of {id, question}: one JSON line of hits per question")
    search.add_argument("--k", type=int, default=5)
    search.add_argument("--json", action="store_true", help="print a JSON list of hits")
    search.add_argument("--mode", choices=MODES, default="hybrid+norm")
    search.add_argument("--rows", type=Path, default=None)
    for key in ("report", "annex", "kind", "agency", "marker"):
        search.add_argument(f"--{key}", default=None, help=f"filter on {key}")
    search.set_defaults(func=_search)

    remove = sub.add_parser("remove", help="delete every chunk of a report")
    remove.add_argument("report")
    remove.set_defaults(func=_remove)

    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except IndexUnavailable as exc:  # one clear line, no traceback
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
