"""Query normalisation: abbreviations, diacritic restoration, typo repair (pure, no index)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingestion.cleaning import fold_diacritics
from retrieval.abbreviations import ABBREVIATIONS, abbreviations_in, expand_abbreviations
from retrieval.normalize import (
    NormalizedQuery,
    build_vocabulary,
    has_diacritics,
    normalize_query,
    restore,
    syllables,
)
from retrieval.search import vocabulary_for


@pytest.fixture(scope="module")
def vocab(seed_rows):
    return vocabulary_for(seed_rows)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dt917", "Đường tỉnh 917"),
        ("DT 917", "Đường tỉnh 917"),
        ("ĐT 917 giải ngân", "Đường tỉnh 917 giải ngân"),
        ("QL91 và QL 61C", "Quốc lộ 91 và Quốc lộ 61C"),
        ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
        ("So KHCN", "So Khoa học và Công nghệ"),
        ("UBND TP", "Ủy ban nhân dân thành phố"),
        ("hdnd", "Hội đồng nhân dân"),
        ("Sở VH,TT&DL", "Sở Văn hóa, Thể thao và Du lịch"),
        ("Sở NN&PTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
        ("vùng ĐBSCL", "vùng Đồng bằng sông Cửu Long"),
        ("công tác GPMB", "công tác giải phóng mặt bằng"),
        ("vốn NSNN", "vốn ngân sách nhà nước"),
        ("CT MTQG giảm nghèo", "Chương trình mục tiêu quốc gia giảm nghèo"),  # one abbreviation typed in two parts
    ],
)
def test_expand_abbreviations(text, expected):
    assert expand_abbreviations(text) == expected


def test_document_codes_are_not_expanded():
    assert expand_abbreviations("Nghị quyết số 59-NQ/TW") == "Nghị quyết số 59-NQ/TW"
    assert expand_abbreviations("Quyết định số 1519/QĐ-TTg") == "Quyết định số 1519/QĐ-TTg"


def test_abbreviations_written_as_is_in_reports_are_kept():
    assert expand_abbreviations("Vốn ODA và GRDP") == "Vốn ODA và GRDP"
    assert abbreviations_in("Vốn ODA")["ODA"] == "ODA"  # printed as is in reports: never expanded into other words


def test_abbreviations_in_and_dictionary_is_pure():
    assert abbreviations_in("Sở GTVT và KCN") == {"GTVT": "Giao thông vận tải", "KCN": "khu công nghiệp"}
    assert ABBREVIATIONS["NQ"] == "Nghị quyết"
    assert expand_abbreviations(expand_abbreviations("UBND")) == "Ủy ban nhân dân"


@pytest.mark.parametrize(
    ("query", "restored"),
    [
        ("toc do tang truong", "tốc độ tăng trưởng"),
        ("thu vien thanh pho", "thư viện thành phố"),
        ("du an duong tinh 917 giai ngan bao nhieu", "dự án đường tỉnh 917 giải ngân bao nhiêu"),
        ("Dt917", "đường tỉnh 917"),
        ("So KHCN", "sở khoa học và công nghệ"),
        ("ty le ho ngheo", "tỷ lệ hộ nghèo"),
        ("benh vien ung buou", "bệnh viện ung bướu"),
    ],
)
def test_diacritics_restored_from_corpus_model(vocab, query, restored):
    assert normalize_query(query, vocab).restored == restored


@pytest.mark.parametrize(
    ("query", "restored"),
    [
        ("đường tĩnh 918", "đường tỉnh 918"),
        ("kè chống sạc lở sông Trà Nóc", "kè chống sạt lở sông trà nóc"),
        ("bệnh viện ung bứou", "bệnh viện ung bướu"),
        ("benh vien ung bou can tho", "bệnh viện ung bướu cần thơ"),
        ("thư viên TP Cần Thơ", "thư viện thành phố cần thơ"),
    ],
)
def test_typos_repaired_by_fuzzy_candidates_and_context(vocab, query, restored):
    assert normalize_query(query, vocab).restored == restored


def test_accented_query_is_kept(vocab):
    query = "Ban Dân tộc giao vốn 500 triệu, mỗi căn nhà 50 triệu"
    assert normalize_query(query, vocab).restored == "ban dân tộc giao vốn 500 triệu mỗi căn nhà 50 triệu"
    assert normalize_query("tỷ lệ hộ dân được dùng nước sạch", vocab).restored.endswith("được dùng nước sạch")


def test_normalized_query_stages(vocab):
    norm = normalize_query("  Dt917  giai ngan ", vocab)
    assert norm == NormalizedQuery(
        original="Dt917 giai ngan",
        expanded="Đường tỉnh 917 giai ngan",
        restored="đường tỉnh 917 giải ngân",
        folded="duong tinh 917 giai ngan",
    )


def test_restoration_accuracy_on_row_names(seed_rows, vocab):
    """Folding every row name and restoring it gives back ≥ 95% of the syllables."""
    total = right = 0
    for row in seed_rows:
        words = [w for w in syllables(row.name) if w.isalpha()]
        guess = restore([fold_diacritics(w) for w in words], vocab)
        total += len(words)
        right += sum(a == b for a, b in zip(words, guess, strict=True))
    assert right / total >= 0.95


def test_small_vocabulary_and_helpers():
    vocab = build_vocabulary(["Thư viện thành phố", "Tốc độ tăng trưởng"])
    assert vocab.by_folded["vien"] == ["viện"]
    assert normalize_query("thu vien", vocab).restored == "thư viện"
    assert has_diacritics("tỉnh") and not has_diacritics("tinh")
    assert syllables("Đường tỉnh 917") == ["đường", "tỉnh", "917"]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcdeghiklmnoqrstuvxyđáàảãạăâêôơư &,.-/0123456789DTQLKHCN")), max_size=40))
def test_normalize_never_fails_and_folded_matches_restored(text):
    vocab = _tiny_vocab()
    norm = normalize_query(text, vocab)
    assert norm.folded == fold_diacritics(norm.restored)
    assert fold_diacritics(norm.restored).split() == norm.folded.split()


_TINY = build_vocabulary(["Đường tỉnh 917 giải ngân", "Sở Khoa học và Công nghệ", "thư viện thành phố"])


def _tiny_vocab():
    return _TINY
