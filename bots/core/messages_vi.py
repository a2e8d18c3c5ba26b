"""The Vietnamese catalogue of the chatbot: every string a citizen or an official reads.

The bots speak the polite register of a ward office ("Dạ", "anh/chị", the bot calls itself
"em"). Texts are named templates so wording is reviewed in one file, translated in one file,
and tests can match on a template instead of on a sentence that a reviewer may rephrase.

    >>> say("dossier.not_found", code="H29.202-250315-0099")
    'Dạ, em không tìm thấy hồ sơ H29.202-250315-0099. ...'
    >>> label("menu.dossier")
    'Tra cứu hồ sơ'
"""

from __future__ import annotations

from datetime import datetime

from core.types import LOCAL_TZ

#: The format of a dossier code as shown to citizens.
CODE_EXAMPLE = "H29.202-250315-0012"
REFERENCE_EXAMPLE = "PA-2026-000123"

MESSAGES: dict[str, str] = {
    # --- greeting, help, fallback ---------------------------------------------------------
    "greeting": (
        "Dạ, em chào anh/chị! Em là trợ lý ảo của Trung tâm Điều hành thông minh Thủ Đức. "
        "Em có thể giúp anh/chị:\n"
        "• Tra cứu tình trạng hồ sơ thủ tục hành chính\n"
        "• Gửi phản ánh về đường sá, ngập nước, rác thải, trật tự đô thị…\n"
        "• Theo dõi phản ánh đã gửi\n"
        "• Hỏi giấy tờ, lệ phí, thời hạn của thủ tục hành chính\n"
        "Anh/chị chọn một mục bên dưới hoặc nhắn câu hỏi ạ."
    ),
    "fallback": (
        "Dạ, em chưa hiểu rõ ý anh/chị. Anh/chị có thể chọn một mục bên dưới, hoặc nhắn "
        'ví dụ: "hồ sơ ' + CODE_EXAMPLE + ' tới đâu rồi", "làm giấy khai sinh cần gì" '
        "hoặc mô tả sự việc cần phản ánh ạ."
    ),
    "cancelled": "Dạ, em đã hủy thao tác. Anh/chị cần gì thêm cứ nhắn em ạ.",
    "nothing_to_cancel": "Dạ, hiện không có thao tác nào đang dở. Anh/chị cần em giúp gì ạ?",
    "abuse": (
        "Dạ, em rất mong anh/chị giữ lời lẽ lịch sự để em hỗ trợ tốt hơn. Nếu anh/chị cần "
        "phản ánh sự việc, anh/chị mô tả giúp em sự việc và địa điểm ạ."
    ),
    "rate_limited": (
        "Dạ, anh/chị nhắn hơi nhanh, em chưa kịp xử lý. Anh/chị vui lòng đợi khoảng một phút "
        "rồi nhắn tiếp giúp em ạ."
    ),
    "unsupported": (
        "Dạ, em chỉ đọc được tin nhắn chữ, hình ảnh và vị trí. Anh/chị nhắn bằng chữ giúp em ạ."
    ),
    # --- errors (the bots' apology for the error tree) ------------------------------------
    "error.busy": (
        "Dạ, hệ thống đang bận, em chưa xử lý được yêu cầu này. Anh/chị vui lòng thử lại sau "
        "ít phút ạ."
    ),
    "error.invalid": "Dạ, nội dung này em chưa tiếp nhận được: {problem}",
    "error.generic": "Dạ, em xin lỗi, đã có lỗi xảy ra. Anh/chị vui lòng thử lại sau ạ.",
    "problem.feedback.text_too_long": "nội dung dài quá 4.000 ký tự, anh/chị rút gọn giúp em.",
    "problem.feedback.text_markup": "nội dung có mã HTML, anh/chị nhắn bằng chữ thường giúp em.",
    "problem.feedback.text_control_chars": "nội dung có ký tự đặc biệt không đọc được.",
    "problem.feedback.location_text_too_long": "địa chỉ dài quá, anh/chị rút gọn giúp em.",
    "problem.feedback.bad_coordinates": "vị trí chia sẻ không hợp lệ.",
    "problem.other": "nội dung chưa hợp lệ, anh/chị kiểm tra lại giúp em.",
    # --- dossier status -------------------------------------------------------------------
    "dossier.ask_code": (
        "Dạ, anh/chị gửi giúp em mã hồ sơ (số biên nhận) in trên giấy biên nhận, có dạng "
        + CODE_EXAMPLE
        + ' ạ. Gõ "hủy" để dừng.'
    ),
    "dossier.no_code": (
        "Dạ, em chưa thấy mã hồ sơ trong tin nhắn. Mã có dạng " + CODE_EXAMPLE + ", anh/chị "
        'kiểm tra lại giúp em ạ. Gõ "hủy" để dừng.'
    ),
    "dossier.not_found": (
        "Dạ, em không tìm thấy hồ sơ {code}. Anh/chị kiểm tra lại mã trên giấy biên nhận "
        "giúp em, mã có dạng " + CODE_EXAMPLE + " ạ."
    ),
    "dossier.code_invalid": (
        'Dạ, "{code}" chưa đúng dạng mã hồ sơ. Mã có dạng ' + CODE_EXAMPLE + " ạ."
    ),
    "dossier.status": (
        "Dạ, hồ sơ {code} — {procedure}:\n"
        "• Tình trạng: {status}\n"
        "• Bước hiện tại: {step}\n"
        "• Đơn vị xử lý: {unit}\n"
        "• Ngày tiếp nhận: {received}\n"
        "• Ngày hẹn trả: {due}"
    ),
    "dossier.finished_on": "• Ngày trả kết quả: {date}",
    "dossier.late": "⚠️ Hồ sơ đã quá hạn {days} ngày so với ngày hẹn trả.",
    "dossier.late_today": "⚠️ Hồ sơ đã quá giờ hẹn trả hôm nay.",
    "dossier.finished_late": "Hồ sơ được trả kết quả sau ngày hẹn.",
    "dossier.due_today": "Hôm nay là ngày hẹn trả kết quả.",
    "dossier.days_left": "Còn {days} ngày đến ngày hẹn trả.",
    "dossier.no_due": "chưa có",
    "dossier.no_step": "chưa cập nhật",
    "dossier.unknown_unit": "đơn vị tiếp nhận hồ sơ",
    "dossier.next.wait": "Anh/chị chưa cần làm gì thêm, vui lòng chờ kết quả ạ.",
    "dossier.next.supplement": (
        "Hồ sơ cần bổ sung giấy tờ: anh/chị liên hệ {unit} hoặc Bộ phận Một cửa để biết giấy "
        "tờ cần bổ sung ạ."
    ),
    "dossier.next.collect_result": (
        "Hồ sơ đã có kết quả: anh/chị mang giấy biên nhận đến Bộ phận Một cửa để nhận ạ."
    ),
    "dossier.next.none": "Hồ sơ đã kết thúc, anh/chị không cần làm gì thêm ạ.",
    "dossier.next.contact_unit": (
        "Anh/chị vui lòng liên hệ {unit} (hoặc Bộ phận Một cửa) để được hướng dẫn ạ."
    ),
    "dossier.state.received": "Đã tiếp nhận",
    "dossier.state.in_progress": "Đang xử lý",
    "dossier.state.supplement_requested": "Yêu cầu bổ sung hồ sơ",
    "dossier.state.ready": "Đã có kết quả, chờ trả",
    "dossier.state.finished": "Đã trả kết quả",
    "dossier.state.rejected": "Từ chối giải quyết",
    "dossier.state.withdrawn": "Đã rút hồ sơ",
    # --- submit feedback ------------------------------------------------------------------
    "feedback.ask_problem": (
        "Dạ, anh/chị mô tả giúp em sự việc cần phản ánh (có thể gửi kèm hình ảnh) ạ. "
        'Gõ "hủy" để dừng.'
    ),
    "feedback.ask_place": (
        "Dạ, sự việc xảy ra ở đâu ạ? Anh/chị nhắn địa chỉ (số nhà, tên đường, phường) hoặc "
        "chia sẻ vị trí giúp em."
    ),
    "feedback.photo_added": "Dạ, em đã nhận ảnh ({count} ảnh).",
    "feedback.photo_only_text": "(Phản ánh bằng hình ảnh, không kèm mô tả)",
    "feedback.shared_location": "vị trí đã chia sẻ ({latitude:.5f}, {longitude:.5f})",
    "feedback.confirm": (
        "Dạ, em xin tóm tắt phản ánh:\n"
        "• Nội dung: {text}\n"
        "• Địa điểm: {place}\n"
        "• Hình ảnh: {photos}\n"
        "Anh/chị xác nhận gửi phản ánh này ạ?"
    ),
    "feedback.no_photos": "không có",
    "feedback.photo_count": "{count} ảnh",
    "feedback.place_in_text": "như trong nội dung",
    "feedback.confirm_again": 'Dạ, anh/chị chọn "Gửi", "Sửa" hoặc "Hủy" giúp em ạ.',
    "feedback.edit": "Dạ, anh/chị nhắn lại nội dung phản ánh giúp em ạ.",
    "feedback.sent_routed": (
        "Dạ, em đã tiếp nhận phản ánh, mã số {reference}. Phản ánh đã được chuyển tới "
        "{department}. Anh/chị có thể nhắn mã số này để theo dõi kết quả ạ."
    ),
    "feedback.sent_pending": (
        "Dạ, em đã tiếp nhận phản ánh, mã số {reference}. Phản ánh đang được phân loại để "
        "chuyển tới đơn vị phụ trách. Anh/chị có thể nhắn mã số này để theo dõi kết quả ạ."
    ),
    # --- feedback status ------------------------------------------------------------------
    "feedback.status": "• {reference} ({received}): {status}{department}",
    "feedback.status_department": " — {department}",
    "feedback.status_one": "Dạ, tình trạng phản ánh của anh/chị:\n{lines}",
    "feedback.status_many": "Dạ, các phản ánh gần đây của anh/chị:\n{lines}",
    "feedback.not_found": (
        "Dạ, em không tìm thấy phản ánh {reference}. Anh/chị kiểm tra lại mã số, mã có dạng "
        + REFERENCE_EXAMPLE
        + " ạ."
    ),
    "feedback.none_yet": (
        "Dạ, em chưa thấy phản ánh nào anh/chị gửi qua kênh này. Nếu anh/chị có mã số phản ánh "
        "(dạng " + REFERENCE_EXAMPLE + "), anh/chị nhắn mã giúp em ạ."
    ),
    "feedback.state.received": "Đã tiếp nhận, đang phân loại",
    "feedback.state.routed": "Đã chuyển đơn vị xử lý",
    "feedback.state.needs_triage": "Đang được cán bộ phân loại",
    "feedback.state.in_progress": "Đang xử lý",
    "feedback.state.resolved": "Đã xử lý xong",
    "feedback.state.rejected": "Không được tiếp nhận",
    # --- procedures -----------------------------------------------------------------------
    "procedure.ask": (
        'Dạ, anh/chị muốn hỏi về thủ tục nào ạ? Ví dụ: "làm giấy khai sinh cần gì", '
        '"lệ phí chứng thực bản sao". Gõ "hủy" để dừng.'
    ),
    "procedure.card": (
        "Dạ, thủ tục {name}:\n"
        "📄 Giấy tờ cần chuẩn bị:\n{papers}\n"
        "💰 Lệ phí: {fee}\n"
        "⏱ Thời hạn giải quyết: {time_limit}\n"
        "📍 Nơi nộp: {where}"
    ),
    "procedure.online": "🌐 Thủ tục này có thể nộp trực tuyến.",
    "procedure.source": "Nguồn: {citation}",
    "procedure.legal_basis": "Căn cứ: {basis}",
    "procedure.answer": "Dạ, theo {citation}:\n{text}",
    "procedure.more_sources": "Xem thêm: {citations}",
    "procedure.not_found": (
        "Dạ, em chưa tìm thấy văn bản nào trả lời câu hỏi này. Để được hướng dẫn chính xác, "
        "anh/chị vui lòng liên hệ Bộ phận Một cửa (Trung tâm Phục vụ hành chính công) của "
        "UBND phường nơi cư trú ạ."
    ),
    # --- linking an official's chat to their account ("/lienket 123456") -------------------
    "link.done": (
        "Dạ, em đã liên kết tài khoản {name} với cuộc trò chuyện này. Từ nay anh/chị có thể "
        "hỏi số liệu phản ánh và nhận cảnh báo của Trung tâm tại đây ạ."
    ),
    "link.wrong_code": (
        "Dạ, mã liên kết không đúng hoặc đã hết hạn. Anh/chị vui lòng lấy mã mới trên trang "
        "cán bộ (mã dùng một lần, có hiệu lực 10 phút) rồi nhắn: /lienket <mã 6 số> ạ."
    ),
    "link.throttled": (
        "Dạ, anh/chị đã nhập sai mã liên kết nhiều lần. Anh/chị vui lòng thử lại sau khoảng "
        "{minutes} phút ạ."
    ),
    "link.how": (
        "Dạ, để liên kết tài khoản cán bộ, anh/chị lấy mã 6 số trên trang cán bộ rồi nhắn "
        "cho em, ví dụ: /lienket 123456 ạ."
    ),
    "link.unavailable": "Dạ, chức năng liên kết tài khoản cán bộ chưa được bật ở hệ thống này ạ.",
    # --- officials' statistics ------------------------------------------------------------
    "analytics.not_linked": (
        "Dạ, câu hỏi thống kê chỉ dành cho tài khoản cán bộ đã liên kết với hệ thống. Nếu "
        "anh/chị là cán bộ, vui lòng liên hệ quản trị viên để liên kết tài khoản ạ."
    ),
    "analytics.unavailable": (
        "Dạ, chức năng thống kê qua tin nhắn đang được hoàn thiện, anh/chị vui lòng xem bảng "
        "điều khiển của Trung tâm trong thời gian này ạ."
    ),
    "analytics.answer": "Dạ, {understood}:\n{body}",
    "analytics.examples": "Ví dụ phản ánh:",
    "analytics.unanswered": (
        "Dạ, em chưa trả lời được câu hỏi này. Anh/chị có thể hỏi em các câu như:\n{examples}"
    ),
    "analytics.too_long": "Dạ, câu hỏi dài quá, anh/chị vui lòng hỏi ngắn gọn hơn ạ.",
}

#: Button labels (short: Telegram and Zalo cut long ones).
LABELS: dict[str, str] = {
    "menu.dossier": "Tra cứu hồ sơ",
    "menu.feedback": "Gửi phản ánh",
    "menu.feedback_status": "Theo dõi phản ánh",
    "menu.procedure": "Hỏi thủ tục",
    "feedback.send": "Gửi",
    "feedback.edit": "Sửa",
    "cancel": "Hủy",
}


def say(name: str, /, **values: object) -> str:
    """The template ``name`` filled with ``values`` (a missing name is a bug: KeyError)."""
    return MESSAGES[name].format(**values)


def label(name: str) -> str:
    return LABELS[name]


def vn_date(moment: datetime | None, missing: str = "") -> str:
    """dd/mm/yyyy on Vietnam's calendar, the way every citizen-facing date is written."""
    if moment is None:
        return missing
    return moment.astimezone(LOCAL_TZ).strftime("%d/%m/%Y")
