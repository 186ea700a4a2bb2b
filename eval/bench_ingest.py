"""Ingest time of a long PDF: ``python -m eval.bench_ingest [--pages 100]``.

Builds one report from the bundled report's annexes repeated (renumbered 1, 2, 3 …) until the PDF has
at least ``--pages`` A4 landscape pages, written as Word by the test writers and printed to PDF by
LibreOffice headless (long tables run over pages, their header rows repeated by LibreOffice), then
times ``parse_report`` on it. Needs LibreOffice (`make libreoffice`). Prints pages, rows and seconds.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

from ingestion.document import ANNEX_HEADING_RE
from ingestion.parser import parse_report
from tests.report_writers import A4_LANDSCAPE, convert_to_pdf, soffice, write_docx

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "raw" / "bao-cao-320-BC-UBND-2024-phu-luc.txt"
GOAL_S = 60  # the bar for a 100-page PDF on this machine


def repeated_report(text: str, copies: int) -> str:
    """The report's annexes ``copies`` times, numbered 1, 2, 3 … so every annex stays unique."""
    lines = text.split("\n")
    counter = 0
    out: list[str] = []
    for _ in range(copies):
        for line in lines:
            if "\t" not in line and ANNEX_HEADING_RE.match(line):
                counter += 1
                line = re.sub(r"(?i)(PH[ỤU]\s*L[ỤU]C\s+)(?:SỐ\s+)?\S+", rf"\g<1>{counter}", line, count=1)
            out.append(line)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench_ingest", description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100, help="at least this many pages (default 100)")
    args = parser.parse_args(argv)
    if soffice() is None:
        print("LibreOffice (soffice) is missing: run `make libreoffice`", file=sys.stderr)
        return 2
    import pdfplumber

    text = SEED.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as folder:
        copies, pages, pdf = 1, 0, Path()
        while pages < args.pages:
            docx = write_docx(repeated_report(text, copies), Path(folder) / "bao-cao-dai.docx", page=A4_LANDSCAPE)
            [pdf] = convert_to_pdf([docx], Path(folder))
            with pdfplumber.open(pdf) as document:
                pages = len(document.pages)
            if pages < args.pages:
                copies = max(copies + 1, -(-copies * args.pages // pages))
        started = time.perf_counter()
        report = parse_report(pdf)
        seconds = time.perf_counter() - started
    verdict = "within" if seconds < GOAL_S else "OVER"
    print(f"{pages} pages, {copies} copies of the report's annexes, {len(report.annexes)} annexes, "
          f"{len(report.rows)} rows: {seconds:.1f} s ({verdict} the {GOAL_S} s goal)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
