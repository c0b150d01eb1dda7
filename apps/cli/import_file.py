"""``questlog import FILE --from taskwarrior|todoist|habitica|ical``: see :mod:`apps.cli.moving`."""

from __future__ import annotations

from apps.cli.moving import add_import_arguments as add_arguments
from apps.cli.moving import run_import as run

__all__ = ["add_arguments", "run"]
