from datetime import date

import pytest

from core.documents import DocumentMetadata
from indexer.metadata import document_title, parse_metadata, readable_agency, sentence_case

# A decision as pypdf extracts it: both header columns glued into one line.
DECISION = """ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
THÀNH PHỐ THỦ ĐỨC Độc lập - Tự do - Hạnh phúc
Số: 1234/QĐ-UBND Thủ Đức, ngày 15 tháng 3 năm 2024
QUYẾT ĐỊNH
Về việc ban hành Quy chế tổ chức và hoạt động
của Trung tâm Phục vụ hành chính công thành phố Thủ Đức
CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ THỦ ĐỨC
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Quy chế tổ chức và hoạt động.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
Nơi nhận: KT. CHỦ TỊCH
- Như Điều 3; PHÓ CHỦ TỊCH
- Lưu: VT.
Nguyễn Văn Minh
"""

# An official letter from a department, one column after the other, subject wrapping.
LETTER = """UBND THÀNH PHỐ THỦ ĐỨC
PHÒNG TÀI NGUYÊN VÀ MÔI TRƯỜNG
-------
Số: 256 /TNMT-VP
V/v tổ chức hội nghị sơ kết công tác
6 tháng đầu năm 2024
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Thủ Đức, ngày 05/07/2024
Kính gửi: Ủy ban nhân dân các phường.
Phòng Tài nguyên và Môi trường đề nghị các phường cử đại diện tham dự.
TRƯỞNG PHÒNG
Trần Thị Hoa
Nơi nhận:
- Như trên;
- UBND phường Linh Trung
- Lưu: VT.
"""

# A plan typed without diacritics.
PLAN = """UY BAN NHAN DAN
PHUONG HIEP BINH
So: 45/KH-UBND
CONG HOA XA HOI CHU NGHIA VIET NAM
Doc lap - Tu do - Hanh phuc
Hiep Binh, ngay 2 thang 4 nam 2024
KE HOACH
Trien khai cong tac phong chong dich sot xuat huyet
tren dia ban phuong nam 2024
I. MUC DICH, YEU CAU
1. Muc dich
TM. UY BAN NHAN DAN
CHU TICH
Le Van Tam
"""

# A notice with the old "UỶ" spelling, a subject in capitals and an impossible date.
NOTICE = """UỶ BAN NHÂN DÂN
PHƯỜNG LINH TÂY
Số: 12/TB-UBND
Linh Tây, ngày 31/02/2024
THÔNG BÁO
KẾT QUẢ TIẾP CÔNG DÂN ĐỊNH KỲ THÁNG 3 NĂM 2024 TẠI PHƯỜNG LINH TÂY
Ngày 10/3/2024, Chủ tịch UBND phường tiếp công dân.
CHỦ TỊCH
(Đã ký)
Phạm Quốc Bảo
"""

LAW = """QUỐC HỘI
-------
Luật số: 31/2024/QH15
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Nội, ngày 18 tháng 01 năm 2024
LUẬT
ĐẤT ĐAI
Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;
Quốc hội ban hành Luật Đất đai.
Chương I
QUY ĐỊNH CHUNG
CHỦ TỊCH QUỐC HỘI
Vương Đình Huệ
"""

DECREE = """CHÍNH PHỦ
Số 102/2024/NĐ-CP CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Nội, ngày 30 tháng 7 năm 2024
NGHỊ ĐỊNH
QUY ĐỊNH CHI TIẾT THI HÀNH MỘT SỐ ĐIỀU
CỦA LUẬT ĐẤT ĐAI
Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;
TM. CHÍNH PHỦ
KT. THỦ TƯỚNG
PHÓ THỦ TƯỚNG
Trần Hồng Hà
"""

# A city department under the city people's committee: the direct issuer is the department.
DEPARTMENT_LETTER = """ỦY BAN NHÂN DÂN
THÀNH PHỐ HỒ CHÍ MINH
SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI
Số: 123/SLĐTBXH-VP
V/v hướng dẫn chi trả trợ cấp
Kính gửi: UBND thành phố Thủ Đức
GIÁM ĐỐC
Nguyễn Văn Lâm
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            DECISION,
            DocumentMetadata(
                number="1234/QĐ-UBND",
                doc_type="Quyết định",
                issuer="Ủy ban nhân dân thành phố Thủ Đức",
                issued_on=date(2024, 3, 15),
                subject="Về việc ban hành Quy chế tổ chức và hoạt động của Trung tâm Phục vụ "
                "hành chính công thành phố Thủ Đức",
                signer="Nguyễn Văn Minh",
            ),
        ),
        (
            LETTER,
            DocumentMetadata(
                number="256/TNMT-VP",
                doc_type="Công văn",
                issuer="Phòng Tài nguyên và Môi trường thành phố Thủ Đức",
                issued_on=date(2024, 7, 5),
                subject="Về việc tổ chức hội nghị sơ kết công tác 6 tháng đầu năm 2024",
                signer="Trần Thị Hoa",
            ),
        ),
        (
            PLAN,
            DocumentMetadata(
                number="45/KH-UBND",
                doc_type="Kế hoạch",
                issuer="Ủy ban nhân dân phuong Hiep Binh",
                issued_on=date(2024, 4, 2),
                subject="Trien khai cong tac phong chong dich sot xuat huyet tren dia ban "
                "phuong nam 2024",
                signer="Le Van Tam",
            ),
        ),
        (
            NOTICE,
            DocumentMetadata(
                number="12/TB-UBND",
                doc_type="Thông báo",
                issuer="Ủy ban nhân dân phường Linh Tây",
                issued_on=None,
                subject="Kết quả tiếp công dân định kỳ tháng 3 năm 2024 tại phường Linh Tây",
                signer="Phạm Quốc Bảo",
            ),
        ),
        (
            LAW,
            DocumentMetadata(
                number="31/2024/QH15",
                doc_type="Luật",
                issuer="Quốc hội",
                issued_on=date(2024, 1, 18),
                subject="Đất đai",
                signer="Vương Đình Huệ",
            ),
        ),
        (
            DECREE,
            DocumentMetadata(
                number="102/2024/NĐ-CP",
                doc_type="Nghị định",
                issuer="Chính phủ",
                issued_on=date(2024, 7, 30),
                subject="Quy định chi tiết thi hành một số điều của Luật Đất đai",
                signer="Trần Hồng Hà",
            ),
        ),
        (
            DEPARTMENT_LETTER,
            DocumentMetadata(
                number="123/SLĐTBXH-VP",
                doc_type="Công văn",
                issuer="Sở Lao động - Thương binh và Xã hội thành phố Hồ Chí Minh",
                issued_on=None,
                subject="Về việc hướng dẫn chi trả trợ cấp",
                signer="Nguyễn Văn Lâm",
            ),
        ),
    ],
    ids=["decision", "letter", "plan-no-diacritics", "notice", "law", "decree", "department"],
)
def test_parse_full_headers(text: str, expected: DocumentMetadata) -> None:
    assert parse_metadata(text) == expected


@pytest.mark.parametrize(
    ("line", "number", "doc_type"),
    [
        ("Số: 1234/QĐ-UBND", "1234/QĐ-UBND", "Quyết định"),
        ("Số 15/2024/NĐ-CP", "15/2024/NĐ-CP", "Nghị định"),
        ("Số: 256 /KH-UBND", "256/KH-UBND", "Kế hoạch"),
        ("So: 12/TB-UBND", "12/TB-UBND", "Thông báo"),
        ("SỐ: 07/CT-UBND", "07/CT-UBND", "Chỉ thị"),
        ("Số: 01/2024/TT-BTNMT", "01/2024/TT-BTNMT", "Thông tư"),
        ("Số: 45/TTr-UBND", "45/TTr-UBND", "Tờ trình"),
        ("Số: 9/HD-UBND", "9/HD-UBND", "Hướng dẫn"),
        ("Số: 88/BC-UBND", "88/BC-UBND", "Báo cáo"),
        ("So: 20/2024/NQ-HDND", "20/2024/NQ-HDND", "Nghị quyết"),
        ("Số: 123/UBND-VP", "123/UBND-VP", "Công văn"),
        ("Số:1234/QD-UBND.", "1234/QD-UBND", "Quyết định"),
    ],
)
def test_number_and_type_from_symbol(line: str, number: str, doc_type: str) -> None:
    meta = parse_metadata(f"ỦY BAN NHÂN DÂN\nPHƯỜNG HIỆP BÌNH\n{line}\nNội dung văn bản.")
    assert (meta.number, meta.doc_type) == (number, doc_type)


@pytest.mark.parametrize(
    "text",
    [
        "Căn cứ Nghị định số 15/2024/NĐ-CP của Chính phủ;",  # a cited number, not this one's
        "Căn cứ Luật số 31/2024/QH15;",
        "Một số điều 15/20 chưa rõ.",
        "",
    ],
)
def test_no_number_in_running_text(text: str) -> None:
    assert parse_metadata(text).number is None


@pytest.mark.parametrize(
    ("line", "doc_type"),
    [
        ("Luật số: 31/2024/QH15", "Luật"),
        ("Bộ luật số: 91/2015/QH13", "Bộ luật"),
        ("Nghị quyết số: 42/2021/QH15", "Nghị quyết"),
        ("Số: 31/2024/QH15", None),
    ],
)
def test_type_from_the_number_lead(line: str, doc_type: str | None) -> None:
    meta = parse_metadata(f"QUỐC HỘI\n{line}\nHà Nội, ngày 18 tháng 01 năm 2024")
    assert (meta.number, meta.doc_type) == (line.split(": ")[1], doc_type)


def test_header_table_cells_are_columns() -> None:
    text = (
        "UBND PHƯỜNG HIỆP BÌNH | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Số: 12/TB-UBND | Thủ Đức, ngày 15 tháng 3 năm 2024\n"
        "V/v cắt điện khu phố 3 | Độc lập - Tự do - Hạnh phúc\n"
        "Nơi nhận: | CHỦ TỊCH\n- Như trên; | Nguyễn Văn Minh"
    )
    meta = parse_metadata(text)
    assert (meta.issuer, meta.number) == ("Ủy ban nhân dân phường Hiệp Bình", "12/TB-UBND")
    assert (meta.issued_on, meta.subject) == (date(2024, 3, 15), "Về việc cắt điện khu phố 3")
    assert meta.signer == "Nguyễn Văn Minh"


def test_title_line_beats_symbol() -> None:
    meta = parse_metadata("ỦY BAN NHÂN DÂN\nSố: 5/UBND-VP\nKẾ HOẠCH\nTriển khai chuyển đổi số")
    assert meta.doc_type == "Kế hoạch"
    assert meta.subject == "Triển khai chuyển đổi số"


def test_operative_quyet_dinh_colon_is_not_a_title() -> None:
    meta = parse_metadata("Căn cứ Luật Tổ chức chính quyền địa phương;\nQUYẾT ĐỊNH:\nĐiều 1.")
    assert meta.doc_type is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Thủ Đức, ngày 15 tháng 3 năm 2024", date(2024, 3, 15)),
        ("Thu Duc, ngay 15 thang 3 nam 2024", date(2024, 3, 15)),
        ("TP. Hồ Chí Minh, ngày 05 tháng 02 năm 2024", date(2024, 2, 5)),
        ("Thủ Đức, ngày 05/03/2024", date(2024, 3, 5)),
        ("ngày 15-3-2024", date(2024, 3, 15)),
        ("15.3.2024", date(2024, 3, 15)),
        ("Thủ Đức, ngày 31/02/2024", None),
        ("Thủ Đức, ngày 30 tháng 13 năm 2024", None),
        ("Thủ Đức, ngày    tháng    năm 2024", None),  # a draft: blanks left to fill in
    ],
)
def test_issue_dates(line: str, expected: date | None) -> None:
    assert (
        parse_metadata(f"ỦY BAN NHÂN DÂN\nSố: 1/TB-UBND\n{line}\nTHÔNG BÁO").issued_on == expected
    )


def test_date_of_a_cited_document_is_not_the_issue_date() -> None:
    text = "QUYẾT ĐỊNH\nVề việc thu hồi đất\nCăn cứ Luật Đất đai ngày 18 tháng 01 năm 2024;"
    assert parse_metadata(text).issued_on is None


@pytest.mark.parametrize(
    ("agency", "expected"),
    [
        ("ỦY BAN NHÂN DÂN\nPHƯỜNG HIỆP BÌNH", "Ủy ban nhân dân phường Hiệp Bình"),
        ("UỶ BAN NHÂN DÂN\nPHƯỜNG HIỆP BÌNH", "Ủy ban nhân dân phường Hiệp Bình"),
        ("UBND THÀNH PHỐ THỦ ĐỨC", "Ủy ban nhân dân thành phố Thủ Đức"),
        ("HỘI ĐỒNG NHÂN DÂN\nTHÀNH PHỐ HỒ CHÍ MINH", "Hội đồng nhân dân thành phố Hồ Chí Minh"),
        ("BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "Bộ Tài nguyên và Môi trường"),
        ("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ THỦ ĐỨC\nCÔNG AN THÀNH PHỐ", "Công an thành phố"),
        (
            "UBND THÀNH PHỐ THỦ ĐỨC\nVĂN PHÒNG HĐND VÀ UBND",
            "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân thành phố Thủ Đức",
        ),
        ("UBND TP. THỦ ĐỨC\nPHÒNG QUẢN LÝ ĐÔ THỊ", "Phòng Quản lý đô thị thành phố Thủ Đức"),
        ("UY BAN NHAN DAN\nQUAN 9", "Ủy ban nhân dân quan 9"),
        (
            "UBND THÀNH PHỐ THỦ ĐỨC\nBAN QUẢN LÝ DỰ ÁN ĐẦU TƯ XÂY DỰNG",
            "Ban Quản lý dự án đầu tư xây dựng thành phố Thủ Đức",
        ),
    ],
)
def test_issuer(agency: str, expected: str) -> None:
    text = f"{agency}\nSố: 10/KH-UBND\nKẾ HOẠCH\nTriển khai công tác năm 2024"
    assert parse_metadata(text).issuer == expected


@pytest.mark.parametrize(
    "text",
    [
        "THÔNG TIN CHUNG\nNội dung không phải văn bản hành chính.",
        "Kính gửi: Ủy ban nhân dân phường Hiệp Bình",
        "QUYẾT ĐỊNH\nVề việc khen thưởng",
    ],
)
def test_no_issuer_without_agency_block(text: str) -> None:
    assert parse_metadata(text).issuer is None


@pytest.mark.parametrize(
    ("header", "subject"),
    [
        (
            "Số: 1/UBND-VP\nV/v tổ chức hội nghị Thủ Đức, ngày 15 tháng 3 năm 2024",
            "Về việc tổ chức hội nghị",
        ),
        (
            "So: 1/UBND-VP\nv/v to chuc hoi nghi\nso ket nam 2024",
            "Về việc to chuc hoi nghi so ket nam 2024",
        ),
        (
            "KẾ HOẠCH\n----------\nTriển khai chuyển đổi số năm 2024\nI. MỤC ĐÍCH",
            "Triển khai chuyển đổi số năm 2024",
        ),
        ("LUẬT ĐẤT ĐAI\nCăn cứ Hiến pháp;", "Đất đai"),
        ("QUYẾT ĐỊNH\nCăn cứ Luật Đất đai;", None),
        (
            "QUYẾT ĐỊNH\nVỀ VIỆC THU HỒI ĐẤT TẠI PHƯỜNG TAM BÌNH\nCHỦ TỊCH ỦY BAN NHÂN DÂN",
            "Về việc thu hồi đất tại phường Tam Bình",
        ),
    ],
)
def test_subject(header: str, subject: str | None) -> None:
    assert parse_metadata(header).subject == subject


def test_header_is_only_the_first_lines() -> None:
    body = "\n".join(f"Nội dung dòng {i}." for i in range(60))
    assert parse_metadata(f"{body}\nSố: 1234/QĐ-UBND\nQUYẾT ĐỊNH").number is None
    assert parse_metadata(f"Số: 1234/QĐ-UBND\nQUYẾT ĐỊNH\n{body}").number == "1234/QĐ-UBND"


@pytest.mark.parametrize(
    ("tail", "signer"),
    [
        ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n(Đã ký)\nNguyễn Thị Minh Khai", "Nguyễn Thị Minh Khai"),
        ("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nHOÀNG VĂN AN", "HOÀNG VĂN AN"),
        ("KT. CHU TICH\nPHO CHU TICH\nTran Van B", "Tran Van B"),
        (
            "Nơi nhận: KT. CHỦ TỊCH\n- Như trên; PHÓ CHỦ TỊCH\n- Lưu: VT. Lê Văn Cường",
            "Lê Văn Cường",
        ),
        (
            "CHỦ TỊCH\nNguyễn Văn A\nNơi nhận:\n- Như trên;\n- Báo Sài Gòn Giải Phóng\n"
            "- UBND phường Linh Trung",
            "Nguyễn Văn A",
        ),
        ("Nơi nhận:\n- Như trên;\n- Lưu: VT.\nNguyễn Văn A", None),  # no signing title: unsure
        ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", None),
    ],
)
def test_signer(tail: str, signer: str | None) -> None:
    assert parse_metadata(f"Điều 3. Tổ chức thực hiện.\n{tail}").signer == signer


def test_signer_only_in_the_last_lines() -> None:
    text = "CHỦ TỊCH\nNguyễn Văn A\n" + "\n".join(f"Phụ lục dòng {i}." for i in range(40))
    assert parse_metadata(text).signer is None


@pytest.mark.parametrize(
    ("text", "fallback", "title"),
    [
        (
            DECISION,
            "qd.pdf",
            "Quyết định 1234/QĐ-UBND về việc ban hành Quy chế tổ chức và hoạt động "
            "của Trung tâm Phục vụ hành chính công thành phố Thủ Đức",
        ),
        (LAW, "luat.pdf", "Luật Đất đai số 31/2024/QH15"),
        (
            PLAN,
            "kh.txt",
            "Kế hoạch 45/KH-UBND trien khai cong tac phong chong dich sot xuat huyet "
            "tren dia ban phuong nam 2024",
        ),
        ("Số: 123/UBND-VP\nKính gửi: các phường", "cv.docx", "Công văn 123/UBND-VP"),
        ("# Hướng dẫn nộp hồ sơ trực tuyến\nBước 1.", "hd.md", "Hướng dẫn nộp hồ sơ trực tuyến"),
        ("\n\nBản tin tuần 12\nNội dung", "bt.txt", "Bản tin tuần 12"),
        ("", "trong.txt", "trong.txt"),
    ],
)
def test_document_title(text: str, fallback: str, title: str) -> None:
    assert document_title(text, parse_metadata(text), fallback) == title


def test_document_title_is_capped() -> None:
    meta = DocumentMetadata(
        doc_type="Quyết định", number="1/QĐ-UBND", subject="Về việc " + "x " * 200
    )
    title = document_title("", meta, "f.pdf")
    assert len(title) <= 200
    assert title.endswith("…")


@pytest.mark.parametrize(
    ("caps", "readable"),
    [
        ("SỞ XÂY DỰNG", "Sở Xây dựng"),
        ("PHÒNG TÀI CHÍNH - KẾ HOẠCH", "Phòng Tài chính - Kế hoạch"),
        ("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "Trung tâm Phục vụ hành chính công"),
        ("ỦY BAN NHÂN DÂN PHƯỜNG TĂNG NHƠN PHÚ A", "Ủy ban nhân dân phường Tăng Nhơn Phú A"),
        ("CHÍNH PHỦ", "Chính phủ"),
    ],
)
def test_readable_agency(caps: str, readable: str) -> None:
    assert readable_agency(caps) == readable


@pytest.mark.parametrize(
    ("caps", "readable"),
    [
        (
            "QUY ĐỊNH CHI TIẾT MỘT SỐ ĐIỀU CỦA LUẬT ĐẤT ĐAI",
            "Quy định chi tiết một số điều của Luật Đất đai",
        ),
        (
            "PHÁT TRIỂN KINH TẾ - XÃ HỘI PHƯỜNG HIỆP BÌNH NĂM 2024",
            "Phát triển kinh tế - xã hội phường Hiệp Bình năm 2024",
        ),
        ("CHỈNH TRANG ĐÔ THỊ THÀNH PHỐ HỒ CHÍ MINH", "Chỉnh trang đô thị thành phố Hồ Chí Minh"),
    ],
)
def test_sentence_case(caps: str, readable: str) -> None:
    assert sentence_case(caps) == readable
