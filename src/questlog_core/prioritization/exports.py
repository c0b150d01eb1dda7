"""Read task lists from JSON into a :class:`RankingInput`: Taskwarrior's ``task export`` and
Questlog's own export format. Pure: bytes in, arrays out (no file or network access).

**Taskwarrior**: a JSON array of task objects as ``task export`` prints them (2.6: ``depends``
is a list of uuids; older versions write a comma-separated string, both accepted). Dates are
Taskwarrior's ``YYYYMMDDTHHMMSSZ``. Tasks with status ``pending`` (or ``waiting``) are open;
a pending task whose ``wait`` lies in the future is *waiting*. Completed, deleted and
recurring-template tasks are left out, so a dependency on them blocks nothing.

**Questlog** (``questlog.quests.v1``)::

    {"format": "questlog.quests.v1",
     "quests": [{"id": "q1", "title": "Write report", "status": "todo",
                 "priority": "high", "difficulty": "hard",
                 "due": "2026-12-01T17:00:00Z", "created_at": "2026-11-20T09:00:00Z",
                 "started_at": null, "scheduled": null, "wait_until": null,
                 "estimate_minutes": 90, "progress": 20, "annotations": 0,
                 "tags": ["work"], "category": "work.reports", "depends_on": ["q0"]}]}

Only ``id`` and ``title`` are required; times are RFC 3339 with an offset. Status
``todo`` and ``active`` are open; ``done``, ``abandoned`` and ``archived`` are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import msgspec
import numpy as np
from numpy.typing import NDArray

from questlog_core.errors import ValidationFailed
from questlog_core.prioritization.input import DIFFICULTIES, PRIORITIES, RankingInput

F64 = NDArray[np.float64]

#: Value of the ``format`` field of a Questlog export.
QUESTLOG_FORMAT = "questlog.quests.v1"


class MalformedExport(ValidationFailed):
    """A record of an export is unusable; the message names the record and the field."""

    code = "malformed-export"

    def __init__(self, index: int | None, ident: str | None, field: str, reason: str) -> None:
        where = "input" if index is None else f"record {index}"
        if ident:
            where += f" (id {ident})"
        super().__init__(field, reason)
        self.detail = f"{where}: {field}: {reason}" if field else f"{where}: {reason}"
        self.args = (self.detail,)
        self.extra.update(index=index, id=ident)
        self.index = index
        self.ident = ident


# gc=False: decoded tasks hold only strings, numbers and lists of them (no reference
# cycles), so the cyclic collector need not track the tens of thousands a big export makes.
class TwAnnotation(msgspec.Struct, gc=False):
    """A Taskwarrior annotation."""

    entry: str | None = None
    description: str = ""


class TwTask(msgspec.Struct, gc=False):
    """The fields of a Taskwarrior task that ranking reads (others are ignored)."""

    uuid: str
    description: str = ""
    status: str = "pending"
    id: int = 0
    entry: str | None = None
    due: str | None = None
    start: str | None = None
    wait: str | None = None
    scheduled: str | None = None
    priority: str | None = None
    project: str | None = None
    tags: list[str] = msgspec.field(default_factory=list)
    depends: str | list[str] | None = None
    annotations: list[TwAnnotation] = msgspec.field(default_factory=list)
    urgency: float | None = None


class QuestRecord(msgspec.Struct, kw_only=True):
    """One quest of a Questlog export."""

    id: str
    title: str
    status: str = "todo"
    priority: str | int = "none"
    difficulty: str | int = "medium"
    due: datetime | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    scheduled: datetime | None = None
    wait_until: datetime | None = None
    estimate_minutes: float | None = None
    progress: float = 0.0
    annotations: int = 0
    tags: list[str] = msgspec.field(default_factory=list)
    category: str | None = None
    depends_on: list[str] = msgspec.field(default_factory=list)


class QuestlogExport(msgspec.Struct, kw_only=True):
    """A Questlog export document."""

    format: str
    quests: list[QuestRecord]


_TW_DECODER = msgspec.json.Decoder(list[TwTask])


@dataclass(frozen=True, slots=True, eq=False)
class TaskList:
    """Open tasks ready to rank, with what a listing shows about them."""

    input: RankingInput
    titles: tuple[str, ...]
    display_ids: tuple[str, ...]
    waiting: NDArray[np.bool_]
    reported_urgency: F64  # Taskwarrior's own urgency field, NaN when absent
    source: str  # "taskwarrior" or "questlog"


_PATH = re.compile(r"\$\[(\d+)\](?:\.(\w+))?")
_TW_PRIORITY = {None: 0, "": 0, "L": 1, "M": 2, "H": 3}


def read_export(raw: bytes, now: float) -> TaskList:
    """Decode a Taskwarrior or Questlog export (chosen by its first character).

    ``now`` (epoch seconds) decides which tasks are waiting. Raises
    :class:`MalformedExport` naming the first unusable record.
    """
    head = raw.lstrip()[:1]
    if head == b"[":
        return _read_taskwarrior(raw, now)
    if head == b"{":
        return _read_questlog(raw, now)
    raise MalformedExport(None, None, "", "expected a JSON array (task export) or object")


def _decode_error(raw: bytes, exc: msgspec.MsgspecError, id_field: str, items: str = "") -> None:
    text = str(exc)
    match = _PATH.search(text)
    if not isinstance(exc, msgspec.ValidationError) or match is None:
        raise MalformedExport(None, None, "", f"not valid JSON ({text})") from None
    index = int(match.group(1))
    ident: str | None = None
    try:
        doc = msgspec.json.decode(raw)
        rows = doc[items] if items else doc
        value = rows[index].get(id_field)
        ident = None if value is None else str(value)
    except Exception:  # the id is a courtesy; the index alone still names the record
        ident = None
    message = text.split(" - at ")[0]
    raise MalformedExport(index, ident, match.group(2) or "", message) from None


def _read_taskwarrior(raw: bytes, now: float) -> TaskList:
    try:
        tasks = _TW_DECODER.decode(raw)
    except msgspec.MsgspecError as exc:
        _decode_error(raw, exc, "uuid")
        raise  # unreachable: _decode_error always raises
    rows = [i for i, t in enumerate(tasks) if t.status == "pending" or t.status == "waiting"]
    open_tasks = [tasks[i] for i in rows]
    uuids = [t.uuid for t in open_tasks]
    position = dict(zip(uuids, range(len(uuids)), strict=True))
    if len(position) != len(uuids):
        seen: set[str] = set()
        for k, uuid in enumerate(uuids):
            if uuid in seen:
                raise MalformedExport(rows[k], uuid, "uuid", "duplicate uuid")
            seen.add(uuid)

    def dates(field: str, values: list[str | None]) -> F64:
        return _tw_dates(values, rows, open_tasks, field)

    priority = [_TW_PRIORITY.get(t.priority, -1) for t in open_tasks]
    if -1 in priority:
        k = priority.index(-1)
        bad = open_tasks[k].priority
        raise MalformedExport(rows[k], uuids[k], "priority", f"expected H, M or L, got {bad!r}")

    # (prerequisite, dependent) per listed uuid; closed or unknown prerequisites (None)
    # block nothing. 2.6 lists uuids; older versions write one comma-separated string.
    get = position.get
    pairs = [
        (get(uuid), k)
        for k, deps in enumerate([t.depends for t in open_tasks])
        if deps
        for uuid in (deps if isinstance(deps, list) else [u.strip() for u in deps.split(",")])
    ]
    src = [j for j, _ in pairs if j is not None]
    dst = [k for j, k in pairs if j is not None]

    wait = dates("wait", [t.wait for t in open_tasks])
    # Pre-2.6 exports mark waiting tasks by status; their wait date may be missing.
    status_waiting = np.array([t.status == "waiting" for t in open_tasks], dtype=bool)
    wait = np.where(status_waiting & np.isnan(wait), np.inf, wait)
    data = RankingInput.from_columns(
        [t.uuid for t in open_tasks],
        due=dates("due", [t.due for t in open_tasks]),
        created=dates("entry", [t.entry for t in open_tasks]),
        scheduled=dates("scheduled", [t.scheduled for t in open_tasks]),
        wait_until=wait,
        started=dates("start", [t.start for t in open_tasks]),
        priority=priority,
        annotation_count=[len(t.annotations) for t in open_tasks],
        tags=[t.tags for t in open_tasks],
        categories=[t.project or None for t in open_tasks],
        src=src,
        dst=dst,
    )
    return TaskList(
        input=data,
        titles=tuple(t.description for t in open_tasks),
        display_ids=tuple(str(t.id) if t.id else t.uuid[:8] for t in open_tasks),
        waiting=wait > now,
        reported_urgency=np.array(
            [np.nan if t.urgency is None else t.urgency for t in open_tasks], dtype=np.float64
        ),
        source="taskwarrior",
    )


def _tw_dates(values: list[str | None], rows: list[int], tasks: list[TwTask], field: str) -> F64:
    """Vectorised parse of Taskwarrior's ``YYYYMMDDTHHMMSSZ`` dates (NaN for None)."""
    out = np.full(len(values), np.nan)
    present = [k for k, v in enumerate(values) if v is not None]
    if not present:
        return out
    texts: list[str] = [values[k] for k in present]  # type: ignore[misc]
    # Every well-formed date is 16 ASCII characters: join them and read the bytes as one
    # (count, 16) matrix (much cheaper than a numpy string array).
    joined = "".join(texts)
    ok_shape = len(joined) == 16 * len(texts) and joined.isascii()

    def bad_date(k: int) -> MalformedExport:
        i = present[k]
        return MalformedExport(
            rows[i],
            tasks[i].uuid,
            field,
            f"expected a Taskwarrior date like 20261130T170000Z, got {values[i]!r}",
        )

    if not ok_shape:
        first = next(k for k, v in enumerate(texts) if len(v) != 16 or not v.isascii())
        raise bad_date(first)
    codes = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(len(texts), 16)
    # One contiguous row per character position (column slices of the (count, 16) matrix
    # would be strided); uint8 wraps anything below "0" round to > 9.
    digits = (codes.T - np.uint8(48)).astype(np.int64)
    ok = (codes[:, 8] == ord("T")) & (codes[:, 15] == ord("Z"))
    ok &= (digits[[0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14]] <= 9).all(axis=0)
    year = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3]
    month = digits[4] * 10 + digits[5]
    day = digits[6] * 10 + digits[7]
    hour = digits[9] * 10 + digits[10]
    minute = digits[11] * 10 + digits[12]
    second = digits[13] * 10 + digits[14]
    ok &= (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
    ok &= (hour <= 23) & (minute <= 59) & (second <= 60)
    if not ok.all():
        raise bad_date(int(np.flatnonzero(~ok)[0]))
    # Days from the civil date (Howard Hinnant's algorithm), vectorised.
    y = year - (month <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = (month + 9) % 12
    doy = (153 * mp + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days = era * 146097 + doe - 719468
    seconds: F64 = (days * 86400 + hour * 3600 + minute * 60 + second).astype(np.float64)
    if len(texts) == len(values):
        return seconds
    out[np.fromiter(present, dtype=np.int64, count=len(present))] = seconds
    return out


def _read_questlog(raw: bytes, now: float) -> TaskList:
    try:
        doc = msgspec.json.decode(raw, type=QuestlogExport)
    except msgspec.MsgspecError as exc:
        _decode_error(raw, exc, "id", items="quests")
        raise
    if doc.format != QUESTLOG_FORMAT:
        raise MalformedExport(None, None, "format", f"expected {QUESTLOG_FORMAT!r}")
    quests = [q for q in doc.quests if q.status in ("todo", "active")]
    index_of = {id(q): i for i, q in enumerate(doc.quests)}
    records: list[dict[str, object]] = []
    for q in quests:
        i = index_of[id(q)]
        for name in ("due", "created_at", "started_at", "scheduled", "wait_until"):
            value = getattr(q, name)
            if value is not None and value.tzinfo is None:
                raise MalformedExport(i, q.id, name, "time needs an offset, e.g. Z")
        try:
            records.append(
                {
                    "key": q.id,
                    "due": q.due,
                    "created": q.created_at,
                    "started": q.started_at,
                    "scheduled": q.scheduled,
                    "wait_until": q.wait_until,
                    "priority": q.priority,
                    "difficulty": q.difficulty,
                    "estimate_minutes": q.estimate_minutes,
                    "progress": q.progress,
                    "annotations": q.annotations,
                    "tags": q.tags,
                    "category": q.category,
                    "depends_on": q.depends_on,
                }
            )
            RankingInput.from_records(records[-1:])  # validates levels per record
        except ValidationFailed as exc:
            raise MalformedExport(i, q.id, exc.field.split(".")[-1], exc.reason) from None
    try:
        data = RankingInput.from_records(records)
    except ValidationFailed as exc:
        raise MalformedExport(None, None, exc.field, exc.reason) from None
    return TaskList(
        input=data,
        titles=tuple(q.title for q in quests),
        display_ids=tuple(q.id for q in quests),
        waiting=data.wait_until > now,
        reported_urgency=np.full(len(quests), np.nan),
        source="questlog",
    )


__all__ = [
    "DIFFICULTIES",
    "PRIORITIES",
    "QUESTLOG_FORMAT",
    "MalformedExport",
    "QuestRecord",
    "QuestlogExport",
    "TaskList",
    "TwTask",
    "read_export",
]
