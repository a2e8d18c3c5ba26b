"""``langnghe bot …``: run the chatbot channels outside the web server.

In production Telegram posts to ``POST /webhooks/telegram`` of ``langnghe serve``; register that
URL once with ``--set-webhook``. In development there is no public URL: ``--polling`` fetches
updates with ``getUpdates`` and answers with the same handlers.

    $ LANGNGHE_TELEGRAM_TOKEN=123:ABC langnghe bot telegram --polling
    $ langnghe bot telegram --set-webhook https://bot.thuduc.example.vn/webhooks/telegram
"""

from __future__ import annotations

import asyncio
import logging

import click

from app.cli_support import load_settings, setup_logging
from app.settings import Settings
from core.errors import LangngheError


@click.group()
def bot() -> None:
    """Chatbot channels (Telegram)."""


@bot.command()
@click.option("--polling", is_flag=True, help="Fetch updates with getUpdates (development).")
@click.option("--set-webhook", "webhook_url", metavar="URL", default=None,
              help="Register URL (…/webhooks/telegram) with Telegram and exit.")  # fmt: skip
def telegram(polling: bool, webhook_url: str | None) -> None:
    """Run the Telegram bot by polling, or register the webhook `langnghe serve` answers."""
    if polling == (webhook_url is not None):
        raise click.UsageError("choose one of --polling and --set-webhook URL")
    settings = load_settings()
    setup_logging(settings)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry the token
    token = _token(settings)
    try:
        if webhook_url is not None:
            _set_webhook(settings, token, webhook_url)
        else:
            _poll(settings, token)
    except LangngheError as exc:
        raise click.ClickException(str(exc)) from exc


def _token(settings: Settings) -> str:
    if not settings.telegram_token:
        raise click.ClickException(
            "LANGNGHE_TELEGRAM_TOKEN is not set: create a bot with @BotFather and put its "
            "token in the environment or in .env"
        )
    return settings.telegram_token


def _set_webhook(settings: Settings, token: str, url: str) -> None:
    from bots.channels.telegram_render import register_webhook

    secret = settings.telegram_webhook_secret
    if not secret:
        raise click.ClickException(
            "LANGNGHE_TELEGRAM_WEBHOOK_SECRET is not set: the webhook would take anyone's posts"
        )
    asyncio.run(register_webhook(token, url, secret, base_url=settings.telegram_base_url))
    click.echo(f"Telegram will post updates to {url}")


def _poll(settings: Settings, token: str) -> None:
    from app.container import Container
    from bots.channels.telegram import TelegramChannel

    container = Container(settings)
    try:
        container.start()
        channel = TelegramChannel(container.dialogue, token, base_url=settings.telegram_base_url)
        click.echo("polling Telegram for updates; Ctrl-C stops", err=True)
        channel.run_polling()
    finally:
        container.close()
