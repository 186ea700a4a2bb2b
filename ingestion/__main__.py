"""``python -m ingestion data/raw/<file>... --out <dir>``: parse reports (.txt, .docx, .xlsx, .pdf, sniffed by
content) into rows.jsonl + tables; a long file shows its progress part by part (pages, sheets)."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from functools import partial
from pathlib import Path

from tqdm import tqdm

from ingestion.cache import DerivedCache, parse_cached, sync_rows_file
from ingestion.parser import ParseError
from ingestion.store import merge_rows, read_rows, write_rows
from ingestion.tables import write_annex_tables
from settings import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingestion", description="Parse annex reports into rows.jsonl")
    parser.add_argument("files", nargs="+", type=Path, help="report files: .docx, .xlsx, .pdf (with a text layer) or .txt (tab-separated annexes)")
    parser.add_argument("--out", type=Path, default=Path("data/processed"), help="output folder")
    parser.add_argument("--replace", action="store_true", help="drop rows of reports not given here")
    args = parser.parse_args(argv)

    parsed = []
    cache = DerivedCache(get_settings().cache_dir)
    for path in tqdm(args.files, desc="Đọc báo cáo", unit="tệp", disable=len(args.files) < 2):
        try:
            with tqdm(desc=path.name, unit="phần", leave=False, disable=None) as bar:
                parsed.append(parse_cached(path, cache, progress=partial(_advance, bar)))
        except ParseError as exc:
            print(f"Lỗi / Error: {exc}", file=sys.stderr)
            return 2
    rows_path = args.out / "rows.jsonl"
    existing = [] if args.replace or not rows_path.exists() else read_rows(rows_path)
    rows = merge_rows(existing, [report.rows for report in parsed])
    settings = get_settings()
    if rows_path.resolve() == (settings.rows_dir / "rows.jsonl").resolve():  # stamped: the index CLI need not re-read it
        sync_rows_file(rows, rows_path, settings.cache_dir / "rows.stamp")
    else:
        write_rows(rows, rows_path)
    write_annex_tables(rows, args.out)
    for report in parsed:
        counts = Counter((row.annex, row.kind) for row in report.rows)
        print(f"{report.meta.number} ngày {report.meta.date} ({report.meta.source}): {len(report.rows)} bản ghi")
        for numeral, title in report.meta.annexes:
            kinds = ", ".join(f"{kind}={n}" for (annex, kind), n in sorted(counts.items()) if annex == numeral)
            print(f"  Phụ lục {numeral}: {kinds} — {title[:70]}")
    print(f"→ {rows_path} ({len(rows)} bản ghi)")
    return 0


def _advance(bar: tqdm, done: int, total: int, _what: str) -> None:
    """Progress of one file: pages of a PDF, blocks of a Word file, sheets of a workbook."""
    bar.total = total
    bar.update(done - bar.n)


if __name__ == "__main__":
    raise SystemExit(main())
