"""Helpers every ``langnghe`` sub-command shares: settings and logging set-up."""

from __future__ import annotations

import logging
import sys

import click

from app.settings import Settings


def load_settings() -> Settings:
    try:
        return Settings()
    except ValueError as exc:
        raise click.ClickException(f"invalid settings: {exc}") from exc


def setup_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.root.level))
    # httpx logs request URLs at INFO, and Telegram's carry the bot token.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.root.level))
