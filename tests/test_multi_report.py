"""Several reports loaded at once: answers come from the newest unless a report (or its place) is named,
and a count or list never mixes rows of different reports."""

from __future__ import annotations

import pytest

from assistant import answer, get_engine
from settings import Settings
from tests.conftest import ROOT, SEED_REPORT

DONG_THAP = ROOT / "tests" / "data" / "bao-cao-418-BC-UBND-2025-dong-thap.txt"  # newest (18/12/2025)
HUE = ROOT / "tests" / "data" / "bao-cao-468-BC-UBND-2025-hue.txt"


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    settings = Settings(embedder="hash", data_dir=tmp_path_factory.mktemp("multi"))
    return get_engine([SEED_REPORT, DONG_THAP, HUE], settings=settings)


def reports_cited(reply) -> set[str]:
    return {c.report for c in reply.citations}


def test_newest_report_unless_one_is_named(engine):
    assert [r.number for r in engine.layer.reports] == ["418/BC-UBND", "468/BC-UBND", "320/BC-UBND"]
    newest = answer("Tăng trưởng GRDP đạt bao nhiêu?", engine=engine)
    assert reports_cited(newest) == {"418/BC-UBND"} and "7,64%" in newest.text
    assert "Báo cáo số 418/BC-UBND" in newest.text  # says which report answered
    named = answer("Theo báo cáo 320, tăng trưởng GRDP đạt bao nhiêu?", engine=engine)
    assert reports_cited(named) == {"320/BC-UBND"} and "5,86%" in named.text


def test_a_place_names_its_report(engine):
    hue = answer("GRDP của Huế tăng bao nhiêu?", engine=engine)
    assert reports_cited(hue) == {"468/BC-UBND"} and "9,15%" in hue.text
    can_tho = answer("GRDP của Cần Thơ năm 2024 đạt bao nhiêu?", engine=engine)
    assert reports_cited(can_tho) == {"320/BC-UBND"} and "5,86%" in can_tho.text


@pytest.mark.parametrize(
    ("question", "report", "count"),
    [
        ("Có bao nhiêu chỉ tiêu chưa đạt?", "418/BC-UBND", 3),
        ("Theo báo cáo 320, có bao nhiêu chỉ tiêu chưa đạt NQ?", "320/BC-UBND", 3),
        ("Báo cáo 468 có bao nhiêu chỉ tiêu vượt kế hoạch?", "468/BC-UBND", None),
    ],
)
def test_counts_never_mix_reports(engine, question, report, count):
    reply = answer(question, engine=engine)
    assert reports_cited(reply) == {report}, reply.text
    if count is not None:
        assert reply.text.startswith(f"Có {count} chỉ tiêu") and len(reply.citations) == count
    assert all(row["report"] == report for row in reply.table or [] if "report" in row)


def test_follow_up_stays_on_the_report_of_the_conversation(engine):
    first = answer("Theo báo cáo 320, tăng trưởng GRDP đạt bao nhiêu?", engine=engine)
    history = [{"role": "user", "content": "Theo báo cáo 320, tăng trưởng GRDP đạt bao nhiêu?"},
               {"role": "assistant", "content": first.text, "state": first.state}]
    reply = answer("còn tổng vốn đầu tư thì sao?", history, engine=engine)
    assert reports_cited(reply) == {"320/BC-UBND"} and "31.500,00" in reply.text


SAME_CITY_LATER = ROOT / "tests" / "data" / "bao-cao-45-BC-UBND-2025-phu-luc.txt"  # Cần Thơ again, 20/03/2025


@pytest.fixture(scope="module")
def two_of_one_city(tmp_path_factory):
    settings = Settings(embedder="hash", data_dir=tmp_path_factory.mktemp("same_city"))
    return get_engine([SEED_REPORT, SAME_CITY_LATER], settings=settings)


@pytest.mark.parametrize("question", ["Tỷ lệ hộ nghèo qua các báo cáo?", "tăng trưởng GRDP so với báo cáo trước"])
def test_a_question_across_reports_answers_from_each_newest_first(two_of_one_city, question):
    reply = answer(question, engine=two_of_one_city)
    lines = reply.text.split("\n")
    assert lines[0].startswith("Báo cáo số 45/BC-UBND ngày 20/03/2025:") and lines[1].startswith("Báo cáo số 320/BC-UBND")
    assert reports_cited(reply) == {"45/BC-UBND", "320/BC-UBND"}


def test_a_legend_quoted_goes_to_the_report_whose_asked_annex_prints_it(two_of_one_city):
    old = answer("Phụ lục III có bao nhiêu dự án đang thi công (*)?", engine=two_of_one_city)
    assert old.text.startswith("Có 12 dự án") and reports_cited(old) == {"320/BC-UBND"}
    newest = answer("Có bao nhiêu dự án đang thi công?", engine=two_of_one_city)  # the newest report says it too
    assert reports_cited(newest) == {"45/BC-UBND"} and "(**)" in newest.text
