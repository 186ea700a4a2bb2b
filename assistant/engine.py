"""Everything an answer needs, loaded once per process: rows, pandas tables, retriever, vocabulary.

Example:
    >>> engine = get_engine()
    >>> engine.by_id["320/BC-UBND:III:20"].name
    'Thư viện Thành phố'
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ingestion.cache import REPORT_ENTRIES, DerivedCache, digest_of, parse_cached, rows_digest, sync_rows_file
from ingestion.models import Annex, Row
from ingestion.parser import (
    ParseError,
    decode_report_bytes,
    parse_report,
    parse_report_bytes,
    parse_report_text,
)
from ingestion.readers import report_files, sniff_format
from ingestion.store import atomic_write, merge_rows, write_rows
from retrieval.lexical_job import LexicalJob
from retrieval.normalize import Vocabulary, count_vocabulary, merge_vocabularies
from retrieval.search import forget_retrievers_of
from retrieval.store import remove_report as remove_report_chunks
from settings import Settings, get_settings

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
#: What to do with a corpus file that leaves the corpus (removed, or replaced by a new version):
#: ``discard(path, report_number, rows)``; by default the file is deleted (``ui.audit.Trash`` keeps it).
Discard = Callable[[Path, str, int], None]


def _delete(path: Path, _number: str, _rows: int) -> None:
    path.unlink(missing_ok=True)


@dataclass
class Engine:
    """The loaded corpus. Thread-safe for reads; corpus changes swap the state under a lock."""

    settings: Settings
    rows: list[Row]
    corpus_files: list[Path] = field(default_factory=list)
    annexes: list[Annex] = field(default_factory=list)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    #: Index problems for the user (Vietnamese), e.g. the index was rebuilt at start-up.
    notices: list[str] = field(default_factory=list, repr=False)
    #: Why the search index cannot be used right now (``None`` when it can); answers fall back to tables.
    index_error: str | None = field(default=None, repr=False)
    #: Digest of the corpus files' bytes (:func:`files_digest`) while the rows are exactly theirs: the
    #: derived cache then also records the corpus under it, so the next start finds it without parsing.
    files_key: str | None = field(default=None, repr=False)
    #: The lexical index being built in a second process (:mod:`retrieval.lexical_job`), if any.
    lexical_job: Any = field(default=None, repr=False)
    #: ``rows.jsonl`` and its stamp, to be synced with the rows while ``lexical_job`` runs.
    rows_file: tuple[Path, Path] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._rebuild()

    def _rebuild(self) -> None:
        self.by_id: dict[str, Row] = {row.id: row for row in self.rows}
        self.files_key = None  # the corpus no longer is exactly its files' content
        for name in ("derived", "retriever"):
            self.__dict__.pop(name, None)

    @cached_property
    def derived(self) -> CorpusDerived:
        """Vocabulary, tables and semantic layer: loaded from the derived cache when the corpus is
        unchanged, else built (and saved). The loaded rows replace ``self.rows`` so all share one copy."""
        key = corpus_digest(self.rows, self.annexes)
        cache = DerivedCache(self.settings.cache_dir)
        derived = cache.load_or_build(
            "corpus", key, lambda: CorpusDerived.build(self.rows, self.annexes, self.settings.cache_dir)
        )
        if self.files_key is not None:
            cache.save("files", self.files_key, (key, self.annexes))
        if derived.rows is not self.rows:
            self.rows = derived.rows
            self.by_id = {row.id: row for row in self.rows}
        return derived

    @property
    def vocab(self) -> Vocabulary:
        """The retrieval normaliser's vocabulary (diacritic restoration), from the rows' text."""
        return self.derived.vocab

    @property
    def tables(self) -> Any:
        return self.derived.tables

    @property
    def layer(self) -> Any:
        return self.derived.layer

    def search(self, text: str, k: int, reports: list[str]) -> dict[str, int]:
        """Row id → rank of the hybrid retriever's best rows for ``text`` within ``reports``."""
        wanted = set(reports)
        scope = None if len(wanted) >= len(self.tables.catalogue) else wanted
        hits = self.retriever.search(text, k=k, reports=scope)  # the scope is a mask: cost of its rows only
        ranked = [hit.row_id for hit in hits if hit.report in wanted][:k]
        return {row_id: rank for rank, row_id in enumerate(ranked)}

    @cached_property
    def llm(self) -> Any:
        """The optional chat model (``VNQA_LLM_BACKEND``); ``None`` by default."""
        from assistant.llm import make_chat_model

        return make_chat_model(self.settings)

    def warm_up(self) -> None:
        """Load the embedder, index and tables now rather than on the first question.

        An unreachable index is not fatal: it is reported in ``index_error`` / ``system_info()``
        and questions are answered from the tables.
        """
        _ = self.derived
        try:
            self.retriever.search("khởi động", k=1)
        except Exception as exc:
            log.warning("search index unavailable at start-up: %s", exc)

    @cached_property
    def retriever(self) -> Any:
        """The hybrid retriever; raises (``IndexUnavailable`` when the Chroma server is down)."""
        from retrieval.search import get_retriever
        from retrieval.store import INDEX_UNAVAILABLE_NOTICE

        if self.lexical_job is not None:
            job, self.lexical_job = self.lexical_job, None
            if self.rows_file is not None:  # while the second process still builds the lexical index
                sync_rows_file(self.rows, *self.rows_file)
                self.rows_file = None
            job.wait()
        try:
            retriever = get_retriever(self.rows, self.settings, vocab=self.vocab)
        except Exception as exc:
            self.index_error = str(exc)
            self._note(INDEX_UNAVAILABLE_NOTICE, add=self.settings.chroma_mode == "server")
            raise
        self.index_error = None
        self._note(INDEX_UNAVAILABLE_NOTICE, add=False)
        for notice in retriever.notices:
            self._note(notice, add=True)
        return retriever

    def _note(self, notice: str, *, add: bool) -> None:
        if add and notice not in self.notices:
            self.notices.append(notice)
            log.warning("%s", notice)
        elif not add and notice in self.notices:
            self.notices.remove(notice)

    # -- corpus ------------------------------------------------------------------------------

    def reports(self) -> list[dict]:
        """Reports in the corpus, newest first, with their annexes and row counts (from the tables)."""
        return [
            {
                "number": info.number,
                "date": info.date,
                "annexes": [{"numeral": a.annex, "title": a.title, "rows": a.row_count} for a in info.annexes],
                "rows": sum(a.row_count for a in info.annexes),
            }
            for info in self.tables.reports()
        ]

    def add_report(
        self, data: bytes, filename: str, progress: Progress | None = None, discard: Discard = _delete
    ) -> dict:
        """Validate, parse, store and index an uploaded report; nothing changes if it is invalid.

        The file type is checked by content (not by name); the stored file name is derived from the
        upload's name but always lies inside ``settings.raw_dir``. The same report uploaded again is
        recognised (nothing is re-indexed); a changed version replaces the rows and the file of the
        report with the same number (their files go to ``discard``). Any failure while storing or
        indexing restores the previous state.
        """
        notify = progress or (lambda fraction, message: None)
        raw_name = str(filename or "").replace("\x00", "").replace("\\", "/")
        name = Path(raw_name).name or "bao-cao.txt"
        if len(data) > self.settings.max_upload_bytes:
            raise ParseError(name, None, "tệp vượt quá giới hạn dung lượng", "file exceeds the size limit")
        notify(0.1, "Đang kiểm tra tệp…")
        fmt = sniff_format(data)
        if fmt == "txt":
            text = _plain_text(data, name)
            report = parse_report_text(text, name)
        else:  # Word, Excel, PDF, or a file of theirs that is refused with a clear message
            report = parse_report_bytes(
                data, name, lambda done, total, what: notify(0.1 + 0.2 * done / total, f"Đang đọc tệp {what} ({done}/{total})…")
            )
        if not report.rows:
            raise ParseError(name, None, "không tìm thấy dòng dữ liệu nào trong các phụ lục", "no annex rows found")
        number = report.meta.number
        with self._lock:
            existing = [row for row in self.rows if row.report == number]
            duplicate = [r.content_hash for r in existing] == [r.content_hash for r in report.rows]
            if duplicate:
                notify(1.0, "Báo cáo này đã có trong kho, không thay đổi gì.")
                return {"number": number, "rows": len(report.rows), "duplicate": True}
            notify(0.3, f"Đã đọc {len(report.rows)} bản ghi; đang lưu…")
            raw_dir = self.settings.raw_dir.resolve()
            digest = hashlib.sha256(data).hexdigest()[:12]
            stem = Path(name).stem
            safe_stem = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "-" for ch in stem)
            safe_stem = safe_stem.strip("-_")[:80] or "bao-cao"
            suffix = "txt" if fmt == "txt" else fmt
            target = (raw_dir / f"{safe_stem}-{digest}.{suffix}").resolve()
            if target.parent != raw_dir:  # cannot happen with the name above; never write elsewhere
                raise ParseError(name, None, "tên tệp không hợp lệ", "invalid file name")
            # Older files of the same report (a changed version replaces them, also after a restart).
            old_files = []
            for path in sorted({*report_files(raw_dir), *self.corpus_files}):
                if path.resolve() == target or not path.exists() or path.resolve().parent != raw_dir:
                    continue
                try:
                    if parse_report(path).meta.number == number:
                        old_files.append(path)
                except ParseError:
                    continue
            saved = {path: path.read_bytes() for path in old_files}
            before = (self.rows, list(self.corpus_files), list(self.annexes))
            rows_path = self.settings.rows_dir / "rows.jsonl"
            rows_before = rows_path.read_bytes() if rows_path.exists() else None
            target_existed = target.exists()
            try:
                atomic_write(target, text if fmt == "txt" else data)
                self.rows = merge_rows(self.rows, [report.rows])
                self.annexes = [a for a in self.annexes if a.report != number] + report.annexes
                self.corpus_files = sorted({*(p for p in self.corpus_files if p not in saved), target})
                write_rows(self.rows, rows_path)
                notify(0.5, "Đang lập chỉ mục tìm kiếm…")
                self._rebuild()
                self.lexical_job = LexicalJob.start(self.corpus_files, self.settings.cache_dir)
                _ = self.derived, self.retriever  # indexes the new rows now, not on the next question
            except BaseException:
                self.lexical_job = None
                self.rows, self.corpus_files, self.annexes = before
                if not target_existed:
                    target.unlink(missing_ok=True)
                for path, content in saved.items():
                    if not path.exists():
                        atomic_write(path, content)
                if rows_before is None:
                    rows_path.unlink(missing_ok=True)
                else:
                    atomic_write(rows_path, rows_before)
                self._rebuild()
                raise
            for path in old_files:  # the new version is in place: the old files leave the corpus
                discard(path, number, len(existing))
        notify(1.0, "Xong.")
        return {"number": number, "rows": len(report.rows), "duplicate": False, "replaced": bool(existing),
                "rows_removed": len(existing), "file": target.name, "sha256": hashlib.sha256(data).hexdigest()}

    def remove_report(self, number: str, discard: Discard = _delete) -> int:
        """Remove a report's rows, chunks and file (given to ``discard``); returns the number of rows removed."""
        with self._lock:
            removed = [row for row in self.rows if row.report == number]
            if not removed:
                return 0
            self.rows = [row for row in self.rows if row.report != number]
            self.annexes = [a for a in self.annexes if a.report != number]
            for path in list(self.corpus_files):
                if path.exists() and path.parent == self.settings.raw_dir:
                    try:
                        if parse_report(path).meta.number == number:
                            discard(path, number, len(removed))
                            self.corpus_files.remove(path)
                    except ParseError:
                        continue
            write_rows(self.rows, self.settings.rows_dir / "rows.jsonl")
            remove_report_chunks(number, self.retriever.store)
            forget_retrievers_of(number)
            self._rebuild()
            return len(removed)

    def system_info(self) -> dict:
        info = {
            "records": len(self.rows),
            "reports": len({row.report for row in self.rows}),
            "llm": self.settings.llm_backend if self.settings.llm_backend != "none" else "tắt",
            "chroma_mode": self.settings.chroma_mode,
            "index_location": (
                f"{self.settings.chroma_host}:{self.settings.chroma_port}"
                if self.settings.chroma_mode == "server"
                else str(self.settings.chroma_path)
            ),
            "embedder": self.settings.embedder,
        }
        try:
            info.update(self.retriever.info())
        except Exception as exc:  # the index being unreachable must not hide the rest
            info["index_error"] = str(exc)
        if self.notices:
            info["index_notice"] = " ".join(self.notices)
        return info


def _plain_text(data: bytes, name: str) -> str:
    """The text of a report in the tab-separated layout; other files named by what they are."""
    kinds = (  # (magic bytes, Vietnamese description) of formats that are not a plain-text report
        (b"\x89PNG", "tệp ảnh PNG"),
        (b"\xff\xd8\xff", "tệp ảnh JPEG"),
        (b"GIF8", "tệp ảnh GIF"),
        (b"\x1f\x8b", "tệp nén GZIP"),
        (b"Rar!", "tệp nén RAR"),
        (b"7z\xbc\xaf", "tệp nén 7z"),
        (b"{\\rtf", "tệp RTF"),
        (b"\x00\x00\xfe\xff", "văn bản mã hóa UTF-32, cần lưu lại dạng UTF-8"),
        (b"\xff\xfe\x00\x00", "văn bản mã hóa UTF-32, cần lưu lại dạng UTF-8"),
        (b"\xff\xfe", "văn bản mã hóa UTF-16, cần lưu lại dạng UTF-8"),
        (b"\xfe\xff", "văn bản mã hóa UTF-16, cần lưu lại dạng UTF-8"),
    )
    head = data.lstrip()[:8]
    for magic, what in kinds:
        if data.startswith(magic) or head.startswith(magic):
            raise ParseError(name, None, f"không phải tệp báo cáo (.txt, .docx, .xlsx, .pdf): {what}", "not a report file")
    if b"\x00" in data:  # UTF-16 without a BOM, or a binary file
        raise ParseError(name, None, "tệp nhị phân hoặc mã hóa UTF-16, không phải văn bản UTF-8",
                         "binary or UTF-16 file, not UTF-8 text")
    return decode_report_bytes(data, name)


@dataclass
class CorpusDerived:
    """What answers need beyond the rows, derived from them once per corpus content."""

    rows: list[Row]
    vocab: Vocabulary
    tables: Any
    layer: Any

    @classmethod
    def build(cls, rows: list[Row], annexes: list[Annex], cache_dir: Path | None = None) -> CorpusDerived:
        from structured.semantic import LayerPart, SemanticLayer
        from structured.tables import CorpusTables, TablePart

        cache = DerivedCache(cache_dir)

        def cached(name: str, build: Callable[[list[Row]], Any]) -> Callable[[list[Row]], Any]:
            """``build`` of one report's rows, loaded from the cache when those rows were seen before."""
            return lambda group: cache.load_or_build(name, corpus_digest(group), lambda: build(group), keep=REPORT_ENTRIES)

        return cls(rows=rows, vocab=corpus_vocabulary(rows, cache),
                   tables=CorpusTables.from_rows(rows, annexes, parts=cached("tablepart", TablePart.of)),
                   layer=SemanticLayer.build(rows, annexes, parts=cached("layerpart", LayerPart.of)))


def corpus_digest(rows: list[Row], annexes: list[Annex] = ()) -> str:
    """Digest of the corpus content (row ids and hashes, annex records) and the deriving code; without
    annexes it is :func:`ingestion.cache.rows_digest`."""
    if not annexes:
        return rows_digest(rows)
    return digest_of([rows_digest(rows), *(annex.model_dump_json() for annex in annexes)])


def corpus_vocabulary(rows: list[Row], cache: DerivedCache) -> Vocabulary:
    """The vocabulary of ``rows`` as the sum of its reports' counts, each cached by the report's content:
    the same as counting every row's text, without recounting unchanged reports."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.report, []).append(row)
    counted = [
        cache.load_or_build("vocab", corpus_digest(group), lambda group=group: count_vocabulary(r.text for r in group),
                            keep=REPORT_ENTRIES)
        for group in groups.values()
    ]
    return merge_vocabularies(counted)


def load_rows(files: list[Path]) -> list[Row]:
    """Parse report files into one merged, deterministic list of rows."""
    return load_corpus(files)[0]


def load_corpus(files: list[Path], cache: DerivedCache | None = None) -> tuple[list[Row], list[Annex]]:
    """Parse report files (each loaded from ``cache`` when its bytes were parsed before) into one merged,
    deterministic list of rows, and their annex records."""
    parsed = [parse_cached(path, cache) for path in files]
    rows = merge_rows([], [report.rows for report in parsed])
    kept = {row.report for row in rows}
    annexes = {(a.report, a.annex): a for report in parsed for a in report.annexes if a.report in kept}
    return rows, list(annexes.values())


def default_corpus(settings: Settings) -> list[Path]:
    return report_files(settings.raw_dir)


_ENGINES: dict[tuple, Engine] = {}
_ENGINES_LOCK = threading.Lock()


_LISTINGS: dict[Path, tuple[int, list[Path]]] = {}


def _default_files(settings: Settings) -> list[Path]:
    """The resolved report files of the raw folder, listed again only when the folder changed (its
    mtime moves when a file is added, removed or renamed): ``answer()`` asks on every question, and
    listing and resolving 200 files cost more than answering."""
    folder = settings.raw_dir.resolve()
    try:
        stamp = folder.stat().st_mtime_ns
    except OSError:
        stamp = -1
    cached = _LISTINGS.get(folder)
    if cached is None or cached[0] != stamp:
        cached = (stamp, sorted(p.resolve() for p in default_corpus(settings)))
        _LISTINGS[folder] = cached
    return cached[1]


def get_engine(corpus_files: list[Path] | None = None, settings: Settings | None = None) -> Engine:
    """One engine per (settings, corpus) per process."""
    settings = settings or get_settings()
    files = sorted(Path(p).resolve() for p in corpus_files) if corpus_files else _default_files(settings)
    key = (id(settings), tuple(files))
    with _ENGINES_LOCK:
        if key not in _ENGINES:
            _ENGINES[key] = _load_engine(files, settings, sync_rows=corpus_files is None)
        return _ENGINES[key]


def files_digest(files: list[Path]) -> str:
    """Digest of the files' bytes (and the deriving code): the same files give the same corpus."""
    return digest_of(hashlib.sha256(path.read_bytes()).digest() for path in files)


def _load_engine(files: list[Path], settings: Settings, *, sync_rows: bool) -> Engine:
    """The engine of ``files``. When these very files were loaded before, their corpus (rows, tables,
    vocabulary) is loaded whole from the derived cache, without parsing or loading each report."""
    cache = DerivedCache(settings.cache_dir)
    files_key = files_digest(files)
    known = cache.load("files", files_key)
    derived = cache.load("corpus", known[0]) if isinstance(known, tuple) else None
    rows_file = (settings.rows_dir / "rows.jsonl", settings.cache_dir / "rows.stamp")
    job = None
    if isinstance(derived, CorpusDerived):
        rows, annexes = derived.rows, list(known[1])
    else:  # a corpus not seen as a whole: its lexical index is built on the second core meanwhile
        job = LexicalJob.start(files, settings.cache_dir)
        rows, annexes = load_corpus(files, cache)
    if sync_rows and job is None:
        sync_rows_file(rows, *rows_file)
    engine = Engine(settings=settings, rows=rows, corpus_files=files, annexes=annexes)
    engine.files_key = files_key
    engine.lexical_job = job
    engine.rows_file = rows_file if sync_rows and job is not None else None  # written while waiting for the job
    if isinstance(derived, CorpusDerived):
        engine.derived = derived  # the cached_property's slot: nothing to rebuild
    return engine


def reset_engines() -> None:
    with _ENGINES_LOCK:
        _ENGINES.clear()
        _LISTINGS.clear()
