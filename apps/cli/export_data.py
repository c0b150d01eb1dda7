"""``questlog export [--user EMAIL] [--format F]``: see :mod:`apps.cli.moving`."""

from __future__ import annotations

from apps.cli.moving import add_export_arguments as add_arguments
from apps.cli.moving import run_export as run

__all__ = ["add_arguments", "run"]
