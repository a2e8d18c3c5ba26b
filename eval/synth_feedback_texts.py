"""Vietnamese texts of the synthetic feedback (``eval/synth_feedback.py``): templates per
category, streets, openers and closers, and the realistic mix of each categorical field.

The texts read like the redacted reports the annotation pipeline stores: personal data is
already a placeholder ("[số điện thoại]", "[họ tên]"); the synthetic original text carries an
invented phone number in its place. Every template has the slots ``{street}`` and ``{ward}``.
"""

from __future__ import annotations

TEMPLATES: dict[str, tuple[str, ...]] = {
    "ha_tang_duong": (
        "Đường {street} phường {ward} có ổ gà lớn giữa đường, xe máy đi qua rất dễ té.",
        "Đèn đường trên {street} ({ward}) tắt cả tuần nay, buổi tối rất tối và nguy hiểm.",
        "Nắp hố ga trên {street} phường {ward} bị mất, người đi đường có thể sụp chân.",
        "Vỉa hè {street} bị bong gạch, lồi lõm, người già đi bộ rất khó khăn.",
        "Cây xanh trên {street} ({ward}) nghiêng sắp đổ, nhờ phường kiểm tra gấp.",
    ),
    "thoat_nuoc": (
        "Mưa chưa tới 30 phút mà {street} phường {ward} đã ngập tới đầu gối.",
        "Cống trong hẻm {street} ({ward}) nghẹt, nước đen tràn lên đường bốc mùi hôi.",
        "Triều cường làm ngập nhà dân khu vực {street} phường {ward}.",
        "Miệng cống trên {street} bị rác bít kín, mưa là nước không thoát được.",
    ),
    "trat_tu_do_thi": (
        "Quán nhậu trên {street} phường {ward} bày bàn ghế chiếm hết vỉa hè.",
        "Ô tô đậu hai bên {street} ({ward}) gây kẹt xe mỗi tối.",
        "Hàng rong tụ tập trước chợ trên {street}, lấn chiếm lòng đường.",
        "Băng rôn quảng cáo treo đầy trên cây và cột điện ở {street} phường {ward}.",
    ),
    "xay_dung": (
        "Công trình trên {street} phường {ward} xây vượt tầng, không thấy treo giấy phép.",
        "Nhà đang xây trên {street} ({ward}) để vật liệu tràn ra đường, bụi mù mịt.",
        "Có người cơi nới, xây lấn ra hẻm ở {street} phường {ward}.",
    ),
    "moi_truong": (
        "Rác thải đổ bừa bãi ở đầu hẻm {street} phường {ward}, bốc mùi hôi thối.",
        "Xe thu gom rác trên {street} ({ward}) ba ngày nay không tới.",
        "Cơ sở trên {street} xả khói đen, khu dân cư phường {ward} rất khó thở.",
        "Kênh gần {street} phường {ward} đầy rác và lục bình, nước đen kịt.",
    ),
    "tieng_on": (
        "Quán karaoke trên {street} phường {ward} hát tới 1 giờ sáng, dân không ngủ được.",
        "Công trình trên {street} ({ward}) thi công ban đêm, tiếng ồn rất lớn.",
        "Loa kéo hát ở {street} phường {ward} suốt cả buổi tối.",
    ),
    "an_ninh": (
        "Khu vực {street} phường {ward} thường xuyên có trộm xe máy vào ban đêm.",
        "Nhóm thanh niên tụ tập đua xe trên {street} ({ward}) mỗi tối cuối tuần.",
        "Có người lạ đi dò xét nhà dân trong hẻm {street} phường {ward}.",
    ),
    "giao_thong": (
        "Đèn tín hiệu giao thông ở ngã tư {street} phường {ward} bị hỏng từ sáng.",
        "Giờ cao điểm {street} ({ward}) kẹt xe kéo dài, cần người điều tiết.",
        "Biển báo trên {street} phường {ward} bị cây che khuất, tài xế không thấy.",
    ),
    "dien": (
        "Khu vực {street} phường {ward} mất điện từ chiều tới giờ chưa có lại.",
        "Dây điện trên {street} ({ward}) bị võng thấp, chạm cả mui xe tải.",
        "Trụ điện trên {street} phường {ward} phát tia lửa khi trời mưa.",
    ),
    "cap_nuoc": (
        "Hộ dân trên {street} phường {ward} bị cúp nước hai ngày nay.",
        "Ống nước bị vỡ trên {street} ({ward}), nước chảy lênh láng ra đường.",
        "Nước máy ở {street} phường {ward} có màu vàng và mùi lạ.",
    ),
    "y_te": (
        "Có nhiều ca sốt xuất huyết ở khu {street} phường {ward}, đề nghị phun thuốc diệt muỗi.",
        "Cơ sở bán thuốc trên {street} ({ward}) bán thuốc không rõ nguồn gốc.",
    ),
    "giao_duc": (
        "Trường gần {street} phường {ward} thu thêm nhiều khoản ngoài quy định.",
        "Cổng trường trên {street} ({ward}) giờ tan học kẹt cứng, học sinh rất nguy hiểm.",
    ),
    "hanh_chinh": (
        "Tôi nộp hồ sơ ở phường {ward} đã quá hẹn mà chưa có kết quả.",
        "Cán bộ tiếp dân phường {ward} hướng dẫn chưa rõ, tôi phải đi lại nhiều lần.",
        "Bộ phận một cửa phường {ward} đông, chờ cả buổi sáng chưa tới lượt.",
    ),
    "dat_dai": (
        "Khu đất trống trên {street} phường {ward} bị rào chiếm dụng trái phép.",
        "Hồ sơ cấp giấy chứng nhận quyền sử dụng đất của tôi ở phường {ward} chậm giải quyết.",
    ),
    "an_sinh": (
        "Cụ ông neo đơn ở hẻm {street} phường {ward} rất khó khăn, cần được hỗ trợ.",
        "Người vô gia cư ngủ dưới chân cầu gần {street} ({ward}) mấy tuần nay.",
    ),
    "vien_thong": (
        "Cáp viễn thông trên {street} phường {ward} bị đứt, thả lòng thòng xuống đường.",
        "Sóng điện thoại khu {street} ({ward}) rất yếu, gọi không được.",
    ),
    "khac": (
        "Góp ý về việc bố trí bãi giữ xe gần {street} phường {ward}.",
        "Xin hỏi khi nào khu vực {street} phường {ward} có công viên cho trẻ em.",
    ),
}

OPENERS = ("", "", "", "Kính gửi phường, ", "Cho tôi phản ánh: ", "Dạ cho em hỏi, ",
           "Xin phản ánh: ")  # fmt: skip
CLOSERS = ("", " Mong cơ quan chức năng sớm xử lý.", " Xin cảm ơn.",
           " Đề nghị kiểm tra giúp.", " Tình trạng kéo dài nhiều ngày rồi.")  # fmt: skip
#: The redacted contact line and what the synthetic original said in its place.
CONTACT_REDACTED = " Liên hệ [họ tên], [số điện thoại]."
CONTACT_ORIGINAL = " Liên hệ chị Lan, {phone}."

STREETS = (
    "Võ Văn Ngân", "Kha Vạn Cân", "Phạm Văn Đồng", "Đỗ Xuân Hợp", "Lê Văn Việt",
    "Nguyễn Duy Trinh", "Mai Chí Thọ", "Xa lộ Hà Nội", "Đặng Văn Bi", "Tô Ngọc Vân",
    "Hoàng Diệu 2", "Lã Xuân Oai", "Nguyễn Xiển", "Quốc Hương", "Song Hành",
    "Lương Định Của", "Trần Não", "Nguyễn Thị Định", "Đồng Văn Cống", "Lê Văn Thịnh",
    "Tam Bình", "Hiệp Bình", "Linh Đông", "Lò Lu", "Bưng Ông Thoàn", "Trường Lưu",
    "Nguyễn Văn Bá", "Đình Phong Phú", "Man Thiện", "Dương Đình Hội",
)  # fmt: skip

#: Share of the reports per category (sums to 1): infrastructure and order lead, as in
#: published statistics of city hotlines.
CATEGORY_SHARE = {
    "ha_tang_duong": 0.14, "thoat_nuoc": 0.11, "trat_tu_do_thi": 0.13, "xay_dung": 0.06,
    "moi_truong": 0.11, "tieng_on": 0.07, "an_ninh": 0.04, "giao_thong": 0.08, "dien": 0.04,
    "cap_nuoc": 0.04, "y_te": 0.02, "giao_duc": 0.02, "hanh_chinh": 0.04, "dat_dai": 0.03,
    "an_sinh": 0.02, "vien_thong": 0.02, "khac": 0.03,
}  # fmt: skip
#: Relative size of each ward (roughly by population); 6 % of reports name no ward.
WARD_WEIGHT = {
    "Thủ Đức": 10, "Hiệp Bình": 10, "Tam Bình": 7, "Linh Xuân": 10, "Tăng Nhơn Phú": 10,
    "Long Bình": 7, "Long Phước": 4, "Long Trường": 5, "Cát Lái": 6, "Bình Trưng": 9,
    "Phước Long": 9, "An Khánh": 7,
}  # fmt: skip
UNKNOWN_WARD_SHARE = 0.06
CHANNEL_SHARE = {"telegram": 0.35, "zalo": 0.30, "web": 0.20, "api": 0.04, "import": 0.05,
                 "social": 0.06}  # fmt: skip
URGENCY_SHARE = {"low": 0.15, "normal": 0.62, "high": 0.19, "critical": 0.04}
SENTIMENT_SHARE = {"negative": 0.62, "neutral": 0.33, "positive": 0.05}
TOXICITY_SHARE = {"clean": 0.96, "offensive": 0.035, "hate": 0.005}
#: Monday first: fewer reports at the weekend.
WEEKDAY_FACTOR = (1.15, 1.10, 1.05, 1.05, 1.00, 0.70, 0.60)
#: Local hour of day: morning and evening peaks, quiet nights.
HOUR_WEIGHT = (1, 0.6, 0.4, 0.3, 0.4, 1, 2.5, 4.5, 5.5, 5, 4.5, 4.5, 3.5, 3, 3.5, 4, 4.5, 5,
               5.5, 6, 5.5, 4.5, 3, 1.8)  # fmt: skip
