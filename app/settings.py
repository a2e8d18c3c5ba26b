"""All settings, read from ``LANGNGHE_*`` environment variables (and ``.env``) in this one place.

LANGNGHE_DATABASE_URL      default sqlite:///<home>/var/langnghe.db
LANGNGHE_QDRANT_PATH       embedded Qdrant folder, default <home>/var/qdrant
LANGNGHE_QDRANT_URL        a Qdrant server or cluster instead of the embedded one
LANGNGHE_QDRANT_ENGINE     embedded engine: edge (qdrant-edge, default) or local (qdrant-client's
                           pure-Python local mode: small collections only)
LANGNGHE_COLLECTION        the e-document collection, default "documents"
LANGNGHE_DOSSIER_SOURCE_URL / _API_KEY / _TIMEOUT   a live one-stop-shop system (dossier status);
                           without it, dossiers come from `langnghe import-dossiers`
LANGNGHE_MODEL_DIR         trained model files, default <project>/models
LANGNGHE_EMBEDDER          lexical (duplicates, similar cases) or e5 (multilingual-e5-small)
LANGNGHE_LOG_LEVEL         INFO
LANGNGHE_SECRET_KEY        signs pseudonyms and sessions; must be set outside development
LANGNGHE_TELEGRAM_TOKEN    the bot's token (from @BotFather); without it, no Telegram channel
LANGNGHE_TELEGRAM_WEBHOOK_SECRET  checked against X-Telegram-Bot-Api-Secret-Token on
                           POST /webhooks/telegram (1-256 of A-Z a-z 0-9 _ -)
LANGNGHE_TELEGRAM_BASE_URL the Bot API, default https://api.telegram.org/bot (a local Bot API
                           server or a test fake instead)
LANGNGHE_ZALO_APP_ID       the Zalo app linked to the city's Official Account; without it, no
                           Zalo channel
LANGNGHE_ZALO_OA_SECRET_KEY   the OA's secret: checks X-ZEvent-Signature on POST /webhooks/zalo
LANGNGHE_ZALO_APP_SECRET_KEY  the app's secret: sent when refreshing the OA access token
LANGNGHE_ZALO_REFRESH_TOKEN   the first refresh token; Zalo rotates it at every refresh and the
                           current one is kept in the database (table zalo_token)
LANGNGHE_ZALO_API_BASE / _OAUTH_BASE   https://openapi.zalo.me, https://oauth.zaloapp.com
LANGNGHE_ZALO_WINDOW_DAYS  days after a user's last message the OA may still write (7)
LANGNGHE_ZALO_MAX_EVENT_AGE_SECONDS   older (signed) webhook events are ignored (300)
LANGNGHE_SESSION_HOURS     a staff session ends after this many idle hours (8)
LANGNGHE_COOKIE_SECURE     send the session cookie over HTTPS only (true; browsers accept it on
                           http://127.0.0.1 and localhost too)
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEV_SECRET = "dev-only-change-me"


def _home() -> Path:
    return PROJECT_DIR


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LANGNGHE_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    home: Path = Field(default_factory=_home)
    database_url: str | None = None
    qdrant_path: Path | None = None
    qdrant_url: str | None = None
    qdrant_api_key: str | None = None
    qdrant_engine: Literal["edge", "local"] = "edge"
    collection: str = Field(default="documents", pattern=r"^[A-Za-z0-9_-]{1,64}$")
    dossier_source_url: str | None = None
    dossier_source_api_key: str | None = None
    dossier_source_timeout: float = Field(default=5.0, gt=0, le=60)
    model_dir: Path = PROJECT_DIR / "models"
    refdata_dir: Path | None = None
    data_dir: Path = PROJECT_DIR.parent / "shared" / "data"
    log_level: str = "INFO"
    secret_key: str = DEV_SECRET
    telegram_token: str | None = None
    telegram_webhook_secret: str | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    zalo_app_id: str | None = None
    zalo_oa_secret_key: str | None = None
    zalo_app_secret_key: str | None = None
    zalo_refresh_token: str | None = None
    zalo_api_base: str = "https://openapi.zalo.me"
    zalo_oauth_base: str = "https://oauth.zaloapp.com"
    zalo_window_days: int = Field(default=7, ge=1, le=365)
    zalo_max_event_age_seconds: int = Field(default=300, ge=10, le=86_400)
    routing_threshold: float = Field(default=0.45, ge=0.0, le=1.0)
    embedder: Literal["lexical", "e5"] = "lexical"
    encoder: bool = True  # blend the tuned encoder into unsure sentiment and toxicity answers
    encoder_below: float = Field(default=0.65, ge=0.0, le=1.0)  # 1.0: into every answer
    encoder_threads: int | None = Field(default=None, ge=1, le=64)  # texts at once; None: cores
    annotation_wait_seconds: float = Field(default=1.5, ge=0.0, le=30.0)
    host: str = "127.0.0.1"
    port: int = 8000
    session_hours: float = Field(default=8.0, gt=0, le=24 * 30)
    cookie_secure: bool = True

    @model_validator(mode="after")
    def _defaults_and_secrets(self) -> Settings:
        if self.database_url is None:
            self.database_url = f"sqlite:///{self.home / 'var' / 'langnghe.db'}"
        if self.qdrant_path is None and self.qdrant_url is None:
            self.qdrant_path = self.home / "var" / "qdrant"
        if self.environment == "production" and self.secret_key in (DEV_SECRET, "", "changeme"):
            raise ValueError("LANGNGHE_SECRET_KEY must be set to a real secret in production")
        return self

    @property
    def db_url(self) -> str:
        assert self.database_url is not None
        return self.database_url
