"""Scale: one chunk text for CLI and app, the embedding cache, and starts that load instead of rebuild."""

from __future__ import annotations

import shutil

import pytest

import settings as settings_module
from assistant.engine import Engine, get_engine, load_corpus, reset_engines
from eval.synthetic import write_corpus
from ingestion import cache as cache_module
from ingestion.store import read_rows
from retrieval import __main__ as retrieval_cli
from retrieval.chunks import chunks_for_rows
from retrieval.normalize import build_vocabulary, count_vocabulary, merge_vocabularies
from retrieval.search import reset_retrievers
from retrieval.store import open_store
from settings import Settings
from tests.conftest import SEED_REPORT


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    """Two synthetic reports in a private data folder; ``get_settings()`` returns its settings."""
    raw = tmp_path / "raw"
    write_corpus(SEED_REPORT, raw, 2)
    settings = Settings(embedder="hash", data_dir=tmp_path, raw_dir=raw)
    monkeypatch.setattr(retrieval_cli, "get_settings", lambda: settings)
    monkeypatch.setattr(settings_module, "get_settings", lambda: settings)
    monkeypatch.setattr("ingestion.__main__.get_settings", lambda: settings)
    reset_engines()
    reset_retrievers()
    yield settings
    reset_engines()
    reset_retrievers()


def _fresh_start(settings: Settings) -> Engine:
    reset_engines()
    reset_retrievers()
    engine = get_engine(settings=settings)
    engine.warm_up()
    return engine


def test_rows_read_back_build_the_same_chunk_texts(corpus):
    rows, _ = load_corpus(sorted(corpus.raw_dir.glob("*.txt")))
    _fresh_start(corpus)  # writes rows.jsonl
    again = read_rows(corpus.rows_dir / "rows.jsonl")
    assert [c.text for c in chunks_for_rows(again)] == [c.text for c in chunks_for_rows(rows)]
    assert [list(r.cells) for r in again] == [list(r.cells) for r in rows]


def test_cli_index_then_app_embeds_nothing(corpus, capsys):
    from ingestion.__main__ import main as ingest

    assert ingest([*map(str, sorted(corpus.raw_dir.glob("*.txt"))), "--out", str(corpus.rows_dir)]) == 0
    assert retrieval_cli.main(["index"]) == 0
    stats = _fresh_start(corpus).retriever.index_stats
    assert (stats.added, stats.updated, stats.embedded) == (0, 0, 0)
    assert stats.unchanged > 0


def test_app_then_cli_index_embeds_nothing(corpus, capsys):
    engine = _fresh_start(corpus)
    chunks = len(engine.retriever.chunks)
    assert engine.retriever.index_stats.embedded == len({c.embed_text for c in engine.retriever.chunks})
    capsys.readouterr()
    assert retrieval_cli.main(["index"]) == 0
    assert f"thêm 0, cập nhật 0, xóa 0, giữ nguyên {chunks} chunk" in capsys.readouterr().out


def test_embedding_cache_embeds_each_text_once(corpus):
    engine = _fresh_start(corpus)
    stats = engine.retriever.index_stats
    texts = {c.embed_text for c in engine.retriever.chunks}
    assert stats.embedded == len(texts) < stats.added  # two reports share most chunk texts
    # The Chroma folder lost: rebuilt from the cache, nothing embedded.
    store = open_store(corpus)
    store.client.delete_collection(store.name)
    assert retrieval_cli.main(["index"]) == 0
    assert open_store(corpus).count() == len(engine.retriever.chunks)
    assert _fresh_start(corpus).retriever.index_stats.embedded == 0


def test_unchanged_start_loads_instead_of_building(corpus, monkeypatch):
    first = _fresh_start(corpus)
    answer_rows = sorted(first.by_id)

    def fail(*args, **kwargs):
        raise AssertionError("rebuilt although nothing changed")

    monkeypatch.setattr("assistant.engine.CorpusDerived.build", fail)
    monkeypatch.setattr("retrieval.search.build_lexical_index", fail)
    monkeypatch.setattr("retrieval.store.index_rows", fail)
    monkeypatch.setattr("ingestion.cache.parse_report", fail)
    monkeypatch.setattr("assistant.engine.load_corpus", fail)  # the same files: the corpus is loaded whole
    second = _fresh_start(corpus)
    assert sorted(second.by_id) == answer_rows
    assert second.retriever.index_stats.unchanged == len(second.retriever.chunks)
    assert second.retriever.search("thư viện thành phố", k=3)
    assert second.layer.rows.keys() == first.layer.rows.keys()


def test_changed_report_replaces_rows_and_chunks(corpus):
    engine = _fresh_start(corpus)
    before = len(engine.retriever.chunks)
    path = sorted(corpus.raw_dir.glob("*.txt"))[0]
    number = engine.rows[0].report
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Thư viện Thành phố", "Thư viện Trung tâm"), encoding="utf-8")
    changed = _fresh_start(corpus)
    stats = changed.retriever.index_stats
    assert len(changed.retriever.chunks) == before and stats.updated >= 1 and stats.added == 0
    assert any("Thư viện Trung tâm" in r.name for r in changed.rows if r.report == number)
    assert not any("Thư viện Thành phố" in r.name for r in changed.rows if r.report == number)
    assert len(changed.rows) == len(engine.rows)
    assert len(read_rows(corpus.rows_dir / "rows.jsonl")) == len(engine.rows)


def test_new_code_version_rebuilds(corpus, monkeypatch):
    _fresh_start(corpus)
    built = []
    monkeypatch.setattr(cache_module, "code_version", lambda: "another-version")
    monkeypatch.setattr("assistant.engine.CorpusDerived.build",
                        classmethod(lambda cls, *a, **k: built.append(1) or _real_build(*a, **k)))
    _fresh_start(corpus)
    assert built  # the cached entries of the old code are not used


def _real_build(rows, annexes, cache_dir=None):
    from assistant.engine import CorpusDerived, corpus_vocabulary
    from ingestion.cache import DerivedCache
    from structured.semantic import SemanticLayer
    from structured.tables import CorpusTables

    return CorpusDerived(rows=rows, vocab=corpus_vocabulary(rows, DerivedCache(cache_dir)),
                         tables=CorpusTables.from_rows(rows, annexes), layer=SemanticLayer.build(rows, annexes))


def test_vocabulary_is_the_sum_of_its_reports(seed_rows):
    half = len(seed_rows) // 2
    whole = build_vocabulary(row.text for row in seed_rows)
    parts = merge_vocabularies([count_vocabulary(r.text for r in seed_rows[:half]),
                                count_vocabulary(r.text for r in seed_rows[half:])])
    assert parts.unigrams == whole.unigrams and parts.trigrams == whole.trigrams
    assert parts.by_folded == whole.by_folded and parts.total == whole.total


def test_damaged_cache_entry_is_rebuilt(corpus):
    _fresh_start(corpus)
    for entry in (corpus.cache_dir / "derived").glob("*.pkl"):
        entry.write_bytes(b"not a pickle")
    engine = _fresh_start(corpus)
    assert engine.retriever.search("thư viện thành phố", k=1)
    shutil.rmtree(corpus.cache_dir)
    stats = _fresh_start(corpus).retriever.index_stats  # cache gone: checked against Chroma, nothing embedded
    assert (stats.added, stats.updated, stats.embedded) == (0, 0, 0) and stats.unchanged == len(engine.retriever.chunks)


def test_unreadable_embedding_cache_only_costs_embedding(corpus):
    corpus.cache_dir.mkdir(parents=True, exist_ok=True)
    (corpus.cache_dir / "embeddings.sqlite3").write_bytes(b"not a database" * 100)
    engine = _fresh_start(corpus)
    assert engine.retriever.index_stats.embedded == len(engine.retriever.chunks)
    assert engine.retriever.search("thư viện thành phố", k=1)


def test_unchanged_cli_reindex_reads_no_chunks(corpus, monkeypatch, capsys):
    chunks = len(_fresh_start(corpus).retriever.chunks)  # syncs the index and writes rows.jsonl

    def fail(*args, **kwargs):
        raise AssertionError("re-read the index although the rows are unchanged")

    monkeypatch.setattr(retrieval_cli, "index_rows", fail)
    monkeypatch.setattr(retrieval_cli, "load_rows", fail)  # rows.jsonl as stamped: not even read
    capsys.readouterr()
    assert retrieval_cli.main(["index"]) == 0
    assert f"thêm 0, cập nhật 0, xóa 0, giữ nguyên {chunks} chunk" in capsys.readouterr().out


def test_adding_a_report_works_out_only_that_report(corpus, monkeypatch):
    """Tables, layer, chunks and vectors of unchanged reports come from the cache and the last sync; only the
    new report is parsed, chunked, indexed, read back from Chroma and embedded."""
    from retrieval.store import ChunkStore
    from structured.semantic import LayerPart
    from structured.tables import TablePart

    before = _fresh_start(corpus)
    old_reports = {row.report for row in before.rows}
    write_corpus(SEED_REPORT, corpus.raw_dir, 1, start=2)
    seen: dict[str, list] = {"tables": [], "layer": [], "chunks": [], "read": [], "vectors": []}
    for target, key in (("structured.tables.TablePart.of", "tables"), ("structured.semantic.LayerPart.of", "layer")):
        real = TablePart.of if key == "tables" else LayerPart.of
        monkeypatch.setattr(target, lambda rows, real=real, key=key: seen[key].append(rows[0].report) or real(rows))
    real_chunks, real_stored, real_vectors = chunks_for_rows, ChunkStore.stored, ChunkStore.vectors
    monkeypatch.setattr("retrieval.search.chunks_for_rows", lambda rows: seen["chunks"].append(rows[0].report) or real_chunks(rows))
    monkeypatch.setattr(ChunkStore, "stored", lambda self, where=None: seen["read"].append(where) or real_stored(self, where))
    monkeypatch.setattr(ChunkStore, "vectors", lambda self, ids: seen["vectors"].append(ids) or real_vectors(self, ids))
    after = _fresh_start(corpus)
    new = {row.report for row in after.rows} - old_reports
    assert len(new) == 1 and seen["tables"] == seen["layer"] == seen["chunks"] == list(new)
    assert seen["read"] and all(where == {"report": next(iter(new))} for where in seen["read"])
    new_chunks = [c for c in after.retriever.chunks if c.metadata["report"] in new]
    assert [len(ids) for ids in seen["vectors"]] == [len(new_chunks)]
    stats = after.retriever.index_stats
    assert (stats.added, stats.unchanged) == (len(new_chunks), len(before.retriever.chunks))
    # The result is the corpus a start from scratch gives: same rows, tables, words and vectors.
    monkeypatch.undo()
    shutil.rmtree(corpus.cache_dir)
    scratch = _fresh_start(corpus)
    assert list(scratch.tables.frame.index) == list(after.tables.frame.index)
    assert scratch.tables.frame.equals(after.tables.frame)
    assert scratch.layer.text_index == after.layer.text_index and scratch.layer.idf == after.layer.idf
    assert [c.id for c in scratch.retriever.chunks] == [c.id for c in after.retriever.chunks]
    assert abs(scratch.retriever._matrix - after.retriever._matrix).max() < 1e-5


def test_lexical_index_of_a_new_corpus_builds_in_a_second_process(corpus, monkeypatch):
    from retrieval import lexical_job

    monkeypatch.setattr(lexical_job, "PARALLEL_MIN_BYTES", 0)

    def fail(*args, **kwargs):
        raise AssertionError("the lexical index was built here, not in the second process")

    monkeypatch.setattr("retrieval.search.build_lexical_index", fail)
    rows_file = corpus.rows_dir / "rows.jsonl"
    engine = _fresh_start(corpus)
    assert "retriever" in engine.__dict__  # opened at warm-up, nothing failed
    assert engine.retriever.search("thư viện thành phố", k=1)[0].name == "Thư viện Thành phố"
    assert [row.id for row in read_rows(rows_file)] == [row.id for row in engine.rows]


def test_warm_command_builds_what_the_first_start_loads(corpus, monkeypatch, capsys):
    from assistant.__main__ import main as assistant_cli

    monkeypatch.setattr("assistant.engine.get_settings", lambda: corpus)
    reset_engines()
    reset_retrievers()
    assert assistant_cli(["warm"]) == 0
    assert "Sẵn sàng" in capsys.readouterr().out

    def fail(*args, **kwargs):
        raise AssertionError("built at the first start although `python -m assistant warm` ran")

    monkeypatch.setattr("assistant.engine.CorpusDerived.build", fail)
    monkeypatch.setattr("retrieval.search.build_lexical_index", fail)
    engine = _fresh_start(corpus)
    assert "retriever" in engine.__dict__ and engine.retriever.index_stats.embedded == 0
