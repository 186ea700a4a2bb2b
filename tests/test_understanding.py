"""Classes of questions the typed plan must understand on any report (one test per mechanism, with the
values as printed). Metamorphic pairs (accents, typos, synonyms) must cite the same rows."""

from __future__ import annotations

import re

import pytest

from assistant import answer, get_engine
from eval.scoring import unsupported_numbers
from settings import Settings
from tests.conftest import ROOT, SEED_REPORT

R = "320/BC-UBND"
THAI_NGUYEN = ROOT / "tests" / "data" / "bao-cao-412-BC-SKHDT-2024-thai-nguyen.txt"
HUE = ROOT / "tests" / "data" / "bao-cao-468-BC-UBND-2025-hue.txt"


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return get_engine([SEED_REPORT], settings=Settings(embedder="hash", data_dir=tmp_path_factory.mktemp("u")))


@pytest.fixture(scope="module")
def cities(tmp_path_factory):
    settings = Settings(embedder="hash", data_dir=tmp_path_factory.mktemp("u2"))
    return get_engine([SEED_REPORT, THAI_NGUYEN, HUE], settings=settings)


def ask(engine, question, *turns):
    history = []
    for turn in turns:
        reply = answer(turn, history, engine=engine)
        history += [{"role": "user", "content": turn}, {"role": "assistant", "content": reply.text, "state": reply.state}]
    return answer(question, history, engine=engine)


def rows(reply) -> list[str]:
    """The cited rows (a legend line cited for a marker's meaning is not a row of the answer)."""
    return list(dict.fromkeys(c.row for c in reply.citations if c.row != "Ghi chú"))


@pytest.mark.parametrize("question", ["Có bao nhiêu dự án đang thi công?", "co bao nhieu du an dang thi cong",
                                      "Có bao nhiêu dự án đang triển khai thi công?"])
def test_a_legend_said_loosely_names_its_marker(engine, question):
    reply = ask(engine, question)
    assert reply.text.startswith("Có 12 dự án") and len(rows(reply)) == 12
    assert all(c.row_id.startswith(f"{R}:III:") for c in reply.citations)


def test_verdict_words_in_an_annex_without_verdicts_read_its_legend(engine):
    reply = ask(engine, "PL II co may nhiem vu dang thuc hien")
    assert reply.text.startswith("Có 9 nhiệm vụ") and "(**)" in reply.text


def test_time_spans_filter_sets(engine):
    assert rows(ask(engine, "Phụ lục III có bao nhiêu dự án thời gian triển khai 2021 - 2024?")) == ["5", "6", "7", "8", "16"]
    assert rows(ask(engine, "Dự án nào trong PL III có thời gian triển khai kéo dài tới năm 2030?")) == ["10", "11", "18", "23"]


def test_percent_conditions_compare_rates(engine):
    reply = ask(engine, "nhung du an nao giai ngan von nam 2024 duoi 30% ke hoach")
    assert rows(reply) == ["1", "5", "20"] and "18,2%" in reply.text


def test_agencies_ranked_by_rows_they_lead(engine):
    reply = ask(engine, "Sở nào chủ trì nhiều nhiệm vụ nhất trong PL V?")
    assert reply.text.startswith("Sở Công Thương") and "8 nhiệm vụ" in reply.text


def test_rank_within_a_parent_names_its_sub_lines(engine):
    reply = ask(engine, "khu vuc nao tang truong cao nhat nam 2024")
    assert reply.citations[0].row_id == f"{R}:I:1.3" and "6,78%" in reply.text


def test_dialogue_moves(engine):
    assert ask(engine, "còn nhóm môi trường?", "nhóm chỉ tiêu xã hội có bao nhiêu chỉ tiêu?").text.startswith("Có 3 chỉ tiêu")
    gtvt = ask(engine, "còn của Sở GTVT?", "PL III có bao nhiêu dự án đang thi công?",
               "trong đó bao nhiêu dự án do Ban QLDA đầu tư xây dựng TP làm chủ trì?")
    assert rows(gtvt) == ["3", "5"]
    listed = ask(engine, "liệt kê giúp", "PL IV Sở VHTTDL chủ trì bao nhiêu nhiệm vụ đã thực hiện?")
    assert len(rows(listed)) == 6
    year = ask(engine, "con nam 2023?", "ty le lao dong qua dao tao 2024")
    assert year.citations[0].row_id == f"{R}:I:10" and "82,50%" in year.text
    sibling = ask(engine, "nông thôn thì sao, đạt mục tiêu chưa?", "tỷ lệ hộ dân có nước sạch năm 2024", "trong đó khu vực đô thị?")
    assert sibling.citations[0].row_id == f"{R}:I:15.2" and "95,00" in sibling.text


def test_two_things_asked_of_one_row(engine):
    reply = ask(engine, "Đề án y tế thông minh do sở nào chủ trì, phối hợp với ai?")
    assert "Sở Y tế" in reply.text and "Bộ Y tế" in reply.text


def test_a_fact_of_another_year_is_not_an_answer(engine):
    assert "86,15%" in ask(engine, "chỉ số PAR INDEX năm 2023 của TP đạt bao nhiêu?").text
    refused = ask(engine, "PAR INDEX năm 2024 của TP đạt bao nhiêu?")
    assert refused.abstained and "86,15" not in refused.text


def test_typos_synonyms_and_tones_name_the_same_row(engine):
    for question in ("Thu hải quan năm 2024 so với năm trước thế nào?", "Thu hải quang năm 2024 so với năm trước thế nào?",
                     "thu hai quan nam 2024 so voi nam truoc the nao"):
        reply = ask(engine, question)
        assert reply.citations[0].row_id == f"{R}:I:5.3" and "393,53" in reply.text, question
    assert ask(engine, "Tăng trưởng kinh tế năm 2024 có đạt nghị quyêt không?").citations[0].row_id == f"{R}:I:1"
    assert ask(engine, "Tình hình lao đông việc làm năm nay?").citations  # a wrong tone on a real word


def test_a_heading_indicator_answers_with_its_sub_lines(engine):
    reply = ask(engine, "Nông thôn mới năm 2024 ra sao?")
    assert {"14.1", "14.2"} <= set(rows(reply)) and "kiểu mẫu" in reply.text


def test_reports_named_by_place_initials_or_number(cities):
    reply = ask(cities, "so bac si tren van dan cua TN nam nay so voi chi tieu the nao?")
    assert {c.report for c in reply.citations} == {"412/BC-SKHĐT"} and "15,6" in reply.text
    total = ask(cities, "Tổng mức đầu tư của nhóm dự án y tế, giáo dục trong báo cáo Thái Nguyên 412 cộng lại là bao nhiêu?")
    assert "702.500" in total.text


def test_the_opposite_word_is_not_an_answer(cities):
    reply = ask(cities, "kim ngach nhap khau hang hoa cua hue 2025 bao nhieu")
    assert reply.abstained and not reply.citations
    assert "1.518,30" in ask(cities, "kim ngach xuat khau hang hoa cua hue 2025 bao nhieu").text


@pytest.mark.parametrize("question", ["PL II có bao nhiêu nhiệm vụ đang tổ chứ thực hiện (2 sao)?",
                                      "PL II co bao nhieu nhiem vu dang to chuc thuc hien (**)?"])
def test_words_of_the_named_markers_legend_add_no_condition(engine, question):
    reply = ask(engine, question)
    assert reply.text.startswith("Có 9 nhiệm vụ") and len(rows(reply)) == 9


def test_legend_words_and_two_markers_on_another_city(cities):
    reply = ask(cities, "Huế: PL II có bao nhiêu dự án chuyển tiep hoan thanh sau 2025 (2 sao)?")
    assert reply.text.startswith("Có 4 dự án") and rows(reply) == ["A.2", "I.1", "II.2", "III.1"]
    both = ask(cities, "Huế: Phụ lục II 1 sao với 3 sao khác nhau thế nào?")
    assert "(*)" in both.text and "(***)" in both.text and "Dự án khởi công mới năm 2025" in both.text
    assert both.citations[0].row_id == "468/BC-UBND:II:Ghi chú"  # the legend, then the rows it counts
    marked = [c for c in both.citations if c.row != "Ghi chú"]
    assert marked and all(c.column == "Ký hiệu" and c.annex == "II" for c in marked)
    assert len(marked) == sum(int(n) for n in re.findall(r"Có (\d+) mục mang ký hiệu", both.text))


def test_refinements_others_and_row_numbers_in_a_conversation(engine, cities):
    assert rows(ask(engine, "trong đó cái nào đang thi công", "Sở GTVT chủ trì mấy dự án ở PL III")) == ["3", "5"]
    others = ask(engine, "còn dự án nào khác đang thi công không", "Tiến độ đường tỉnh 918?")
    assert others.text.startswith("Có 11 dự án") and "7" not in rows(others)
    by_number = ask(engine, "còn cái 8.1 thì ai chủ trì", "Sở Ngoại vụ chủ trì những nhiệm vụ nào trong PL V?")
    assert rows(by_number) == ["8.1"] and "Viện Kinh tế - Xã hội" in by_number.text
    status = ask(engine, "mấy cái đó tiến độ sao", "Sở Ngoại vụ chủ trì những nhiệm vụ nào trong PL V?")
    assert rows(status) == ["8.2", "8.3", "8.4", "8.5"] and "Đang thực hiện" in status.text
    swapped = ask(cities, "còn dự án nào khác hoàn thành trong năm 2025?", "Huế: Phụ lục II có những dự án khởi công mới nào?")
    assert len(rows(swapped)) == 6 and "(*)" in swapped.text and "(***)" not in swapped.text


def test_a_verdict_nothing_states_is_not_counted_as_zero(engine):
    for question in ("PL V có mấy việc đã xong?", "dự án nào chậm tiến độ"):
        reply = ask(engine, question)
        assert reply.abstained and not reply.citations and "chưa hiểu" in reply.text, question
    listed = ask(engine, "Sở Công Thương được giao những việc gì ở PL V?")
    assert listed.text.startswith("Có 8 nhiệm vụ")


def test_a_set_of_rows_stating_or_lacking_a_field(engine, cities):
    unjudged = ask(engine, "PL I có mấy chỉ tiêu không ghi đánh giá ở cột ghi chú?")
    assert unjudged.text.startswith("Có 2 chỉ tiêu") and rows(unjudged) == ["3", "16"]
    marked = ask(engine, "Ban Dân tộc chủ trì bao nhiêu nhiệm vụ có ký hiệu ở PL IV?")
    assert marked.text.startswith("Có 5 nhiệm vụ") and "8" not in rows(marked)
    unmarked = ask(cities, "Huế: PL II có bao nhiêu dự án không có ký hiệu?")
    assert rows(unmarked) == ["I.2.1", "I.2.2"]


def test_a_row_naming_both_sides_of_a_contrast_loses_to_the_side_asked(engine):
    reply = ask(engine, "còn chi ngân sách đạt bao nhiêu % NQ", "tổng thu NSNN năm nay ướt bao nhiêu", "thu nội địa trong đó bao nhiêu")
    assert reply.citations[0].row_id == f"{R}:I:5.4" and "91,14%" in reply.text
    assert ask(engine, "thu chi ngân sách có đạt không").citations[0].row_id == f"{R}:I:5"


def test_what_about_a_new_row_after_a_narrow_question_gives_its_whole_picture(engine):
    reply = ask(engine, "còn bệnh viện huyết học truyền máu thì sao", "Bệnh viên Ung Bướu 500 giường sao rồi?", "von tu dau vay")
    assert rows(reply)[0] == "15" and reply.text.startswith("Tình hình")
    rate = ask(engine, "còn ĐT 918 thì sao?", "Tỷ lệ giải ngâng dự án đường tỉnh 917 năm nay được bao nhiêu?")
    assert rows(rate)[0] == "7" and "37,6%" in rate.text  # a number asked before is asked again


def test_sub_lines_with_figures_only_and_clearance_in_status_text(cities):
    reply = ask(cities, "trong đó vốn sự nghiệp thì sao?", "Chương trình MTQG nông thôn mới của Huế năm 2025 giải ngân bao nhiêu?")
    assert rows(reply) == ["1.b"] and "13.220" in reply.text and "50,55%" in reply.text
    cleared = ask(cities, "Khu công nghiệp Phong Điền phân khu B mở rộng ở Huế GPMB được bao nhiêu rồi?")
    assert "73,9%" in cleared.text
    rest = ask(cities, "phần còn lại vướng gì?", "Khu công nghiệp Phong Điền phân khu B mở rộng ở Huế GPMB được bao nhiêu rồi?")
    assert rows(rest)[0] == "6" and "rừng" in rest.text


def test_a_ratio_said_in_full_names_the_measure(cities):
    best = ask(cities, "chi tieu nao cua TN nam 2024 co ty le thuc hien so voi chi tieu giao cao nhat?")
    assert best.citations[0].row_id == "412/BC-SKHĐT:1:4" and "105,41%" in best.text
    growth = ask(cities, "Trong các chỉ tiêu KT-XH 2024 của Thái Nguyên, cái nào tăng mạnh nhất so với cùng kỳ?")
    assert growth.citations[0].row_id == "412/BC-SKHĐT:1:9" and "119,00%" in growth.text
    share = ask(cities, "so với dự toán được mấy %?", "Tổng thu ngân sách trên địa bàn tỉnh Thái Nguyên năm 2024 ước bao nhiêu?")
    assert "104,70%" in share.text and "108,24" not in share.text


def test_report_named_by_initials_last_or_by_number_and_issuer(cities):
    count = ask(cities, "co bao nhieu du an khoi cong moi nam 2024 trong danh muc du an trong diem cua TN?")
    assert count.text.startswith("Có 2 dự án") and rows(count) == ["8", "12"]
    named = ask(cities, "BC 412 của Sở KH&ĐT Thái Nguyên: dự án Bệnh viện A Thái Nguyên đã giải ngân được bao nhiêu?")
    assert named.citations[0].row_id == "412/BC-SKHĐT:2:6" and "96.800" in named.text
    parts = ask(cities, "Thái Nguyên có mấy dự án trọng điểm (không tính hợp phần) giải ngân dưới 50% kế hoạch vốn 2024?")
    assert parts.text.startswith("Có 5 dự án") and rows(parts) == ["2", "5", "8", "11", "12"]


def test_a_loose_legend_quote_never_skips_its_negation(cities):
    reply = ask(cities, "nhung chi tieu nao cua hue nam 2025 duoc danh gia vuot ke hoach?")
    assert reply.text.startswith("Có 9 chỉ tiêu") and "(*)" not in reply.text.split("\n")[0]


def test_a_percentage_the_status_text_does_not_state_is_not_answered(cities):
    reply = ask(cities, "Kết quả chỉ số SIPAS 2025 của Huế đạt bao nhiêu %?")
    assert reply.abstained and not reply.citations and "tỷ lệ (%)" in reply.text


def test_a_comparison_asks_of_the_row_printing_what_is_compared(cities):
    reply = ask(cities, "Số người chết do TNGT ở Thái Nguyên 2024 có giảm được như kế hoạch không?")
    assert reply.citations[0].row_id == "412/BC-SKHĐT:1:17.1" and "Không đạt" in reply.text and "105" in reply.text
    verdict = ask(cities, "so bac si tren van dan cua TN nam nay so voi chi tieu the nao?")
    assert verdict.text.startswith("Chưa đạt") and "15,6" in verdict.text


def test_a_cross_annex_question_cites_each_annex_and_each_row_it_names(engine, cities):
    for question in ("Sàn giao dịch công nghệ được nói ở PL III và PL V thế nào?",
                     "San giao dich cong nghe duoc nhac o nhung phu luc nao, noi dung gi?"):
        assert set(rows(ask(engine, question))) - {"Ghi chú"} == {"24", "5.4"}, question
    both = ask(engine, "Khu hành chính và TT văn hóa Tây Đô được báo cáo ở các phụ lục thế nào?")
    assert {c.row_id for c in both.citations} >= {f"{R}:V:6.2", f"{R}:III:17", f"{R}:III:18"}
    ring = ask(cities, "Đường Vành đai 3 của Huế được nêu ở những phụ lục nào?")
    assert {c.row_id for c in ring.citations} >= {"468/BC-UBND:IV:1", "468/BC-UBND:II:I.2"}


def test_a_sentence_stating_a_number_of_the_thing_asked_answers(engine, cities):
    members = ask(engine, "Diễn đàn khởi nghiệp ĐMST trực tuyến có bao nhiêu thành viên?")
    assert rows(members) == ["4"] and "150.000 thành viên" in members.text
    money = ask(engine, "Hỗ trợ xây nhà cho đồng bào DTTS nghèo mỗi căn bao nhiêu tiền?")
    assert rows(money)[0] == "10" and "50 triệu đồng" in money.text
    graves = ask(cities, "Đoạn đường ven biển Phú Thuận - Vinh Thanh ở Huế có bao nhiêu ngôi mộ phải di dời?")
    assert graves.citations[0].row_id == "468/BC-UBND:IV:3" and "1.240 ngôi mộ" in graves.text
    assert ask(engine, "Dân số Cần Thơ bao nhiêu người?").abstained


def test_the_kind_noun_names_the_annexs_rows_and_a_legend_is_one_condition(cities):
    for question in ("Huế: chương trình nào có ký hiệu (*) ở PL V", "Huế: PL V có mấy chương trình giải ngân vốn sự nghiệp dưới 50%?"):
        reply = ask(cities, question)
        assert reply.text.startswith("Có 2") and {"2", "3"} <= set(rows(reply)), question
        assert any(c.row == "Ghi chú" and "dưới 50%" in c.quote for c in reply.citations)  # the words of the answer are cited


def test_the_sentence_quoted_states_a_number_of_the_thing_asked(engine, cities):
    area = ask(engine, "dự án này bàn giao mặt bằng được bao nhiêu ha rồi?", "Khu hành chính thành phố do ai chủ trì?")
    assert rows(area) == ["17"] and "18,67 ha" in area.text and "43,37" not in area.text
    households = ask(cities, "con bao nhieu ho chua nhan tien?", "Dự án đường liên kết Thái Nguyên - Bắc Giang - Vĩnh Phúc giải ngân tới đâu rồi?",
                     "trong đó hợp phần bồi thường, tái định cư thì sao?")
    assert rows(households) == ["1.1"] and "38 hộ chưa nhận tiền" in households.text
    boats = ask(cities, "khu neo dau tranh tru bao Thuan An o Hue chua duoc bao nhieu tau ca")
    assert "1.200 tàu cá" in boats.text
    share = ask(cities, "ty le ho so giai quyet dung han tai TT phuc vu hanh chinh cong hue la bao nhieu")
    assert "98,61%" in share.text


def test_a_field_said_as_such_an_annex_by_its_title_and_a_near_miss(engine, cities):
    field = ask(engine, "lĩnh vực văn hóa - du lịch trong PL IV thực hiện sao rồi")
    assert "lĩnh vực văn hóa du lịch" in field.text and {"13.1", "13.2", "13.3", "20"} <= set(rows(field))
    foreign = ask(engine, "Đối ngoại, hợp tác quốc tế ở PL V tình hình sao?")
    assert set(rows(foreign)) >= {"8.2", "8.3", "8.4", "8.5"}
    annex = ask(engine, "lam on tom tat giup tinh hinh thuc hien 17 chi tieu KT-XH nam 2024")
    assert "Chưa đạt NQ: 3" in annex.text and all(c.annex == "I" for c in annex.citations)
    assert ask(engine, "Cầu Cần Thơ 2 tiến độ tới đâu rồi?").abstained
    hue = ask(cities, "Huế: lĩnh vực văn hóa, y tế, giáo dục ở PL II tình hình ra sao?")
    assert hue.citations and all(c.report == "468/BC-UBND" for c in hue.citations)


def test_a_common_word_typed_for_a_staple_pair_and_roads_as_a_field(engine):
    for question in ("ĐT 917 giải nhân bao nhiêu", "ĐT 917 giải ngân bao nhiêu"):
        reply = ask(engine, question)
        assert reply.citations[0].row_id == f"{R}:III:6" and "48,3%" in reply.text, question
    roads = ask(engine, "trong cac tuyen duong o PL III, tuyen nao ban giao mat bang thap nhat")
    assert reply.citations and roads.citations[0].row_id == f"{R}:III:5" and "42,28" in roads.text
    assert ask(engine, "Quy hoạch thành phố Cần Thơ thời kỳ 2021-2030 đã được phê duyệt chưa, theo các phụ lục?").citations


def test_a_figure_asked_of_a_task_is_a_sentence_stating_one(cities):
    reply = ask(cities, "Số người bị thương do tai nạn giao thông ở TN năm 2024 giảm bao nhiêu so với cùng kỳ?")
    assert not reply.text.startswith("Tình hình") and "87 người" in reply.text  # the figure the text states, quoted


def test_a_field_holds_rows_whose_words_touch_punctuation(engine):
    reply = ask(engine, "Y tế năm nay thế nào?")  # "Số bác sỹ/vận dân": "sỹ" before a slash is still a word
    assert "12" in rows(reply) and "18,02" in reply.text


def test_an_abbreviation_said_whole_and_a_count_of_items(cities):
    slowest = ask(cities, "Trong 3 chương trình MTQG của Huế năm 2025, chương trình nào giải ngân chậm nhất?")
    assert slowest.citations[0].row_id == "468/BC-UBND:V:2" and "60,28%" in slowest.text
    total = ask(cities, "Tổng vốn 3 chương trình MTQG năm 2025 của Huế giải ngân được bao nhiêu?")
    assert "340.668" in total.text
    assert "Vượt KH" in ask(cities, "GRDP của Huế có đạt mục tiêu không").text  # "mục tiêu" alone is still the target


VINH_LONG = ROOT / "tests" / "data" / "bao-cao-57-BC-SXD-2025-vinh-long.txt"


@pytest.fixture(scope="module")
def vinh_long(tmp_path_factory):
    settings = Settings(embedder="hash", data_dir=tmp_path_factory.mktemp("u3"))
    return get_engine([SEED_REPORT, VINH_LONG], settings=settings)


def test_initials_of_the_corpus_phrases_are_read_as_those_phrases(vinh_long):
    """"NOXH", "GPXD", "TTXD" are nowhere in the lexicon: the corpus' own recurring phrases give them;
    a word of the corpus is never read as initials."""
    from assistant.question import prepare

    layer = vinh_long.layer
    assert layer.initialisms["noxh"] == "nhà ở xã hội"
    assert layer.initialisms["gpxd"] == "giấy phép xây dựng"
    assert "cho" not in layer.initialisms and "nam" not in layer.initialisms
    assert "nhà ở xã hội" in prepare("NOXH hoàn thành bao nhiêu căn?", layer).text
    typed, spelled = (answer(q, [], engine=vinh_long) for q in (
        "Tỷ lệ hồ sơ cấp GPXD giải quyết đúng hạn?", "Tỷ lệ hồ sơ cấp giấy phép xây dựng giải quyết đúng hạn?"))
    assert rows(typed) == rows(spelled) == ["14"]


def test_a_place_named_in_a_table_by_place_is_found_by_two_common_words(vinh_long):
    """"Bình" and "Tân" each name many rows; together they name the place row, a candidate whatever the
    retriever ranks, and the column headers explain the rest of the question."""
    reply = answer("Vi phạm trật tự xây dựng: Huyện Trà Ôn phát hiện bao nhiêu vụ?", [], engine=vinh_long)
    assert rows(reply)[:1] == ["7"]


@pytest.mark.parametrize("question", ["Báo cáo có mấy phụ lục, mỗi phụ lục nói về nội dung gì?",
                                      "bao cao co may phu luc, moi phu luc noi ve gi",
                                      "Báo cáo gồm những phụ lục nào?"])
def test_the_annexes_of_a_report_are_listed_with_their_titles(engine, question):
    reply = ask(engine, question)
    assert reply.text.startswith("Báo cáo số 320/BC-UBND ngày 15/11/2024 có 5 phụ lục")
    assert [(c.annex, c.row) for c in reply.citations] == [(a, "Tiêu đề") for a in ("I", "II", "III", "IV", "V")]
    assert "NHIỆM VỤ ĐẦU TƯ DỰ ÁN KẾT CẤU HẠ TẦNG DO THÀNH PHỐ THỰC HIỆN (26 mục)" in reply.text
    # every number (the date, the counts, the numbers of the titles) is cited or computed
    assert unsupported_numbers(reply.text, reply.citations, engine.by_id, reply.computed_values, [question]).numbers == []


def test_the_top_level_items_of_an_annex_are_listed(engine, cities):
    reply = ask(engine, "Phụ lục V gồm những nhóm nội dung lớn nào?")
    assert "gồm 10 mục lớn" in reply.text and rows(reply) == [str(i) for i in range(1, 11)]
    assert "(9 mục con)" in reply.text  # group 2 and its sub-items
    hue = ask(cities, "Huế: PL II chia thành những nhóm nào?")
    assert "gồm 2 mục lớn" in hue.text and rows(hue) == ["A", "B"]
    assert unsupported_numbers(hue.text, hue.citations, cities.by_id, hue.computed_values).numbers == []
    assert "có 3 phụ lục" in ask(cities, "Báo cáo của Thái Nguyên có mấy phụ lục?").text
    # A row asked "in which annex" is a row, not the report's structure.
    assert rows(ask(engine, "Thư viện thành phố nằm ở phụ lục nào?")) == ["20"]


@pytest.mark.parametrize("question", ["so giay phep xay dung nha o rieng le cap o huyen Long Ho",
                                      "Số giấy phép xây dựng nhà ở riêng lẻ cấp ở huyện Long Hồ là bao nhiêu?"])
def test_a_row_explaining_every_word_beats_one_that_leaves_a_place_unexplained(vinh_long, question):
    """An indicator naming "cấp giấy phép xây dựng" scores higher but leaves "huyện Long Hồ" unexplained; the
    place row (its name) with its column ("Nhà ở riêng lẻ") explains every word, so it answers, alone."""
    reply = ask(vinh_long, question)
    assert rows(reply) == ["3"] and "248" in reply.text


def test_a_table_by_place_in_a_conversation(vinh_long):
    """"thế còn Trà Ôn?" asks the previous column of the new place; "tình hình huyện X" gives its figures."""
    assert "164" in ask(vinh_long, "thế còn Trà Ôn?", "Huyện Tam Bình cấp bao nhiêu GPXD nhà ở riêng lẻ?").text
    whole = ask(vinh_long, "tình hình huyện Long Hồ")
    assert rows(whole) == ["3"] and "248" in whole.text and "95,5" in whole.text
    city = ask(vinh_long, "Thành phố Vĩnh Long cấp bao nhiêu giấy phép nhà ở riêng lẻ?")  # a district, not the province
    assert rows(city) == ["1"] and "412" in city.text


def test_a_columns_printed_total_answers_a_total_of_the_column(vinh_long):
    reply = ask(vinh_long, "Tổng số vụ vi phạm TTXD phát hiện trong 6 tháng toàn tỉnh?")
    assert reply.text.startswith("Có 72 vụ") and rows(reply) == ["Tổng cộng"]
    assert "1.683" in ask(vinh_long, "toàn tỉnh cấp tổng cộng bao nhiêu giấy phép nhà ở riêng lẻ?").text


def test_words_of_a_legend_that_name_a_column_ask_the_column(vinh_long):
    """"kế hoạch vốn năm 2025" is in the legend of (**) and is the name of a column: the column is asked."""
    for question in ("KH vốn 2025 của dự án cầu Mỹ An là bao nhiêu?", "kế hoạch vốn năm 2025 của dự án cầu Mỹ An là bao nhiêu?"):
        reply = ask(vinh_long, question)
        assert rows(reply) == ["2"] and "65.000" in reply.text


def test_a_row_without_the_number_asked_is_no_rival(vinh_long):
    reply = ask(vinh_long, "tỷ lệ giải ngân của ĐT 902")
    assert rows(reply) == ["1"] and "34,63" in reply.text


def test_status_reasons_and_aspects_of_the_row_talked_about(vinh_long):
    empty = ask(vinh_long, "Nhiệm vụ nâng tỷ lệ hồ sơ TTHC giải quyết trực tuyến toàn trình đã xong chưa?")
    assert "chưa ghi tình hình thực hiện" in empty.text and empty.abstained and not empty.citations  # silent, not "no"
    assert [s.row for s in empty.suggestions] == ["5.2"]
    assert "Tân Ngãi" in ask(vinh_long, "Vì sao đường vành đai phía Tây giải ngân chậm?").text  # a reason: the text
    aspect = ask(vinh_long, "còn tờ trình gửi bộ nào, số mấy?", "Dự án cầu An Bình TMĐT bao nhiêu?")
    assert rows(aspect) == ["15"] and "85/TTr-UBND" in aspect.text


def test_two_rows_compared_on_one_column_state_the_difference(vinh_long):
    """"phạt" typed with its tone picks "Số tiền xử phạt", never "Số vụ phát hiện"; the difference is computed."""
    reply = ask(vinh_long, "TP Vĩnh Long với TX Bình Minh nơi nào bị phạt VPTTXD nhiều hơn, chênh bao nhiu?")
    assert set(rows(reply)) == {"1", "2"} and "186,5" in reply.text and "72,0" in reply.text
    assert "Số vụ phát hiện" not in reply.text and "chênh lệch 114,5 (tính toán)" in reply.text
    assert unsupported_numbers(reply.text, reply.citations, vinh_long.by_id, reply.computed_values).numbers == []


def test_groups_ranked_by_the_subtotals_the_report_prints(cities):
    """"lĩnh vực nào … thấp nhất" ranks the groups (their "Cộng I/II/III" rows), not the projects in them; a
    "tốt / kém nhất" of disbursement is about its rate."""
    tn = ask(cities, "Lĩnh vực nào trong PL2 báo cáo Thái Nguyên giải ngân tốt nhất, lĩnh vực nào kém nhất?")
    assert set(rows(tn)) == {"Cộng I", "Cộng II", "Cộng III"} and "31,01" in tn.text and "NÔNG NGHIỆP" in tn.text
    hue = ask(cities, "Lĩnh vực nào trong nhóm dự án vốn NSTW của Huế giải ngân thấp nhất?")
    assert rows(hue)[0] == "Cộng III" and "59,35" in hue.text


def test_an_annex_overview_said_with_a_date_and_a_note_of_another_table(vinh_long):
    """"đến 31/5" is a date; "các dự án ngành xây dựng, giao thông" also sits in a note under the table of
    indicators, whose rows are no projects: the words ask the projects' annex, led by its printed total."""
    reply = ask(vinh_long, "Tóm tắt tình hình giải ngân vốn đầu tư công các dự án ngành XD-GT đến 31/5")
    assert rows(reply)[0] == "Tổng cộng" and "256.950" in reply.text and "30,57" in reply.text


def test_words_that_assign_or_classify_are_no_condition(engine, vinh_long):
    """"giao Sở X chủ trì" says who leads (not a topic "giao"); "thuộc diện" / "bị xếp vào diện" introduce the
    class asked; a legend's own words ("cần tháo gỡ") are corpus words, never "repaired" into a place name."""
    assigned = ask(engine, "cac nhiem vu o phu luc IV giao So Cong Thuong chu tri gom nhung gi?")
    assert rows(assigned) == ["15", "15.1", "15.2", "16"]
    later = ask(engine, "PL III có bao nhiêu dự án thuộc diện triển khai sau năm 2024-2025?")
    assert later.text.startswith("Có 2 dự án") and rows(later) == ["10", "14"]
    stuck = ask(vinh_long, "Có mấy dự án đầu tư công bị xếp vào diện chậm tiến độ, có vướng mắc cần tháo gỡ?")
    assert stuck.text.startswith("Có 2 dự án") and rows(stuck) == ["3", "6"]


def test_a_verdict_said_in_the_reports_own_wording_keeps_to_it(vinh_long, engine):
    """Vĩnh Long prints both "Không đạt" (5) and "Chưa đạt" (1): a count keeps to the wording asked and says
    how many the other has; on 320, where "Chưa đạt NQ" is the only wording of the class, nothing changes."""
    strict = ask(vinh_long, "bao nhieu chi tieu chu yeu bi danh gia khong dat")
    assert strict.text.startswith("Có 5 chỉ tiêu") and rows(strict) == ["3", "9", "13", "16", "17"]
    assert "1 chỉ tiêu ghi “Chưa đạt”" in strict.text
    assert ask(engine, "Có bao nhiêu chỉ tiêu không đạt nghị quyết?").text.startswith("Có 3 chỉ tiêu")


def test_both_comparisons_and_the_parts_that_make_up_an_indicator(engine):
    both = ask(engine, "ty trong cong nghiep - xay dung trong co cau kinh te 2024 tang hay giam so 2023, co dat NQ ko?")
    assert "31,57-31,59" in both.text and "30,28" in both.text  # "so 2023" names last year beside the target
    parts = ask(engine, "Trong 4 khu vực cấu thành GRDP, khu vực nào tăng trưởng thấp nhất năm 2024?")
    assert rows(parts)[0] == "1.1" and "1,20" in parts.text


def test_a_rank_among_rows_named_by_number_and_both_ends(engine, cities):
    roads = ask(engine, "Trong mấy tuyến đường tỉnh 923, 917, 918, 921 thì tuyến nào bàn giao mặt bằng thấp nhất?")
    assert sorted(rows(roads)) == ["5", "6", "7", "8"] and rows(roads)[0] == "5" and "42,28" in roads.text
    ends = ask(cities, "Lĩnh vực nào trong PL2 báo cáo Thái Nguyên giải ngân tốt nhất, lĩnh vực nào kém nhất?")
    assert "78,37" in ends.text and "31,01" in ends.text  # the highest and the lowest, both asked


def test_a_short_typo_of_a_staple_pair_and_an_overall_rate(cities):
    """"giả ngân" (a real syllable, a typo of the reports' staple "giải ngân") is repaired; "tỷ lệ … chung của
    các dự án" is the printed total's rate."""
    from assistant import get_engine as engine_of

    dong_thap = engine_of([SEED_REPORT, ROOT / "tests" / "data" / "bao-cao-418-BC-UBND-2025-dong-thap.txt"],
                          settings=cities.settings)
    reply = ask(dong_thap, "Tỷ lệ giả ngân chung của các dự án đến 30/11/2025?")
    assert "65,16" in reply.text and rows(reply)[0] == "Tổng cộng"


def test_an_overview_never_hides_a_sub_line_judged_apart(cities):
    reply = ask(cities, "Các chỉ tiêu môi trường của Thái Nguyên năm 2024 nhìn chung thế nào?")
    assert "21.1" in rows(reply) and "58,7" in reply.text and "Chưa đạt: 1" in reply.text


def test_a_qualifier_holding_a_measure_word_asks_nothing_of_it(cities):
    """"giải quyết đúng hạn" is no question about a deadline: the sentence stating the rate answers."""
    from assistant import get_engine as engine_of

    dong_thap = engine_of([SEED_REPORT, ROOT / "tests" / "data" / "bao-cao-418-BC-UBND-2025-dong-thap.txt"],
                          settings=cities.settings)
    reply = ask(dong_thap, "Tỷ lệ hồ sơ giải quyết đúng hạn tại các trung tâm phục vụ hành chính công là bao nhiêu?")
    assert "98,72" in reply.text and rows(reply) == ["I.4"]
