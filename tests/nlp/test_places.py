import json
import math
from pathlib import Path

import pytest

from core.errors import InvalidInput, ModelUnavailable
from core.reference import ReferenceData
from core.types import Place
from nlp.normalize import for_model, strip_diacritics
from nlp.places import PlaceExtractor, WardGazetteer
from nlp.places_coordinates import coordinates_in
from nlp.places_lexicon import load_elsewhere
from nlp.places_text import fold
from nlp.ward_polygons import DEFAULT_POLYGONS, WardPolygons

# Points at least 600 m inside each ward in the source polygons (see eval/data/places).
INSIDE = {
    "Thủ Đức": (10.84053, 106.75636),
    "Hiệp Bình": (10.83873, 106.72212),
    "Tam Bình": (10.87058, 106.7373),
    "Linh Xuân": (10.87709, 106.77135),
    "Tăng Nhơn Phú": (10.84123, 106.79318),
    "Long Bình": (10.85298, 106.83149),
    "Long Phước": (10.81054, 106.85755),
    "Long Trường": (10.79266, 106.80531),
    "Cát Lái": (10.7618, 106.76784),
    "Bình Trưng": (10.79466, 106.76629),
    "Phước Long": (10.81989, 106.77294),
    "An Khánh": (10.77374, 106.72153),
}
QUAN_1 = (10.7769, 106.7009)


@pytest.fixture(scope="module")
def places(reference: ReferenceData) -> PlaceExtractor:
    return PlaceExtractor.from_reference(reference)


@pytest.fixture(scope="module")
def gazetteer(reference: ReferenceData) -> WardGazetteer:
    return WardGazetteer.from_reference(reference)


def both_ways(text: str) -> list[str]:
    """The text as written and typed without diacritics."""
    return [text, strip_diacritics(text)]


# -- ward from text ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ward"),
    [
        ("Ngập nặng ở phường Hiệp Bình", "Hiệp Bình"),  # current name
        ("Đèn đường hư ở phường Thủ Đức", "Thủ Đức"),  # the ward Thủ Đức needs "phường"
        ("Tiếng ồn ở P.Thủ Đức", "Thủ Đức"),
        ("nước ngập tới gối ở P.Hiệp Bình Chánh", "Hiệp Bình"),  # former name
        ("Karaoke ồn ở p. Linh Trung, TP Thủ Đức", "Linh Xuân"),
        ("F.Linh Trung có ổ gà", "Linh Xuân"),
        ("Ph. Linh Chiểu mất điện", "Thủ Đức"),
        ("Nhà 33 Tăng Nhơn Phú, Phước Long B, nước đục", "Phước Long"),  # street, then ward
        ("phường: Bình Chiểu", "Tam Bình"),
        ("Rác đầy đường ở Thảo Điền", "An Khánh"),  # bare, capitalised
        ("Mất điện khu Phú Hữu cả buổi", "Long Trường"),
        ("có ai ở phường Tăng Nhơn Phú A không", "Tăng Nhơn Phú"),
        ("Phường Phước Long B nhiều hố ga mất nắp", "Phước Long"),
        ("PHƯỜNG TAM BÌNH NGẬP NẶNG QUÁ", "Tam Bình"),
        ("Nước cống tràn ở P.HBC", "Hiệp Bình"),  # reviewed abbreviations
        ("P.TNPA có quán karaoke ồn", "Tăng Nhơn Phú"),
        ("Phường Linh Đông ngập", "Hiệp Bình"),  # split ward: the part with most of its area
        ("Phường Tân Phú, Quận 9 xây không phép", "Tăng Nhơn Phú"),  # ambiguous name + context
        ("Phường An Phú, TP Thủ Đức cây đổ", "Bình Trưng"),
        ("Trường Thạnh có xe chở đất rơi vãi", "Long Phước"),
        ("Đường Linh Trung, phường Linh Trung bị ngập", "Linh Xuân"),  # street, then ward
        ("Trộm chó ở Long Phước, nhà tôi ở đường Long Phước", "Long Phước"),
        ("ở Linh Trung nhưng làm ở phường Thảo Điền", "An Khánh"),  # "phường" beats bare
        (
            "Kính gửi UBND. Tôi cư ngụ tại khu phố 3. Mỗi khi trời mưa, con hẻm nhà tôi lại "
            "ngập tới đầu gối, nước cống bốc mùi. Nhà tôi ở phường Bình Thọ. Mong xem xét.",
            "Thủ Đức",
        ),
        ("ad ơi p.Linh Tây cúp điện nữa rồi 😭😭", "Linh Xuân"),
        ("Em ở Long Bình, hẻm nhà em ngập", "Long Bình"),  # not "em Long Bình" (a name)
        ("Anh chị phường Long Bình ơi, cống nghẹt", "Long Bình"),
        ("nhà trọ khu phố 3 LinhTrung bị cúp điện", "Linh Xuân"),  # typed run together
        ("Đường Xuân Thủy p.thaodien kẹt xe", "An Khánh"),
        ("hiepbinhchanh mưa xíu là ngập", "Hiệp Bình"),
        ("Ở phường Trừơng Thạnh có người đốt rác", "Long Phước"),  # a misplaced tone mark
        ("Hẻm 62 Đoàn Công Hớn, phường Thủ Đúc, chó sủa cả đêm", "Thủ Đức"),  # a wrong one
        ("Quán ốc ở Linh Xuân mở nhạc tới khuya", "Linh Xuân"),  # the shop is in the ward
        ("Phường Linh Trung, TP Thủ Đức mất nước", "Linh Xuân"),  # this area after a comma
        # a lowercase name in a text with capitals
        ("mấy bạn ở thủ thiêm có thấy đèn đường trên Trần Bạch Đằng tắt hết ko", "An Khánh"),
        ("Cây đổ ở thảo điền sáng nay, Anh em cẩn thận", "An Khánh"),
        ("Nhà em ở cát lái q2 mất điện từ sáng", "Cát Lái"),  # everyday, so a district after
        ("Ở trường thọ, quận 9 mưa là ngập", "Thủ Đức"),
        ("ai ở trường thạnh bị mất điện không", "Long Phước"),  # after a word of place
        ("kẹt xe ở bên hiệp phú quá", "Tăng Nhơn Phú"),
        # initials after a word of place or before a district of this area
        ("Có ai ở PLB bị cúp nước không", "Phước Long"),
        ("Khu BTĐ Q2 cây đổ chắn đường", "Bình Trưng"),
        ("hbp q.tđ mất điện từ trưa", "Hiệp Bình"),
        # the writer's own ward first, the problem's after it
        (
            "Nhà tôi ở Linh Trung nhưng sáng nào cũng đi ngang Hiệp Phú, lề đường bị lấn",
            "Tăng Nhơn Phú",
        ),
        ("Mình ở Tam Phú, hôm qua về Long Phước thăm ngoại thì thấy cầu gỗ sắp sập", "Long Phước"),
        # a split former ward, then the ward it went to; "á" is no part of the name
        ("khu long thạnh mỹ cũ nay nhập về tăng nhơn phú á, đèn tắt", "Tăng Nhơn Phú"),
        # one letter off a name of two or three words
        ("Phường Thảo Điềm có chó thả rông", "An Khánh"),
        ("Cống bể gần Bình Trưn Tây, mong phường xử lý", "Bình Trưng"),
        # not a form of address: "nhà e" (my house), "khu A"
        ("ck e đánh e chảy máu, nhà e Hiệp Bình Phước", "Hiệp Bình"),
        ("Phòng B4 ký túc xá khu A Linh Trung mất nước", "Linh Xuân"),
        ("Quán karaoke bên Linh Trung hát tới khuya", "Linh Xuân"),  # a shop in the ward
        ("Tôi đi làm bên Thảo Điền, về tới hẻm 42 ở Bình Trưng Đông thì nước ngập", "Bình Trưng"),
        ("ai ở p.BT Đông cho e hỏi chợ đêm dọn đi đâu", "Bình Trưng"),
        ("Trong KĐT Sala phía An Lợi Đông có người thả diều trúng dây điện", "An Khánh"),
        ("xe cát tặc chạy ầm ầm cả đêm #phuongLongPhuoc", "Long Phước"),  # hashtags, glued marker
        ("#phuonghiepbinh ngập nữa", "Hiệp Bình"),
        # the marks of one word wrong: three words, or two after a word of place
        ("Ở Thạnh Mỹ Lơi có nhà xưởng xả nước thải ra rạch", "Cát Lái"),
        ("Cống khu cát lai nghẹt rồi, nước đen tràn lên mặt đường", "Cát Lái"),
        ("chỗ đất trống ở khu phố ở long truờng có người đốt rác", "Long Trường"),
        ("ê ai ở Long Trườg ko, khúc đó ngập tới đầu gối", "Long Trường"),  # a letter off
        ("Ở Phú Hửu giờ mấy bãi đất trống bị đổ rác", "Long Trường"),  # "Ở" opening the text
        ("Fước Bình có ai bị cúp nc k", "Phước Long"),  # teencode f for ph
        ("đường Nguyễn Thị Định có 3 ổ gà liên tiếp, P.Cat Lay", "Cát Lái"),  # 7 letters, marked
        # the writer's home or work first
        (
            "Tôi cư trú tại phường Tam Bình nhưng làm việc tại phường Hiệp Bình Phước cũ, cống ở"
            " đó bị nghẹt",
            "Hiệp Bình",
        ),
        (
            "Tôi làm việc tại phường Linh Xuân, xin phản ánh rác đổ trộm ở phường Hiệp Bình",
            "Hiệp Bình",
        ),
        ("ở TNPA hẻm 5 nước ngập tới gối", "Tăng Nhơn Phú"),
        # the writer's home first, after "từ nhà ở"
        (
            "Em đi học từ nhà ở phường Thủ Đức lên Linh Xuân, phía phường Linh Xuân hố ga lún",
            "Linh Xuân",
        ),
        # the writer's own ward only, and the problem there after all
        ("Tôi ở Bình Chiểu, hộ nghèo, muốn đăng ký trợ cấp. CMND cũ (quê Đồng Nai)", "Tam Bình"),
        ("Tui ở Long Bình bên Thủ Đức chớ không phải Biên Hòa nha, hẻm 35 ngập", "Long Bình"),
        (
            "tôi ở phường Long Phước chứ không phải Long Phước bên Long Thành, Đồng Nai. Cây đổ",
            "Long Phước",
        ),
        (
            "Ba tôi ở nhà ở Linh Trung, nghe tiếng rầm rồi im. Tôi đang kẹt ở Bình Dương, ai qua"
            " xem giùm",
            "Linh Xuân",
        ),
        ("Em ở phường Cát Lái, đi làm ở Quận 1 về thì thấy hẻm nhà em ngập", "Cát Lái"),
        ("Tôi ở phường Linh Xuân, vừa đi Đà Lạt về thì thấy đường Kha Vạn Cân ngập", "Linh Xuân"),
        ("Nhà ở Phước Long bị ngập tới gối", "Phước Long"),
        # a caller's or writer's address in a note or a form, then the problem in another ward
        (
            "Người gọi: anh Lê Văn Bảy, ngụ P. Long Trường. Phản ánh: đường Lò Lu, phường Long"
            " Phước có cây đổ",
            "Long Phước",
        ),
        (
            "Người viết: bà Mai, địa chỉ: 15 Đỗ Xuân Hợp, P. Phước Long. Nội dung: bãi rác tự"
            " phát ở phường Tăng Nhơn Phú",
            "Tăng Nhơn Phú",
        ),
        (
            "Người gọi: chị Hoa, ngụ P. Thủ Đức (Linh Chiểu cũ). Phản ánh: đèn đường ở phường"
            " Linh Xuân tắt",
            "Linh Xuân",
        ),
        ("Công dân ngụ phường Bình Trưng phản ánh quán bar ở phường An Khánh mở nhạc", "An Khánh"),
        (
            "Ông Duy, nhà ở phường Phước Long, gọi thay cho mẹ ở chung cư phường An Khánh: thang"
            " máy hư",
            "An Khánh",
        ),
        # a form's fields: where the problem is wins over the sender's address
        (
            "Người gửi: Khoa / Nơi ở: P. Long Trường / Nơi xảy ra: trước cổng trường, phường Linh"
            " Xuân / Nội dung: xe khách đón khách",
            "Linh Xuân",
        ),
        (
            "Địa chỉ người gửi: 15 Xuân Thủy, P. An Khánh\nNội dung: dây điện võng thấp ở phường"
            " Bình Trưng",
            "Bình Trưng",
        ),
        (
            "Phường Hiệp Bình nhận phản ánh về xà bần đổ trộm; qua xác minh, vị trí thuộc địa bàn"
            " phường Tam Bình",
            "Tam Bình",
        ),
        # two wards, the problem by the writer's home
        (
            "t ở Thạnh Mỹ Lợi nè, cty thì bên Thảo Điền. Sáng nay khúc gần nhà ngập lút bánh",
            "Cát Lái",
        ),
        (
            "Ông ngoại sống một mình ở Phước Bình, tôi ở tận Gò Vấp, hàng xóm đổ rác qua sân",
            "Phước Long",
        ),
        # home and work: a problem by the home is at the writer's own home, not a relative's
        (
            "Tôi làm ở Thảo Điền, nhà ở Phước Long B. Ngay đầu hẻm nhà tôi rác chất đống",
            "Phước Long",
        ),
        (
            "Ông ngoại tôi ở Long Phước, qua thăm tôi ở Cát Lái thì bị giật túi ngay đầu hẻm"
            " nhà tôi",
            "Cát Lái",
        ),
        (
            "Nhà tôi ở Bình Trưng Tây, ngày nào cũng qua hầm. Ngay trước Nhà thờ Thủ Thiêm, phường"
            " An Khánh, cống bể",
            "An Khánh",
        ),
        # the office writing or forwarding a note is not where the problem is
        (
            "Người trực: Tâm (điểm trực P. Tăng Nhơn Phú)\nViệc tồn: dây điện võng thấp trên đường"
            " Nguyễn Xiển, P. Long Bình",
            "Long Bình",
        ),
        (
            "UBND phường Phước Long kính chuyển UBND phường Tăng Nhơn Phú phản ánh về bãi xe",
            "Tăng Nhơn Phú",
        ),
        (
            "Chuyển tiếp từ UBND phường Linh Xuân: địa chỉ thực tế thuộc phường Thủ Đức, không"
            " thuộc địa bàn Linh Xuân",
            "Thủ Đức",
        ),
        (
            "Trung tâm phục vụ hành chính công phường Hiệp Bình ghi nhận: xe tải làm rơi đất dọc Tô"
            " Ngọc Vân, đoạn qua phường Tam Bình",
            "Tam Bình",
        ),
        (
            "Địa chỉ liên hệ P. Bình Trưng. Nội dung: xe container đậu gần cảng, phường Cát Lái",
            "Cát Lái",
        ),
        (
            "có thằng biến thái rình nhà tắm khu trọ, t báo CA phường Tam Bình r. t làm bên Linh"
            " Xuân",
            "Tam Bình",
        ),
        (
            "Tôi tên Khoa, làm việc tại phường Tăng Nhơn Phú, nhà ở 112 Dương Đình Hội, phường"
            " Phước Long. Quán karaoke đối diện nhà tôi hát tới 2 giờ",
            "Phước Long",
        ),
        (
            "Nhà trọ ở Bình Chiểu, hôm qua về ngang Linh Xuân thấy đèn đường tắt cả đoạn",
            "Linh Xuân",
        ),
        ("Nhà tôi ở phường Hiệp Bình, mẹ ở phường Thủ Đức. Hẻm nhà mẹ tôi cống nghẹt", "Thủ Đức"),
        (
            "Ba tôi ở Phước Long A, tôi ở Bình Thọ. Tới trước nhà ba thì thấy nước cống tràn",
            "Phước Long",
        ),
        (
            "Kính gửi UBND phường Thủ Đức và UBND phường Hiệp Bình. Tại phường Linh Đông cũ, đường"
            " Tô Ngọc Vân có hố sụt",
            "Hiệp Bình",
        ),
        (
            "UBND phường Tăng Nhơn Phú báo cáo: đoạn đường ngập nằm ngoài địa giới, thuộc khu vực"
            " phường Phước Long",
            "Phước Long",
        ),
        (
            "Nơi nhận: UBND phường Long Phước\nNội dung: ông Lộc (ngụ phường Phước Long) phản ánh"
            " ghe hút cát gần bến đò Long Phước",
            "Long Phước",
        ),
        # a caller's address in an operator's note, then the problem in another ward
        (
            "Ông Trần Văn Tư, trú tại phường Linh Xuân, gọi báo: đi ngang phường Tam Bình thấy"
            " cột điện nghiêng",
            "Tam Bình",
        ),
        ("Nhà tôi ở phường Tam Bình, hôm qua vào Chợ Rẫy về thấy trước nhà cây ngã", "Tam Bình"),
        ("Mình ở phường Thủ Đức, ngày nào cũng đi ngang chợ Thủ Đức, nắp cống bể", "Thủ Đức"),
        # "Long Thạnh Mỹ" folds like "Long Thành" (Đồng Nai) at its start
        ("Ưu tiên ứng viên ở Hiệp Phú, Tăng Nhơn Phú, Long Thạnh Mỹ", "Tăng Nhơn Phú"),
        ("Tuyến xe buýt qua Phước Bình, Long Thạnh Mỹ bị bỏ chuyến", "Phước Long"),
        # "BTĐ" after "P." in a text that names this area
        ("Vị trí: hẻm 103 Nguyễn Duy Trinh, P.BTĐ cũ. Chuyển: Điện lực Thủ Đức", "Bình Trưng"),
        ("p.BTĐ nha mn, đường Nguyễn Duy Trinh ngập tới đầu gối", "Bình Trưng"),  # a local street
        # a ward's name opening a chat, "nè" after it: misspelt, a wrong mark, an everyday word
        ("Thảo Điềm nè ae, đường Xuân Thủy ngập sau mưa", "An Khánh"),
        ("Bình Chiễu nè ae, đèn đường Cây Keng hư nguyên dãy", "Tam Bình"),
        ("cát lái nè ae, hẻm 12 có con chó dữ thả rông", "Cát Lái"),
        ("Cát Lài nha mọi người, đường Nguyễn Thị Định có ổ gà sâu", "Cát Lái"),
        # both wards the writer's, home then work: the problem at the last ("… làm ở P. X: …")
        (
            "Nhà tôi ở phường Tam Bình nhưng tôi làm ở P. Thủ Đức: trước cổng trường hố ga hở",
            "Thủ Đức",
        ),
        ("Phú Hửu đường Võ Chí Công dưới chân cầu có người đổ trộm bùn", "Long Trường"),
        # a street's own number before the ward: not a house number of a street named like it
        ("Đường Tân Lập 2 Hiệp Phú Q9 có cây đổ chắn ngang", "Tăng Nhơn Phú"),
        ("phòng trọ đường Hoàng Diệu 2 Linh Trung có mùi gas", "Linh Xuân"),
        # the letter of a former ward in either case
        ("Phuoc Long b cúp điện từ trưa", "Phước Long"),
        ("ở Tăng Nhơn Phú b nước yếu", "Tăng Nhơn Phú"),
        # "nhà t X": the writer's home; the problem on the way, in the other ward
        ("nhà t Hiệp Phú, ngày nào chạy Nguyễn Xiển qua Long Thạnh Mỹ cũng bụi mù", "Long Bình"),
        # … unless the home ward is named again, with "phường", after the other
        (
            "nhà tui Long Phước, đi làm qua Long Trường, mà đường Long Phước khúc gần đình sạt"
            " bờ kè, phường Long Phước coi lẹ đi",
            "Long Phước",
        ),
        # "gần nhà số 54": a numbered house, not the writer's home (who lives in another ward)
        (
            "Kính gửi UBND phường Thủ Đức. Tôi cư trú tại phường Linh Xuân, làm ở khu Bình Thọ."
            " Đi qua đường Đặng Văn Bi, gần nhà số 54, nắp hố ga bị vỡ",
            "Thủ Đức",
        ),
        # the office that forwards the complaint ("UBND phường X chuyển đơn … đến …")
        (
            "UBND phường Long Bình chuyển đơn của bà Thu đến UBND phường Tăng Nhơn Phú: cống vỡ",
            "Tăng Nhơn Phú",
        ),
        (
            "UBND phường Phước Long chuyển UBND phường Long Trường: lấn chiếm kênh tại hẻm 80"
            " Nguyễn Duy Trinh, không thuộc địa bàn phường Phước Long",
            "Long Trường",
        ),
        # the caller's home and work in an operator's note, then the problem
        (
            "Tổng đài 1022: người gọi ở P. Hiệp Bình, làm việc ở Linh Xuân, phản ánh công trình"
            " lấn hẻm 33 Đặng Văn Bi, phường Thủ Đức",
            "Thủ Đức",
        ),
        # a ward called with "ơi" opening a chat; a dash before the alley in capitals
        ("cát lái ơi 😭 mất điện từ sáng", "Cát Lái"),
        ("Phươc Long ơi 🙏 hẻm 77 Tây Hòa mất nước 3 ngày", "Phước Long"),
        ("CÁT LÁI - HẺM 135 NGUYỄN THỊ ĐỊNH ĐÈN ĐƯỜNG HƯ HẾT", "Cát Lái"),
        # answers to the chatbot's "where?": a former name said to be former, "khu phố 2 X",
        # a correction, a name one letter off before "á"
        ("trường thạnh cũ, đường Lò Lu hẻm 4", "Long Phước"),
        ("ở khu phố 2 trường thọ, sát bờ rạch á", "Thủ Đức"),
        ("ủa lộn, hông phải Linh Đông đâu, Linh Xuân mới đúng", "Linh Xuân"),
        ("gần trường ĐH Nông Lâm, Linh Trug á, tối thui", "Linh Xuân"),
        ("Phước Bìh á, đg số 10 ngập r nè", "Phước Long"),
        # typed fast: marks left out, initials in capitals before a street, "(cũ)", a digit
        # typed onto the name
        ("Khu Thao Đien đường Quốc Hương xe tải đậu dọc hai bên", "An Khánh"),
        ("ủa PLB đường Dương Đình Hội bể ống nước", "Phước Long"),
        ("Tôi ở số 27 đường Nguyễn Tư Nghiêm, P.BTĐ (cũ). Nước thải tràn", "Bình Trưng"),
        ("Địa chỉ sự việc: hẻm 9 Lê Văn Chí, P.Linh Trung2. Nội dung: đốt rác", "Linh Xuân"),
        # "gần ranh với X nhưng vẫn là Y"
        ("gần ranh với Cát Lái nhưng vẫn là Bình Trưng Tây cũ: xe tải lấn vỉa hè", "Bình Trưng"),
        # a last letter typed over and over; a tone mark on the syllable's other vowel
        ("TAM BÌNHHH ƠI!! Cống nghẹt 3 ngày rồi", "Tam Bình"),
        ("AN KHÁNHHH nè, đầu đường Lương Định Của có xe đổ xà bần", "An Khánh"),
        ("Phứơc Long B nè, đường Dương Đình Hội bụi mù", "Phước Long"),
        # whose place: a house let out, not the writer's home ("trước nhà" is the let house's);
        # where a caller is now; the problem said to be in the writer's ward too
        (
            "Tôi thường trú tại phường Tam Bình. Tôi có căn nhà cho thuê tại số 41/7 đường Hiệp"
            " Bình, phường Hiệp Bình Phước cũ. Người thuê báo nắp cống trước nhà bị sụp",
            "Hiệp Bình",
        ),
        (
            "Chị Thảo, đang ở nhà mẹ tại phường Bình Trưng, gọi báo: nhà chị tại hẻm 8 Nguyễn Thị"
            " Định, phường Cát Lái, bị trộm cạy cửa",
            "Cát Lái",
        ),
        (
            "Tôi dạy học bên Phước Long, nhà ở phường Long Bình. Đường Phước Thiện đoạn gần số 52,"
            " cũng ở Long Bình, sụt lún một vệt dài",
            "Long Bình",
        ),
        # "Em nhà ở phường X" is the writer's home: the problem is in the other ward named
        (
            "Em nha o phuong Binh Trung Tay, lam van phong o Binh Thanh. Hom nay tren duong Tran"
            " Nao doan phuong An Khanh co cay xanh gay nhanh",
            "An Khánh",
        ),
        # stuck at work elsewhere, the problem at home
        (
            "Mẹ tôi gọi từ nhà ở Hiệp Bình Chánh, ba tôi tức ngực. Tôi đang kẹt ở chỗ làm bên"
            " Bình Dương",
            "Hiệp Bình",
        ),
        # half shouted: each word all in capitals or all in lowercase
        ("Cống nghẹt ở thảo ĐIỀN mấy hôm nay", "An Khánh"),
        ("LINH trung ngập quá trời, xe chết máy hàng loạt", "Linh Xuân"),
        # a web form's "Phường/Xã:" field, its "xã" no commune, whatever the district field says
        ("Phường/Xã: An Khánh | Quận/Huyện: Quận 2 | Địa chỉ: 50 Trần Não", "An Khánh"),
        ("PHƯỜNG/XÃ: HIỆP BÌNH CHÁNH - QUẬN/HUYỆN: THỦ ĐỨC - NỘI DUNG: VỈA HÈ BỂ", "Hiệp Bình"),
        ("Địa chỉ: 30 Lò Lu, Phường / Xã: Trường Thạnh, Quận/Huyện: Quận 9", "Long Phước"),
        ("Phường/Xã: Thủ Đức | Nội dung: rác tồn 3 ngày", "Thủ Đức"),
    ],
)
def test_ward_from_text_with_and_without_diacritics(
    places: PlaceExtractor, text: str, ward: str
) -> None:
    for variant in both_ways(text):
        place = places.extract(variant)
        assert (place.ward, place.ward_source, place.district_hint) == (ward, "text", None)


@pytest.mark.parametrize(
    "text",
    [
        "Đường Võ Văn Ngân ngập sâu sau cơn mưa chiều nay",
        "ổ gà trên đường Tam Bình",  # streets named like wards
        "Đường Hiệp Bình kẹt xe",
        "hẻm 102 đường Linh Đông cống tắc",
        "Nhà 33 Tăng Nhơn Phú nước máy đục ngầu",  # a street after a house number
        "Hẻm 5 Hiệp Bình bị ngập",
        "TP Thủ Đức mưa lớn quá",  # the former city, not the ward
        "Ở Thủ Đức có chỗ nào đổ xà bần",
        "Q9 ngập quá trời",  # a former district alone
        "Quận 2 kẹt xe giờ cao điểm",
        "chợ Thủ Đức đông quá",  # landmarks
        "Ngã tư Thủ Đức kẹt cứng",
        "Ga metro Thảo Điền có người bán hàng rong",
        "Cầu Thủ Thiêm có người câu cá",
        "Phường Bến Nghé quận 1 có người vô gia cư",  # elsewhere in the city
        "phường 7 Gò Vấp ngập",
        "phường 9 có mất điện không",
        "Phường Tân Phú quận 7 mất nước",
        "Quận Tân Phú bị ngập",
        "Phường Long Bình, Biên Hòa có cháy",
        "Phường Phước Long, Nha Trang có sạt lở",
        "Xã An Khánh, Hoài Đức, Hà Nội",
        "Phường An Phú ngập",  # also a current ward elsewhere in HCMC: ambiguous alone
        "Tân Phú kẹt xe",
        "Tôi đã trưởng thành rồi",  # everyday words that fold like former wards
        "Thung lũng trường thọ ở Pakistan",
        "Cần linh động xử lý",
        "Bayern thắng ở hiệp phụ",
        "Xe chở cát lái ẩu quá, Công an đâu rồi",
        "Chúc ông bà trường thọ, Mọi người khỏe",
        "Tấm bình phong bán giá cao",
        "Áo giáp của binh lính Trung Quốc",
        "Anh Long Bình nhà bên đậu xe chắn hẻm",  # people and shops named like wards
        "Cô Linh Xuân tổ trưởng báo cống nghẹt",
        "Quán cơm Bình Thọ xả nước ra lề đường",
        "Nhà thuốc Tam Bình bán thuốc không toa",
        "Tiệm sửa xe Bình Trưng lấy tiền mà không thay nhớt",
        "Công ty TNHH Long Trường nợ lương công nhân",
        "Ông Nguyễn Trường Thọ hàng xóm nuôi chim bồ câu",  # a surname: a person
        "Chị Nguyễn An Khánh phòng bên mở loa tới khuya",
        "Con tôi trọ ở phường An Khánh, quận Ninh Kiều, khu đó hay cúp điện",  # elsewhere
        "e ở Tam Bình, Vĩnh Long lên thành phố học",  # a province
        "Ban tổ chức BTT thông báo lịch thi đấu",  # initials without a place
        "BTĐ kẹt xe quá",  # also Bình Trị Đông
        "a Phước Long tổ trưởng nói mai thu rác",  # "a": anh
        "Công ty Cổ phần Xây dựng Phước Long thi công chậm",
        "Kính gửi Điện lực Thủ Thiêm, trụ điện hẻm 45 nghiêng",
        "Trước cổng Trường THPT Hiệp Bình kẹt xe giờ tan học",  # a school's gate
        "Ổ gà ở đoạn đầu đường Tam Bình gần cây xăng",  # the start of a street
        "bé Thảo Điền nhà bên mới sinh hôm qua",  # a baby
        "Ngân hàng chi nhánh Thủ Thiêm gọi bảo tôi lên cập nhật",
        "Xe của nhà xe Phú Hữu chạy ẩu quá",
        "Tiệm gốm dọn hàng ra vỉa hè, bình trưng bày xếp tới mép đường",
        "Nhà ngoại ở phường Long Phước, thị xã Phước Long bị sạt lở",
        "Khu vực cổng KCX Linh Trung 1 buổi trưa xe bán hàng rong chiếm lề",  # gates: landmarks
        "Trước cổng chợ Long Trường sáng nào cũng có xe tải đổ hàng",
        "Trước cổng chùa Long Phước có người ăn xin ngày rằm",
        "Xe đầu kéo của Công ty TNHH Vận tải Long Trường Phát đậu qua đêm",
        "thằng An Khánh xóm e tối nào cũng độ pô xe",  # people, a bank branch, clubs
        "ai biết anh shipper tên Long Bình ko",
        "Trước cây ATM chi nhánh Vietinbank Cát Lái có hố ga hở nắp",
        "Sân bóng của CLB Hiệp Bình FC mở đèn tới 11h đêm",
        "Sáng nào câu lạc bộ dưỡng sinh Trường Thọ cũng mở loa",
        "em ở Phước Long bên Bình Phước, điện cúp liên tục",  # another province
        "đội bóng Phú Hữu FC đá sân mini tới 11h đêm",  # things named like wards
        "Đội Hiệp Phú FC đá giải phong trào tới 11h đêm",
        "Cư dân dự án Thủ Thiêm Lakeview phản ánh chủ đầu tư chậm bàn giao",
        "tối nay đi coi phim Cô Dâu Thủ Thiêm ko mn",
        "có ai đọc cuốn Ký Ức Thảo Điền chưa",
        "Gara Hiệp Bình sửa xe ẩu",
        "HTX Long Phước bán rau sạch giao tận nhà",
        "Người viết: Nguyễn Thị An Khánh, cư dân tầng 12",  # a person
        # only the writer's own ward, and the problem on the way or elsewhere
        "Nhà tôi ở phường Long Bình, hôm nay đi làm ngang Võ Nguyên Giáp thấy cây ngã",
        "Em ở Linh Trung mà ngày nào cũng đi làm qua Dĩ An, đoạn trước cổng KCN ổ gà nhiều",
        "Em ở P. Cát Lái, hôm qua qua phà sang Nhơn Trạch thì thấy đường bên đó ngập",
        "Tôi là Tài, thường trú phường Hiệp Bình. Đoạn đường tôi đi làm mỗi ngày có nhiều ổ gà",
        "Mình ở Thạnh Mỹ Lợi cũ, hôm qua chở con đi học thấy đèn giao thông ở một ngã tư hỏng",
        "Nhà tôi ở phường Long Trường, ngày nào cũng đi làm bên Quận 1. Đoạn đó kẹt cứng",
        "t ở p.Tam Bình nè mà làm bên Dĩ An, sáng nào cầu vượt cũng kẹt cứng",
        "Tôi ở phường Linh Xuân, con tôi học ở một trường tư bên Gò Vấp, trường thu thêm tiền",
        "nhà t ở p.Phước Long nè, chiều nay đi qua cầu Rạch Chiếc thấy khe co giãn bị bung",
        "phường mình ở Linh Tây, con tôi học trường ở quận Bình Thạnh, trước cổng kẹt xe quá",
        "nhà t ở p.Hiệp Bình mà sáng nào qua hầm Thủ Thiêm đi làm cũng kẹt 30p",
        "Tôi ở phường Long Trường, hôm qua chạy qua cầu Sài Gòn thấy khe co giãn bị bung",
        "Mua bánh trung thu hiệu An Khánh ở tiệm tạp hóa thì bị mốc",  # a brand
        "Tôi ngụ tại phường Phước Long, hằng ngày đi làm qua cầu Sài Gòn thấy đèn hỏng",
        "nhà mình p.an khánh nha, mà công ty mình bên KCN Tân Bình cứ xả khói đen",
        "Nhà tôi ở phường Hiệp Bình, chỗ muốn phản ánh là đường Cộng Hòa bên Tân Bình",
        # … another ward of the city, or a landmark elsewhere (nlp/data/places_elsewhere.json)
        "Nhà em ở Linh Trung, sáng nay vào Chợ Rẫy thăm mẹ thấy cống bể nước tràn ra đường",
        "Tôi ở phường Linh Xuân, hôm qua làm ở phường Bình Lợi Trung thấy đường ngập sâu",
        "Mình ở Hiệp Bình, làm ở KCN Tân Tạo, trong khu đó rác ngập",
        "Tôi ở phường Cát Lái, đưa mẹ đi khám ở bệnh viện Chợ Rẫy, bãi xe thu 20 ngàn",
        "Em ở Linh Xuân, hôm qua đi chợ Tân Định thấy rác ngập lối đi",  # named after a ward
        "Tôi ở Long Bình. Ba tôi nằm ở Bệnh viện Nhân dân Gia Định, căng tin bán đắt",
        "Tôi ở phường Tam Bình, tuần rồi về quê ở Tiền Giang thấy cầu khỉ gãy",  # a trip home
        "Nhà ở Hiệp Bình mà đi làm bên Bình Dương, công ty bắt tăng ca",  # "Nhà ở …" opening
        "Người gọi: ông Tâm, ngụ P. Phước Long (Phước Bình cũ). Con ông bị đánh ở quán nhậu bên"
        " Phú Nhuận",
        # a ward said not to be the one; a blessing
        "Mình ở phường Long Bình bên Biên Hòa nha, không phải Long Bình Q9 đâu, đường kẹt cứng",
        "Cầu cho mọi nhà phước bình an",
        "thôi t tạm bình tĩnh lại r, mai tính tiếp",
        "Cả xóm treo đèn lung linh xuân về đẹp lắm",
        "chai nước suối Bình Thọ này uống có vị lạ",
        "nước mắm Tam Bình mua về bị mốc nắp",
        "Ban quản trị An Khánh Residence phản ánh chủ đầu tư chậm giao sổ",  # buildings, brands
        "cầu vượt Linh Xuân kẹt cứng từ sáng",  # a landmark alone
        "Thầy Long Bình dạy thêm tại nhà, phòng chật không có lối thoát hiểm",
        "p.BTĐ quận Bình Tân, đường Tên Lửa ngập",  # Bình Trị Đông
        "xe chở cát lái ẩu quá nè",
        # names listed before a place elsewhere, an organisation's name
        "Về quê ở Phước Bình, Phước Long, Bình Phước thấy đường ổ gà khắp nơi",
        "Nhà hàng tiệc cưới Phước Long mở nhạc tới 11 giờ đêm",
        "Nhóm Zalo Cư dân Thủ Thiêm Review đăng tin bán đất nền giá rẻ",
        "sáng nay nước tạm bình thường lại rồi",  # everyday words
        "Ông nội hồi trước là lính trung đoàn pháo binh",
        "Chủ nhật này cả xóm đi ăn khánh thành nhà mới",
        "hãng xe Long Bình Limousine thu giá gấp đôi ngày lễ",  # a company named like a ward
        "FC Long Trường vs FC Cát Lái hôm qua đá hay ghê",  # teams
        "Hợp tác xã vận tải Trường Thọ đề nghị hướng dẫn thủ tục",
        "Thang máy chung cư 4S Linh Đông hư cả tuần",  # a landmark whose name starts with "4S"
        "Phúc Long sau một năm về tay Masan",  # a brand one letter from a ward, opening a text
        "Tâm bình an là đủ rồi, mọi người ơi",  # a capital opening a sentence is not a name
        # the writer's ward, "but where I work" is elsewhere
        "Em ở Tăng Nhơn Phú nè, mà chỗ em làm ở Bình Thạnh, đường Xô Viết Nghệ Tĩnh ngập quá",
        "e ở cát lái nè, mà chỗ e làm bên Nhà Bè đường Huỳnh Tấn Phát ngập quá trời",
        # the writer's ward, the problem "bên Dĩ An", "cách nhà em hai cây số"
        "em ở Linh Trung nhưng chỗ ngập là bên Dĩ An, cách nhà em chừng hai cây số",
        # said not to be in the ward: "không thuộc địa bàn phường …"
        "Vị trí phản ánh thuộc phường Tân Đông Hiệp, không thuộc địa bàn phường Linh Xuân",
        # a form's district field alone, and a commune of the same name elsewhere
        "Quận/Huyện: Thủ Đức | Địa chỉ: 12 Đường số 6 | Nội dung: thoát nước kém",
        "Xã: An Khánh | Huyện: Hoài Đức | Tỉnh: Hà Nội",
        "",
    ],
)
def test_no_ward_is_invented(places: PlaceExtractor, text: str) -> None:
    for variant in both_ways(text):
        assert places.extract(variant).ward is None, variant


def test_two_words_with_a_wrong_mark_need_a_word_of_place(places: PlaceExtractor) -> None:
    assert places.extract("Bình Thợ sửa xe tới trễ").ward is None
    assert places.extract("Xe hư ở khu bình thợ").ward == "Thủ Đức"


def test_a_misspelt_name_counts_only_after_phuong(places: PlaceExtractor) -> None:
    assert places.extract("Bình Chiễu mưa là ngập").ward is None
    assert places.extract("Phường Bình Chiễu mưa là ngập").ward == "Tam Bình"


def test_an_everyday_word_after_phuong_is_no_misspelt_ward(places: PlaceExtractor) -> None:
    assert places.extract("Mong phường linh động giải quyết giúp, nhà ở Q9").ward is None
    assert places.extract("Mấy đứa nhỏ phường mình trưởng thành hết rồi").ward is None
    assert places.extract("Mất điện ở phường Linh Đông").ward == "Hiệp Bình"


def test_without_diacritics_a_district_needs_a_capitalised_name(places: PlaceExtractor) -> None:
    # "quan bar" is a bar (quán), "quan Ninh Kieu" a district elsewhere
    assert places.extract("p thao dien, quan bar tren duong xuan thuy mo nhac to").ward == (
        "An Khánh"
    )
    assert places.extract("phuong An Khanh, quan Ninh Kieu mat dien").ward is None


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("Q9 ngập quá trời", "Quận 9"),
        ("quận 9 có nhiều khu đất trống", "Quận 9"),
        ("Q.2 ngập", "Quận 2"),
        ("District 2 too much traffic", "Quận 2"),
        ("Quận Thủ Đức cũ có nhiều hẻm sâu", "Quận Thủ Đức"),
        ("TP Thủ Đức mưa lớn quá", "TP Thủ Đức"),
        ("Ở TP.TĐ thì nộp hồ sơ ở đâu", "TP Thủ Đức"),
        ("Thủ Đức mất điện diện rộng", "TP Thủ Đức"),
    ],
)
def test_a_former_district_is_only_a_hint(places: PlaceExtractor, text: str, hint: str) -> None:
    for variant in both_ways(text):
        place = places.extract(variant)
        assert (place.ward, place.district_hint) == (None, hint)


def test_no_hint_once_a_ward_is_known(places: PlaceExtractor) -> None:
    assert places.extract("phường Phước Long B, Quận 9").district_hint is None


# -- street, alley, house number, landmark --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "street", "alley", "house"),
    [
        ("Đường Kha Vạn Cân, P. Linh Tây ngập sâu", "Kha Vạn Cân", None, None),
        ("Số 12 Võ Văn Ngân, phường Linh Chiểu có cống bể", "Võ Văn Ngân", None, "12"),
        ("hẻm 12/5 Đặng Văn Bi rác ùn ứ", "Đặng Văn Bi", "hẻm 12/5", None),
        ("12/3 Lê Văn Việt, P. Hiệp Phú: mất điện", "Lê Văn Việt", None, "12/3"),
        ("Nhà số 45A đường số 8 bị nứt tường", "đường số 8", None, "45A"),
        ("số 3 hẻm 12 Quốc Hương ồn quá", "Quốc Hương", "hẻm 12", "3"),
        ("Hẻm 1135 Nguyễn Duy Trinh cống nghẹt", "Nguyễn Duy Trinh", "Hẻm 1135", None),
        ("kiệt 3 đường Trần Não", "Trần Não", "kiệt 3", None),
        ("ngõ 7 Xuân Thủy", "Xuân Thủy", "ngõ 7", None),
        ("hxh 50 đường Tô Ngọc Vân", "Tô Ngọc Vân", "hxh 50", None),
        ("Quốc lộ 13 đoạn qua Hiệp Bình Phước ngập", "Quốc lộ 13", None, None),
        ("QL13 kẹt xe", "QL13", None, None),
        ("Xa lộ Hà Nội bị lún", "Xa lộ Hà Nội", None, None),
        ("12 đường 379 bị ngập", "đường 379", None, "12"),
        ("Nhà tôi 34/5/2 Kha Vạn Cân", "Kha Vạn Cân", None, "34/5/2"),
        ("Số nhà 120, đường Đặng Văn Bi", "Đặng Văn Bi", None, "120"),
        ("đường Nguyễn Văn Quá bị ngập", "Nguyễn Văn Quá", None, None),  # not in the lexicon
        ("ổ gà trên đường Tam Bình", "Tam Bình", None, None),
        # a ward's name right after a house number is the street named like it
        ("Nhà 33 Tăng Nhơn Phú, nước máy đục ngầu", "Tăng Nhơn Phú", None, "33"),
        ("Nhà mình ở 41 Hiệp Bình, nước cống trào ngược", "Hiệp Bình", None, "41"),
        # … but a number right after a street's name is the name's, before a ward
        ("Đường Tân Lập 2 Hiệp Phú cây đổ", "Tân Lập 2", None, None),
        ("Đường Tân Lập 2, P. Hiệp Phú cây đổ", "Tân Lập 2", None, None),
        ("đường Lê Văn Việt 2 tuần nay ngập", "Lê Văn Việt", None, None),
        # the house the problem is next to: "gần số", "trước số", "chỗ số"
        ("Đường Đỗ Xuân Hợp đoạn trước số 312 cây nghiêng", "Đỗ Xuân Hợp", None, "312"),
        ("đường Lê Văn Thịnh chỗ số 150 ống nước bể", "Lê Văn Thịnh", None, "150"),
        ("Vỉa hè đường Quốc Hương gần số 45 bị sụt", "Quốc Hương", None, "45"),
        # "số N" then a street named after a person, with no "đường" (a form's address)
        ("Số 5 Thân Văn Nhiếp, P. An Phú — vỉa hè bị đào", "Thân Văn Nhiếp", None, "5"),
        ("Nhà số 18 Trần Ngọc Diện đang lên tầng 5", "Trần Ngọc Diện", None, "18"),
        # but "số 141 Linh Trung" is a bus route by a ward, not a house on a street
        ("Xe buýt số 141 Linh Trung chạy ẩu quá", None, None, None),
    ],
)
def test_street_alley_and_house_number_as_written(
    places: PlaceExtractor, text: str, street: str, alley: str | None, house: str | None
) -> None:
    for variant in both_ways(text):
        place = places.extract(variant)
        expected = [None if x is None else (x if variant == text else strip_diacritics(x))
                    for x in (street, alley, house)]  # fmt: skip
        assert [place.street, place.alley, place.house_number] == expected, variant


def test_lowercase_street_is_returned_as_typed(places: PlaceExtractor) -> None:
    assert places.extract("duong vo van ngan ngap").street == "vo van ngan"
    assert places.extract("duong nguyen van ba bi ngap").street == "nguyen van ba"


@pytest.mark.parametrize(
    "text",
    [
        "Đường ngập sâu sau cơn mưa chiều nay",
        "Đèn đường hư mấy hôm nay rồi",
        "Đường ống nước bị vỡ",
        "Đường dây điện võng thấp",
        "Qua đường ở đây rất nguy hiểm",
        "Con đường trước nhà tôi xuống cấp",
        "có 2 đường ống nước bị vỡ",
        "Phải ra đường ăn xin",
        "Người tiểu đường nên ăn gì",
        "Giảng đường 2 đông kín",
        "dự tính lỗ 2.300 tỷ đồng",
        "Hẻm nhỏ quá xe rác không vào được",
        "Từ ngày 12/3 tới giờ vẫn chưa ai xử lý",
        "Gọi số 0909123456 không ai bắt máy",
        "năm 2018 Trung Quốc có 149.000 km đường cao tốc",
        "Các nước dân chủ Tây Âu",
        "Xếp hàng trước số đông người chờ tới lượt",  # "số" of a crowd, no number
        "Mất CCCD ở trường PCCC, ai nhặt được gọi giùm",  # letters repeated inside a word
    ],
)
def test_no_street_alley_or_house_number_invented(places: PlaceExtractor, text: str) -> None:
    for variant in both_ways(text):
        place = places.extract(variant)
        assert (place.street, place.alley, place.house_number) == (None, None, None), variant


@pytest.mark.parametrize(
    ("text", "landmark"),
    [
        ("Chợ Thủ Đức đông quá", "Chợ Thủ Đức"),
        ("ket xe o nga tu thu duc", "nga tu thu duc"),
        ("Cầu Sài Gòn tắc đường", "Cầu Sài Gòn"),
        ("Bến xe Miền Đông mới nhiều xe dù", "Bến xe Miền Đông mới"),
        ("KTX khu B mất nước", "KTX khu B"),
        ("Trước cổng Vincom có xe ôm", "Vincom"),
        ("Vincom Thủ Đức đông quá", "Vincom Thủ Đức"),
        ("Ga metro Thảo Điền có người bán hàng rong", "Ga metro Thảo Điền"),
        ("Trường THCS Linh Trung có xe đậu", "Trường THCS Linh Trung"),
        ("Ngã 4 An Sương kẹt xe", "Ngã 4 An Sương"),
        ("Vòng xoay Liên Phường ùn tắc", "Vòng xoay Liên Phường"),
        ("Trước cổng chợ Long Trường có xe tải", "chợ Long Trường"),  # "cong cho": a gate
    ],
)
def test_landmark(places: PlaceExtractor, text: str, landmark: str) -> None:
    assert places.extract(text).landmark == landmark
    assert places.extract(strip_diacritics(text)).landmark == strip_diacritics(landmark)


@pytest.mark.parametrize(
    "text",
    [
        "yêu cầu UBND xử lý dứt điểm",
        "k cho Tùng xem mèo Tom thì cho xem chuột Jerry đi",  # "cho" is not "chợ"
        "Tại thị trường China doanh số tăng",
        "tốt nghiệp đại học nhờ công chồng",
    ],
)
def test_no_landmark_invented(places: PlaceExtractor, text: str) -> None:
    assert places.extract(text).landmark is None


# -- coordinates and priorities ------------------------------------------------------------


@pytest.mark.parametrize(("ward", "point"), INSIDE.items())
def test_ward_at_a_point_inside_each_ward(
    places: PlaceExtractor, ward: str, point: tuple[float, float]
) -> None:
    assert places.ward_at(*point) == ward


@pytest.mark.parametrize(
    "point",
    [
        QUAN_1,
        (10.8387, 106.6653),  # Gò Vấp
        (21.0285, 105.8542),  # Hà Nội
        (0.0, 0.0),
        (106.75636, 10.84053),  # latitude and longitude swapped: not guessed
        (math.nan, 106.75),
        (10.84, math.inf),
    ],
)
def test_no_ward_outside_the_12_wards(places: PlaceExtractor, point: tuple[float, float]) -> None:
    assert places.ward_at(*point) is None


@pytest.mark.parametrize(
    ("text", "location", "point", "ward", "source"),
    [
        ("Ngập ở phường Linh Trung", None, INSIDE["Cát Lái"], "Cát Lái", "coordinates"),
        ("Ngập", "Phường Thảo Điền", INSIDE["Cát Lái"], "Cát Lái", "coordinates"),
        ("Ngập ở phường Linh Trung", "phường Hiệp Bình Chánh", None, "Hiệp Bình", "location_text"),
        ("Ngập ở phường Linh Trung", "P. Bình Chiểu", QUAN_1, "Tam Bình", "location_text"),
        ("Ngập ở phường Linh Trung", None, QUAN_1, "Linh Xuân", "text"),
        ("Ngập ở phường Linh Trung", "TP Thủ Đức", None, "Linh Xuân", "text"),
        ("Ngập", None, QUAN_1, None, None),
    ],
)
def test_coordinates_then_location_text_then_text(
    places: PlaceExtractor,
    text: str,
    location: str | None,
    point: tuple[float, float] | None,
    ward: str | None,
    source: str | None,
) -> None:
    lat, lon = point if point else (None, None)
    place = places.extract(text, location_text=location, latitude=lat, longitude=lon)
    assert (place.ward, place.ward_source) == (ward, source)


def test_location_text_details_come_first(places: PlaceExtractor) -> None:
    place = places.extract(
        "Đèn đường ở đường Kha Vạn Cân không sáng", "123 Võ Văn Ngân, P. Linh Chiểu"
    )
    assert place == Place(ward="Thủ Đức", ward_source="location_text", street="Võ Văn Ngân",
                          house_number="123")  # fmt: skip


# -- reference data -------------------------------------------------------------------------


def test_bundled_polygons_are_small_and_name_the_12_wards(reference: ReferenceData) -> None:
    assert DEFAULT_POLYGONS.stat().st_size < 500_000
    doc = json.loads(DEFAULT_POLYGONS.read_text(encoding="utf-8"))
    assert sorted(f["properties"]["name"] for f in doc["features"]) == sorted(
        w.name for w in reference.wards
    )


def test_polygons_naming_an_unknown_ward_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "wards.geojson"
    square = [[[106.7, 10.8], [106.8, 10.8], [106.8, 10.9], [106.7, 10.8]]]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"name": "Bến Nghé"},
        "geometry": {"type": "Polygon", "coordinates": square}}]}))  # fmt: skip
    with pytest.raises(InvalidInput, match="unknown wards"):
        WardPolygons.load(path, ["Thủ Đức"])
    with pytest.raises(InvalidInput, match="cannot read"):
        WardPolygons.load(tmp_path / "missing.geojson", ["Thủ Đức"])


def test_a_hole_is_outside(tmp_path: Path) -> None:
    path = tmp_path / "wards.geojson"
    outer = [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [0.0, 0.0]]
    hole = [[4.0, 4.0], [6.0, 4.0], [6.0, 6.0], [4.0, 6.0], [4.0, 4.0]]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"name": "Cát Lái"},
        "geometry": {"type": "Polygon", "coordinates": [outer, hole]}}]}))  # fmt: skip
    polygons = WardPolygons.load(path, ["Cát Lái"])
    assert polygons.ward_at(2.0, 2.0) == "Cát Lái"
    assert polygons.ward_at(5.0, 5.0) is None


@pytest.mark.parametrize("text", ["Đường Số 8", "PHƯỜNG THẢO ĐIỀN", "Quận 9 🌊 ĐHQG", "İstanbul"])
def test_fold_keeps_one_character_for_one(text: str) -> None:
    assert len(fold(text)) == len(text)
    assert fold("Đường Số 8") == "duong so 8"


# -- the ward-only gazetteer used by the pipeline ------------------------------------------


@pytest.mark.parametrize(
    ("text", "ward"),
    [
        ("Ngập nặng ở phường Hiệp Bình", "Hiệp Bình"),
        ("nước ngập tới gối ở P.Hiệp Bình Chánh", "Hiệp Bình"),
        ("karaoke ồn ở p. Linh Trung, TP Thủ Đức", "Linh Xuân"),
        ("rác đầy đường ở Thảo Điền", "An Khánh"),
        ("đèn đường hư ở phường Thủ Đức", "Thủ Đức"),
        ("có ai ở phường Tăng Nhơn Phú A không", "Tăng Nhơn Phú"),
        ("mất điện khu Phú Hữu cả buổi", "Long Trường"),
    ],
)
def test_gazetteer_finds_ward_in_model_text(gazetteer: WardGazetteer, text: str, ward: str) -> None:
    assert gazetteer.find(for_model(text)) == ward
    assert gazetteer.find(for_model(strip_diacritics(text))) == ward


@pytest.mark.parametrize(
    "text",
    [
        "Đường Võ Văn Ngân ngập sâu sau cơn mưa chiều nay",
        "TP Thủ Đức mưa lớn quá",
        "ổ gà trên đường Tam Bình",
        "chợ Thủ Đức đông quá",
        "Tôi đã trưởng thành rồi",
        "",
    ],
)
def test_gazetteer_invents_no_ward(gazetteer: WardGazetteer, text: str) -> None:
    assert gazetteer.find(for_model(text)) is None
    assert gazetteer.find(for_model(strip_diacritics(text))) is None


def test_a_missing_or_broken_list_of_places_elsewhere_says_how_to_restore_it(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "places_elsewhere.json"
    broken.write_text('{"version": "1", "wards": ["Bến Thành", ""], "landmarks": []}')
    for path in (tmp_path / "missing.json", broken):
        with pytest.raises(ModelUnavailable, match="restore it from git"):
            load_elsewhere(path)
    assert "Chợ Rẫy" in load_elsewhere().landmarks


def test_a_name_with_marks_left_out_is_a_ward_but_not_one_with_other_marks(
    places: PlaceExtractor,
) -> None:
    # "Thao Đien": letters typed bare; "Trương Thanh": a person, its "ơ" no bare "ờ"
    assert places.extract("Khu Thao Đien đường Quốc Hương kẹt xe").ward == "An Khánh"
    assert places.extract("Trương Thanh Huyền 🤣").ward is None


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("Cháy nhà trong hẻm 20 Lã Xuân Oai, phường Long Trường lúc 2h", "Cháy nhà trong , lúc h"),
        ("Đường số 8 P.Trường Thọ ngập sâu 30cm", ". ngập sâu cm"),
        ("QL13 gần cầu Bình Triệu có tai nạn", "gần có tai nạn"),
        ("Karaoke số 12 Man Thiện, P.TNP hát tới 1h sáng", "Karaoke , . hát tới h sáng"),
        (
            "Cây đổ trên đường Nguyễn Văn Hưởng, Thảo Điền, TP Thủ Đức (Q2 cũ)",
            "Cây đổ trên , , ( cũ)",
        ),
        ("Mất điện ở chợ Thủ Đức từ sáng", "Mất điện ở từ sáng"),
        ("rác ùn ở ngõ 5 kiệt 3, tổ 4 khu phố 2 Linh Xuân", "rác ùn ở , phố"),
        ("Ngập nước, xe chết máy", "Ngập nước, xe chết máy"),
    ],
)
def test_without_places_keeps_what_the_report_is_about(
    places: PlaceExtractor, text: str, left: str
) -> None:
    assert places.without_places(text) == left
    plain = places.without_places(strip_diacritics(text))
    assert plain == strip_diacritics(left)


@pytest.mark.parametrize(
    ("text", "street", "landmark", "ward"),
    [
        # "o ga" typed plain is a pothole (ổ gà), not a station (ở ga)
        ("o ga kha van can doan p linh tay to nhu cai mam", "kha van can", None, "Linh Xuân"),
        ("Đường Võ Văn Ngân có o ga to, xe té hoài", "Võ Văn Ngân", None, None),
        ("toi qua o ga Thao Dien thang cuon dung im", None, "ga Thao Dien", None),
        ("Ổ gà trên Kha Vạn Cân to như cái mâm", "Kha Vạn Cân", None, None),
        # a street whose name begins like a landmark ("Trường" is a school, "Trương" a name)
        (
            "Trường Lưu, Long Trường: rác chất đống ngay miệng cống",
            "Trường Lưu",
            None,
            "Long Trường",
        ),
        (
            "Truong Luu, Long Truong: rac chat dong ngay mieng cong",
            "Truong Luu",
            None,
            "Long Trường",
        ),
        (
            "Nhà tôi ở 22/4 Trương Văn Bang, Thạnh Mỹ Lợi, cống nghẹt",
            "Trương Văn Bang",
            None,
            "Cát Lái",
        ),
        ("Cổng Trường Nguyễn Hữu Huân kẹt xe mỗi sáng", None, "Trường Nguyễn Hữu Huân", None),
    ],
)
def test_landmark_words_that_are_no_landmark(
    places: PlaceExtractor, text: str, street: str | None, landmark: str | None, ward: str | None
) -> None:
    found = places.extract(text)
    assert (found.street, found.landmark, found.ward) == (street, landmark, ward)


@pytest.mark.parametrize(
    ("text", "point"),
    [
        ("Ngập tại đây https://maps.google.com/?q=10.8501,106.7719 cứu với", (10.8501, 106.7719)),
        ("📍 10.850123, 106.771890 cây đổ chắn đường", (10.850123, 106.77189)),
        ("vi tri 10.8501 106.7719 ong nuoc vo", (10.8501, 106.7719)),
        ("(10.85012;106.77189)", (10.85012, 106.77189)),
        ("lat 10.85012 long 106.77189", (10.85012, 106.77189)),
        ("Vĩ độ: 10.85012 – Kinh độ: 106.77189", (10.85012, 106.77189)),
        ("10°51'00.4\"N 106°46'18.8\"E", (10.850111, 106.771889)),
        ("10° 51′ 00.4″ N, 106° 46′ 18.8″ E", (10.850111, 106.771889)),
        ("Tọa độ người dân cung cấp: N 10.88126 E 106.76931.", (10.88126, 106.76931)),
        ("10.831350N 106.850556E cháy cỏ", (10.83135, 106.850556)),
        ("10.88126° N, 106.76931° E", (10.88126, 106.76931)),
        ("https://www.google.com/maps/@10.8501234,106.7718901,17z", (10.8501234, 106.7718901)),
        (
            "https://www.google.com/maps/search/?api=1&query=10.85012%2C106.77189",
            (10.85012, 106.77189),
        ),
        ("https://www.openstreetmap.org/?mlat=10.85012&mlon=106.77189", (10.85012, 106.77189)),
        (
            "https://www.google.com/maps/place/x/data=!3m1!4b1!3d10.85012!4d106.77189",
            (10.85012, 106.77189),
        ),
        # no point: a short link, money, phones, dates, times, house numbers, decimal commas,
        # a point outside Vietnam
        ("https://maps.app.goo.gl/AbC123xyz", None),
        ("Giá 10.500.000đ, gọi 0901.234.567, ngày 10.11.2026 lúc 10.30", None),
        ("nhà 106/12 hẻm 10, dài 2.5m", None),
        ("toạ độ 10,85012 ; 106,77189", None),
        ("48.858370, 2.294481", None),
    ],
)
def test_coordinates_written_in_a_text(text: str, point: tuple[float, float] | None) -> None:
    assert coordinates_in(text) == point
    assert coordinates_in(strip_diacritics(text)) == point


def test_coordinates_in_a_text_give_the_ward(places: PlaceExtractor) -> None:
    lat, lon = INSIDE["Long Bình"]
    pin = f"Cây đổ ngay đây 📍 {lat:.5f}, {lon:.5f}"
    assert (places.extract(pin).ward, places.extract(pin).ward_source) == (
        "Long Bình",
        "coordinates in text",
    )
    # the pin beats a ward named in the text (the writer's home), not the channel's location
    home = f"Nhà tôi ở P. Hiệp Bình nhưng cây đổ ở đây: {lat:.5f},{lon:.5f}"
    assert places.extract(home).ward == "Long Bình"
    t_lat, t_lon = INSIDE["Tam Bình"]
    assert places.extract(pin, latitude=t_lat, longitude=t_lon).ward == "Tam Bình"
    assert places.extract("ngập", location_text=f"{lat:.5f} {lon:.5f}").ward == "Long Bình"
    # a pin outside the 12 wards is a problem elsewhere: no ward, whatever the names (the
    # writer's home); the channel's own point outside them leaves the names to decide
    away = f"Mình ở phường Linh Xuân nhưng cây đổ ở đây: {QUAN_1[0]:.4f},{QUAN_1[1]:.4f}"
    assert places.extract(away).ward is None
    assert places.extract("ngập", location_text=f"{QUAN_1[0]:.4f} {QUAN_1[1]:.4f}").ward is None
    assert places.extract(f"ngập {QUAN_1[0]:.4f},{QUAN_1[1]:.4f}").ward is None
    assert places.extract(
        "ngập ở phường Linh Xuân", latitude=QUAN_1[0], longitude=QUAN_1[1]
    ).ward == ("Linh Xuân")


def test_without_places_blanks_map_links(places: PlaceExtractor) -> None:
    text = "Cây đổ https://www.google.com/maps/@10.8501,106.7719,17z chắn hết lối"
    assert places.without_places(text) == "Cây đổ chắn hết lối"
