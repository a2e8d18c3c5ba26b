"""The ``langnghe`` command."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

import click

from app.cli_support import load_settings, public_data_option, setup_logging
from app.settings import PROJECT_DIR, Settings
from core.errors import LangngheError

SEED_DIR = PROJECT_DIR / "eval" / "data" / "router_seed"
DEMO_FILE = Path(__file__).resolve().parent / "demo" / "feedback.jsonl"


class _Group(click.Group):
    """Turns our errors into one clear line and exit status 1, instead of a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except LangngheError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Group)
def main() -> None:
    """langnghe: hear citizens, route their feedback, answer their questions."""


@main.command()
@click.option("--host", default=None, help="Interface to bind (default LANGNGHE_HOST).")
@click.option("--port", default=None, type=int, help="Port (default LANGNGHE_PORT, 8000).")
@click.option("--demo", is_flag=True, help="Load the demo data before serving.")
def serve(host: str | None, port: int | None, demo: bool) -> None:
    """Run the API (and, later, the staff pages)."""
    import uvicorn

    from app.container import Container
    from app.web import build_app

    settings = load_settings()
    setup_logging(settings)
    container = Container(settings)
    if demo:
        container.start()
        _load_demo(container)
    uvicorn.run(
        build_app(container),
        host=host or settings.host,
        port=port or settings.port,
        log_level=settings.log_level.lower(),
    )


@main.command()
def demo() -> None:
    """Load the demo data into the configured database (idempotent)."""
    from app.container import Container

    settings = load_settings()
    setup_logging(settings)
    container = Container(settings)
    try:
        container.start()
        _load_demo(container)
    finally:
        container.close()


def _load_demo(container: object) -> None:
    from app.cli_accounts import load_demo_accounts
    from app.container import Container
    from app.demo import DEMO_DOCUMENTS, DEMO_DOSSIERS, load_demo
    from services.dossiers import load_demo_dossiers

    assert isinstance(container, Container)
    load_demo_accounts(container)  # only here: the demo was asked for (demo, serve --demo)
    report = load_demo(container, DEMO_FILE)
    click.echo(
        f"demo data: {report.created} new, {report.existing} already there, "
        f"{len(report.rejected)} rejected",
        err=True,
    )
    dossiers = load_demo_dossiers(container.dossiers, DEMO_DOSSIERS, date.today())
    click.echo(f"demo dossiers: {dossiers.summary()}", err=True)
    indexed = container.document_indexer().index_paths([DEMO_DOCUMENTS])
    click.echo(
        f"demo documents: {indexed.indexed} indexed, {indexed.unchanged} unchanged, "
        f"{len(indexed.failed)} failed ({indexed.chunks} chunks)",
        err=True,
    )


@main.command()
@click.option("--batch-size", default=256, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Processes (default: the number of CPU cores, at most 4).")  # fmt: skip
def analyze(batch_size: int, workers: int | None) -> None:
    """Annotate JSON lines {"id", "text"} from stdin; one JSON line per input on stdout."""
    settings = load_settings()
    setup_logging(settings)
    stdin = click.get_text_stream("stdin", encoding="utf-8", errors="replace")
    workers = workers or min(os.cpu_count() or 1, 4)
    out = sys.stdout
    for n, line in enumerate(_analyzed(settings, stdin, batch_size, workers), 1):
        out.write(line + "\n")
        if n % batch_size == 0:
            out.flush()
    out.flush()


def _analyzed(settings: Settings, stdin: Iterable[str], batch_size: int, workers: int
              ) -> Iterator[str]:  # fmt: skip
    if workers > 1:
        from app.parallel import analyze_parallel

        yield from analyze_parallel(settings, stdin, batch_size, workers)
        return
    from app.container import Container
    from services.analyze import analyze_lines

    pipeline = Container(settings).pipeline
    pipeline.warm_up()
    for result in analyze_lines(pipeline, stdin, batch_size):
        yield json.dumps(result, ensure_ascii=False)


@main.command(name="import")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default=None,
              help="Default: from the file extension.")  # fmt: skip
@click.option("--channel", default="import", show_default=True,
              help="Channel for rows without one (import, social, ...).")  # fmt: skip
@click.option("--map", "mapping", multiple=True, metavar="FIELD=COLUMN",
              help="Column mapping, e.g. --map text=noi_dung --map id=ma_phan_anh.")  # fmt: skip
@click.option("--rejects", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Where rejected rows go (default FILE.rejected.jsonl).")  # fmt: skip
def import_(
    file: Path, fmt: str | None, channel: str, mapping: tuple[str, ...], rejects: Path | None
) -> None:
    """Import feedback or social-media posts from CSV or JSON lines (idempotent)."""
    from tqdm import tqdm

    from app.container import Container
    from services.importer import import_rows, parse_mapping, read_rows

    settings = load_settings()
    setup_logging(settings)
    container = Container(settings)
    rows = list(read_rows(file, parse_mapping(mapping), fmt))
    try:
        container.start()
        with tqdm(total=len(rows), unit="row", file=sys.stderr, desc="import") as bar:
            report = import_rows(container.feedback, rows, channel, on_row=lambda: bar.update())
        container.worker.drain()
    finally:
        container.close()
    rejects = rejects or file.with_name(file.name + ".rejected.jsonl")
    if report.rejected:
        with rejects.open("w", encoding="utf-8") as f:
            for r in report.rejected:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    click.echo(
        f"read {report.read} rows: {report.created} imported, {report.existing} already present, "
        f"{len(report.rejected)} rejected" + (f" (see {rejects})" if report.rejected else ""),
    )


@main.group()
def train() -> None:
    """Rebuild model files from labelled data."""


@train.command(name="router")
@click.option("--seed-dir", type=click.Path(path_type=Path, file_okay=False), default=SEED_DIR,
              show_default=True)  # fmt: skip
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Output folder (default LANGNGHE_MODEL_DIR/router).")  # fmt: skip
@click.option("--with-corrections", is_flag=True,
              help="Also train on staff corrections stored in LANGNGHE_DATABASE_URL.")  # fmt: skip
def train_router(seed_dir: Path, out: Path | None, with_corrections: bool) -> None:
    """Train the category router on the seed set and write it with its card."""
    from core.reference import ReferenceData
    from services.training import correction_examples, train_router_files
    from stores.sql.case_store import SqlCaseStore
    from stores.sql.db import Database

    settings = load_settings()
    setup_logging(settings)
    target = out or settings.model_dir / "router"
    reference = ReferenceData.load(settings.refdata_dir)
    corrections = []
    if with_corrections:
        db = Database(settings.db_url)
        rows = SqlCaseStore(db).corrections()
        db.dispose()
        corrections = correction_examples(rows, reference.category_codes)
        click.echo(f"{len(rows)} stored corrections, {len(corrections)} distinct texts", err=True)
    result = train_router_files(
        seed_dir, target, reference, corrections, settings.routing_threshold
    )
    m = result["metrics"]
    staff = m.get("held_out_corrections")
    click.echo(
        f"router written to {target}: held-out macro-F1 {m['held_out']['macro_f1']:.3f}, "
        f"without diacritics {m['held_out_without_diacritics']['macro_f1']:.3f}"
        + (f", held-out corrections {staff['macro_f1']:.3f} (n={staff['n']})" if staff else "")
    )


@train.command(name="urgency")
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False),
              default=PROJECT_DIR / "eval" / "data" / "urgency", show_default=True)  # fmt: skip
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Output folder (default LANGNGHE_MODEL_DIR/urgency).")  # fmt: skip
def train_urgency(data_dir: Path, out: Path | None) -> None:
    """Train the urgency model (the rules are data: nlp/data/urgency_rules.json)."""
    from services.train_urgency import train_urgency_files

    settings = load_settings()
    setup_logging(settings)
    target = out or settings.model_dir / "urgency"
    result = train_urgency_files(data_dir, target)
    click.echo(f"urgency model written to {target}: " + _summary(result))


def _summary(result: dict[str, object]) -> str:
    metrics = result.get("metrics", {})
    held = metrics.get("held_out", {}) if isinstance(metrics, dict) else {}
    if isinstance(held, dict) and "macro_f1" in held:
        return f"held-out macro-F1 {held['macro_f1']:.3f}"
    return "see its CARD.md"


TEXTCAT_TASKS = ("sentiment", "toxicity", "spam", "relevance", "vsfc_topic")


@train.command(name="textcat")
@click.argument("tasks", nargs=-1, required=True, type=click.Choice(TEXTCAT_TASKS))
@public_data_option
def train_textcat(tasks: tuple[str, ...], data_dir: Path | None) -> None:
    """Train text classifiers on the public corpora (--data-dir) and eval/data."""
    from services.textcat_evaluation import FeatureCache
    from services.train_textcat import train_textcat_files

    settings = load_settings()
    setup_logging(settings)
    cache = FeatureCache()
    for task in tasks:
        out = settings.model_dir / task
        result = train_textcat_files(
            task, PROJECT_DIR / "eval" / "data", out, data_dir or settings.data_dir, cache=cache
        )
        click.echo(f"{task} model written to {out}: " + _summary(result))


def _textcat_alias(task: str) -> click.Command:
    """``langnghe train sentiment`` = ``langnghe train textcat sentiment`` (what cards name)."""

    @click.command(name=task, help=f"Train the {task} classifier.")
    @public_data_option
    def run(data_dir: Path | None) -> None:
        train_textcat.callback(tasks=(task,), data_dir=data_dir)  # type: ignore[misc]

    return run


for _task in TEXTCAT_TASKS:
    train.add_command(_textcat_alias(_task))


@main.command(name="eval")
@click.option("--skip-bench", is_flag=True, help="Quality evaluations only, no benchmarks.")
@click.option("--only", default="", help="Comma-separated sections (router, textcat, urgency, …).")
def eval_(skip_bench: bool, only: str) -> None:
    """Evaluate every model on data it never saw and write eval/REPORT.md."""
    import subprocess

    script = PROJECT_DIR / "eval" / "report.py"
    if not script.is_file():
        raise click.ClickException(f"{script} is missing: `langnghe eval` runs from a checkout")
    args = [sys.executable, str(script)] + (["--skip-bench"] if skip_bench else [])
    args += ["--only", only] if only else []
    sys.exit(subprocess.run(args, check=False).returncode)


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command(name="upgrade")
def db_upgrade() -> None:
    """Apply the Alembic migrations to the configured database."""
    from stores.sql.db import Database

    settings = load_settings()
    Database(settings.db_url).migrate()
    click.echo("database schema is up to date")


def _register_document_commands() -> None:
    from app.cli_accounts import account
    from app.cli_analytics import analytics
    from app.cli_bot import bot
    from app.cli_documents import index, search
    from app.cli_dossiers import import_dossiers
    from app.cli_encoder import train_encoder
    from app.cli_nlu import nlu, train_nlu

    main.add_command(index)
    main.add_command(search)
    main.add_command(import_dossiers)
    main.add_command(bot)
    main.add_command(nlu)
    main.add_command(account)
    main.add_command(analytics)
    train.add_command(train_nlu)
    train.add_command(train_encoder)


_register_document_commands()
