"""Search behaviour with the fast hash embedder: modes, filters, lexical fields, cache, CLI."""

from __future__ import annotations

import json

import pytest

from retrieval.__main__ import main as cli
from retrieval.lexical import analyze
from retrieval.search import MODES, Retriever, get_retriever
from tests.test_retrieval_support import hash_settings


@pytest.fixture(scope="module")
def retriever(seed_rows, tmp_path_factory):
    from ingestion.parser import parse_report
    from tests.conftest import SYNTHETIC_REPORT

    rows = seed_rows + parse_report(SYNTHETIC_REPORT).rows
    return Retriever(rows, hash_settings(tmp_path_factory.mktemp("search")))


def test_every_mode_returns_k_distinct_rows(retriever):
    for mode in MODES:
        hits = retriever.search("tỷ lệ hộ nghèo", k=5, mode=mode)
        assert len(hits) == 5 and len({h.row_id for h in hits}) == 5
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_exact_diacritics_rank_above_folded_matches(retriever):
    hits = retriever.search("Tỷ lệ hộ nghèo", k=3, mode="bm25", filters={"report": "320/BC-UBND"})
    assert hits[0].row_id == "320/BC-UBND:I:11"
    unaccented = retriever.search("ty le ho ngheo", k=3, mode="bm25", filters={"report": "320/BC-UBND"})
    assert unaccented[0].row_id == "320/BC-UBND:I:11"
    assert hits[0].lexical > unaccented[0].lexical


def test_filters(retriever):
    hits = retriever.search("đường tỉnh 917", k=5, filters={"report": "45/BC-UBND"}, mode="bm25")
    assert hits[0].row_id == "45/BC-UBND:II:3" and all(h.report == "45/BC-UBND" for h in hits)
    assert all(h.report == "45/BC-UBND" for h in retriever.search("đường tỉnh 917", filters={"report": "45/BC-UBND"}))
    hits = retriever.search("đường tỉnh 917", k=3, filters={"report": "320/BC-UBND", "annex": "III"})
    assert hits[0].row_id == "320/BC-UBND:III:6"
    assert all(h.kind == "indicator" for h in retriever.search("tăng trưởng", k=5, filters={"kind": "indicator"}))
    by_agency = retriever.search("dự án", k=10, filters={"agency": "so khoa hoc va cong nghe"})
    assert by_agency and all("Khoa học và Công nghệ" in retriever.rows[h.row_id].cells.get(
        next(k for k in retriever.rows[h.row_id].cells if "chủ trì" in k.lower()), "") for h in by_agency)
    assert all(h.row_id in {"320/BC-UBND:III:10", "320/BC-UBND:III:14"}
               for h in retriever.search("dự án", k=5, filters={"marker": "****"}))
    with pytest.raises(ValueError):
        retriever.search("x", filters={"colour": "red"})
    assert retriever.search("   ") == []


def test_analyzer_tokens():
    assert analyze("Thư viện TP") == ["thư", "viện", "thành", "phố", "thư_viện", "thành_phố"]
    assert analyze("Thư viện", folded=True) == ["thu", "vien", "thu_vien"]
    assert "bao" not in analyze("giải ngân bao nhiêu", drop_question_words=True)


def test_get_retriever_is_cached(seed_rows, tmp_path):
    settings = hash_settings(tmp_path)
    first = get_retriever(seed_rows, settings)
    assert get_retriever(seed_rows, settings) is first
    assert first.info()["chunks"] == first.info()["indexed_chunks"] == len(first.chunks)


def test_cli_search_json_builds_rows_when_missing(tmp_path, monkeypatch, capsys):
    from tests.conftest import SEED_REPORT

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / SEED_REPORT.name).write_bytes(SEED_REPORT.read_bytes())
    monkeypatch.setenv("VNQA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("VNQA_RAW_DIR", str(raw))
    monkeypatch.setenv("VNQA_EMBEDDER", "hash")
    monkeypatch.setenv("VNQA_CHROMA_DIR", str(tmp_path / "chroma"))
    from settings import get_settings

    get_settings.cache_clear()
    try:
        assert cli(["search", "thu vien thanh pho", "--k", "3", "--json"]) == 0
        hits = json.loads(capsys.readouterr().out)
    finally:
        get_settings.cache_clear()
    assert (tmp_path / "processed" / "rows.jsonl").exists()
    assert hits[0]["id"] == "320/BC-UBND:III:20"
    assert set(hits[0]) >= {"id", "report", "annex", "row", "score", "snippet"}
    assert len(hits) == 3
