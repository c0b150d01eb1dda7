"""One entry point for every importer: a source's name and the file's bytes → a plan."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from questlog_core.errors import ValidationFailed
from questlog_core.moving.drafts import ImportPlan, ImportSource
from questlog_core.moving.habitica import read_habitica
from questlog_core.moving.taskwarrior import read_taskwarrior
from questlog_core.moving.todoist import read_todoist

Reader = Callable[..., ImportPlan]

#: the parser of each source the domain reads itself (``ical`` is read by ``adapters.ical``,
#: whose ``IMPORT_READERS`` adds it to these)
READERS: dict[ImportSource, Reader] = {
    ImportSource.TASKWARRIOR: read_taskwarrior,
    ImportSource.TODOIST: read_todoist,
    ImportSource.HABITICA: read_habitica,
}


def source_named(name: str) -> ImportSource:
    """The source called ``name``; ``ValidationFailed`` (field ``from``) for another."""
    try:
        return ImportSource(name)
    except ValueError:
        options = [s.value for s in ImportSource]
        raise ValidationFailed(
            "from", f"unknown source {name!r}; one of {', '.join(options)}", allowed=options
        ) from None


def read_plan(
    source: str,
    raw: bytes,
    *,
    now: datetime,
    timezone: str = "UTC",
    readers: Mapping[ImportSource, Reader] = READERS,
) -> ImportPlan:
    """Parse ``raw`` as an export of ``source`` with its parser in ``readers``. Floating
    dates and repetitions are read in ``timezone``.

    Raises:
        ValidationFailed: an unknown source (field ``from``), or ``MalformedImport`` (field
            ``file``) when the bytes are not such an export, or the source has no parser in
            ``readers`` (field ``from``).
    """
    known = source_named(source)
    reader = readers.get(known)
    if reader is None:
        raise ValidationFailed("from", f"this installation cannot read {known.value} files")
    return reader(raw, now=now, timezone=timezone)


__all__ = ["READERS", "Reader", "read_plan", "source_named"]
