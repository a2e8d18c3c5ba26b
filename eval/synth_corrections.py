"""Generated staff corrections, for ``router_corrections_eval.py`` when no database has real ones.

Each text names a problem the way residents of the 12 wards write it, in phrasings the seed
set does not use, with a place, an opening and a closing; a quarter are typed without
diacritics. The label is the category the problem belongs to. Shared phrases make the
held-out corrections easy for a model trained on the others: numbers on this set are
optimistic, and say only that corrections are learned, not how much real ones will help.

    >>> generate(3, seed=1)[0]
    Example(text='Phản ánh: chập điện tóe lửa ở trụ điện. Cảm ơn!', label='dien', …)
"""

from __future__ import annotations

import random

from nlp.linear_training import Example
from nlp.normalize import strip_diacritics
from services.training import CORRECTION_STYLE

PROBLEMS: dict[str, tuple[str, ...]] = {
    "ha_tang_duong": (
        "gờ giảm tốc bị bể lởm chởm", "lan can cầu bộ hành gãy mất hai thanh",
        "vỉa hè bị lún sụt thành hố sâu", "trụ đèn chiếu sáng nghiêng sắp đổ",
        "biển tên đường bị gãy rơi xuống đất", "mặt đường bong tróc lộ đá dăm"),
    "thoat_nuoc": (
        "hố ga trào nước đen mỗi lần mưa", "mương thoát nước bị lấp đất cát",
        "nước triều dâng tràn qua bờ kè vào hẻm", "miệng cống bị rác nylon bịt kín",
        "con rạch ứ đọng không chảy được", "nước mưa đọng lênh láng cả tuần không rút"),
    "trat_tu_do_thi": (
        "xe bán trái cây dạt ra chiếm nửa lòng đường", "quán cà phê kê ghế tràn ra vỉa hè",
        "bảng hiệu quảng cáo dựng chắn lối đi", "chợ tự phát họp ngay trên đường",
        "dựng mái che bạt lấn ra lề", "xe tải đậu qua đêm chắn cửa nhà dân"),
    "xay_dung": (
        "công trình không che chắn làm rơi gạch xuống hẻm", "nhà bên cạnh cơi nới thêm tầng",
        "đào móng làm nứt tường nhà kế bên", "giàn giáo công trình nghiêng ra đường",
        "xây lấn ranh sang phần hẻm chung", "xe bồn đổ bê tông chạy ban đêm"),
    "moi_truong": (
        "bãi rác tự phát ngay góc đường", "xe thu gom rác bỏ sót cả tuần",
        "cơ sở tái chế xả khói đen mù mịt", "người ta đốt rác nhựa khét lẹt",
        "xác chuột chết để ngoài đường bốc mùi", "xưởng nhuộm xả nước thải ra rạch"),
    "tieng_on": (
        "loa kẹo kéo hát xuyên đêm", "xưởng cơ khí cắt sắt ồn từ sáng sớm",
        "quán nhậu mở nhạc xập xình tới khuya", "máy khoan bê tông inh ỏi giờ nghỉ trưa",
        "nhóm thanh niên rú ga xe độ ban đêm", "đám cưới bật loa công suất lớn tới một giờ sáng"),
    "an_ninh": (
        "có đối tượng lạ chạy xe rảo quanh hẻm dòm ngó nhà", "bị giật điện thoại ngay đầu hẻm",
        "nhóm người tụ tập đá gà ăn tiền", "kẻ gian cạy khóa trộm xe máy ban đêm",
        "có người ngáo đá cầm dao la hét", "đám thanh niên ẩu đả trước quán"),
    "giao_thong": (
        "đèn tín hiệu ở ngã tư bị tắt", "xe container chạy vào giờ cấm",
        "kẹt xe kéo dài ở vòng xoay mỗi chiều", "thiếu biển báo cấm rẽ trái",
        "vạch sơn qua đường bị mờ hết", "xe khách dừng đón trả khách sai chỗ"),
    "dien": (
        "chập điện tóe lửa ở trụ điện", "cúp điện liên tục không báo trước",
        "dây điện võng thấp sát mặt đường", "điện chập chờn làm hư tủ lạnh",
        "trạm biến áp kêu rè rè và bốc khói", "công tơ điện chạy nhanh bất thường"),
    "cap_nuoc": (
        "nước máy có mùi clo nặng và đục", "mất nước sinh hoạt ba ngày nay",
        "ống nước bể phun lên mặt đường", "nước yếu không lên được lầu",
        "nước máy có cặn vàng", "đồng hồ nước bị rò rỉ"),
    "y_te": (
        "nhà thuốc bán không có dược sĩ", "nhiều ca sốt xuất huyết trong khu phố",
        "phòng khám tư quảng cáo chữa bệnh sai sự thật", "chưa phun thuốc diệt muỗi",
        "trạm y tế đóng cửa sớm", "quán ăn mất vệ sinh làm nhiều người ngộ độc"),
    "giao_duc": (
        "trường thu thêm nhiều khoản ngoài quy định", "cô giáo ép học sinh đi học thêm",
        "nhóm trẻ tư thục không phép", "nhà vệ sinh của trường xuống cấp",
        "học sinh bị bạn đánh hội đồng", "trường thiếu phòng học phải học ca ba"),
    "hanh_chinh": (
        "hồ sơ trên cổng dịch vụ công bị trễ hẹn", "cán bộ một cửa hẹn tới hẹn lui",
        "chứng thực bản sao phải chờ cả buổi", "cán bộ tiếp dân thiếu niềm nở",
        "hồ sơ khai sinh bị trả lại nhiều lần", "không được hướng dẫn giấy tờ cần nộp"),
    "dat_dai": (
        "tranh chấp ranh đất với nhà hàng xóm", "chậm cấp sổ hồng dù đã nộp đủ hồ sơ",
        "phân lô bán nền trái phép trên đất nông nghiệp", "bồi thường giải tỏa chưa thỏa đáng",
        "lấn chiếm đất công làm bãi giữ xe", "sổ đỏ ghi sai diện tích"),
    "an_sinh": (
        "người vô gia cư ngủ ở trạm xe buýt", "hộ nghèo chưa nhận được tiền hỗ trợ",
        "người già neo đơn không ai chăm sóc", "trẻ em bán vé số lang thang ban đêm",
        "chưa được cấp thẻ bảo hiểm y tế hộ cận nghèo", "người khuyết tật chưa nhận trợ cấp"),
    "vien_thong": (
        "sóng điện thoại yếu không gọi được", "cáp quang internet bị đứt mấy ngày",
        "dây cáp viễn thông chằng chịt rũ xuống đường", "mạng 4G chập chờn",
        "tủ cáp viễn thông bị mở toang", "wifi nhà mạng rớt liên tục"),
    "khac": (
        "đề xuất lắp thêm ghế đá ở công viên", "muốn hỏi giờ mở cửa thư viện",
        "cảm ơn phường đã sửa đường nhanh", "góp ý nên có thêm sân chơi cho trẻ em",
        "hỏi lịch tiêm vắc xin dại cho chó mèo", "đề nghị tổ chức thêm ngày hội việc làm"),
}  # fmt: skip
STREETS = ("Võ Văn Ngân", "Kha Vạn Cân", "Lê Văn Việt", "Đỗ Xuân Hợp", "Nguyễn Duy Trinh",
           "Phạm Văn Đồng", "Quốc Hương", "Lã Xuân Oai", "Tô Ngọc Vân", "Đặng Văn Bi")  # fmt: skip
WARDS = ("Hiệp Bình", "Tam Bình", "Linh Xuân", "Thủ Đức", "Long Bình", "Tăng Nhơn Phú",
         "Phước Long", "Long Phước", "Long Trường", "An Khánh", "Bình Trưng",
         "Cát Lái")  # fmt: skip
OPENINGS = ("", "Cho em phản ánh: ", "Kính gửi UBND phường, ", "Phản ánh: ", "ad ơi ",
            "Xin hỏi, ")  # fmt: skip
PLACES = (" ở hẻm {n} đường {street}", " tại khu phố {n} phường {ward}", " gần chợ {ward}",
          " đoạn {street} số {n}", "")  # fmt: skip
CLOSINGS = ("", ", mong phường xử lý sớm", " mấy hôm nay rồi", ". Cảm ơn!", " 😢", " ạ")


def generate(n: int, seed: int = 7) -> list[Example]:
    """``n`` distinct labelled texts, the same ones for the same seed."""
    rng = random.Random(seed)
    categories = sorted(PROBLEMS)
    seen: set[str] = set()
    out: list[Example] = []
    while len(out) < n:
        category = rng.choice(categories)
        place = rng.choice(PLACES).format(n=rng.randint(1, 120), street=rng.choice(STREETS),
                                          ward=rng.choice(WARDS))  # fmt: skip
        problem = rng.choice(PROBLEMS[category])
        text = f"{rng.choice(OPENINGS)}{problem}{place}{rng.choice(CLOSINGS)}"
        text = text[0].upper() + text[1:]
        if rng.random() < 0.25:
            text = strip_diacritics(text)
        if text not in seen:
            seen.add(text)
            out.append(Example(text, category, CORRECTION_STYLE))
    return out
