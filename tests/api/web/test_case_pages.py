"""The case page: redacted text, the original on request, annotations, history, actions."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.container import Container
from tests.api.web.conftest import NOISE, csrf_of, file_case, logged_in


def _page(client: TestClient, reference: str) -> str:
    response = client.get(f"/staff/cases/{reference}")
    assert response.status_code == 200, response.text
    return response.text


def _post(client: TestClient, reference: str, action: str, **data: str):
    token = csrf_of(_page(client, reference))
    return client.post(f"/staff/cases/{reference}/{action}", data={"csrf_token": token, **data})


def test_the_case_page_shows_text_annotations_and_forms(web: TestClient, web_container):
    fb = file_case(web_container)
    html = _page(logged_in(web, "lan"), fb.reference)
    assert fb.public_text in html and "0909123456" not in html
    assert 'id="explanation"' in html and 'class="badge">' in html  # routing words
    assert 'id="alternatives"' in html
    for form in (
        "confirm",
        "category",
        "priority",
        "content",
        "ward",
        "status",
        "assign",
        "original",
    ):
        assert f'action="/staff/cases/{fb.reference}/{form}"' in html
    assert '<label for="new-status">' in html and '<label for="reason">' in html


def test_the_original_needs_a_reason_is_audited_and_shown_once(web: TestClient, web_container):
    fb = file_case(web_container)
    client = logged_in(web, "lan")
    refused = _post(client, fb.reference, "original", reason="")
    assert refused.status_code == 422 and "Vui lòng ghi lý do" in refused.text
    assert "0909123456" not in refused.text
    shown = _post(client, fb.reference, "original", reason="gọi lại cho người dân")
    assert shown.status_code == 200 and "0909123456" in shown.text
    again = _page(client, fb.reference)
    assert "0909123456" not in again
    assert "Xem nội dung gốc" in again and "gọi lại cho người dân" in again  # in the history


def test_changing_the_category_is_recorded(web: TestClient, web_container: Container):
    fb = file_case(web_container)
    client = logged_in(web, "lan")
    response = _post(client, fb.reference, "category", category="moi_truong", note="rác")
    assert response.status_code == 303
    assert response.headers["location"] == f"/staff/cases/{fb.reference}?done=category"
    html = client.get(response.headers["location"]).text
    assert "Đã đổi lĩnh vực." in html
    assert '<dd id="category">Môi trường, rác thải</dd>' in html
    assert "Ngập nước, thoát nước / " in html and "→ Môi trường, rác thải / " in html


def test_status_change_with_a_note_notifies_the_citizen(web: TestClient, web_container):
    fb = file_case(web_container, chat_user="777001")
    client = logged_in(web, "lan")
    html = _page(client, fb.reference)
    assert "Chưa có tin nhắn nào gửi người dân." in html
    response = _post(client, fb.reference, "status", status="in_progress",
                     note="Đã cử tổ thoát nước tới kiểm tra")  # fmt: skip
    assert response.status_code == 303, response.text
    html = _page(client, fb.reference)
    assert '<dd id="status">Đang xử lý</dd>' in html
    assert 'id="notifications"' in html and "Telegram" in html
    assert "Đã cử tổ thoát nước tới kiểm tra" in html


def test_a_refused_transition_or_missing_note_says_why(web: TestClient, web_container):
    fb = file_case(web_container)
    client = logged_in(web, "lan")
    illegal = _post(client, fb.reference, "status", status="resolved", note="xong")
    assert illegal.status_code == 409
    assert "Không thể chuyển sang trạng thái này" in illegal.text
    _post(client, fb.reference, "status", status="in_progress", note="")
    no_note = _post(client, fb.reference, "status", status="rejected", note="")
    assert no_note.status_code == 422 and "Vui lòng ghi chú" in no_note.text


def test_assign_and_priority(web: TestClient, web_container: Container):
    fb = file_case(web_container)
    client = logged_in(web, "lan")
    hung = next(a for a in web_container.accounts.accounts() if a.username == "hung")
    assert _post(client, fb.reference, "assign", assignee=str(hung.id)).status_code == 303
    assert _post(client, fb.reference, "priority", priority="low").status_code == 303
    html = _page(client, fb.reference)
    assert '<dd id="assignee">hung</dd>' in html
    assert "Thấp" in html and "do cán bộ đặt" in html
    assert "Giao người xử lý" in html and "Chưa giao → hung" in html


def test_correcting_the_ward_moves_the_table_department_and_the_map(
    web: TestClient, web_container: Container
) -> None:
    fb = file_case(web_container, NOISE)  # karaoke in Linh Xuân
    web_container.analytics.rebuild_aggregates()

    def in_ward(ward: str) -> int:
        board = web_container.analytics.dashboard(None, days=1)
        return sum(c.total for name, c in board.by_ward if name == ward)

    before = in_ward("Tam Bình")
    client = logged_in(web, "lan")
    html = _page(client, fb.reference)
    assert '<dd id="ward">Linh Xuân</dd>' in html
    assert '<option value="Linh Xuân" selected>' in html.split('id="new-ward"')[1]
    unknown = _post(client, fb.reference, "ward", ward="Bến Nghé")
    assert unknown.status_code == 422 and "Không có phường này" in unknown.text
    response = _post(client, fb.reference, "ward", ward="Tam Bình", note="quán ở Tam Bình")
    assert response.headers["location"] == f"/staff/cases/{fb.reference}?done=ward"
    html = client.get(response.headers["location"]).text
    assert "Đã sửa phường." in html and '<dd id="ward">Tam Bình</dd>' in html
    assert '<dd id="department">Ủy ban nhân dân phường Tam Bình</dd>' in html
    change = (
        "Linh Xuân / Ủy ban nhân dân phường Linh Xuân → Tam Bình / Ủy ban nhân dân phường Tam Bình"
    )
    assert "Sửa phường" in html and change in html
    assert in_ward("Tam Bình") == before + 1  # no wait for the background recount
    unknown_now = _post(client, fb.reference, "ward", ward="")
    assert unknown_now.status_code == 303
    assert '<dd id="ward">Chưa rõ phường</dd>' in _page(client, fb.reference)


def test_an_abusive_or_spam_text_is_folded_away_in_the_queue_and_the_case(
    web: TestClient, web_container: Container
) -> None:
    fb = file_case(web_container, NOISE)
    client = logged_in(web, "lan")
    assert _post(client, fb.reference, "content", flag="abusive").status_code == 303
    html = _page(client, fb.reference)
    assert "Đã cập nhật loại nội dung." not in html  # only right after the action
    assert 'id="withheld"' in html and "lời lẽ xúc phạm: nội dung được ẩn" in html
    folded = html.split('id="withheld"')[1]
    assert "<details><summary>Hiện nội dung</summary>" in folded
    assert folded.index("<summary>") < folded.index(fb.public_text)  # inside the fold
    row = client.get("/staff", params={"q": "karaoke"}).text.split(
        f'data-reference="{fb.reference}"'
    )[1]
    assert "Lời lẽ xúc phạm, đã ẩn" in row.split("</tr>")[0]
    assert fb.public_text[:40] not in row.split("</tr>")[0]
    change = "Bình thường (hiện nội dung) → Có lời lẽ xúc phạm (ẩn nội dung)"
    assert "Đánh dấu nội dung" in html and change in html  # the history
    assert _post(client, fb.reference, "content", flag="ok").status_code == 303
    assert 'id="withheld"' not in _page(client, fb.reference)


def test_a_case_form_without_its_token_changes_nothing(web: TestClient, web_container):
    fb = file_case(web_container)
    client = logged_in(web, "lan")
    forged = client.post(f"/staff/cases/{fb.reference}/priority", data={"priority": "critical"})
    assert forged.status_code == 403
    assert "Khẩn cấp" not in _page(client, fb.reference).split('id="priority"')[1][:200]


def test_merge_into_an_earlier_report(web: TestClient, web_container: Container):
    first, second = file_case(web_container, NOISE), file_case(web_container, NOISE)
    client = logged_in(web, "lan")
    response = _post(client, second.reference, "merge", into=first.reference)
    assert response.status_code == 303
    html = _page(client, second.reference)
    assert f'<a href="/staff/cases/{first.reference}">{first.reference}</a>' in html
    assert "Trùng với phản ánh" in html
    assert second.reference in _page(client, first.reference)  # merged into it


def test_unknown_cases_are_a_page_not_json(web: TestClient):
    response = logged_in(web, "lan").get("/staff/cases/PA-2026-999999")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Không tìm thấy" in response.text


def test_the_dashboard_follows_a_category_change_at_once(
    web: TestClient, web_container: Container
) -> None:
    fb = file_case(web_container, NOISE)
    web_container.analytics.rebuild_aggregates()

    def counted(category: str) -> int:
        board = web_container.analytics.dashboard(None, days=1)
        return sum(c.total for code, c in board.by_category if code == category)

    before = counted("trat_tu_do_thi")
    client = logged_in(web, "lan")
    page = client.get(f"/staff/cases/{fb.reference}").text
    form = {"csrf_token": csrf_of(page), "category": "trat_tu_do_thi"}
    moved = client.post(f"/staff/cases/{fb.reference}/category", data=form)
    assert moved.status_code == 303
    assert counted("trat_tu_do_thi") == before + 1  # no wait for the background recount
