"""The photo fetchers of Telegram and Zalo against a real local HTTP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bots.channels.telegram_render import TelegramPhotoFetcher
from bots.channels.zalo_api import ZaloPhotoFetcher
from core.chat import Photo
from core.errors import ExternalServiceError, InvalidInput
from tests.bots.channels.fake_photos import PhotoServer
from tests.bots.channels.fake_telegram import TOKEN
from tests.http_servers import refused_port
from tests.images import jpeg, png

GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00;"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00" + bytes(13)
PAGE = "<html><body>Ảnh không tồn tại</body></html>".encode()


@pytest.fixture(scope="module")
def server() -> Iterator[PhotoServer]:
    with PhotoServer() as s:
        yield s


@pytest.fixture(scope="module")
def zalo() -> Iterator[ZaloPhotoFetcher]:
    fetcher = ZaloPhotoFetcher()
    yield fetcher
    fetcher.close()


@pytest.fixture
def telegram(server: PhotoServer) -> TelegramPhotoFetcher:
    return TelegramPhotoFetcher(TOKEN, base_url=server.bot_url)


# --- Zalo: the CDN URL in the webhook event --------------------------------------------------


@pytest.mark.parametrize(
    ("name", "body", "content_type"),
    [("ga.png", png(1), "image/png"), ("ngap.jpg", jpeg(2), "image/jpeg"),
     ("rac.gif", GIF, "image/gif"), ("cay.webp", WEBP, "image/webp"),
     ("den.jpg", jpeg(3), "image/jpeg; charset=binary")],
)  # fmt: skip
def test_zalo_fetches_an_image_url(
    server: PhotoServer, zalo: ZaloPhotoFetcher, name: str, body: bytes, content_type: str
) -> None:
    url = server.image(name, body, content_type)
    caption = "Ổ gà trước số 45 Lê Văn Việt"
    fetched = zalo.fetch(Photo("msg-8413", url=url, caption=caption), 1_000)
    assert fetched.data == body
    assert fetched.content_type == content_type.split(";")[0]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(PAGE, "text/html; charset=utf-8"),  # an error page where the photo was
     (jpeg(), "image/png"),  # the bytes are not the type announced
     (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),  # scripts, not a photo
     (b"MZ\x90\x00 khong phai anh", "image/jpeg"),  # anything at all, labelled an image
     (png(), "application/octet-stream")],
)  # fmt: skip
def test_zalo_refuses_what_is_not_an_accepted_image(
    server: PhotoServer, zalo: ZaloPhotoFetcher, body: bytes, content_type: str
) -> None:
    url = server.image(f"x-{len(body)}-{content_type.replace('/', '-')}", body, content_type)
    with pytest.raises(InvalidInput) as err:
        zalo.fetch(Photo("msg-1", url=url), 1_000)
    assert err.value.code == "attachment.not_an_image"


@pytest.mark.parametrize("stream", [False, True], ids=["content-length", "streamed"])
def test_zalo_refuses_a_photo_over_the_limit(
    server: PhotoServer, zalo: ZaloPhotoFetcher, stream: bool
) -> None:
    big = png(5, width=200, height=200)
    assert len(big) > 500
    url = server.image(f"big-{stream}.png", big, stream=stream)
    with pytest.raises(InvalidInput) as err:
        zalo.fetch(Photo("msg-2", url=url), 500)
    assert err.value.code == "attachment.too_large"
    assert zalo.fetch(Photo("msg-2", url=url), len(big)).data == big  # exactly at the limit


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://photo-stal.zadn.vn/a.jpg", "", "//photo-stal.zadn.vn/a.jpg",
     "javascript:alert(1)", "http:///no-host.png"],
)  # fmt: skip
def test_zalo_fetches_only_http_urls(server: PhotoServer, zalo: ZaloPhotoFetcher, url: str) -> None:
    before = len(server.requests)
    with pytest.raises(InvalidInput) as err:
        zalo.fetch(Photo("msg-3", url=url), 1_000)
    assert err.value.code == "attachment.url_invalid"
    assert len(server.requests) == before


def test_zalo_reports_a_missing_photo_as_a_platform_failure(
    server: PhotoServer, zalo: ZaloPhotoFetcher
) -> None:
    with pytest.raises(ExternalServiceError) as err:
        zalo.fetch(Photo("msg-4", url=f"{server.url}/cdn/da-xoa.jpg"), 1_000)
    assert err.value.code == "zalo.photo_fetch_failed" and "404" in err.value.message


def test_zalo_reports_an_unreachable_cdn(zalo: ZaloPhotoFetcher) -> None:
    with refused_port() as port, pytest.raises(ExternalServiceError) as err:
        zalo.fetch(Photo("msg-5", url=f"http://127.0.0.1:{port}/a.png"), 1_000)
    assert err.value.code == "zalo.photo_fetch_failed"


# --- Telegram: getFile, then the file URL ------------------------------------------------------


@pytest.mark.parametrize("body", [jpeg(7), png(7)], ids=["jpeg", "png"])
def test_telegram_fetches_a_file_id(
    server: PhotoServer, telegram: TelegramPhotoFetcher, body: bytes
) -> None:
    file_id = f"AgACAgUAAxkBAAIB-{len(body)}"
    server.telegram_file(file_id, body)
    fetched = telegram.fetch(Photo(file_id, caption="Cây ngã đường Kha Vạn Cân"), 1_000)
    assert fetched.data == body
    assert fetched.content_type == ("image/png" if body.startswith(b"\x89PNG") else "image/jpeg")
    assert f"file/photos/{file_id}.jpg" in server.requests


def test_telegram_reports_an_unknown_file_id(telegram: TelegramPhotoFetcher) -> None:
    with pytest.raises(ExternalServiceError) as err:
        telegram.fetch(Photo("AgAC-expired"), 1_000)
    assert err.value.code == "telegram.photo_fetch_failed"
    assert "invalid file_id" in err.value.message.lower()


def test_telegram_refuses_a_large_file_before_downloading_it(
    server: PhotoServer, telegram: TelegramPhotoFetcher
) -> None:
    server.telegram_file("AgAC-big", jpeg(), reported_size=20_000_000)
    before = server.downloads()
    with pytest.raises(InvalidInput) as err:
        telegram.fetch(Photo("AgAC-big"), 10 * 1024 * 1024)
    assert err.value.code == "attachment.too_large"
    assert server.downloads() == before


@pytest.mark.parametrize(
    ("body", "code"),
    [(png(9, width=100, height=100), "attachment.too_large"),  # no size reported: checked after
     (PAGE, "attachment.not_an_image")],
)  # fmt: skip
def test_telegram_checks_the_bytes_it_got(
    server: PhotoServer, telegram: TelegramPhotoFetcher, body: bytes, code: str
) -> None:
    file_id = f"AgAC-{code}"
    server.telegram_file(file_id, body, reported_size=None)
    with pytest.raises(InvalidInput) as err:
        telegram.fetch(Photo(file_id), 200)
    assert err.value.code == code


def test_telegram_needs_a_bot_api_base_url() -> None:
    with pytest.raises(InvalidInput) as err:
        TelegramPhotoFetcher(TOKEN, base_url="https://api.telegram.org/file")
    assert err.value.code == "telegram.base_url_invalid"
