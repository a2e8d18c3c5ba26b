"""The issue's "done when", in a real headless browser (Debian Chromium driven by Playwright).

A real server (uvicorn in a thread, lifespan on) over a real container on a SQLite file:
a new user logs in with the README's demo credentials, triages a case filed on chat (changes
its category, reassigns it, changes its status with a note, corrects its ward, folds its text
away as abusive), sees the citizen's notification on the case page, asks how many flood reports
came in this week and gets the right number with its chart, and opens the dashboard's ward map.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.cli_accounts import DEMO_PASSWORD, ensure_demo_accounts
from app.container import Container
from app.settings import Settings
from app.web import build_app
from tests.api.web.conftest import NOISE, file_case
from tests.http_servers import ServerThread

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
FLOODS = (
    "Đường số 5 phường Hiệp Bình ngập sâu sau cơn mưa chiều nay",
    "Mưa lớn làm ngập nước đường Kha Vạn Cân, xe chết máy hàng loạt",
    "Cống thoát nước bị nghẹt, nước tràn vào nhà dân ở phường Linh Xuân",
)
CHAT_CASE = "Nhà bên cạnh hát karaoke tới 1 giờ sáng ở đường số 5 phường Hiệp Bình"
QUESTION = "tuần này có bao nhiêu phản ánh về ngập nước?"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The server's URL and the reference of the case filed on Telegram."""
    home = tmp_path_factory.mktemp("browser")
    container = Container(Settings(home=home, environment="test", annotation_wait_seconds=5.0))
    app = build_app(container)
    with ServerThread(app) as server:
        ensure_demo_accounts(container.accounts, environment="test")
        for text in (*FLOODS, NOISE):
            file_case(container, text)
        chat = file_case(container, CHAT_CASE, channel="telegram", chat_user="55501")
        app.state.analytics.rebuild_aggregates()
        yield {"url": server.url, "chat_case": chat.reference}
    container.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/test.sh does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def test_log_in_triage_ask_and_see_the_dashboard(page: Any, site: dict[str, Any]) -> None:
    url, reference = site["url"], site["chat_case"]
    _log_in(page, url)
    _triage(page, reference)
    _ask(page, url)
    _dashboard(page)


def _log_in(page: Any, url: str) -> None:
    page.goto(f"{url}/staff")
    assert "/login?next=%2Fstaff" in page.url  # anonymous: sent to the login form
    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{url}/staff")
    assert page.get_by_role("heading", level=1).inner_text() == "Hàng chờ xử lý phản ánh"


def _triage(page: Any, reference: str) -> None:
    page.get_by_role("link", name=reference, exact=True).click()
    page.wait_for_url(re.compile(f"/staff/cases/{reference}$"))
    category = page.locator("#form-category")
    category.get_by_label("Lĩnh vực mới").select_option("trat_tu_do_thi")
    category.get_by_label("Ghi chú").fill("Phản ánh về lấn chiếm, không phải tiếng ồn")
    category.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"done=category$"))
    assert page.locator("#category").inner_text() == "Trật tự đô thị"

    assign = page.locator("#form-assign")
    assign.get_by_label("Giao cho").select_option(label="phuong")
    assign.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"done=assign$"))
    assert page.locator("#assignee").inner_text() == "phuong"

    status = page.locator("#form-status")
    status.get_by_label("Trạng thái mới").select_option("in_progress")
    status.get_by_label("Ghi chú (gửi kèm thông báo cho người dân)").fill(
        "Đã chuyển tổ trật tự đô thị phường kiểm tra"
    )
    status.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"done=status$"))
    assert page.locator("#status").inner_text() == "Đang xử lý"
    notifications = page.locator("table#notifications tbody tr")
    assert notifications.count() >= 1
    assert "Telegram" in notifications.last.inner_text()
    history = page.locator("#history").inner_text()
    assert "Tiếng ồn" in history and "Trật tự đô thị" in history and "phuong" in history

    ward = page.locator("#form-ward")  # the ward was read right; say it was Linh Xuân
    ward.get_by_label("Phường").select_option("Linh Xuân")
    ward.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"done=ward$"))
    assert page.locator("#ward").inner_text() == "Linh Xuân"
    assert page.locator("#department").inner_text() == "Ủy ban nhân dân phường Linh Xuân"
    assert page.locator("#assignee").inner_text() == "Chưa giao"  # Hiệp Bình's account

    content = page.locator("#form-content")  # abusive: folded away until someone asks
    content.get_by_label("Nội dung là").select_option("abusive")
    content.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"done=content$"))
    assert "lời lẽ xúc phạm" in page.locator("#withheld").inner_text()
    assert not page.locator("#redacted-text").is_visible()
    page.get_by_text("Hiện nội dung", exact=True).click()
    assert "karaoke" in page.locator("#redacted-text").inner_text()


def _ask(page: Any, url: str) -> None:
    page.get_by_role("link", name="Hỏi số liệu").click()
    page.wait_for_url(f"{url}/staff/ask")
    page.get_by_label("Câu hỏi").fill(QUESTION)
    page.get_by_role("button", name="Hỏi", exact=True).click()
    page.wait_for_url(re.compile(r"/staff/ask\?q="))
    assert "Ngập nước, thoát nước" in page.locator("#understood").inner_text()
    assert re.search(r"\b3\b", page.locator("#answer-title").inner_text())
    page.wait_for_function(
        "() => { const i = document.getElementById('answer-chart');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )


def _dashboard(page: Any) -> None:
    page.get_by_role("link", name="Tổng quan").click()
    page.wait_for_url(re.compile(r"/staff/dashboard$"))
    assert page.locator("#ward-map svg path[data-ward]").count() == 12
    assert page.locator("#volume-chart svg polyline").count() >= 1
