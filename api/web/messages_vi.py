"""Every Vietnamese text of the staff pages, in one place (templates hold no Vietnamese).

Templates reach this module as ``t`` (``{{ t.LOGIN_TITLE }}``); a test checks that no
template carries Vietnamese text of its own, so a wording change or a translation is one file.
"""

from __future__ import annotations

APP_NAME = "Lắng nghe"
APP_SUBTITLE = "Trung tâm điều hành đô thị thông minh"
SKIP_TO_CONTENT = "Bỏ qua, tới nội dung chính"
MAIN_NAV = "Điều hướng chính"

# Navigation
NAV_QUEUE = "Hàng chờ xử lý"
NAV_OVERDUE = "Quá hạn"
NAV_ASK = "Hỏi số liệu"
NAV_DASHBOARD = "Tổng quan"
NAV_ALERTS = "Cảnh báo"
LOGOUT = "Đăng xuất"
SIGNED_IN_AS = "Đang đăng nhập"

ROLE_LABELS = {
    "admin": "Quản trị",
    "triage": "Điều phối",
    "department": "Đơn vị xử lý",
    "official": "Lãnh đạo",
    "api": "Ứng dụng",
}

# Login
LOGIN_TITLE = "Đăng nhập"
LOGIN_INTRO = "Dành cho cán bộ tiếp nhận, đơn vị xử lý và lãnh đạo."
LOGIN_USERNAME = "Tên đăng nhập"
LOGIN_PASSWORD = "Mật khẩu"
LOGIN_SUBMIT = "Đăng nhập"
LOGIN_FAILED = "Tên đăng nhập hoặc mật khẩu không đúng."
LOGIN_THROTTLED = "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút."
LOGIN_EXPIRED_FORM = "Biểu mẫu đã hết hạn. Vui lòng đăng nhập lại."
LOGGED_OUT = "Bạn đã đăng xuất."

# Errors
ERROR_TITLES = {
    400: "Yêu cầu không hợp lệ",
    403: "Không có quyền truy cập",
    404: "Không tìm thấy",
    409: "Không thể thực hiện",
    422: "Dữ liệu không hợp lệ",
    429: "Quá nhiều yêu cầu",
    503: "Hệ thống tạm thời gián đoạn",
}
ERROR_TITLE_OTHER = "Đã có lỗi xảy ra"
ERROR_FORBIDDEN = "Tài khoản của bạn không được phép xem hoặc thay đổi nội dung này."
ERROR_CSRF = "Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang rồi thử lại."
ERROR_NOT_FOUND = "Không tìm thấy trang hoặc phản ánh bạn yêu cầu."
ERROR_CONFLICT = "Thao tác không phù hợp với trạng thái hiện tại của phản ánh."
ERROR_BAD_REQUEST = "Dữ liệu gửi lên không hợp lệ. Vui lòng kiểm tra lại."
ERROR_UNAVAILABLE = "Hệ thống đang gặp sự cố. Vui lòng thử lại sau ít phút."
BACK_TO_QUEUE = "Về hàng chờ"

# Names of codes
STATUS_LABELS = {
    "received": "Mới tiếp nhận",
    "routed": "Đã chuyển đơn vị",
    "needs_triage": "Chờ phân loại",
    "in_progress": "Đang xử lý",
    "resolved": "Đã giải quyết",
    "rejected": "Từ chối",
}
CHANNEL_LABELS = {
    "telegram": "Telegram",
    "zalo": "Zalo",
    "web": "Trang web",
    "api": "Ứng dụng (API)",
    "import": "Nhập từ tệp",
    "social": "Mạng xã hội",
    "open311": "Open311",
}
PRIORITY_LABELS = {
    "critical": "Khẩn cấp",
    "high": "Cao",
    "normal": "Bình thường",
    "low": "Thấp",
}
PRIORITY_SOURCE = {
    "staff": "do cán bộ đặt",
    "model": "hệ thống đánh giá",
    "default": "mặc định",
}
NOTIFICATION_STATES = {
    "pending": "Đang chờ gửi",
    "sent": "Đã gửi",
    "held": "Tạm giữ (chờ người dân nhắn lại)",
    "failed": "Gửi không được",
}
AUDIT_ACTIONS = {
    "status": "Đổi trạng thái",
    "feedback.recategorized": "Đổi lĩnh vực / đơn vị",
    "feedback.routing_confirmed": "Xác nhận phân loại",
    "feedback.priority_set": "Đặt mức ưu tiên",
    "feedback.ward_set": "Sửa phường",
    "feedback.content_flagged": "Đánh dấu nội dung",
    "feedback.assigned": "Giao người xử lý",
    "feedback.status_changed": "Đổi trạng thái",
    "feedback.merged": "Gộp phản ánh trùng",
    "feedback.original_viewed": "Xem nội dung gốc",
}
UNKNOWN_CATEGORY = "Chưa phân loại"
NO_DEPARTMENT = "Chưa có đơn vị"
UNKNOWN_WARD = "Chưa rõ phường"
NOBODY = "Chưa giao"

# Queue
QUEUE_TITLE = "Hàng chờ xử lý phản ánh"
QUEUE_INTRO = "Phản ánh chờ phân loại và phản ánh mới, khẩn cấp và lâu nhất lên trước."
QUEUE_EMPTY = "Không có phản ánh nào khớp với bộ lọc."
QUEUE_TOTAL = "{total} phản ánh"
QUEUE_TOTAL_CAPPED = "Hơn {total} phản ánh"  # a list over closed cases is counted to a limit
FILTERS = "Bộ lọc"
FILTER_CATEGORY = "Lĩnh vực"
FILTER_WARD = "Phường"
FILTER_CHANNEL = "Kênh"
FILTER_STATUS = "Trạng thái"
FILTER_PRIORITY = "Mức ưu tiên"
FILTER_DATE_FROM = "Từ ngày"
FILTER_DATE_TO = "Đến ngày"
FILTER_TEXT = "Tìm trong nội dung"
FILTER_SORT = "Sắp xếp"
FILTER_ANY = "Tất cả"
FILTER_QUEUE_STATUSES = "Chờ phân loại và mới"
FILTER_OPEN = "Chưa đóng"
FILTER_ALL_STATUSES = "Mọi trạng thái"
FILTER_APPLY = "Lọc"
FILTER_RESET = "Bỏ lọc"
FILTER_INVALID = "Bỏ qua bộ lọc không hợp lệ: {names}."
SORT_DEFAULT = "Mặc định: khẩn cấp trước; mới nhất trước khi có phản ánh đã đóng"
SORT_LABELS = {
    "urgency": "Khẩn cấp trước",
    "age": "Cũ nhất trước",
    "due": "Sắp đến hạn trước",
    "newest": "Mới nhất trước",
}
EXPORT_CSV = "Tải danh sách (CSV)"
COL_SELECT = "Chọn"
COL_SELECT_ALL = "Chọn tất cả"
COL_REFERENCE = "Mã"
COL_RECEIVED = "Tiếp nhận"
COL_CHANNEL = "Kênh"
COL_CATEGORY = "Lĩnh vực (độ tin cậy)"
COL_DEPARTMENT = "Đơn vị xử lý"
COL_WARD = "Phường"
COL_PRIORITY = "Ưu tiên"
COL_STATUS = "Trạng thái"
COL_DUE = "Hạn xử lý"
COL_ASSIGNEE = "Người xử lý"
OVERDUE = "Quá hạn"
PAGE_OF = "Trang {page}/{pages}"
PAGE_N = "Trang {page}"  # the total was only counted to a limit
PAGE_PREV = "← Trang trước"
PAGE_NEXT = "Trang sau →"
PAGINATION = "Phân trang"

# Bulk actions
BULK_TITLE = "Thao tác với các phản ánh đã chọn"
BULK_ASSIGN = "Giao cho"
BULK_STATUS = "Chuyển trạng thái"
BULK_CATEGORY = "Đổi lĩnh vực"
BULK_PRIORITY = "Đặt ưu tiên"
BULK_CONTENT = "Loại nội dung"
BULK_APPLY = "Áp dụng"
BULK_UNASSIGN = "Bỏ giao (chưa giao ai)"
BULK_CHOOSE = "— Chọn —"
BULK_DONE = "Đã cập nhật {ok} phản ánh."
BULK_FAILED = (
    "{failed} phản ánh không thực hiện được (trạng thái không phù hợp hoặc không có quyền)."
)
BULK_NONE_SELECTED = "Chưa chọn phản ánh nào."
BULK_NO_VALUE = "Chưa chọn giá trị cho thao tác."

# Overdue
OVERDUE_TITLE = "Phản ánh quá hạn xử lý"
OVERDUE_INTRO = (
    "Phản ánh chưa đóng đã quá hạn theo chỉ tiêu của từng lĩnh vực, quá hạn lâu nhất lên trước."
)
OVERDUE_EMPTY = "Không có phản ánh nào quá hạn."

# Case page
CASE_TITLE = "Phản ánh {reference}"
CASE_TEXT = "Nội dung (đã che thông tin cá nhân)"
CASE_ORIGINAL = "Nội dung gốc"
CASE_ORIGINAL_NOTE = "Nội dung gốc chỉ hiện ở lần xem này; lượt xem đã được ghi vào nhật ký."
CASE_SHOW_ORIGINAL = "Xem nội dung gốc"
CASE_REASON = "Lý do cần xem (bắt buộc, được ghi nhật ký)"
CASE_FACTS = "Thông tin"
CASE_RECEIVED = "Tiếp nhận lúc"
CASE_CHANNEL = "Kênh"
CASE_STATUS = "Trạng thái"
CASE_CATEGORY = "Lĩnh vực"
CASE_CONFIDENCE = "Độ tin cậy"
CASE_DEPARTMENT = "Đơn vị xử lý"
CASE_WARD = "Phường"
CASE_LOCATION = "Địa điểm người dân ghi"
CASE_PRIORITY = "Mức ưu tiên"
CASE_URGENCY = "Mức khẩn (hệ thống)"
CASE_SENTIMENT = "Sắc thái"
CASE_DUE = "Hạn xử lý"
CASE_ASSIGNEE = "Người xử lý"
CASE_DUPLICATE_OF = "Trùng với phản ánh"
CASE_MERGED = "Các phản ánh trùng đã gộp vào đây"
CASE_ANNOTATIONS = "Phân tích của hệ thống"
CASE_EXPLANATION = "Từ ngữ dẫn tới lĩnh vực này"
CASE_ALTERNATIVES = "Lĩnh vực khác có thể"
CASE_SIMILAR = "Phản ánh tương tự trước đây"
CASE_DUPLICATES = "Có thể trùng với"
CASE_SIMILARITY = "giống {score}"
CASE_NONE = "Không có."
CASE_MERGE = "Gộp vào phản ánh này"
CASE_MERGE_CONFIRM = "Gộp phản ánh này vào {reference}? Người dân sẽ được báo theo phản ánh gốc."
CASE_HISTORY = "Lịch sử xử lý"
CASE_HISTORY_WHEN = "Thời điểm"
CASE_HISTORY_WHO = "Người thực hiện"
CASE_HISTORY_WHAT = "Thao tác"
CASE_HISTORY_CHANGE = "Thay đổi"
CASE_HISTORY_NOTE = "Ghi chú"
CASE_NOTIFICATIONS = "Tin nhắn đã báo người dân"
CASE_NOTIFICATIONS_NONE = "Chưa có tin nhắn nào gửi người dân."
CASE_NOTIFICATION_STATE = "Tình trạng"
CASE_NOTIFICATION_TEXT = "Nội dung tin nhắn"
CASE_ACTIONS = "Xử lý"
CASE_READ_ONLY = "Tài khoản của bạn chỉ được xem, không thay đổi phản ánh."
CASE_CONFIRM = "Xác nhận phân loại của hệ thống"
CASE_CONFIRM_HINT = "Lĩnh vực và đơn vị hiện tại là đúng: chuyển cho đơn vị xử lý."
CASE_CHANGE_CATEGORY = "Đổi lĩnh vực / đơn vị"
CASE_NEW_CATEGORY = "Lĩnh vực mới"
CASE_NEW_DEPARTMENT = "Đơn vị xử lý"
CASE_DEPARTMENT_AUTO = "Theo bảng phân công"
CASE_SET_PRIORITY = "Đặt mức ưu tiên"
CASE_PRIORITY_MODEL = "Theo đánh giá của hệ thống"
CASE_SET_CONTENT = "Loại nội dung"
CASE_CONTENT_FLAG = "Nội dung là"
CONTENT_FLAGS = {
    "ok": "Bình thường (hiện nội dung)",
    "abusive": "Có lời lẽ xúc phạm (ẩn nội dung)",
    "spam": "Tin rác, quảng cáo (ẩn, không tính vào thống kê)",
}
CASE_SHOW_WITHHELD = "Hiện nội dung"
#: Why a text is folded away (staff pages), in full and as a badge in the queue.
WITHHELD = {
    "spam": "Hệ thống hoặc cán bộ đánh dấu đây là tin rác, quảng cáo: nội dung được ẩn.",
    "abusive": "Hệ thống hoặc cán bộ đánh dấu nội dung có lời lẽ xúc phạm: nội dung được ẩn.",
}
WITHHELD_BADGE = {"spam": "Tin rác, đã ẩn", "abusive": "Lời lẽ xúc phạm, đã ẩn"}
CASE_SET_WARD = "Sửa phường"
CASE_WARD_HINT = (
    "Phường của nơi xảy ra sự việc. Nếu đơn vị xử lý đang theo bảng phân công, "
    "đơn vị sẽ đổi theo phường mới."
)
CASE_CHANGE_STATUS = "Đổi trạng thái"
CASE_NEW_STATUS = "Trạng thái mới"
CASE_STATUS_NOTE = "Ghi chú (gửi kèm thông báo cho người dân)"
CASE_NO_TRANSITION = "Không thể đổi trạng thái từ trạng thái hiện tại."
CASE_ASSIGN = "Giao người xử lý"
CASE_ASSIGN_TO = "Giao cho"
CASE_NOTE = "Ghi chú"
CASE_SAVE = "Lưu"
CASE_DONE = {
    "confirm": "Đã xác nhận phân loại.",
    "category": "Đã đổi lĩnh vực.",
    "priority": "Đã đặt mức ưu tiên.",
    "ward": "Đã sửa phường.",
    "content": "Đã cập nhật loại nội dung.",
    "status": "Đã đổi trạng thái; người dân sẽ được thông báo nếu gửi qua kênh chat.",
    "assign": "Đã giao người xử lý.",
    "merge": "Đã gộp phản ánh trùng.",
}
#: Error codes of the triage service that a person can act on.
CASE_ERRORS = {
    "triage.note_required": "Vui lòng ghi chú việc đã làm hoặc lý do từ chối.",
    "triage.reason_required": "Vui lòng ghi lý do cần xem nội dung gốc.",
    "triage.pending": "Hệ thống chưa phân tích xong phản ánh này; vui lòng thử lại sau ít phút.",
    "triage.no_routing": "Phản ánh chưa có lĩnh vực để xác nhận.",
    "triage.merge_self": "Không thể gộp phản ánh vào chính nó.",
    "triage.merge_into_later": "Chỉ gộp vào phản ánh gửi trước.",
    "triage.unknown_assignee": "Tài khoản được giao không tồn tại hoặc đã khóa.",
    "triage.bad_flag": "Loại nội dung không hợp lệ.",
    "refdata.unknown_ward": "Không có phường này trong danh sách phường hiện nay.",
    "triage.assign_outside": "Chỉ được giao cho người trong đơn vị của bạn.",
    "triage.assignee_read_only": "Tài khoản này không có quyền xử lý phản ánh.",
    "triage.assignee_cannot_see": "Tài khoản này không xem được phản ánh của đơn vị khác.",
    "feedback.illegal_transition": "Không thể chuyển sang trạng thái này từ trạng thái hiện tại.",
}
SENTIMENT_LABELS = {"negative": "Tiêu cực", "neutral": "Trung tính", "positive": "Tích cực"}

# Ask
ASK_TITLE = "Hỏi số liệu phản ánh"
ASK_INTRO = "Đặt câu hỏi bằng tiếng Việt, ví dụ về số lượng, tỉ lệ, xu hướng hay phản ánh quá hạn."
ASK_LABEL = "Câu hỏi"
ASK_PLACEHOLDER = "tuần này có bao nhiêu phản ánh về ngập nước?"
ASK_SUBMIT = "Hỏi"
ASK_UNDERSTOOD = "Hệ thống hiểu câu hỏi là"
ASK_NUMBERS = "Số liệu"
ASK_CHART = "Biểu đồ"
ASK_CHART_ALT = "Biểu đồ cho câu hỏi: {question}"
ASK_EXAMPLES = "Ví dụ phản ánh"
ASK_CANNOT = "Chưa trả lời được câu hỏi này"
ASK_TRY = "Bạn có thể hỏi, ví dụ:"
ASK_TOO_LONG = "Câu hỏi quá dài (tối đa 500 ký tự)."
ROW_HEADERS = {
    "day": "Ngày",
    "week": "Tuần từ",
    "period": "Kỳ",
    "start": "Từ ngày",
    "end": "Đến ngày",
    "reference": "Mã",
    "name": "Tên",
    "category": "Lĩnh vực",
    "ward": "Phường",
    "channel": "Kênh",
    "total": "Số phản ánh",
    "share": "Tỉ lệ",
    "negative": "Tiêu cực",
    "neutral": "Trung tính",
    "positive": "Tích cực",
    "negative_share": "Tỉ lệ tiêu cực",
    "due_at": "Hạn xử lý",
    "days_late": "Số ngày trễ",
}
PERIOD_LABELS = {"current": "Kỳ này", "previous": "Kỳ so sánh"}

# Dashboard
DASH_TITLE = "Tổng quan phản ánh"
DASH_PERIOD = "Khoảng thời gian"
DASH_DAYS = {7: "7 ngày qua", 30: "30 ngày qua", 90: "90 ngày qua"}
DASH_SHOW = "Xem"
DASH_RANGE = "Từ {start} đến {end}"
DASH_TOTAL = "Tổng số phản ánh"
DASH_NEGATIVE_SHARE = "Tỉ lệ tiêu cực"
DASH_OVERDUE_COUNT = "Đang quá hạn"
DASH_VOLUME = "Số phản ánh theo ngày"
DASH_VOLUME_LEGEND = "Đường xanh: tổng số; đường đỏ: phản ánh tiêu cực."
DASH_BY_CATEGORY = "Theo lĩnh vực"
DASH_MAP = "Bản đồ phản ánh theo phường"
DASH_SENTIMENT = "Tỉ lệ phản ánh tiêu cực theo tuần (%)"
DASH_FORECAST = "Dự báo 7 ngày tới"
DASH_FORECAST_LEGEND = "Đường xanh: thực tế 28 ngày qua; đường cam đứt nét: dự báo."
DASH_FORECAST_ALL = "Mọi lĩnh vực"
DASH_FORECAST_ERROR = (
    "Sai số khi thử trên {weeks} tuần trước: trung bình {mae} phản ánh/ngày (MAPE {mape})."
)
DASH_FORECAST_NO_ERROR = "Chưa đủ dữ liệu cũ để đo sai số dự báo."
DASH_FORECAST_DAY = "Ngày"
DASH_FORECAST_VALUE = "Dự báo"
DASH_FORECAST_RANGE = "Khoảng"
DASH_OVERDUE = "Phản ánh quá hạn"
DASH_ALERTS = "Cảnh báo mới nhất"
DASH_NO_ALERTS = "Không có cảnh báo trong 14 ngày qua."
DASH_SEE_ALL = "Xem tất cả"

# Alerts
ALERTS_TITLE = "Cảnh báo tăng đột biến"
ALERTS_INTRO = (
    "Khi số phản ánh hoặc tỉ lệ tiêu cực của một lĩnh vực tăng bất thường so với 28 ngày trước."
)
ALERTS_EMPTY = "Chưa có cảnh báo nào."
ALERT_KINDS = {"volume": "Số lượng tăng", "negative_share": "Tỉ lệ tiêu cực tăng"}
ALERT_DAY = "Ngày"
ALERT_KIND = "Loại"
ALERT_TEXT = "Nội dung"
ALERT_EXAMPLES = "Ví dụ"
ALERT_SENT = "Đã gửi lãnh đạo"
YES = "Có"
NO = "Chưa"
