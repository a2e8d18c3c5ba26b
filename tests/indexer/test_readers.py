import codecs
import io
import json
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from fpdf import FPDF
from pypdf import PdfWriter

from core.errors import InvalidInput
from indexer.readers import DocumentUnreadable, clean_text, iter_sources, read_file, read_jsonl

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

NOTICE = """ỦY BAN NHÂN DÂN
PHƯỜNG HIỆP BÌNH
Số: 12/TB-UBND
Thủ Đức, ngày 15 tháng 3 năm 2024
THÔNG BÁO
Về việc tạm ngưng cấp nước khu phố 5
Điều 1. Thời gian ngưng cấp nước từ 8 giờ đến 17 giờ.
Điều 2. Người dân chủ động trữ nước.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn Minh"""


def _pdf_bytes(text: str) -> bytes:
    if not FONT.exists():
        pytest.skip("DejaVu font missing")
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=11)
    pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def _encrypted(data: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(data))
    writer.encrypt(user_password, owner_password="chu-so-huu", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def _code(path: Path, **kwargs: int) -> str:
    with pytest.raises(DocumentUnreadable) as info:
        read_file(path, path.name, **kwargs)
    assert str(path) in info.value.message
    return info.value.code


def test_document_unreadable_is_invalid_input() -> None:
    assert issubclass(DocumentUnreadable, InvalidInput)


# --- PDF -------------------------------------------------------------------------------------


def test_pdf_text_and_metadata(tmp_path: Path) -> None:
    path = _write(tmp_path / "tb-12.pdf", _pdf_bytes(NOTICE))
    document = read_file(path, "vanban/tb-12.pdf")
    assert document.doc_id == "vanban/tb-12.pdf"
    assert document.source == str(path)
    assert "\nĐiều 2. Người dân chủ động trữ nước." in document.text
    meta = document.metadata
    assert (meta.number, meta.doc_type, meta.issued_on) == (
        "12/TB-UBND",
        "Thông báo",
        date(2024, 3, 15),
    )
    assert meta.issuer == "Ủy ban nhân dân phường Hiệp Bình"
    assert meta.signer == "Nguyễn Văn Minh"
    assert document.title == "Thông báo 12/TB-UBND về việc tạm ngưng cấp nước khu phố 5"


def test_pdf_obvious_hyphenation_is_repaired(tmp_path: Path) -> None:
    text = "Hệ thống infor-\nmation của phường\nkinh tế -\nxã hội"
    document = read_file(_write(tmp_path / "a.pdf", _pdf_bytes(text)), "a.pdf")
    assert "information của phường" in document.text
    assert "kinh tế -\nxã hội" in document.text  # a Vietnamese dash is not a hyphenation


def test_pdf_with_empty_user_password_opens(tmp_path: Path) -> None:
    path = _write(tmp_path / "khoa.pdf", _encrypted(_pdf_bytes(NOTICE), user_password=""))
    assert read_file(path, "khoa.pdf").metadata.number == "12/TB-UBND"


def test_pdf_with_password(tmp_path: Path) -> None:
    path = _write(tmp_path / "mat.pdf", _encrypted(_pdf_bytes(NOTICE), user_password="bi-mat"))
    assert _code(path) == "index.pdf_encrypted"


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 120, 160, style="F")  # what a scan looks like to a text extractor
    assert _code(_write(tmp_path / "scan.pdf", bytes(pdf.output()))) == "index.pdf_no_text"


def test_damaged_pdf(tmp_path: Path) -> None:
    data = _pdf_bytes(NOTICE)
    assert _code(_write(tmp_path / "hong.pdf", data[: len(data) // 2])) == "index.pdf_corrupt"


# --- DOCX ------------------------------------------------------------------------------------


def _docx(path: Path) -> Path:
    document = docx.Document()
    header = document.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    left.text = "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ THỦ ĐỨC"
    left.add_paragraph("Số: 45/KH-UBND")
    right.text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    right.add_paragraph("Thủ Đức, ngày 2 tháng 4 năm 2024")
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Triển khai  chuyển đổi số năm 2024")
    document.add_paragraph("Điều 1. Danh sách phường tham gia:")
    data = document.add_table(rows=2, cols=2)
    for row, values in zip(data.rows, [("Phường", "Số hộ"), ("Linh Trung", "1.250")], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph("Điều 2. Tổ chức thực hiện.")
    document.save(path)
    return path


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    document = read_file(_docx(tmp_path / "kh.docx"), "kh.docx")
    lines = document.text.split("\n")
    assert lines[:4] == [
        "ỦY BAN NHÂN DÂN",
        "THÀNH PHỐ THỦ ĐỨC",
        "Số: 45/KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    ]
    order = [
        "Điều 1. Danh sách phường tham gia:",
        "Phường | Số hộ",
        "Linh Trung | 1.250",
        "Điều 2. Tổ chức thực hiện.",
    ]
    assert [lines.index(line) for line in order] == sorted(lines.index(line) for line in order)
    assert "Triển khai chuyển đổi số năm 2024" in lines
    assert document.metadata.issuer == "Ủy ban nhân dân thành phố Thủ Đức"
    assert document.metadata.issued_on == date(2024, 4, 2)
    assert document.title == "Kế hoạch 45/KH-UBND triển khai chuyển đổi số năm 2024"


def _zip_without_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ghi-chu.txt", "không có word/document.xml")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04" + b"\x00" * 40 + b"khong phai docx", _zip_without_document()],
    ids=["broken-zip", "zip-without-document"],
)
def test_damaged_docx(tmp_path: Path, data: bytes) -> None:
    assert _code(_write(tmp_path / "hong.docx", data)) == "index.docx_corrupt"


# --- HTML ------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html><html><head><title>Thông báo lịch tiếp công dân</title>
<style>p { color: red }</style><script>var tracking = "không được đọc";</script></head>
<body><nav><a href="/">Trang chủ</a> | <a href="/tin">Tin tức</a></nav>
<!-- ghi chú của biên tập viên -->
<h1>Lịch tiếp công dân tháng 3</h1>
<p>Ủy ban nhân dân phường <b>Linh Trung</b> tiếp công dân<br>vào sáng thứ Năm.</p>
<table><tr><th>Ngày</th><th>Người tiếp</th></tr><tr><td>07/3</td><td>Chủ tịch</td></tr></table>
<div>Điều 1. Người dân mang theo căn cước.</div></body></html>"""


def test_html_keeps_blocks_and_drops_scripts(tmp_path: Path) -> None:
    document = read_file(_write(tmp_path / "lich.html", PAGE), "lich.html")
    lines = document.text.split("\n")
    assert "Ủy ban nhân dân phường Linh Trung tiếp công dân" in lines
    assert "vào sáng thứ Năm." in lines
    assert "Ngày | Người tiếp" in lines
    assert "07/3 | Chủ tịch" in lines
    assert "Điều 1. Người dân mang theo căn cước." in lines
    for dropped in ("tracking", "color", "Trang chủ", "ghi chú", "Thông báo lịch"):
        assert dropped not in document.text


@pytest.mark.parametrize(
    ("body", "title"),
    [
        ("<h1>Lịch tiếp công dân tháng 3</h1>", "Thông báo lịch tiếp công dân"),
        (
            "<p>Số: 7/TB-UBND</p><h1>THÔNG BÁO</h1><p>Lịch tiếp công dân</p>",
            "Thông báo 7/TB-UBND lịch tiếp công dân",
        ),
    ],
)
def test_html_title(tmp_path: Path, body: str, title: str) -> None:
    page = (
        f"<html><head><title>Thông báo lịch tiếp công dân</title></head><body>{body}</body></html>"
    )
    assert read_file(_write(tmp_path / "a.htm", page), "a.htm").title == title


# --- plain text ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        NOTICE.encode("utf-8"),
        codecs.BOM_UTF8 + NOTICE.encode("utf-8"),
        NOTICE.encode("utf-16"),  # with a BOM
        NOTICE.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "crlf"],
)
def test_text_encodings(tmp_path: Path, data: bytes) -> None:
    document = read_file(_write(tmp_path / "tb.txt", data), "tb.txt")
    assert document.text == NOTICE
    assert document.metadata.number == "12/TB-UBND"


def test_markdown_title_from_heading(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "huong-dan.md", "# Hướng dẫn nộp hồ sơ trực tuyến\n\nBước 1. Đăng nhập."
    )
    assert read_file(path, "huong-dan.md").title == "Hướng dẫn nộp hồ sơ trực tuyến"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Điều  12.\t Quyền   công dân", "Điều 12. Quyền công dân"),
        ("  Điều 1. A\r\n   Điều 2. B  ", "Điều 1. A\nĐiều 2. B"),
        ("Khoản 1\n\n\n\nKhoản 2", "Khoản 1\n\nKhoản 2"),
        ("phát\u00adtriển kinh\u200b tế\ufeff", "pháttriển kinh tế"),
        ("cấp\u00ad\nnước", "cấpnước"),
        ("Tha\u0300nh pho\u0302\u0301", "Thành phố"),  # decomposed → NFC
        ("a\u00a0b\x0cc", "a b\nc"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("tb.txt", "Thông báo".encode("cp1258"), "index.bad_encoding"),
        ("tb.txt", "Thong bao".encode("utf-16-le"), "index.bad_encoding"),
        ("tb.html", "<p>Thông báo</p>".encode("cp1258"), "index.bad_encoding"),
        ("tb.txt", b"", "index.empty"),
        ("tb.md", b" \n\t\r\n ", "index.empty"),
        ("tb.html", b"<html><script>x()</script></html>", "index.empty"),
        ("tb.pdf", "Thông báo".encode(), "index.wrong_type"),
        ("tb.docx", b"%PDF-1.7\n...", "index.wrong_type"),
        ("tb.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 legacy word", "index.wrong_type"),
        ("tb.txt", b"PK\x03\x04 a zip archive", "index.wrong_type"),
        ("tb.doc", b"anything", "index.unsupported_type"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, data: bytes, code: str) -> None:
    assert _code(_write(tmp_path / name, data)) == code


def test_too_large_is_checked_before_reading(tmp_path: Path) -> None:
    path = _write(tmp_path / "lon.txt", "Thông báo " * 100)
    assert _code(path, max_bytes=100) == "index.too_large"
    assert read_file(path, "lon.txt", max_bytes=10_000).text.startswith("Thông báo")


def test_missing_file(tmp_path: Path) -> None:
    assert _code(tmp_path / "khong-co.pdf") == "index.not_found"


# --- folders ---------------------------------------------------------------------------------


def _tree(root: Path) -> None:
    for name in [
        "vanban/qd-12.pdf", "vanban/2024/kh-45.docx", "vanban/2024/Tb-7.TXT", "vanban/a.md",
        "vanban/trang.htm", "vanban/anh.png", "vanban/.an.txt", "vanban/.git/config.txt",
        "vanban/2024/ghi-chu.markdown", "vanban/bang.xlsx",
    ]:  # fmt: skip
        _write(root / name, "nội dung")


def test_iter_sources_walks_sorted_and_skips(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    found = list(iter_sources([Path("vanban")]))
    assert [doc_id for _, doc_id in found] == [
        "vanban/2024/Tb-7.TXT",
        "vanban/2024/ghi-chu.markdown",
        "vanban/2024/kh-45.docx",
        "vanban/a.md",
        "vanban/qd-12.pdf",
        "vanban/trang.htm",
    ]
    assert found[0][0] == Path("vanban/2024/Tb-7.TXT")
    assert all(path.is_file() for path, _ in found)


@pytest.mark.parametrize("root", ["vanban", "vanban/", "./vanban", "vanban/2024/.."])
def test_doc_ids_do_not_depend_on_how_the_root_is_spelled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, root: str
) -> None:
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    spelled = [doc_id for _, doc_id in iter_sources([Path(root)])]
    assert "vanban/qd-12.pdf" in spelled
    assert spelled == [doc_id for _, doc_id in iter_sources([tmp_path / "vanban"])]


def test_iter_sources_files_given_directly(tmp_path: Path) -> None:
    _tree(tmp_path)
    paths = [tmp_path / "vanban/2024/kh-45.docx", tmp_path / "vanban/.an.txt"]
    assert list(iter_sources(paths)) == [(paths[0], "kh-45.docx"), (paths[1], ".an.txt")]


@pytest.mark.parametrize(
    ("name", "code"),
    [("vanban/anh.png", "index.unsupported_type"), ("khong-co", "index.not_found")],
)
def test_iter_sources_errors(tmp_path: Path, name: str, code: str) -> None:
    _tree(tmp_path)
    with pytest.raises(DocumentUnreadable) as info:
        list(iter_sources([tmp_path / name]))
    assert info.value.code == code
    assert name in info.value.message


# --- JSON lines ------------------------------------------------------------------------------


def _jsonl(path: Path, *lines: object) -> Path:
    rows = [
        line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines
    ]
    return _write(path, "\n".join(rows) + "\n")


def test_jsonl_good_and_bad_lines(tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path / "vb.jsonl",
        {
            "id": "qd-1234",
            "title": "Quyết định về chuyển đổi số",
            "text": "Điều 1. Ban hành kế hoạch.",
        },
        "{không phải json",
        {"id": "", "text": "Nội dung"},
        "",
        {"id": "tb-12", "text": NOTICE},
        ["id", "text"],
        {"id": "x", "text": "  \n "},
        {"id": "y", "text": "Nội dung", "metadata": {"issued_on": "15/03/2024"}},
        {"id": "z", "text": "Nội dung", "metadata": "Quyết định"},
        {"id": "w", "text": "Nội dung", "title": 12},
        {"id": 7, "text": "Nội dung"},
    )
    results = list(read_jsonl(path))
    good = [item for item in results if not isinstance(item, DocumentUnreadable)]
    bad = [item for item in results if isinstance(item, DocumentUnreadable)]
    assert [doc.doc_id for doc in good] == ["qd-1234", "tb-12"]
    assert [doc.source for doc in good] == [f"{path}:1", f"{path}:5"]
    assert {error.code for error in bad} == {"index.bad_record"}
    assert [error.message.split(": ")[0] for error in bad] == [
        f"{path}:{line}" for line in (2, 3, 6, 7, 8, 9, 10, 11)
    ]
    assert good[0].title == "Quyết định về chuyển đổi số"
    assert good[1].title == "Thông báo 12/TB-UBND về việc tạm ngưng cấp nước khu phố 5"
    assert good[1].metadata.signer == "Nguyễn Văn Minh"


def test_jsonl_metadata_overrides_and_extra(tmp_path: Path) -> None:
    record = {
        "id": "cv-99",
        "text": NOTICE,
        "metadata": {
            "number": "99/UBND-VP",
            "type": "Công văn",
            "doc_type": "Thông báo khẩn",
            "date": "2024-04-01",
            "linh_vuc": "Cấp nước",
            "trang": 3,
            "khan": True,
            "dinh_kem": ["a.pdf"],
            "ghi_chu": None,
        },
    }
    (document,) = read_jsonl(_jsonl(tmp_path / "vb.jsonl", record))
    assert not isinstance(document, DocumentUnreadable)
    meta = document.metadata
    assert meta.number == "99/UBND-VP"
    assert meta.doc_type == "Thông báo khẩn"  # "doc_type" wins over its alias "type"
    assert meta.issued_on == date(2024, 4, 1)
    assert meta.issuer == "Ủy ban nhân dân phường Hiệp Bình"  # not given: parsed from the text
    assert meta.extra == {"linh_vuc": "Cấp nước", "trang": "3", "khan": "true"}
    assert document.title == "Thông báo khẩn 99/UBND-VP về việc tạm ngưng cấp nước khu phố 5"


def test_jsonl_title_falls_back_to_first_line_then_id(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "vb.jsonl", {"id": "ban-tin", "text": "Bản tin tuần 12\nNội dung"})
    assert [doc.title for doc in read_jsonl(path)] == ["Bản tin tuần 12"]


def test_jsonl_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DocumentUnreadable) as info:
        list(read_jsonl(tmp_path / "khong-co.jsonl"))
    assert info.value.code == "index.not_found"
