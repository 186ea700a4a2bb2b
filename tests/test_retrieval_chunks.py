"""Rows → chunks: one per row with its context, long statuses split with the header repeated."""

from __future__ import annotations

from ingestion.models import Row, make_row_id
from retrieval.chunks import MAX_CHUNK_CHARS, chunks_for, chunks_for_rows, lead_agency, split_text


def _project(cells: dict[str, str], row: str = "7") -> Row:
    row_obj = Row(
        id=make_row_id("99/BC-UBND", "III", row),
        report="99/BC-UBND",
        report_date="2025-01-02",
        annex="III",
        annex_title="NHIỆM VỤ ĐẦU TƯ DỰ ÁN",
        row=row,
        row_numbers=[row],
        order=0,
        kind="project",
        name="Đường tỉnh 999",
        marker="*",
        marker_meaning="Dự án đang triển khai thi công",
        cells=cells,
        text="",
    )
    row_obj.content_hash = row_obj.compute_hash()
    return row_obj


def test_seed_rows_chunk_ids_and_context(seed_by_id):
    library = chunks_for(seed_by_id["320/BC-UBND:III:20"])
    assert [c.id for c in library] == ["320/BC-UBND:III:20#0"]
    text = library[0].text
    for part in (
        "320/BC-UBND",
        "Phụ lục III: NHIỆM VỤ ĐẦU TƯ DỰ ÁN KẾT CẤU HẠ TẦNG",
        "Dự án 20 (*): Thư viện Thành phố",
        "Cơ quan chủ trì: Ban Quản lý dự án đầu tư Xây dựng thành phố",
        "Nguồn vốn: NSNN",
        "triển khai 2023 - 2025",
        "28,894 tỷ đồng",
    ):
        assert part in text
    meta = library[0].metadata
    assert meta["report"] == "320/BC-UBND" and meta["annex"] == "III" and meta["row"] == "20"
    assert meta["kind"] == "project" and meta["marker"] == "*" and meta["row_id"] == "320/BC-UBND:III:20"
    assert meta["agency"] == "Ban Quản lý dự án đầu tư Xây dựng thành phố"
    assert meta["content_hash"] == seed_by_id["320/BC-UBND:III:20"].content_hash
    assert library[0].embed_text.startswith("Dự án 20: Thư viện Thành phố.")


def test_every_row_has_chunks_including_groups(seed_rows):
    chunks = chunks_for_rows(seed_rows)
    assert {c.row_id for c in chunks} == {r.id for r in seed_rows}
    group = next(c for c in chunks if c.metadata["kind"] == "group")
    assert group.id.endswith("#0") and "Nhóm" in group.text
    assert len({c.id for c in chunks}) == len(chunks)
    for chunk in chunks:
        assert all(isinstance(v, str | int) for v in chunk.metadata.values())
        assert len(chunk.embed_text) <= MAX_CHUNK_CHARS


def test_long_status_split_repeats_header(seed_rows):
    chunks = chunks_for_rows(seed_rows)
    long_rows = {c.row_id for c in chunks if c.metadata["parts"] > 1}
    assert len(long_rows) >= 5
    row = next(r for r in seed_rows if r.id in long_rows)
    parts = chunks_for(row)
    assert [c.id for c in parts] == [f"{row.id}#{i}" for i in range(len(parts))]
    header = parts[0].text.split("\n", 1)[0]
    assert all(c.text.startswith(header) for c in parts)
    body = " ".join(c.text.split("\n", 1)[1] for c in parts)
    status_words = [w for w in row.cells[next(h for h in row.cells if "tình hình" in h.lower())].split() if len(w) > 3]
    assert all(w in body for w in status_words[:40] + status_words[-40:])


def test_columns_found_by_role_not_position():
    cells = {
        "Báo cáo tình hình thực hiện": "Đã giải ngân 10 tỷ đồng.",
        "Dự kiến nguồn vốn": "NSNN",
        "Thời gian triển khai thực hiện": "2024 - 2026",
        "Nhiệm vụ": "Đường tỉnh 999",
        "Cơ quan chủ trì đề xuất/ thực hiện": "Sở Giao thông vận tải",
    }
    row = _project(cells)
    assert lead_agency(row) == "Sở Giao thông vận tải"
    (chunk,) = chunks_for(row)
    assert "Cơ quan chủ trì: Sở Giao thông vận tải." in chunk.text
    assert "Nguồn vốn: NSNN." in chunk.text and "triển khai 2024 - 2026" in chunk.text
    assert chunk.text.endswith("Tình hình thực hiện: Đã giải ngân 10 tỷ đồng.")


def test_budget_split_of_a_constructed_long_status():
    sentences = [f"Câu số {i} nói về tiến độ giải phóng mặt bằng của dự án." for i in range(80)]
    row = _project({"Nhiệm vụ": "Đường tỉnh 999", "Cơ quan chủ trì": "Sở Xây dựng",
                    "Báo cáo tình hình thực hiện": " ".join(sentences)})
    parts = chunks_for(row)
    assert len(parts) >= 4
    assert all(len(c.embed_text) <= MAX_CHUNK_CHARS for c in parts)
    assert all("Đường tỉnh 999" in c.embed_text and "Sở Xây dựng" in c.embed_text for c in parts)
    joined = " ".join(c.embed_text for c in parts)
    assert all(s in joined for s in sentences)


def test_split_text_packs_sentences():
    assert split_text("A. B. C.", 4) == ["A.", "B.", "C."]
    assert split_text("Một hai. Ba bốn.", 100) == ["Một hai. Ba bốn."]
    assert all(len(p) <= 10 for p in split_text("một hai ba bốn năm sáu bảy tám chín mười", 10))
