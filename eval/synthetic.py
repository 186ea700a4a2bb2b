"""Synthetic corpora for scale benchmarks: variants of a seed report with their own report number, date,
year and a few changed numeric cells (names are kept, so most chunk texts repeat across reports and
the embedding cache keeps building a large corpus feasible).

Example: ``write_corpus(seed, out_dir, 10)`` → ten ``bao-cao-<n>-synth.txt`` files, all different.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

FIRST_NUMBER = 1000  # synthetic report numbers start here (away from the bundled 320 and the 45 fixture)
YEAR_SPAN = 3  # reports cycle through this many report years (2024, 2025, 2026 for the bundled seed)
CHANGED_ROWS = 4  # numeric data lines changed per report: each is a chunk the cache has not seen
_NUMBER_RE = re.compile(r"(?<![\w/])\d{1,3}(?:\.\d{3})*,\d{1,2}(?![\w/])")
_REPORT_RE = re.compile(r"(Báo cáo số\s+)(\d+)(/[\w\-Đđ]+)")
_DATE_RE = re.compile(r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+(\d{4})")
_YEAR_RE = re.compile(r"(?<=[Nn]ăm )(20\d{2})\b")


def _jitter(match: re.Match[str], rng: random.Random) -> str:
    raw = match.group(0)
    whole, _, decimals = raw.partition(",")
    value = float(whole.replace(".", "") + "." + decimals) * rng.uniform(0.8, 1.2)
    text = f"{value:,.{len(decimals)}f}"  # 12,345.67 → Vietnamese 12.345,67
    return text.replace(",", "§").replace(".", ",").replace("§", ".")


def variant(seed_text: str, index: int, rng: random.Random | None = None) -> str:
    """The seed report as report number ``FIRST_NUMBER + index``: another date and year, and
    ``CHANGED_ROWS`` data lines with other numbers."""
    rng = rng or random.Random(index)
    base_year = int(_DATE_RE.search(seed_text).group(1)) if _DATE_RE.search(seed_text) else 2024
    shift = index % YEAR_SPAN
    day, month = 1 + index % 28, 1 + (index // 28) % 12
    text = _REPORT_RE.sub(lambda m: f"{m.group(1)}{FIRST_NUMBER + index}{m.group(3)}", seed_text)
    text = _DATE_RE.sub(f"ngày {day} tháng {month} năm {base_year + shift}", text)
    text = _YEAR_RE.sub(lambda m: str(int(m.group(1)) + shift), text)
    lines = text.split("\n")
    numeric = [i for i, line in enumerate(lines) if "\t" in line and _NUMBER_RE.search(line)]
    for i in rng.sample(numeric, min(CHANGED_ROWS, len(numeric))):
        lines[i] = _NUMBER_RE.sub(lambda m: _jitter(m, rng), lines[i])
    return "\n".join(lines)


def write_corpus(seed: Path, out_dir: Path, count: int, start: int = 0) -> list[Path]:
    """Write reports ``start … start + count - 1`` of the synthetic series into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    seed_text = seed.read_text(encoding="utf-8")
    paths = []
    for index in range(start, start + count):
        path = out_dir / f"bao-cao-{FIRST_NUMBER + index}-synth.txt"
        path.write_text(variant(seed_text, index), encoding="utf-8")
        paths.append(path)
    return paths
