import json
from itertools import pairwise

import pytest

from core.reference import ReferenceData
from nlp.normalize import strip_diacritics
from nlp.pii import KINDS, PiiDetector, PiiSpan, find_pii, redact
from nlp.pii_lexicon import DATA_FILE


class FakeNer:
    """Records what it was asked and tags the given words as one person (B-PER, I-PER …)."""

    def __init__(self, person: str = "") -> None:
        self.person = person.split()
        self.calls: list[str] = []

    def __call__(self, text: str) -> list[tuple[str, str]]:
        self.calls.append(text)
        tags, inside = [], 0
        for word in text.split():
            if self.person and word.strip(",.") == self.person[inside]:
                tags.append((word.strip(",."), "I-PER" if inside else "B-PER"))
                inside = (inside + 1) % len(self.person)
            else:
                tags.append((word, "O"))
        return tags


@pytest.fixture
def ner() -> FakeNer:
    return FakeNer()


@pytest.fixture
def detector(reference: ReferenceData, ner: FakeNer) -> PiiDetector:
    return PiiDetector.from_reference(reference, ner=ner)


def found(detector: PiiDetector, text: str) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in detector.find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Tôi là Nguyễn Văn An, sđt 0909 123 456, nhà ở đường Lê Văn Việt",
            "Tôi là [họ tên], sđt [số điện thoại], nhà ở đường Lê Văn Việt",
        ),
        (
            "toi la nguyen van an, sdt 0909 123 456, nha o duong Le Van Viet",
            "toi la [họ tên], sdt [số điện thoại], nha o duong Le Van Viet",
        ),
        ("Zalo: 0912.345.678, CCCD 079203001234", "Zalo: [số điện thoại], CCCD [CCCD]"),
        ("CMND số 025123456 bị mất", "CMND số [CMND] bị mất"),
        ("cmnd so 025123456 bi mat", "cmnd so [CMND] bi mat"),
        ("gửi về nguyenvana1990@gmail.com giúp em", "gửi về [email] giúp em"),
        ("xe 59-X1 123.45 đậu chắn lối đi", "xe [biển số xe] đậu chắn lối đi"),
        ("bien so 51f 12345 do chan cong", "bien so [biển số xe] do chan cong"),
        (
            "bị lừa chuyển tiền vào stk 0071000123456 Vietcombank",
            "bị lừa chuyển tiền vào stk [số tài khoản] Vietcombank",
        ),
        (
            "Anh Phong (0901 777 888) làm chứng",
            "Anh [họ tên] ([số điện thoại]) làm chứng",
        ),
        (
            "Cán bộ Lê Minh Tuấn ở bộ phận một cửa thái độ không tốt",
            "Cán bộ [họ tên] ở bộ phận một cửa thái độ không tốt",
        ),
        (
            "Can bo Le Minh Tuan o bo phan mot cua thai do khong tot",
            "Can bo [họ tên] o bo phan mot cua thai do khong tot",
        ),
    ],
)
def test_redaction_output_is_exact(detector: PiiDetector, text: str, expected: str) -> None:
    assert detector.redact(text) == expected


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("gọi 0909123456 nhé", [("phone", "0909123456")]),
        ("goi +84 909 123 456 nhe", [("phone", "+84 909 123 456")]),
        ("(+84) 912345678 là số của tôi", [("phone", "(+84) 912345678")]),
        ("số 84 908 765 432", [("phone", "84 908 765 432")]),
        ("máy bàn (028) 3896 1234", [("phone", "(028) 3896 1234")]),
        ("may ban 028.3731.2468", [("phone", "028.3731.2468")]),
        ("số cũ 0168 123 4567", [("phone", "0168 123 4567")]),
        ("đt 3896 1234", [("phone", "3896 1234")]),
        ("zalo 909123456 nha", [("phone", "909123456")]),
        (
            "gọi 0989-123-456 hoặc 0912 000 111",
            [("phone", "0989-123-456"), ("phone", "0912 000 111")],
        ),
        ("cccd 0792 0500 9876", [("citizen_id", "0792 0500 9876")]),
        ("Căn cước 080195002468 cấp ngày 10/5/2021", [("citizen_id", "080195002468")]),
        ("email: Hoang.Long.99@Gmail.com", [("email", "Hoang.Long.99@Gmail.com")]),
        ("mail le.minh.tuan@outlook.com.vn.", [("email", "le.minh.tuan@outlook.com.vn")]),
        ("xe 51F-123.45 và 59X1-12345", [("plate", "51F-123.45"), ("plate", "59X1-12345")]),
        ("Biển kiểm soát 29A 12345", [("plate", "29A 12345")]),
        ("stk: 1234 5678 9012 (BIDV)", [("bank_account", "1234 5678 9012")]),
        ("tài khoản MB 0909123456 của kẻ lừa đảo", [("bank_account", "0909123456")]),
        ("Chị Lan bán xôi đầu hẻm", [("person", "Lan")]),
        ("Chi Lan ban xoi dau hem", [("person", "Lan")]),
        (
            "ông Nguyễn Hữu Thọ và bà Lê Thị Hoa",
            [("person", "Nguyễn Hữu Thọ"), ("person", "Lê Thị Hoa")],
        ),
        ("Họ tên: TRẦN THỊ BÍCH NGỌC", [("person", "TRẦN THỊ BÍCH NGỌC")]),
        (
            "em ten tran thi ngoc anh, sdt 0934 567 890",
            [("person", "tran thi ngoc anh"), ("phone", "0934 567 890")],
        ),
        ("Nguyễn Hoàng Phúc chiếm lối đi chung", [("person", "Nguyễn Hoàng Phúc")]),
        ("Tôi Nguyễn Văn Bảy, 65 tuổi", [("person", "Nguyễn Văn Bảy")]),
        # typed straight after the cue word, without a space
        ("xe cẩu làm bể ống, sđt0964218570", [("phone", "0964218570")]),
        ("xe cau lam be ong, sdt0964218570", [("phone", "0964218570")]),
        ("đt:0912 345 678 nhé", [("phone", "0912 345 678")]),
        ("zalo0933123456 nha ad", [("phone", "0933123456")]),
        ("cccd079203001234 nha", [("citizen_id", "079203001234")]),
        ("bi lua chuyen vo stk0071000123456", [("bank_account", "0071000123456")]),
        # straight after the cue word, in groups
        ("mèo đi lạc, ai thấy ib e nha zalo0919 246 835 😭", [("phone", "0919 246 835")]),
        ("Sđt0869 147 253 là của ai vậy", [("phone", "0869 147 253")]),
        ("sdt0937 580 146 goi 2 lan khong ai nghe", [("phone", "0937 580 146")]),
        # two numbers joined by "/", even before "chuyển khoản" (an account cue after them)
        (
            "Đăng ký qua số 0939 406 172/0786 502 931, chuyển khoản giữ chỗ 300k",
            [("phone", "0939 406 172"), ("phone", "0786 502 931")],
        ),
        # a mobile number typed straight before a word
        ("0898222417nha ad, có người đánh nhau", [("phone", "0898222417")]),
        ("0898222417nha ad, co nguoi danh nhau", [("phone", "0898222417")]),
        # the letter O typed for a zero; en dashes; dashes between spaces; "+84 (0)28"
        ("ai cần thì gọi O9O3 512 874 nha", [("phone", "O9O3 512 874")]),
        ("lien he o912 604 381 nhe", [("phone", "o912 604 381")]),
        ("Gọi giúp số 0905–271–634 nhé", [("phone", "0905–271–634")]),
        ("số bàn 028 - 3896 - 4417 giờ hành chính", [("phone", "028 - 3896 - 4417")]),
        ("cần gấp, gọi 0 9 3 8 - 2 1 5 - 6 0 4 nha", [("phone", "0 9 3 8 - 2 1 5 - 6 0 4")]),
        ("Văn phòng hội: +84 (0)28 3896 2207.", [("phone", "+84 (0)28 3896 2207")]),
        # two numbers joined by a dash; a number typed straight after "số"
        (
            "So dt nha toi 0918.227.604-0283.8975.612, can bao gap",
            [("phone", "0918.227.604"), ("phone", "0283.8975.612")],
        ),
        ("nhắn cộng tác viên qua số0835427619 để hẹn", [("phone", "0835427619")]),
        # a plate in groups of three and two; a name in capitals after an account holder cue
        ("xe 51H 735 19 đậu qua đêm", [("plate", "51H 735 19")]),
        ("chủ tài khoản ĐINH VĂN LỰC (ba bé)", [("person", "ĐINH VĂN LỰC")]),
        # a number in groups typed straight before a word
        ("Nhắn trưởng nhóm: 0768 210 935nhé", [("phone", "0768 210 935")]),
        ("Nhan truong nhom: 0768 210 935nhe", [("phone", "0768 210 935")]),
        # a full name whose last word is also a word or a place; minority family names
        ("Người báo: Huỳnh Văn Sáng", [("person", "Huỳnh Văn Sáng")]),
        ("Nguoi bao: Huynh Van Sang", [("person", "Huynh Van Sang")]),
        ("Đại diện các hộ: Từ Thị Kim Chi", [("person", "Từ Thị Kim Chi")]),
        ("tôi tên Lâm Thị Huệ, ở khu phố 2", [("person", "Lâm Thị Huệ")]),
        ("Người đăng ký tạm trú: Lò Thị Mai", [("person", "Lò Thị Mai")]),
        ("e la Khoi, co gi ib e nha", [("person", "Khoi")]),  # "e là": "em là"
        ("ad ơi e là Bảo Trân nha", [("person", "Bảo Trân")]),  # "Trân" is also a word
        # a given name right after a phone number
        (
            "nhắn 0911 620 385 Hằng hoặc 0329 448 071 Lộc",
            [
                ("phone", "0911 620 385"),
                ("person", "Hằng"),
                ("phone", "0329 448 071"),
                ("person", "Lộc"),
            ],
        ),
        # a street's name after a name cue is a person's ("Lê Thị Hoa" is also a street)
        ("mẹ tên Lê Thị Hoa, sinh năm 1965", [("person", "Lê Thị Hoa")]),
        ("me ten Le Thi Hoa, sinh nam 1965", [("person", "Le Thi Hoa")]),
        # an electric bike's plate: Đ in its series
        ("xe đạp điện biển 59-MĐ1 034.82 bị mất", [("plate", "59-MĐ1 034.82")]),
        # a CCCD cue wins over a later "hồ sơ" when the number has a CCCD's shape
        ("gửi CCCD cho anh làm hồ sơ: 079 203 014 582.", [("citizen_id", "079 203 014 582")]),
        ("gui CCCD cho anh lam ho so: 079 203 014 582.", [("citizen_id", "079 203 014 582")]),
        # the letters l and O for 1 and 0; a number broken across a line; glued after "alo"
        ("09l8 2O6 435 nè, ai nhặt dc cái cặp", [("phone", "09l8 2O6 435")]),
        ("SĐT 0345\n627 914", [("phone", "0345\n627 914")]),
        ("SDT 0345\n627 914", [("phone", "0345\n627 914")]),
        ("alo0973 886 104 tôi là tài xế taxi", [("phone", "0973 886 104")]),
        # a name after the phone: joined by a dash, or in brackets
        ("zl e: 0901.223.574-Hùng nha mn", [("phone", "0901.223.574"), ("person", "Hùng")]),
        ("zl e: 0901.223.574-Hung nha mn", [("phone", "0901.223.574"), ("person", "Hung")]),
        ("liên hệ +84.912.338.640 (Thu) hoặc", [("phone", "+84.912.338.640"), ("person", "Thu")]),
        ("lien he +84.912.338.640 (Khoa) hoac", [("phone", "+84.912.338.640"), ("person", "Khoa")]),
        # a chat answer to "name and phone?", and the recipient or reporter named in a note
        ("Lan 0934.215.870 ạ", [("person", "Lan"), ("phone", "0934.215.870")]),
        ("dạ Mai 0703818462, nhà em ở hẻm 15/7", [("person", "Mai"), ("phone", "0703818462")]),
        ("da Mai 0703818462, nha em o hem 15/7", [("person", "Mai"), ("phone", "0703818462")]),
        ("Người báo: Vũ 0905 713 226", [("person", "Vũ"), ("phone", "0905 713 226")]),
        # … but not a word that opens a text before a phone
        ("Hotline 0934 215 870 phục vụ 24/7", [("phone", "0934 215 870")]),
        ("Shop 0934215870 nhận đặt bánh", [("phone", "0934215870")]),
        (
            "Giao hàng: người nhận Út Nhỏ, đt 0767 520 318",
            [("person", "Út Nhỏ"), ("phone", "0767 520 318")],
        ),
        # shouted, a name after its cue ends at the next cue word ("GỌI"); "TÊN LÂM" is the
        # cue "tên", not "tên là"
        (
            "NHÂN VIÊN ĐIỆN LỰC TÊN LÂM QUỐC BẢO GỌI TỪ SỐ 0832 556 019",
            [("person", "LÂM QUỐC BẢO"), ("phone", "0832 556 019")],
        ),
        # a contact named right after "liên hệ", the number further on
        (
            "thì liên hệ Hào nha, mình nhặt được ở Nguyễn Xiển, sđt 0961 247 830",
            [("person", "Hào"), ("phone", "0961 247 830")],
        ),
        ("liên hệ Phường nha, sđt 0961 247 830", [("phone", "0961 247 830")]),
        # a chat answer that is a full name in lowercase ("văn"/"thị" tell it), then a phone
        (
            "dạ nguyễn thị hoa 0903 123 456",
            [("person", "nguyễn thị hoa"), ("phone", "0903 123 456")],
        ),
        ("le van an sdt 0903123456", [("person", "le van an"), ("phone", "0903123456")]),
        ("do mat nuoc, 0902 117 385 goi giup", [("phone", "0902 117 385")]),
        # a Zalo link holds a phone number
        ("sửa ống nước gọi zalo.me/0917205531 nha", [("phone", "0917205531")]),
        ("link: https://zalo.me/84917205531", [("phone", "84917205531")]),
        # "ib" (inbox) cues the contact before a phone; a rank is no name ("Trung tá")
        ("ai quen ib Hào 0356 902 177 nha", [("person", "Hào"), ("phone", "0356 902 177")]),
        ("có người xưng tên Trung tá Võ Thành Đạt gọi em", [("person", "Võ Thành Đạt")]),
        ("Tú cho anh Ba con blue", [("person", "Ba")]),  # "Ba con" begins no title
        # shouted: a title, one or two words and a phone; a particle after the title is none
        ("LIÊN HỆ CHỊ HOA 0912.345.678", [("person", "HOA"), ("phone", "0912.345.678")]),
        ("LIEN HE CHI HOA 0912.345.678", [("person", "HOA"), ("phone", "0912.345.678")]),
        ("LH ANH TUẤN ANH 0908 123 456", [("person", "TUẤN ANH"), ("phone", "0908 123 456")]),
        ("GỌI CHỊ NHÉ 0912345678", [("phone", "0912345678")]),
        ("LIÊN HỆ ANH 0912345678", [("phone", "0912345678")]),
        # a foreign number in international form
        ("Tôi là người Nhật, điện thoại +81 90 4412 7730.", [("phone", "+81 90 4412 7730")]),
        ("Toi la nguoi Nhat, dien thoai +81 90 4412 7730.", [("phone", "+81 90 4412 7730")]),
        # a contact's name, then "zalo" and the number
        ("150k/ng, lh Tín zalo 0896 117 354 nha", [("person", "Tín"), ("phone", "0896 117 354")]),
        ("150k/ng, lh Tin zalo 0896 117 354 nha", [("person", "Tin"), ("phone", "0896 117 354")]),
        # "+84" makes a phone whatever cue comes before ("hợp đồng" names contract numbers)
        ("số người đứng tên hợp đồng là +84 903 715 226.", [("phone", "+84 903 715 226")]),
        ("so nguoi dung ten hop dong la +84 903 715 226.", [("phone", "+84 903 715 226")]),
        # an animal in the sentence before is no reason to doubt a full name in the next
        (
            "Chó mèo bới rác tung ra đường. Người gửi: Tạ Quốc Bảo.",
            [("person", "Tạ Quốc Bảo")],
        ),
        # "ngân hàng" after an account number is no amount ("ngàn")
        ("vào STK 1029 3847 56 ngân hàng ACB", [("bank_account", "1029 3847 56")]),
        ("vao STK 1029 3847 56 ngan hang ACB", [("bank_account", "1029 3847 56")]),
        # hyphenated and apostrophe names keep their tail
        ("Tôi là Park Ji-hoon, người Hàn Quốc", [("person", "Park Ji-hoon")]),
        ("Toi la Park Ji-hoon, nguoi Han Quoc", [("person", "Park Ji-hoon")]),
        ("Tôi là Ksor H'Bia, quê Gia Lai", [("person", "Ksor H'Bia")]),
        ("Toi la Ksor H'Bia, que Gia Lai", [("person", "Ksor H'Bia")]),
        ("nhờ tổ phó Sáu xem giúp", [("person", "Sáu")]),
        ("nho to pho Sau xem giup", [("person", "Sau")]),
        # an account holder in capitals after the cue, everyday words included
        ("chủ tài khoản DƯƠNG VĂN TRỌNG, có biên lai", [("person", "DƯƠNG VĂN TRỌNG")]),
        ("chu tai khoan DUONG VAN TRONG, co bien lai", [("person", "DUONG VAN TRONG")]),
        ("ten chu TK LAM THANH DAT, den nay chua nhan", [("person", "LAM THANH DAT")]),
        # a CMND grouped by dots like an amount
        ("chỉ có CMND số 220.147.583 đã hết hạn", [("old_id", "220.147.583")]),
        ("chi co CMND so 220.147.583 da het han", [("old_id", "220.147.583")]),
        # glued to its label and to the next word; a "hồ sơ" cue names only the number after it
        ("trả giúp mình nha, sdt0396105287nha", [("phone", "0396105287")]),
        ("Người báo tin: hồ sơ 40, 090-518-3746.", [("phone", "090-518-3746")]),
        ("Nguoi bao tin: ho so 40, 090-518-3746.", [("phone", "090-518-3746")]),
        # a one-time code has at most 8 digits: longer numbers after "mã OTP" are read as usual
        (
            "đổi số điện thoại nhận mã OTP từ 0394 021 568 sang 0987 315 640",
            [("phone", "0394 021 568"), ("phone", "0987 315 640")],
        ),
        (
            "doi so dien thoai nhan ma OTP tu 0394 021 568 sang 0987 315 640",
            [("phone", "0394 021 568"), ("phone", "0987 315 640")],
        ),
        # a bank named after an account number is that number's, not the next one's
        (
            "chuyển vào tài khoản 1014882593 tại Vietcombank hoặc báo qua số 0986 327 105.",
            [("bank_account", "1014882593"), ("phone", "0986 327 105")],
        ),
        (
            "chuyen vao tai khoan 1014882593 tai Vietcombank hoac bao qua so 0986 327 105.",
            [("bank_account", "1014882593"), ("phone", "0986 327 105")],
        ),
        (
            "CMND 020 416 738, số tài khoản nhận trợ cấp 4311 0000 58723 Agribank.",
            [("old_id", "020 416 738"), ("bank_account", "4311 0000 58723")],
        ),
        # a full name in capitals in lowercase text, without a cue; a manager; "con nhỏ"
        ("STK Vietcombank (PHẠM THỊ NGỌC HÂN) nhé", [("person", "PHẠM THỊ NGỌC HÂN")]),
        ("STK Vietcombank (PHAM THI NGOC HAN) nhe", [("person", "PHAM THI NGOC HAN")]),
        ("Hỏi thăm gia đình ông PHÙNG VĂN TẤN ở hẻm 64", [("person", "PHÙNG VĂN TẤN")]),
        (
            "ck trước vô stk 0451 0003 82917 vcb NGUYEN THI TUYET MAI rồi gửi bill",
            [("bank_account", "0451 0003 82917"), ("person", "NGUYEN THI TUYET MAI")],
        ),
        # after a title or a name cue, a family name and given names in capitals, no VĂN/THỊ
        ("Bà LÂM NGỌC HÀ nộp đơn xin trợ cấp", [("person", "LÂM NGỌC HÀ")]),
        ("Ba LAM NGOC HA nop don xin tro cap", [("person", "LAM NGOC HA")]),
        ("ÔNG TRẦN QUỐC BẢO đã nộp hồ sơ", [("person", "TRẦN QUỐC BẢO")]),
        ("ONG TRAN QUOC BAO da nop ho so", [("person", "TRAN QUOC BAO")]),
        ("Người làm đơn: HỨA MINH TÂM, tổ 3", [("person", "HỨA MINH TÂM")]),
        ("Nguoi lam don: HUA MINH TAM, to 3", [("person", "HUA MINH TAM")]),
        ("chị HÀ NỘI gì đó", []),  # a place, not a name
        # a family name that is also a title, before "Thị"/"Văn"; "ông Tạ …" is no "chợ Ông Tạ"
        (
            "Liên hệ cô Phó Thị Hạnh: 0903 71 44 28",
            [("person", "Phó Thị Hạnh"), ("phone", "0903 71 44 28")],
        ),
        (
            "Lien he co Pho Thi Hanh: 0903 71 44 28",
            [("person", "Pho Thi Hanh"), ("phone", "0903 71 44 28")],
        ),
        ("chủ nhà là ông Tạ Quang Vinh nhưng ổng không nghe", [("person", "Tạ Quang Vinh")]),
        ("chu nha la ong Ta Quang Vinh nhung ong khong nghe", [("person", "Ta Quang Vinh")]),
        ("đi chợ Ông Tạ mua đồ", []),
        ("di cho Ong Ta mua do", []),
        # after a title, a run opened by a family name is whole ("Chi" is no "chị" there)
        ("Bác sĩ Lâm Chi Thanh khám rất kỹ", [("person", "Lâm Chi Thanh")]),
        ("Bac si Lam Chi Thanh kham rat ky", [("person", "Lam Chi Thanh")]),
        ("vào khoa cấp cứu gặp điều dưỡng Nhung nhé", [("person", "Nhung")]),  # job titles
        ("vao khoa cap cuu gap dieu duong Nhung nhe", [("person", "Nhung")]),
        ("Gọi ngay thợ Hải: 0901 558 324", [("person", "Hải"), ("phone", "0901 558 324")]),
        # a phone grouped by slashes; a CCCD typed digit by digit; "hồ sơ" far from the number
        ("Em tên Tâm, đt 0327/184/905.", [("person", "Tâm"), ("phone", "0327/184/905")]),
        ("Em ten Tam, dt 0327/184/905.", [("person", "Tam"), ("phone", "0327/184/905")]),
        ("CCCD 0 7 9 1 6 2 0 0 3 8 1 5 nha chị", [("citizen_id", "0 7 9 1 6 2 0 0 3 8 1 5")]),
        ("bà con liên hệ hồ sơ đất đai: 0827 364 519", [("phone", "0827 364 519")]),
        ("ba con lien he ho so dat dai: 0827 364 519", [("phone", "0827 364 519")]),
        # a name glued to a phone number; a name between a contact word and a phone; a wallet
        ("ib hoặc gọi e Ngân0901386447 nha", [("person", "Ngân"), ("phone", "0901386447")]),
        ("ib hoac goi e Ngan0901386447 nha", [("person", "Ngan"), ("phone", "0901386447")]),
        ("Mã vận đơn SPXVN0579214386.", []),  # a code in capitals
        ("Liên hệ Quân 0367 904 512.", [("person", "Quân"), ("phone", "0367 904 512")]),
        ("Lien he Quan 0367 904 512.", [("person", "Quan"), ("phone", "0367 904 512")]),
        (
            "DT: 0283.724.1111 - Fax: 0283.724.2222",
            [("phone", "0283.724.1111"), ("phone", "0283.724.2222")],
        ),
        ("c ck vô Momo 0898 771 235 nha", [("phone", "0898 771 235")]),
        ("c ck vo Momo 0898 771 235 nha", [("phone", "0898 771 235")]),
        ("Dia chi: 9/2 duong Linh Trung", []),  # a form's field
        # a name opening a chat with "ơi"/"nha" typed onto it; words that end alike
        ("Vyơi mai t ghé lấy đồ nha", [("person", "Vy")]),
        ("Hưngnha mai 7h qua rước t", [("person", "Hưng")]),
        ("Chơi gì đâu mà vui vậy", []),
        ("Tươi ngon mỗi ngày", []),
        ("Trờiơi mưa quá", []),
        ("Nguoi dan ong bi nga o cho", []),  # no "ơi" without its marks
        ("ông Giáp Văn Hòa tranh chấp ranh đất", [("person", "Giáp Văn Hòa")]),
        ("anh cảnh sát khu vực Lưu Đức Trọng đã giúp", [("person", "Lưu Đức Trọng")]),
        ("nhắn Zalo quản lý Quang: 0352 960 417", [("person", "Quang"), ("phone", "0352 960 417")]),
        ("nhan Zalo quan ly Quang: 0352 960 417", [("person", "Quang"), ("phone", "0352 960 417")]),
        ("trùi ui con nhỏ Ngân lớp em bị giật điện thoại", [("person", "Ngân")]),
        ("hồ sơ gửi Ms Hằng phòng nhân sự", [("person", "Hằng")]),  # the title is no name
        ("ho so gui Ms Hang phong nhan su", [("person", "Hang")]),
        # a phone after its cue, dotted like an amount; the letter l opening a group
        ("liên hệ e 84.977.316.204 nha, hậu tạ 500k", [("phone", "84.977.316.204")]),
        ("lien he e 84.977.316.204 nha, hau ta 500k", [("phone", "84.977.316.204")]),
        ("SĐT: 0388 l05 926. Nội dung: cây gãy", [("phone", "0388 l05 926")]),
        ("SDT: 0388 l05 926. Noi dung: cay gay", [("phone", "0388 l05 926")]),
        ("ship free Q9 📦 sđt/zalo: O34 8886 12l", [("phone", "O34 8886 12l")]),
        ("ship free Q9 📦 sdt/zalo: O34 8886 12l", [("phone", "O34 8886 12l")]),
        # "Khúc" is a family name before "Thị"/"Văn", a stretch of road elsewhere
        (
            "Chủ xe: Khúc Thị Bích Vân, 0393 057 614",
            [("person", "Khúc Thị Bích Vân"), ("phone", "0393 057 614")],
        ),
        ("Đường Văn Cao ngập, khúc Võ Văn Ngân cũng vậy", []),
        # a contact's given name, then "(qua) số" and the number
        ("xin liên hệ Ngọc qua số 0775 340 921", [("person", "Ngọc"), ("phone", "0775 340 921")]),
        ("xin lien he Ngoc qua so 0775 340 921", [("person", "Ngoc"), ("phone", "0775 340 921")]),
        ("có thể gọi Thơm số 0348 721 659", [("person", "Thơm"), ("phone", "0348 721 659")]),
        ("co the goi Thom so 0348 721 659", [("person", "Thom"), ("phone", "0348 721 659")]),
        # a Facebook account's name, the parties of a power of attorney
        ("thằng này acc fb Tuấn Kiệt Nguyễn bán vé giả", [("person", "Tuấn Kiệt Nguyễn")]),
        ("thang nay acc fb Tuan Kiet Nguyen ban ve gia", [("person", "Tuan Kiet Nguyen")]),
        ("Bên được ủy quyền: ĐẶNG MINH LUÂN, nhận kết quả", [("person", "ĐẶNG MINH LUÂN")]),
        ("Ben duoc uy quyen: DANG MINH LUAN, nhan ket qua", [("person", "DANG MINH LUAN")]),
    ],
)
def test_finds_each_kind(detector: PiiDetector, text: str, spans: list[tuple[str, str]]) -> None:
    assert found(detector, text) == spans


def test_numbers_joined_by_a_slash_after_a_non_phone_cue_are_no_phones(
    detector: PiiDetector,
) -> None:
    assert found(detector, "mã hồ sơ 0939 406 172/0786 502 931") == []


@pytest.mark.parametrize(
    "text",
    [
        "Hồ sơ H29.202-250315-0012 nộp ngày 15/03/2025 lúc 08:30",
        "Hồ sơ 000.00.24.H29-240315-0012 và G22.99-250101-0003 quá hạn",
        "Phản ánh PA-2026-000123 chưa được trả lời",
        "Tiền điện 1.760.000 đồng, tháng trước 850.000đ, phí vệ sinh 500k",
        "Nhà số 12/3, hẻm 12/5, căn 45A, năm 2024, 200 hộ dân",
        "Ngày 01.09.2025 đến 05.09.2025 đường ống bị vỡ",
        "Mã số thuế 0312345678 của công ty xây dựng",
        "Danh bộ số 1302451187, mã khách hàng PE09000457812",
        "Quyết định số 1234/QĐ-UBND ngày 12/05/2024",
        "Tôi gọi hotline 1900 1006 và tổng đài 1800 1091, rồi gọi 113",
        "Mã OTP 123456 không về máy",
        "Năm học 2024 - 2025, khối 10 - 11 - 12 học buổi sáng",
        "Theo Quyết định 2145/QĐ-UBND ngày 12/11 sẽ cắt điện",
        "Tôi đã gọi tổng đài 4 lần, mã khiếu nại 2611-0339, vẫn chưa ai tới",
        "hồ sơ0123456789 chưa xong",
        "Cống nghẹt ở hẻm 12 Dương Văn Cam, nước tràn",  # a street after a number
        "Nhà số 45A Lê Văn Việt bị nứt tường",
        "Ông cụ quê Bình Định ở một mình",
        "Tìm chó Husky tên Bông, 2 tuổi, mắt xanh",  # pets
        "bé mèo nhà e tên Bão, quậy tung nhà",
        "mn oi con meo ten Cop nha e di lac",
        "ai nhặt đc con mèo mướp tên Bông đeo vòng cổ đỏ",  # words between the pet and "tên"
        "Tìm chó lạc: bé Milo, giống Poodle màu nâu đỏ",  # a breed after the name
        "bé Tí nhà e (con corgi) tăng động quá",
        "Khí CO2 đo được 400 ppm, nồng độ O2 giảm",
        "Mã hồ sơ 079203014582 đã quá hạn",
        "Mã vận đơn sdt09642185701234 giao chậm",
        "Mã đơn hàng 0898222417abc giao chậm",
        "Con đường mang tên Lê Thị Hoa ngập sâu",
        "Đường Võ Văn Ngân đoạn trước chợ Thủ Đức ngập sâu",
        "Nút giao Võ Văn Ngân – Đặng Văn Bi đèn tín hiệu hỏng",
        "đ. Kha Vạn Cân có ổ gà, QL 13 qua Hiệp Bình Phước kẹt xe",
        "Lê Văn Việt kẹt xe từ ngã tư Thủ Đức tới Vincom",
        "Ở chợ Bà Chiểu và cầu Ông Lãnh cũng vậy, đường Bưng Ông Thoàn sụt lún",
        "Trường THCS Nguyễn Văn Bá thu tiền sai quy định",
        "Mong phường Linh Trung cũ (nay là Linh Xuân) dọn rác ở Thảo Điền",
        "Kính gửi bà Chủ tịch UBND phường Cát Lái",
        "Mong các anh chị công an phường sớm xử lý",
        "Gửi cho Ban Quản lý chung cư Sky9",
        "Tin vui cho bà con Tăng Nhơn Phú: tuyến xe buýt số 141 đổi lộ trình",  # people of a ward
        "Đồng hồ nước số seri 21KT083147 chạy cả khi khóa van",  # a serial, not a plate
        "Có chuyển khoản qua Vietinbank được không ạ",
        "Mã OTP 48291375 không về máy",
        "Tổng vốn 84.977.316.204 đồng, lô 12 l05, mua 12l nước mắm",  # no phone cue, litres
        # shops named with a title, a dish, vehicles, shouted streets and sentences in capitals
        "bánh mì Cô Ba đầu hẻm 12, xôi Bà Tư cạnh nhà thuốc, cà phê Ông Bầu mới mở",
        "hủ tiếu Nam Vang Chú Hai giá 35k",
        "Bán xe Toyota Innova 2018, hoặc mua Kia Morning, Mitsubishi Attrage cho rẻ",
        "CỐNG HẺM 12 VÕ VĂN HÁT BỊ VỠ NẮP, XE MÁY SỤP BÁNH",
        "ĐÃ KHIẾU NẠI NHƯNG TIỀN LẠI VẪN THANH TOÁN CHO SHOP",
        "",
    ],
)
def test_public_and_civic_text_is_not_personal_data(detector: PiiDetector, text: str) -> None:
    assert found(detector, text) == []
    assert found(detector, strip_diacritics(text)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Tài xế: Nguyễn Hữu Thắng\nBiển số: 51H-527.81\nĐiểm đón: Vincom Thảo Điền",
            [("person", "Nguyễn Hữu Thắng"), ("plate", "51H-527.81")],
        ),
        (
            "Họ và tên: Lê Hoàng Phúc\nBiển số xe: 59-T2 735.18\nNơi xảy ra: hẻm 5 Lò Lu",
            [("person", "Lê Hoàng Phúc"), ("plate", "59-T2 735.18")],
        ),
        (
            "Chuyển khoản thành công | Mã GD: FT25332918274651 | Thu hộ: 385.000đ",
            [],
        ),
        (
            "Kính gửi: UBND phường Long Bình\nĐồng kính gửi: Ban quản lý khu phố 3\nTóm tắt: rác",
            [],
        ),
    ],
)
@pytest.mark.slow
def test_a_form_field_label_is_no_name(
    reference: ReferenceData, text: str, expected: list[tuple[str, str]]
) -> None:
    detector = PiiDetector.from_reference(reference)  # the real NER reads these labels too
    assert found(detector, text) == expected
    plain = [(kind, strip_diacritics(value)) for kind, value in expected]
    assert found(detector, strip_diacritics(text)) == plain


def test_spans_are_sorted_without_overlap_and_point_into_the_text(detector: PiiDetector) -> None:
    text = (
        "Kính gửi UBND phường Long Trường, tôi là Phạm Văn Hòa (CCCD 079085003456, sđt "
        "0903 765 432), email hoa.pham@gmail.com, xe 59-X1 123.45, stk 0451000333444 vcb."
    )
    spans = detector.find(text)
    assert [s.kind for s in spans] == [
        "person",
        "citizen_id",
        "phone",
        "email",
        "plate",
        "bank_account",
    ]
    for s in spans:
        assert text[s.start : s.end] == s.text
    assert all(a.end <= b.start for a, b in pairwise(spans))


def test_names_false_leaves_names_and_never_calls_ner(detector: PiiDetector, ner: FakeNer) -> None:
    text = "Hôm qua gặp Hùng Cường ở chợ, anh Tuấn sđt 0909123456"
    assert found_kinds(detector.find(text, names=False)) == ["phone"]
    assert ner.calls == []


def test_ner_is_asked_only_about_unexplained_capitalised_words(reference: ReferenceData) -> None:
    ner = FakeNer("Hùng Cường")
    detector = PiiDetector.from_reference(reference, ner=ner)
    civic = [
        "Kính gửi UBND phường Linh Xuân, đường Võ Văn Ngân ngập sâu.",
        "Tôi là Nguyễn Văn An, chị Lan và anh Tuấn cũng bị ảnh hưởng.",
        "Đèn đường hư trên Xa lộ Hà Nội gần Suối Tiên.",
    ]
    for text in civic:
        detector.find(text)
    assert ner.calls == []
    spans = detector.find("Hôm qua gặp Hùng Cường ở chợ. Đường Lê Văn Việt kẹt xe.")
    assert [(s.kind, s.text, s.source) for s in spans] == [("person", "Hùng Cường", "ner")]
    assert len(ner.calls) == 1 and "Lê Văn Việt" not in ner.calls[0]
    assert detector.ner_calls == 1 and detector.texts_with_ner == 1


def test_ner_person_on_a_street_is_dropped(reference: ReferenceData) -> None:
    detector = PiiDetector.from_reference(reference, ner=FakeNer("Trần Văn Rạch"))
    assert found(detector, "Cống nghẹt ở đường Trần Văn Rạch, ngập tới gối") == []
    detector = PiiDetector.from_reference(reference, ner=FakeNer("Võ Văn Ngân"))
    assert found(detector, "Hôm qua cả Võ Văn Ngân ngập tới gối") == []


def test_redact_uses_given_spans(detector: PiiDetector) -> None:
    text = "Gọi 0909123456 gặp Tư"
    spans = [PiiSpan("person", 19, 21, "Tư", "rule")]
    assert detector.redact(text, spans) == "Gọi 0909123456 gặp [họ tên]"
    assert detector.redact(text, []) == text


def test_every_kind_has_a_placeholder() -> None:
    placeholders = json.loads(DATA_FILE.read_text(encoding="utf-8"))["placeholders"]
    assert set(placeholders) == set(KINDS)


def found_kinds(spans: list[PiiSpan]) -> list[str]:
    return [s.kind for s in spans]


@pytest.mark.slow
def test_module_functions_with_the_real_ner() -> None:
    text = "Hôm qua Trần Văn Hùng đổ rác ra đường Võ Văn Ngân, sđt 0912 345 678."
    assert [(s.kind, s.text) for s in find_pii(text)] == [
        ("person", "Trần Văn Hùng"),
        ("phone", "0912 345 678"),
    ]
    assert redact("Gặp Hùng Cường ở chợ Thủ Đức") == "Gặp [họ tên] ở chợ Thủ Đức"
