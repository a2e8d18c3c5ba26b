"""Helpers every ``langnghe`` sub-command shares: settings and logging set-up."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

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


F = TypeVar("F", bound=Callable[..., object])


def public_data_option(command: F) -> F:
    """``--data-dir``: the folder of the public corpora a training reads (UIT-VSFC, AIVIVN 2019,
    ViHSD, UIT-ViCTSD …); without it, ``LANGNGHE_DATA_DIR``, else ``../shared/data``."""
    option = click.option(
        "--data-dir",
        type=click.Path(path_type=Path, file_okay=False, exists=True),
        default=None,
        help="Folder of the public corpora (default: LANGNGHE_DATA_DIR, else ../shared/data).",
    )
    return option(command)
