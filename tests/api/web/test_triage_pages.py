"""The queue, bulk actions, the overdue list and the CSV export, as each role sees them."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from fastapi.testclient import TestClient

from app.container import Container
from core.types import LOCAL_TZ
from tests.api.web.conftest import FLOOD, NOISE, csrf_of, file_case, logged_in


def test_the_queue_lists_cases_with_their_columns(web: TestClient, web_container: Container):
    fb = file_case(web_container)
    page = logged_in(web, "lan").get("/staff")
    assert page.status_code == 200
    html = page.text
    assert f'href="/staff/cases/{fb.reference}"' in html
    for heading in ("Mã", "Tiếp nhận", "Kênh", "Lĩnh vực (độ tin cậy)", "Đơn vị xử lý", "Phường",
                    "Ưu tiên", "Trạng thái", "Hạn xử lý", "Người xử lý"):  # fmt: skip
        assert f">{heading}</th>" in html
    assert "Ngập nước, thoát nước" in html  # the category's name, not its code
    assert "0909123456" not in html  # redacted text only
    assert 'aria-current="page"' in html and "Hỏi số liệu" in html
    assert 'name="keys"' in html and 'value="assign"' in html  # bulk actions for triage


def test_filters_narrow_the_queue_and_a_bad_one_is_named(web: TestClient, web_container: Container):
    flood, noise = file_case(web_container, FLOOD), file_case(web_container, NOISE)
    client = logged_in(web, "lan")
    only_flood = client.get("/staff", params={"category": "thoat_nuoc", "status": "all"}).text
    assert flood.reference in only_flood and noise.reference not in only_flood
    text = client.get("/staff", params={"q": "karaoke", "status": "all"}).text
    assert noise.reference in text and flood.reference not in text
    bad = client.get("/staff", params={"ward": "Bến Nghé", "date_from": "hôm qua"})
    assert bad.status_code == 200
    assert "Bỏ qua bộ lọc không hợp lệ: Phường, Từ ngày." in bad.text


def test_pages_and_the_export_keep_the_filters(web: TestClient, web_container, monkeypatch):
    monkeypatch.setattr("api.web.filters.PAGE_SIZE", 1)
    monkeypatch.setattr("api.web.triage_pages.PAGE_SIZE", 1)
    for _ in range(2):
        file_case(web_container)
    client = logged_in(web, "lan")
    first = client.get("/staff", params={"category": "thoat_nuoc", "status": "all"}).text
    assert first.count('data-reference="') == 1
    assert "/staff/export.csv?status=all&amp;category=thoat_nuoc" in first
    next_url = re.search(r'<a href="([^"]+)" rel="next">', first)
    assert next_url and "category=thoat_nuoc" in next_url.group(1)
    second = client.get(next_url.group(1).replace("&amp;", "&")).text
    assert 'rel="prev"' in second and "Trang 2/" in second


def test_a_count_stopped_at_its_limit_still_pages_on(web: TestClient, web_container, monkeypatch):
    monkeypatch.setattr("api.web.filters.PAGE_SIZE", 1)
    monkeypatch.setattr("api.web.triage_pages.PAGE_SIZE", 1)
    monkeypatch.setattr(web_container.cases, "_count_limit", 2)
    for _ in range(4):
        file_case(web_container)
    client = logged_in(web, "lan")
    second = client.get("/staff", params={"status": "all", "page": 2}).text
    assert "Hơn 2 phản ánh" in second
    assert "Trang 2<" in second and "Trang 2/" not in second
    assert 'rel="next"' in second  # the page was full: there may be more
    last = client.get("/staff", params={"status": "all", "page": 4}).text
    assert last.count('data-reference="') == 1 and "Trang 4<" in last


def test_a_department_sees_only_its_cases(web: TestClient, web_container: Container):
    flood, noise = file_case(web_container, FLOOD), file_case(web_container, NOISE)
    assert flood.department == "ubnd_hiep_binh" and noise.department != "ubnd_hiep_binh"
    client = logged_in(web, "hung")
    html = client.get("/staff", params={"status": "all"}).text
    assert flood.reference in html and noise.reference not in html
    assert client.get(f"/staff/cases/{noise.reference}").status_code == 404


def test_an_official_reads_but_has_no_forms(web: TestClient, web_container: Container):
    fb = file_case(web_container)
    client = logged_in(web, "mai")
    queue = client.get("/staff").text
    assert fb.reference in queue and 'name="keys"' not in queue
    case = client.get(f"/staff/cases/{fb.reference}").text
    assert "chỉ được xem" in case and "/status" not in case and 'name="reason"' not in case
    token = csrf_of(case)  # the logout form's
    refused = client.post(f"/staff/cases/{fb.reference}/priority",
                          data={"csrf_token": token, "priority": "high"})  # fmt: skip
    assert refused.status_code == 403
    assert "không được phép" in refused.text


def test_bulk_priority_changes_every_ticked_case(web: TestClient, web_container: Container):
    a, b = file_case(web_container), file_case(web_container)
    client = logged_in(web, "lan")
    token = csrf_of(client.get("/staff").text)
    response = client.post("/staff/bulk", data={
        "csrf_token": token, "keys": [a.reference, b.reference], "action": "priority",
        "bulk_priority": "critical", "back": "category=thoat_nuoc&evil=1"})  # fmt: skip
    assert response.status_code == 303
    assert response.headers["location"] == "/staff?category=thoat_nuoc&done=2&failed=0"
    assert "Đã cập nhật 2 phản ánh." in client.get(response.headers["location"]).text
    for ref in (a.reference, b.reference):
        assert 'class="badge priority-critical">Khẩn cấp' in client.get(f"/staff/cases/{ref}").text


def test_bulk_marks_ticked_cases_as_spam(web: TestClient, web_container: Container):
    ads = [file_case(web_container), file_case(web_container)]  # the models see no spam here
    assert all(ad.withheld is None for ad in ads)
    client = logged_in(web, "lan")
    token = csrf_of(client.get("/staff").text)
    response = client.post("/staff/bulk", data={
        "csrf_token": token, "keys": [a.reference for a in ads], "action": "content",
        "bulk_content": "spam"})  # fmt: skip
    assert response.headers["location"] == "/staff?done=2&failed=0"
    queue = client.get("/staff").text
    for ad in ads:
        row = queue.split(f'data-reference="{ad.reference}"')[1].split("</tr>")[0]
        assert "Tin rác, đã ẩn" in row and ad.public_text[:30] not in row


def test_bulk_without_a_token_or_a_selection(web: TestClient, web_container: Container):
    fb = file_case(web_container)
    client = logged_in(web, "lan")
    forged = client.post("/staff/bulk", data={"keys": [fb.reference], "action": "priority",
                                              "bulk_priority": "low"})  # fmt: skip
    assert forged.status_code == 403 and "Biểu mẫu đã hết hạn" in forged.text
    token = csrf_of(client.get("/staff").text)
    empty = client.post("/staff/bulk", data={"csrf_token": token, "action": "priority",
                                             "bulk_priority": "low"})  # fmt: skip
    assert "Chưa chọn phản ánh nào." in client.get(empty.headers["location"]).text


def test_overdue_cases_are_listed_and_highlighted(web: TestClient, web_container: Container):
    old = datetime.now(LOCAL_TZ) - timedelta(days=20)
    fb = file_case(web_container, received_at=old)
    client = logged_in(web, "lan")
    html = client.get("/staff/overdue").text
    assert fb.reference in html and 'class="overdue"' in html and "Quá hạn" in html
    queue = client.get("/staff", params={"status": "all"}).text
    assert f'<tr class="overdue" data-reference="{fb.reference}">' in queue


def test_the_overdue_list_is_paged_and_scoped(web: TestClient, web_container, monkeypatch):
    monkeypatch.setattr("api.web.triage_pages.PAGE_SIZE", 1)
    old = datetime.now(LOCAL_TZ) - timedelta(days=20)
    floods = {file_case(web_container, received_at=old - timedelta(hours=n)).reference
              for n in range(2)}  # fmt: skip
    noise = file_case(web_container, NOISE, received_at=old).reference
    client = logged_in(web, "lan")
    first = client.get("/staff/overdue").text
    found = re.search(r"Trang 1/(\d+)", first)
    assert found and first.count('data-reference="') == 1
    pages = int(found.group(1))
    assert pages >= 3 and '<a href="/staff/overdue?page=2" rel="next">' in first
    listed = overdue_references(client, pages)
    assert len(listed) == len(set(listed)) == pages  # each case on one page
    assert floods | {noise} <= set(listed)
    last = client.get("/staff/overdue", params={"page": "999"}).text
    assert f"Trang {pages}/{pages}" in last and 'rel="prev"' in last and 'rel="next"' not in last
    assert "Trang 1/" in client.get("/staff/overdue", params={"page": "hai"}).text
    web.cookies.clear()
    department = logged_in(web, "hung")
    pages = int(re.findall(r"Trang 1/(\d+)", department.get("/staff/overdue").text)[0])
    mine = set(overdue_references(department, pages))
    assert floods <= mine and noise not in mine


def overdue_references(client: TestClient, pages: int) -> list[str]:
    return [
        ref
        for n in range(1, pages + 1)
        for ref in re.findall(
            r'data-reference="([^"]+)"', client.get("/staff/overdue", params={"page": n}).text
        )
    ]


def test_the_csv_export_is_redacted_and_filtered(web: TestClient, web_container: Container):
    flood, noise = file_case(web_container, FLOOD), file_case(web_container, NOISE)
    response = logged_in(web, "lan").get(
        "/staff/export.csv", params={"category": "tieng_on", "status": "all"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffreference,")
    assert noise.reference in body and flood.reference not in body
    assert "0909123456" not in body
