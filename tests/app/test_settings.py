from pathlib import Path

import pytest

from app.settings import PROJECT_DIR, Settings


def test_defaults_are_embedded_under_home(tmp_path: Path) -> None:
    s = Settings(home=tmp_path)
    assert s.db_url == f"sqlite:///{tmp_path / 'var' / 'langnghe.db'}"
    assert s.qdrant_path == tmp_path / "var" / "qdrant"
    assert s.model_dir == PROJECT_DIR / "models"


def test_environment_variables_with_the_prefix_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGNGHE_DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("LANGNGHE_ROUTING_THRESHOLD", "0.7")
    s = Settings()
    assert s.db_url == "postgresql://u@h/db"
    assert s.routing_threshold == 0.7


def test_production_refuses_the_development_secret() -> None:
    with pytest.raises(ValueError, match="SECRET_KEY"):
        Settings(environment="production")
    assert Settings(environment="production", secret_key="a-real-secret").secret_key
