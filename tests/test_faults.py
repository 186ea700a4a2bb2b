"""Faults around the search index: a damaged or deleted Chroma folder, an interrupted sync, an
unreachable Chroma server. In each case the assistant keeps answering; the index repairs itself
from the rows (the source of truth) or the answer says it only used the tables.
"""

from __future__ import annotations

import subprocess
import sys
import time
from types import SimpleNamespace

import pytest

from assistant import answer, get_engine
from assistant.engine import reset_engines
from ingestion.parser import parse_report
from ingestion.store import merge_rows, write_rows
from retrieval import search as search_module
from retrieval import store as store_module
from retrieval.chunks import chunks_for_rows
from retrieval.search import Retriever, reset_retrievers
from retrieval.store import (
    INDEX_REBUILT_NOTICE,
    INDEX_UNAVAILABLE_NOTICE,
    ChunkStore,
    forget_client,
    open_store,
)
from settings import Settings
from tests.conftest import ROOT, SEED_REPORT, SYNTHETIC_REPORT
from tests.test_retrieval_support import free_port

LIBRARY = "tình hình dự án Thư viện thành phố?"
GRDP = "GRDP 2024 có đạt nghị quyết không?"


def restart(settings: Settings) -> None:
    """What a new process would see: no cached engine, retriever or Chroma client."""
    reset_engines()
    reset_retrievers()
    forget_client(settings.chroma_path)


def all_ids(settings: Settings) -> list[str]:
    return open_store(settings).collection.get(include=[])["ids"]


def assert_answers_library(engine, question: str = LIBRARY) -> None:
    reply = answer(question, engine=engine)
    assert not reply.abstained
    assert reply.citations[0].row_id == "320/BC-UBND:III:20"


# -- 1. damaged or deleted index folder -----------------------------------------------------------


def _garbage(settings: Settings) -> None:
    (settings.chroma_path / "chroma.sqlite3").write_bytes(b"\x00garbage, not sqlite" * 500)


def _deleted(settings: Settings) -> None:
    import shutil

    shutil.rmtree(settings.chroma_path)


def _missing_chunks(settings: Settings) -> None:
    store = open_store(settings)
    store.delete(sorted(store.stored(where={"report": "320/BC-UBND"}))[:25])


def _orphan_chunk(settings: Settings) -> None:
    store = open_store(settings)
    meta = dict(next(iter(store.stored(where={"report": "320/BC-UBND"}).values())))
    dim = len(store.embedder.embed_query("x"))
    store.collection.upsert(ids=["320/BC-UBND:III:999#0"], embeddings=[[0.1] * dim], documents=["mồ côi"], metadatas=[meta])


@pytest.mark.parametrize("damage", [_garbage, _deleted, _missing_chunks, _orphan_chunk], ids=lambda f: f.__name__[1:])
def test_damaged_index_is_rebuilt_from_rows(tmp_path, seed_rows, damage):
    settings = Settings(embedder="hash", data_dir=tmp_path)
    expected = len(chunks_for_rows(seed_rows))
    first = get_engine([SEED_REPORT], settings=settings)
    assert first.retriever.info()["indexed_chunks"] == expected
    assert first.notices == [] and "index_notice" not in first.system_info()  # a fresh index is no fault
    restart(settings)
    damage(settings)
    forget_client(settings.chroma_path)

    engine = get_engine([SEED_REPORT], settings=settings)
    assert_answers_library(engine)
    assert engine.notices == [INDEX_REBUILT_NOTICE]
    assert engine.system_info()["index_notice"] == INDEX_REBUILT_NOTICE
    ids = all_ids(settings)
    assert len(ids) == len(set(ids)) == expected
    restart(settings)
    if damage is _garbage:  # the broken folder was moved aside; the rebuilt one is clean
        assert settings.chroma_path.with_name("chroma.broken").is_dir()
        assert Retriever(seed_rows, settings).notices == []
        restart(settings)


# -- 2. interrupted sync ------------------------------------------------------------------------


@pytest.mark.parametrize("stop_after", [0, 40])
def test_interrupted_sync_is_finished_by_the_next_start(tmp_path, seed_rows, monkeypatch, stop_after):
    settings = Settings(embedder="hash", data_dir=tmp_path)
    old = Retriever(seed_rows, settings)
    both = merge_rows(seed_rows, [parse_report(SYNTHETIC_REPORT).rows])
    write_rows(both, settings.rows_dir / "rows.jsonl")
    real_upsert = ChunkStore.upsert

    def killed(self, chunks, progress=False):
        real_upsert(self, chunks[:stop_after], progress)
        raise RuntimeError("killed mid-sync")

    monkeypatch.setattr(ChunkStore, "upsert", killed)
    with pytest.raises(RuntimeError, match="killed"):
        Retriever(both, settings)
    monkeypatch.setattr(ChunkStore, "upsert", real_upsert)
    assert old.search("thu vien thanh pho", k=1)[0].row_id == "320/BC-UBND:III:20"  # previous corpus still usable

    restart(settings)
    engine = get_engine([SEED_REPORT, SYNTHETIC_REPORT], settings=settings)
    assert_answers_library(engine, "Theo báo cáo 320/BC-UBND, " + LIBRARY)
    assert engine.notices == []  # an unfinished sync is finished, not reported as damage
    ids = all_ids(settings)
    assert len(ids) == len(set(ids)) == len(chunks_for_rows(both))
    assert set(ids) == {chunk.id for chunk in chunks_for_rows(both)}
    restart(settings)


# -- 3. Chroma server unreachable -------------------------------------------------------------------


def test_unreachable_server_answers_from_tables(tmp_path, monkeypatch):
    settings = Settings(embedder="hash", data_dir=tmp_path, chroma_mode="server", chroma_port=free_port())
    calls = []
    real_get_client = store_module.get_client

    def counting(s):
        calls.append(time.monotonic())
        return real_get_client(s)

    monkeypatch.setattr(store_module, "get_client", counting)
    waits: list[float] = []
    monkeypatch.setattr(store_module, "time", SimpleNamespace(sleep=lambda s: (waits.append(s), time.sleep(s))))
    reset_retrievers()
    engine = get_engine([SEED_REPORT], settings=settings)
    started = time.monotonic()
    engine.warm_up()  # does not raise
    assert time.monotonic() - started < 5
    assert len(calls) == settings.chroma_connect_tries == 3
    assert waits == [0.25, 0.5]  # doubling backoff between the 3 tries

    reply = answer(GRDP, engine=engine)
    assert {c.row_id for c in reply.citations} == {"320/BC-UBND:I:1"} and "5,86" in reply.text
    assert INDEX_UNAVAILABLE_NOTICE in reply.notices
    assert_answers_library(engine)
    assert INDEX_UNAVAILABLE_NOTICE in answer(LIBRARY, engine=engine).notices
    info = engine.system_info()
    assert "127.0.0.1" in info["index_error"] and info["records"] > 0
    assert len(calls) == 3  # the failure is remembered: no retry on every question

    later = time.monotonic() + settings.chroma_retry_after_s + 1
    monkeypatch.setattr(search_module, "time", SimpleNamespace(monotonic=lambda: later))
    answer(GRDP, engine=engine)
    assert len(calls) == 6  # tried again once the pause is over
    reset_engines()
    reset_retrievers()


def test_cli_search_without_server_fails_in_one_line(tmp_path, seed_rows):
    write_rows(seed_rows, tmp_path / "rows.jsonl")
    env = {"PATH": "/usr/bin:/bin", "VNQA_EMBEDDER": "hash", "VNQA_CHROMA_MODE": "server",
           "VNQA_CHROMA_PORT": str(free_port()), "VNQA_DATA_DIR": str(tmp_path), "VNQA_CHROMA_CONNECT_BACKOFF_S": "0.05"}
    done = subprocess.run(
        [sys.executable, "-m", "retrieval", "search", "thu vien", "--rows", str(tmp_path / "rows.jsonl")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and done.stdout == ""
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Chroma" in lines[0], done.stderr
