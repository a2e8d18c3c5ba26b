"""The staff benchmark's callers and its HTTP side (``eval/bench_staff.py``).

Accounts are made through ``AccountService`` like an administrator would (``ensure_account``:
a second benchmark reuses them), a triage account logs in for a session cookie, and an API key
with the official role calls ``POST /api/v1/ask``. The pages are served by ``langnghe serve`` in
a subprocess: a real uvicorn server with its own process, so page times include HTTP, auth,
the session's sliding expiry, the services and the templates.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from app.container import Container
from core.accounts import SYSTEM, Principal, Role
from core.analytics import local_day
from eval.bench_bot_server import free_port

if TYPE_CHECKING:
    from datetime import date

    from eval.bench_staff import Bench

LANGNGHE = str(Path(sys.executable).with_name("langnghe"))
PASSWORD = "bench-Thu-Duc-2026!"
SESSION_COOKIE = "langnghe_session"
QUESTIONS = (
    "Tuần này phường Hiệp Bình có bao nhiêu phản ánh?",
    "Tỷ lệ phản ánh tiêu cực tháng này so với tháng trước thế nào?",
    "Phường nào có nhiều phản ánh nhất tháng này?",
    "Lĩnh vực nào bị phản ánh nhiều nhất quý này?",
    "Xu hướng phản ánh ngập nước qua các tháng năm nay",
    "Có bao nhiêu phản ánh quá hạn?",
    "Phản ánh qua Zalo chiếm bao nhiêu phần trăm tháng này?",
    "Tháng 10 phường Thủ Đức có bao nhiêu phản ánh về tiếng ồn?",
    "Phản ánh về rác tháng này tăng hay giảm so với cùng kỳ năm ngoái?",
    "Năm nay có bao nhiêu phản ánh?",
    "hom nay co bao nhieu phan anh o Long Binh",
    "Top 5 phường có nhiều phản ánh về trật tự đô thị trong 30 ngày qua",
)
#: Pages timed over HTTP: (group, label, method, path, query or JSON body).
PAGES: tuple[tuple[str, str, str, str, dict[str, str]], ...] = (
    ("queue", "GET /staff (default)", "GET", "/staff", {}),
    ("queue", "GET /staff?category=thoat_nuoc", "GET", "/staff", {"category": "thoat_nuoc"}),
    ("queue", "GET /staff?ward=Hiệp Bình&status=open", "GET", "/staff",
     {"ward": "Hiệp Bình", "status": "open"}),
    ("queue", "GET /staff?q=ngập", "GET", "/staff", {"q": "ngập"}),
    ("queue", "GET /staff?page=10", "GET", "/staff", {"page": "10"}),
    ("queue", "GET /staff/overdue", "GET", "/staff/overdue", {}),
    ("queue-stress", "GET /staff?status=all&q=ngập", "GET", "/staff",
     {"status": "all", "q": "ngập"}),
    ("dashboard", "GET /staff/dashboard", "GET", "/staff/dashboard", {}),
    ("dashboard-wide", "GET /staff/dashboard?days=90", "GET", "/staff/dashboard",
     {"days": "90"}),
    *(("ask", f"GET /staff/ask?q={q}", "GET", "/staff/ask", {"q": q}) for q in QUESTIONS[:4]),
)  # fmt: skip


@dataclass(frozen=True)
class Staff:
    """Who calls: principals for the services, a session cookie and an API key for HTTP."""

    today: date
    triage: Principal
    official: Principal
    department: Principal
    session_token: str
    api_key: str


def make_staff(c: Container) -> Staff:
    accounts = c.accounts
    made = {
        role: accounts.ensure_account(SYSTEM, f"bench_{role.value}", PASSWORD, role, department)
        for role, department in ((Role.TRIAGE, None), (Role.OFFICIAL, None),
                                 (Role.DEPARTMENT, "ubnd_hiep_binh"))
    }  # fmt: skip
    session = accounts.login(made[Role.TRIAGE].username, PASSWORD, "127.0.0.1")
    _, key = accounts.create_api_key(SYSTEM, f"bench-{uuid.uuid4().hex[:8]}", Role.OFFICIAL)
    return Staff(
        local_day(datetime.now(UTC)),
        *(Principal.of(made[r]) for r in (Role.TRIAGE, Role.OFFICIAL, Role.DEPARTMENT)),
        session.token, key,
    )  # fmt: skip


class HttpBench:
    """Starts ``langnghe serve`` on the benchmark's database and times the pages."""

    def __init__(self, db_url: str, home: Path, who: Staff) -> None:
        self.db_url, self.home, self.who = db_url, home, who
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"

    def run(self, bench: Bench, only: set[str]) -> None:
        proc = self._start()
        try:
            time.sleep(5)  # the analytics worker's first pass recounts recent days at start
            key = {"X-API-Key": self.who.api_key}
            with httpx.Client(base_url=self.base, timeout=60) as browser, \
                    httpx.Client(base_url=self.base, timeout=60, headers=key) as api:  # fmt: skip
                browser.cookies.set(SESSION_COOKIE, self.who.session_token)
                for group, label, method, path, params in PAGES:
                    if not only or group.split("-")[0] in only:
                        bench.measure(group, label, _call(browser, method, path, params))
                for q in QUESTIONS if not only or "ask" in only else ():
                    bench.measure("ask", f"POST /api/v1/ask: {q}",
                                  _call(api, "POST", "/api/v1/ask", {"question": q}))  # fmt: skip
        finally:
            proc.terminate()
            proc.wait(30)

    def _start(self) -> subprocess.Popen[bytes]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LANGNGHE_")}
        env.update(LANGNGHE_HOME=str(self.home), LANGNGHE_DATABASE_URL=self.db_url,
                   LANGNGHE_LOG_LEVEL="WARNING")  # fmt: skip
        proc = subprocess.Popen([LANGNGHE, "serve", "--port", str(self.port)], env=env,
                                cwd=self.home)  # fmt: skip
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return proc
            except httpx.HTTPError:
                time.sleep(0.3)
        proc.kill()
        raise SystemExit("langnghe serve did not start")


def _call(client: httpx.Client, method: str, path: str, params: dict[str, str]) -> Any:
    """One request (JSON body for POST, query for GET); anything but 200 is an error."""

    def call() -> str:
        if method == "POST":
            response = client.post(path, json=params)
        else:
            response = client.get(path, params=params)
        if response.status_code != 200:
            raise RuntimeError(f"{method} {path} answered {response.status_code}: "
                               f"{response.text[:120]}")  # fmt: skip
        return f"{len(response.content) / 1024:.0f} KB"

    return call
