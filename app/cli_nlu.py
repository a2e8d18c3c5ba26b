"""``langnghe nlu`` (intents and slots of chat messages) and ``langnghe train nlu``.

``nlu`` reads JSON lines ``{"id", "text", "role"}`` on stdin and writes ``{"id", "intent",
"slots"}`` lines on stdout, one per input line, in order; a line it cannot read gives
``{"id", "error"}`` and the run goes on.

    $ echo '{"id": 1, "text": "làm giấy khai sinh cần gì?"}' | langnghe nlu
    {"id": 1, "intent": "procedure_question", "slots": {"procedure": "birth_registration"}}
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from app.cli_support import load_settings, setup_logging
from app.settings import PROJECT_DIR
from core.errors import InvalidInput, LangngheError

if TYPE_CHECKING:
    from nlp.nlu import NluParser

NLU_DATA = PROJECT_DIR / "eval" / "data" / "nlu"


@click.command(name="nlu")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Reference date of relative periods (default: today).")  # fmt: skip
def nlu(today: datetime | None) -> None:
    """Intent and slots of JSON lines {"id", "text", "role"} from stdin, as JSON lines."""
    from core.reference import ReferenceData
    from nlp.nlu import NluParser

    settings = load_settings()
    setup_logging(settings)
    try:
        reference = ReferenceData.load(settings.refdata_dir)
        parser = NluParser.load(settings.model_dir / "nlu", reference)
    except LangngheError as exc:
        raise click.ClickException(str(exc)) from exc
    stdin = click.open_file("-", encoding="utf-8", errors="replace")
    day = today.date() if today else date.today()
    for out in parse_lines(parser, stdin, day):
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def parse_lines(parser: NluParser, lines: Iterable[str], today: date) -> Iterator[dict[str, Any]]:
    """One output object per non-blank input line; errors become ``{"id", "error"}``."""
    for line in lines:
        if not line.strip():
            continue
        row: Any = None
        try:
            row = json.loads(line)
            text, role = _fields(row)
            result = parser.parse(text, role=role, today=today)
        except json.JSONDecodeError as exc:
            yield {"id": None, "error": f"[nlu.bad_json] not a JSON object: {exc.msg}"}
        except InvalidInput as exc:
            yield {"id": _id(row), "error": str(exc)}
        else:
            yield {"id": _id(row), "intent": result.intent, "slots": _output_slots(result)}


def _fields(row: Any) -> tuple[str, str]:
    if not isinstance(row, dict):
        raise InvalidInput("a line must be a JSON object", code="nlu.bad_line")
    text, role = row.get("text"), row.get("role") or "citizen"
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput('"text" must be a non-empty string', code="nlu.text_missing")
    if not isinstance(role, str):
        raise InvalidInput('"role" must be "citizen" or "official"', code="nlu.unknown_role")
    return text, role


def _id(row: Any) -> Any:
    return row.get("id") if isinstance(row, dict) else None


@click.command(name="nlu")
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), default=NLU_DATA,
              show_default=True, help="Folder with train.jsonl (and test.jsonl).")  # fmt: skip
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Output folder (default LANGNGHE_MODEL_DIR/nlu).")  # fmt: skip
def train_nlu(data_dir: Path, out: Path | None) -> None:
    """Train the chatbot's intent model, measure it on test.jsonl and write its card."""
    from core.reference import ReferenceData
    from services.train_nlu import train_nlu_files

    settings = load_settings()
    setup_logging(settings)
    target = out or settings.model_dir / "nlu"
    try:
        reference = ReferenceData.load(settings.refdata_dir)
        result = train_nlu_files(
            data_dir, target, reference, router_dir=settings.model_dir / "router"
        )
    except LangngheError as exc:
        raise click.ClickException(str(exc)) from exc
    m = result["metrics"]
    summary = (
        f"test intent accuracy {m['as_written']['intent']['accuracy']:.3f}, "
        f"without diacritics {m['no_diacritics']['intent']['accuracy']:.3f}"
        if m
        else "no test.jsonl to measure on"
    )
    click.echo(f"nlu model written to {target}: {summary}")


#: The query slots an officials' question always carries (null when the question names none).
ANALYTICS_SLOTS = ("metric", "category", "ward", "period", "channel")


def _output_slots(result: object) -> dict[str, str | None]:
    from nlp.nlu import NluResult

    assert isinstance(result, NluResult)
    slots: dict[str, str | None] = dict(result.slots)
    if result.intent == "analytics_question":
        for name in ANALYTICS_SLOTS:
            slots.setdefault(name, None)
    return slots
