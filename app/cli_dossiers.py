"""``langnghe import-dossiers FILE``: one-stop-shop exports into the dossier table."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from app.cli_support import load_settings, setup_logging


@click.command(name="import-dossiers")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--rejects", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Where rejected rows go (default FILE.rejected.jsonl).")  # fmt: skip
def import_dossiers(file: Path, rejects: Path | None) -> None:
    """Import dossiers from CSV (with a header) or JSON lines; running it twice changes nothing.

    Applicants' names, phones and ID numbers are never stored: such columns are dropped.
    """
    from tqdm import tqdm

    from services.dossiers import import_dossier_file
    from stores.sql.db import Database
    from stores.sql.dossier_store import SqlDossierStore

    settings = load_settings()
    setup_logging(settings)
    db = Database(settings.db_url)
    try:
        db.migrate()
        with tqdm(unit="row", desc="import", file=sys.stderr, delay=0.5) as bar:
            report = import_dossier_file(SqlDossierStore(db), file, on_row=bar.update)
    finally:
        db.dispose()
    target = rejects or file.with_name(file.name + ".rejected.jsonl")
    if report.rejected:
        with target.open("w", encoding="utf-8") as f:
            for r in report.rejected:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    click.echo(report.summary() + (f" (rejects in {target})" if report.rejected else ""))
