"""Build a corpus' lexical (BM25) index in a second process, on the second core, while the first one parses
the corpus and builds the tables, vocabulary and semantic layer: a new corpus of hundreds of reports (or one
report added to them) is ready in about two thirds of the time.

The child parses the corpus files (loaded from the parse cache) and saves the index as the derived cache entry ``("lexical", rows digest)`` unless it is there already;
:class:`retrieval.search.Retriever` then loads it instead of building it. Whatever goes wrong in the child,
the parent simply builds the index itself.

Example::

    job = LexicalJob.start(files, settings.cache_dir)   # None for a small corpus
    ...                                                 # parse and build the tables meanwhile
    job.wait()                                          # then open the retriever

``python -m retrieval.lexical_job`` reads ``{"files": [...], "cache_dir": "..."}`` on stdin.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ingestion.cache import DerivedCache, parse_cached, rows_digest
from ingestion.store import merge_rows

log = logging.getLogger(__name__)

#: Below this many bytes of report files (about 5,000 rows of this family) the index builds in a few seconds:
#: starting a second interpreter costs more.
PARALLEL_MIN_BYTES = 3_000_000
#: A child still running after this long is stopped; the parent builds the index itself.
JOB_TIMEOUT_S = 900


@dataclass
class LexicalJob:
    process: subprocess.Popen

    @classmethod
    def start(cls, files: list[Path], cache_dir: Path | None) -> LexicalJob | None:
        """Start the child for a large corpus; else ``None``."""
        try:
            size = sum(path.stat().st_size for path in files)
        except OSError:
            return None
        if cache_dir is None or size < PARALLEL_MIN_BYTES:
            return None
        request = json.dumps({"files": [str(p) for p in files], "cache_dir": str(cache_dir)})
        try:
            process = subprocess.Popen([sys.executable, "-m", "retrieval.lexical_job"], stdin=subprocess.PIPE,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            assert process.stdin is not None
            process.stdin.write(request)
            process.stdin.close()
            process.stdin = None  # sent: ``communicate`` only reads the child's errors
        except OSError as exc:  # no second process here: the parent builds it
            log.info("lexical index job not started (%s)", exc)
            return None
        return cls(process)

    def wait(self) -> None:
        """Wait for the child (it saved the index, or the parent will build it)."""
        try:
            _, errors = self.process.communicate(timeout=JOB_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()
            log.warning("lexical index job stopped after %d s", JOB_TIMEOUT_S)
            return
        if self.process.returncode != 0:
            log.warning("lexical index job failed (%s): %s", self.process.returncode, (errors or "")[-500:])


def main() -> int:
    from retrieval.search import build_lexical_index, report_chunks

    request = json.loads(sys.stdin.read())
    cache = DerivedCache(Path(request["cache_dir"]))
    rows = merge_rows([], [parse_cached(Path(p), cache).rows for p in request["files"]])
    key = rows_digest(rows)
    target = cache.path("lexical", key)
    if target is not None and not target.exists():
        cache.save("lexical", key, build_lexical_index(rows, report_chunks(rows, cache), cache))
    return 0


if __name__ == "__main__":
    sys.exit(main())
