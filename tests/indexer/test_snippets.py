"""Snippets with marked query syllables, coverage, and extractive answers."""

from __future__ import annotations

import pytest

from indexer.snippets import STOPWORDS, Snippet, coverage, extract, fold, snippet

FILLER = (
    "Ủy ban nhân dân phường tổ chức họp giao ban định kỳ vào sáng thứ Hai hằng tuần "
    "để rà soát công việc. "
)
FEE = (
    "Lệ phí chứng thực bản sao từ bản chính là 2.000 đồng/trang; chứng thực bản sao "
    "điện tử cùng mức phí. "
)
# One lone match ("bản") early, the dense cluster in the middle.
LONG = "Người dân mang theo bản chính khi đến. " + FILLER * 4 + FEE + FILLER * 4
PROCEDURE = (
    "I. TRÌNH TỰ THỰC HIỆN\n"
    "Người dân nộp hồ sơ tại Bộ phận Một cửa của phường.\n"
    "II. THÀNH PHẦN HỒ SƠ\n"
    "Thành phần hồ sơ gồm:\n"
    "a) Tờ khai đăng ký khai sinh theo mẫu;\n"
    "b) Giấy chứng sinh do cơ sở y tế cấp;\n"
    "c) Văn bản ủy quyền có chứng thực (nếu có).\n"
    "III. LỆ PHÍ\n"
    "Miễn lệ phí đăng ký khai sinh đúng hạn."
)


@pytest.mark.parametrize(
    ("text", "query", "expected"),
    [
        ("Đăng ký KHAI SINH cho trẻ", "khai sinh", "Đăng ký «KHAI» «SINH» cho trẻ"),
        ("Giấy tờ phải nộp gồm tờ khai", "giay to", "«Giấy» «tờ» phải nộp gồm «tờ» khai"),
        ("Giấy tờ phải nộp; giày dép", "giấy tờ", "«Giấy» «tờ» phải nộp; giày dép"),
        ("Giấy tờ phải nộp; giày dép", "giay", "«Giấy» tờ phải nộp; «giày» dép"),
        ("Phường Hòa Bình, quận Thủy Lợi", "hoà bình thuỷ", "Phường «Hòa» «Bình», quận «Thủy» Lợi"),
        ("Lệ phí chứng thực: 2.000đ", "lệ phi chung thuc", "«Lệ» «phí» «chứng» «thực»: 2.000đ"),
        ("Karaoke gây ồn sau 22 giờ", "karaoke ồn 22 giờ", "«Karaoke» gây «ồn» sau «22» «giờ»"),
    ],
)  # fmt: skip
def test_marks_land_on_the_matched_syllables(text: str, query: str, expected: str) -> None:
    assert snippet(text, query).marked() == expected


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Khu phố 5 nằm cạnh Bộ phận một cửa", "cách nấu phở bò"),  # marks differ: no match
        ("Người dân cần làm gì thì hỏi cán bộ", "cần làm gì"),  # only function words
    ],
)
def test_nothing_is_marked_without_a_content_match(text: str, query: str) -> None:
    found = snippet(text, query)
    assert found.marks == ()
    assert found.text == text


def test_function_words_are_not_marked() -> None:
    found = snippet("Người dân cần làm gì để đăng ký khai sinh cho con?", "cần làm gì để khai sinh")
    assert [found.text[a:b] for a, b in found.marks] == ["khai", "sinh"]
    assert {"can", "lam", "gi", "de"} <= STOPWORDS


def test_the_window_is_the_densest_stretch_cut_at_spaces() -> None:
    found = snippet(LONG, "lệ phí chứng thực bản sao", width=240)
    assert found.text.startswith("… ") and found.text.endswith(" …")
    body = found.text[2:-2]
    assert len(body) <= 240
    assert FEE.strip() in body  # the whole cluster, not the lone "bản" at the start
    assert body.split()[0] in LONG.split() and body.split()[-1] in LONG.split()
    assert LONG[LONG.index(body) - 1] == " " and LONG[LONG.index(body) + len(body)] == " "
    marked = [found.text[a:b] for a, b in found.marks]
    assert marked.count("chứng") == 2 and marked.count("sao") == 2
    assert {fold(m) for m in marked} <= {"le", "phi", "chung", "thuc", "ban", "sao"}


def test_a_short_text_is_kept_whole_without_ellipsis() -> None:
    text = "Trực tiếp tại Bộ phận Một cửa,\nhoặc nộp trực tuyến."
    found = snippet(text, "nộp trực tuyến")
    assert found.text == "Trực tiếp tại Bộ phận Một cửa, hoặc nộp trực tuyến."
    assert [found.text[a:b] for a, b in found.marks] == ["Trực", "nộp", "trực", "tuyến"]


def test_marked_renders_custom_marks_around_each_span() -> None:
    found = Snippet(text="đăng ký khai sinh", marks=((8, 12), (13, 17)))
    assert found.marked() == "đăng ký «khai» «sinh»"
    assert found.marked("<mark>", "</mark>") == "đăng ký <mark>khai</mark> <mark>sinh</mark>"
    assert Snippet(text="không có", marks=()).marked() == "không có"


@pytest.mark.parametrize(
    ("text", "query", "expected"),
    [
        ("Thẻ căn cước công dân", "thẻ căn cước", "«Thẻ» «căn» «cước» công dân"),  # not "cần"
        ("Rác tồn đọng trước chợ", "rác ở chợ", "«Rác» tồn đọng trước «chợ»"),  # not "cho"
        ("Bão số 3 gây ngập", "bão số 3", "«Bão» «số» «3» gây ngập"),  # not "bao"
        (
            "Rác tồn đọng trước chợ",
            "rac o cho",
            "«Rác» tồn đọng trước chợ",
        ),  # plain "cho": ambiguous
    ],
)
def test_a_function_word_is_recognised_by_its_diacritics(
    text: str, query: str, expected: str
) -> None:
    assert snippet(text, query).marked() == expected


@pytest.mark.parametrize(
    ("query", "passage", "expected"),
    [
        ("lệ phí chứng thực bản sao", "Lệ phí chứng thực bản sao là 2.000 đồng", 1.0),
        ("le phi chung thuc ban sao", "Lệ phí chứng thực bản sao là 2.000 đồng", 1.0),
        ("khai sinh cần giấy tờ gì", "Tờ khai đăng ký khai sinh theo mẫu", 0.5),
        ("rác ở chợ", "Rác tồn đọng trước chợ Thủ Đức", 1.0),
        ("cách nấu phở bò", "Khu phố 5 và bộ phận một cửa", 0.0),
        ("cần làm gì vậy", "Người dân cần làm gì", 0.0),  # no subject at all
    ],
)
def test_coverage_is_the_share_of_subject_words_in_the_passage(
    query: str, passage: str, expected: float
) -> None:
    assert coverage(query, passage) == pytest.approx(expected)


@pytest.mark.parametrize(
    "query",
    ["thành phần hồ sơ gồm những gì", "thanh phan ho so gom nhung gi", "THÀNH PHẦN HỒ SƠ GỒM"],
)
def test_extract_keeps_the_list_after_the_heading(query: str) -> None:
    answer = extract(PROCEDURE, query)
    assert answer.startswith("Thành phần hồ sơ gồm: a) Tờ khai đăng ký khai sinh theo mẫu;")
    assert "b) Giấy chứng sinh do cơ sở y tế cấp;" in answer
    assert "c) Văn bản ủy quyền có chứng thực (nếu có)." in answer
    assert "Người dân nộp hồ sơ" not in answer


def test_extract_stops_at_max_chars_between_sentences() -> None:
    answer = extract(PROCEDURE, "thành phần hồ sơ gồm những gì", max_chars=80)
    assert answer == "Thành phần hồ sơ gồm: a) Tờ khai đăng ký khai sinh theo mẫu;"


def test_extract_cuts_one_long_sentence_at_a_space() -> None:
    text = "Phí chứng thực " + "bản sao từ bản chính " * 40 + "hết."
    answer = extract(text, "phí chứng thực", max_chars=100)
    assert answer.endswith(" …") and len(answer) <= 102
    assert answer[:-2] == text[: len(answer) - 2] and text[len(answer) - 2] == " "


def test_extract_of_empty_text_is_empty() -> None:
    assert extract("  \n ", "khai sinh") == ""


def test_a_cluster_wider_than_half_the_window_is_shown_whole() -> None:
    gap = "người dân nộp tờ trình tại bộ phận một cửa của phường. "
    text = FILLER * 3 + "Hồ sơ khai sinh: " + gap + "Đăng ký khai sinh đúng hạn. " + gap
    text += "Giấy khai sinh bản chính. " + FILLER * 3
    found = snippet(text, "khai sinh", width=240)
    assert [found.text[a:b] for a, b in found.marks] == ["khai", "sinh"] * 3
