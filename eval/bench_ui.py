"""Time to first answer in the real UI (cold) and the answer time once warm.

Cold: from ``streamlit run app.py`` to the first answer rendered in Chromium (server start, page load,
engine load on first use, the question, the answer). Warm: further questions in the same browser tab,
each from pressing Enter to the answer being fully rendered.

Uses the project's settings (``VNQA_*``) and data as ``make run`` does, so run ``make data`` first
(otherwise the first answer also builds the vector index).

    .venv/bin/python eval/bench_ui.py [--warm-questions 4] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.ui_driver import CHROMIUM, StreamlitServer, ask, chromium, new_conversation, open_chat  # noqa: E402

FIRST_QUESTION = "GRDP 2024 có đạt nghị quyết không?"
WARM_QUESTIONS = [
    "Tình hình dự án Thư viện thành phố?",
    "Các dự án của Sở Giao thông vận tải?",
    "Phụ lục III có bao nhiêu dự án đang thi công?",
    "du an duong tinh 917 giai ngan bao nhieu",
    "(****) trong Phụ lục III nghĩa là gì?",
    "Những chỉ tiêu nào chưa đạt nghị quyết?",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm-questions", type=int, default=len(WARM_QUESTIONS))
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds allowed per step")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print("/usr/bin/chromium is missing: apt-get install chromium", file=sys.stderr)
        return 2

    t0 = time.monotonic()
    server = StreamlitServer(log_path=Path("eval/out/bench_ui_streamlit.log"))
    Path("eval/out").mkdir(parents=True, exist_ok=True)
    server.start()
    try:
        server.wait_healthy(timeout_s=args.timeout)
        healthy = time.monotonic() - t0
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            open_chat(page, server.url, timeout_s=args.timeout)
            ready = time.monotonic() - t0
            first = ask(page, FIRST_QUESTION, timeout_s=args.timeout)
            cold = time.monotonic() - t0
            warm = []
            for question in WARM_QUESTIONS[: args.warm_questions]:
                new_conversation(page)  # each warm question on its own, as a fresh question
                warm.append((question, ask(page, question, timeout_s=args.timeout)))
            page.close()
    finally:
        server.stop()

    print(f"server healthy after            {healthy:6.2f} s")
    print(f"chat ready (engine loaded) after {ready:6.2f} s")
    print(f"first question answered in       {first:6.2f} s")
    print(f"COLD: streamlit run -> first answer rendered: {cold:.2f} s")
    for question, seconds in warm:
        print(f"  warm {seconds:6.2f} s  {question}")
    if warm:
        times = [s for _, s in warm]
        print(
            f"WARM: answer rendered in the UI: median {statistics.median(times):.2f} s "
            f"(min {min(times):.2f}, max {max(times):.2f}, n={len(times)})"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "server_healthy_s": healthy,
                    "chat_ready_s": ready,
                    "first_answer_s": first,
                    "cold_s": cold,
                    "warm_s": {q: s for q, s in warm},
                    "warm_median_s": statistics.median([s for _, s in warm]) if warm else None,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
