"""The --store option: the store folder, whose own forms are found by name while the command runs."""

from __future__ import annotations

from pathlib import Path

import click

from ..forms import forms_from
from ..store import META


def store_forms(ctx, _param, value):
    """The forms kept with the store are found by name while this command runs."""
    if value is not None:
        ctx.with_resource(forms_from(Path(value) / META / "forms"))
    return value


STORE = click.option(
    "--store", "store_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
    help="The store folder (created on first write).", callback=store_forms,
)
