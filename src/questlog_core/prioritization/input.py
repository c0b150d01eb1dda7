"""The columnar input every policy ranks: one numpy array per factor, one slot per quest.

Policies never look at ``Quest`` objects: they read these arrays, so ranking 100,000 quests
is a handful of vector operations. Builders turn quests (or plain records, or a parsed
Taskwarrior export) into a :class:`RankingInput` once.

Dependency edges are ``src[k] -> dst[k]``: quest ``src[k]`` is a prerequisite of quest
``dst[k]``. Only *open* quests belong in the input, so every edge is an unfinished
prerequisite: a finished prerequisite is simply left out and blocks nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from questlog_core.errors import ValidationFailed

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
I8 = NDArray[np.int8]
B = NDArray[np.bool_]

#: Difficulty names in order; the index is what ``RankingInput.difficulty`` stores.
DIFFICULTIES: tuple[str, ...] = ("trivial", "easy", "medium", "hard", "epic")
#: Priority names in order (Taskwarrior's L/M/H are 1/2/3).
PRIORITIES: tuple[str, ...] = ("none", "low", "medium", "high", "critical")


@dataclass(frozen=True, slots=True, eq=False)
class RankingInput:
    """N open quests as parallel arrays, plus their dependency edges.

    Times are epoch seconds (UTC) with ``NaN`` for "not set". ``tag_ptr``/``tag_ids`` hold
    each quest's tags in CSR form: quest ``i`` has ``tag_ids[tag_ptr[i]:tag_ptr[i+1]]``,
    indices into ``tag_names``. ``category`` indexes ``category_names`` (-1: none).
    """

    keys: tuple[str, ...]
    due: F64
    created: F64
    scheduled: F64
    wait_until: F64
    started: F64
    priority: I8
    difficulty: I8
    estimate_minutes: F64
    progress: F64
    annotation_count: I64
    tag_ptr: I64
    tag_ids: I64
    tag_names: tuple[str, ...]
    category: I64
    category_names: tuple[str, ...]
    src: I64
    dst: I64
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        n = len(self.keys)
        for name in (
            "due", "created", "scheduled", "wait_until", "started", "priority", "difficulty",
            "estimate_minutes", "progress", "annotation_count", "category",
        ):  # fmt: skip
            if getattr(self, name).shape != (n,):
                raise ValidationFailed(
                    name, f"expected {n} values, got {getattr(self, name).shape}"
                )
        if self.tag_ptr.shape != (n + 1,):
            raise ValidationFailed("tag_ptr", f"expected {n + 1} offsets")
        if self.src.shape != self.dst.shape:
            raise ValidationFailed("edges", "src and dst differ in length")
        if self.src.size and (
            min(int(self.src.min()), int(self.dst.min())) < 0
            or max(int(self.src.max()), int(self.dst.max())) >= n
        ):
            raise ValidationFailed("edges", "an edge points outside the quests")

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def size(self) -> int:
        """Number of quests."""
        return len(self.keys)

    @property
    def tag_count(self) -> I64:
        """How many tags each quest carries."""
        return np.diff(self.tag_ptr)

    @property
    def active(self) -> B:
        """Quests that have been started."""
        return ~np.isnan(self.started)

    def prerequisite_count(self) -> I64:
        """Open prerequisites per quest (a quest with any is *blocked*)."""
        counts: I64 = self._cached("prereq", lambda: np.bincount(self.dst, minlength=self.size))
        return counts

    def dependent_count(self) -> I64:
        """Open dependents per quest (a quest with any is *blocking*)."""
        counts: I64 = self._cached("dependents", lambda: np.bincount(self.src, minlength=self.size))
        return counts

    def index_of(self, key: str) -> int:
        """Position of the quest with this key."""
        index: dict[str, int] = self._cached(
            "index", lambda: {k: i for i, k in enumerate(self.keys)}
        )
        try:
            return index[key]
        except KeyError:
            raise ValidationFailed("key", f"no quest {key!r} in this ranking") from None

    def _cached(self, name: str, make: Any) -> Any:
        # Derived arrays are pure functions of the frozen input: compute once per input.
        if name not in self._cache:
            self._cache[name] = make()
        return self._cache[name]

    # -- builders -------------------------------------------------------------------------

    @classmethod
    def from_columns(
        cls,
        keys: Sequence[str],
        *,
        due: Sequence[float] | F64 | None = None,
        created: Sequence[float] | F64 | None = None,
        scheduled: Sequence[float] | F64 | None = None,
        wait_until: Sequence[float] | F64 | None = None,
        started: Sequence[float] | F64 | None = None,
        priority: Sequence[int] | NDArray[np.integer[Any]] | None = None,
        difficulty: Sequence[int] | NDArray[np.integer[Any]] | None = None,
        estimate_minutes: Sequence[float] | F64 | None = None,
        progress: Sequence[float] | F64 | None = None,
        annotation_count: Sequence[int] | NDArray[np.integer[Any]] | None = None,
        tags: Sequence[Sequence[str]] | None = None,
        categories: Sequence[str | None] | None = None,
        edges: Iterable[tuple[int, int]] | None = None,
        src: Sequence[int] | NDArray[np.integer[Any]] | None = None,
        dst: Sequence[int] | NDArray[np.integer[Any]] | None = None,
    ) -> RankingInput:
        """Build from whole columns; anything omitted takes its "not set" default."""
        n = len(keys)

        def times(values: Sequence[float] | F64 | None) -> F64:
            if values is None:
                return np.full(n, np.nan)
            return np.asarray(values, dtype=np.float64)

        def ints(values: Any, default: int, dtype: Any) -> Any:
            if values is None:
                return np.full(n, default, dtype=dtype)
            return np.asarray(values, dtype=dtype)

        tag_names, tag_ptr, tag_ids = _intern_tags(tags if tags is not None else [()] * n)
        category_names, category = _intern_categories(
            categories if categories is not None else [None] * n
        )
        if edges is not None:
            pairs = np.asarray(list(edges), dtype=np.int64).reshape(-1, 2)
            src_arr, dst_arr = pairs[:, 0].copy(), pairs[:, 1].copy()
        else:
            src_arr = ints(src if src is not None else [], 0, np.int64)
            dst_arr = ints(dst if dst is not None else [], 0, np.int64)
        return cls(
            keys=tuple(keys),
            due=times(due),
            created=times(created),
            scheduled=times(scheduled),
            wait_until=times(wait_until),
            started=times(started),
            priority=ints(priority, 0, np.int8),
            difficulty=ints(difficulty, 2, np.int8),
            estimate_minutes=times(estimate_minutes),
            progress=np.clip(ints(progress, 0, np.float64), 0.0, 1.0),
            annotation_count=ints(annotation_count, 0, np.int64),
            tag_ptr=tag_ptr,
            tag_ids=tag_ids,
            tag_names=tag_names,
            category=category,
            category_names=category_names,
            src=src_arr.astype(np.int64, copy=False),
            dst=dst_arr.astype(np.int64, copy=False),
        )

    @classmethod
    def from_records(cls, records: Sequence[Mapping[str, Any]]) -> RankingInput:
        """Build from plain mappings, one per open quest.

        Keys: ``key`` (required, unique), ``due``, ``created``, ``scheduled``,
        ``wait_until``, ``started`` (datetime or epoch seconds), ``priority`` (0..4 or a
        name from :data:`PRIORITIES`), ``difficulty`` (0..4 or a name), ``estimate_minutes``,
        ``progress`` (0..100 percent), ``annotations`` (count), ``tags``, ``category``,
        ``depends_on`` (keys of open prerequisites; unknown keys are finished ones, ignored).
        """
        keys: list[str] = []
        for i, rec in enumerate(records):
            if "key" not in rec:
                raise ValidationFailed(f"records[{i}].key", "missing")
            keys.append(str(rec["key"]))
        position = {k: i for i, k in enumerate(keys)}
        if len(position) != len(keys):
            dup = next(k for k in keys if keys.count(k) > 1)
            raise ValidationFailed("key", f"duplicate quest key {dup!r}")

        def column(name: str) -> list[float]:
            return [_epoch(rec.get(name), f"records[{i}].{name}") for i, rec in enumerate(records)]

        src: list[int] = []
        dst: list[int] = []
        for i, rec in enumerate(records):
            for prereq in rec.get("depends_on", ()) or ():
                j = position.get(str(prereq))
                if j is not None:
                    src.append(j)
                    dst.append(i)
        return cls.from_columns(
            keys,
            due=column("due"),
            created=column("created"),
            scheduled=column("scheduled"),
            wait_until=column("wait_until"),
            started=column("started"),
            priority=[_level(r.get("priority", 0), PRIORITIES, "priority") for r in records],
            difficulty=[
                _level(r.get("difficulty", 2), DIFFICULTIES, "difficulty") for r in records
            ],
            estimate_minutes=[
                math.nan if r.get("estimate_minutes") is None else float(r["estimate_minutes"])
                for r in records
            ],
            progress=[float(r.get("progress", 0) or 0) / 100.0 for r in records],
            annotation_count=[int(r.get("annotations", 0) or 0) for r in records],
            tags=[tuple(r.get("tags", ()) or ()) for r in records],
            categories=[r.get("category") for r in records],
            src=src,
            dst=dst,
        )

    @classmethod
    def from_quests(
        cls,
        quests: Sequence[QuestLike],
        dependencies: Iterable[tuple[object, object]] = (),
    ) -> RankingInput:
        """Build from open quests and (prerequisite id, dependent id) edges.

        Edges that mention a quest not in ``quests`` (finished, or someone else's) are
        dropped: only an open prerequisite blocks.
        """
        records: list[dict[str, Any]] = []
        by_id: dict[str, list[str]] = {}
        for q in quests:
            key = str(q.id)
            by_id[key] = []
            records.append(
                {
                    "key": key,
                    "due": q.due,
                    "created": q.created_at,
                    "started": q.started_at
                    if q.started_at is not None or str(q.status) != "active"
                    else q.updated_at,
                    "priority": int(q.priority),
                    "difficulty": str(q.difficulty),
                    "estimate_minutes": q.estimate_minutes,
                    "progress": q.progress,
                    "tags": q.tags,
                    "category": q.category,
                    "depends_on": by_id[key],
                }
            )
        for prereq, dependent in dependencies:
            bucket = by_id.get(str(dependent))
            if bucket is not None:
                bucket.append(str(prereq))
        return cls.from_records(records)


class QuestLike(Protocol):
    """The attributes of a ``Quest`` the ranking reads (the quest model's agreed shape)."""

    @property
    def id(self) -> object: ...
    @property
    def status(self) -> object: ...
    @property
    def due(self) -> datetime | None: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...
    @property
    def started_at(self) -> datetime | None: ...
    @property
    def priority(self) -> int: ...
    @property
    def difficulty(self) -> object: ...
    @property
    def estimate_minutes(self) -> int | None: ...
    @property
    def progress(self) -> int: ...
    @property
    def tags(self) -> tuple[str, ...]: ...
    @property
    def category(self) -> str | None: ...


def _epoch(value: object, where: str) -> float:
    if value is None:
        return math.nan
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValidationFailed(where, "naive datetime; give a time zone")
        return value.timestamp()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise ValidationFailed(where, f"expected a datetime or epoch seconds, got {value!r}")


def _level(value: object, names: tuple[str, ...], what: str) -> int:
    if isinstance(value, int) and 0 <= value < len(names):
        return value
    if isinstance(value, str) and value.lower() in names:
        return names.index(value.lower())
    raise ValidationFailed(what, f"expected 0..{len(names) - 1} or one of {names}, got {value!r}")


def _intern_tags(tags: Sequence[Sequence[str]]) -> tuple[tuple[str, ...], I64, I64]:
    flat = [t for quest_tags in tags for t in quest_tags]
    names = {name: i for i, name in enumerate(dict.fromkeys(flat))}  # first-seen order
    ptr = np.zeros(len(tags) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, tags), dtype=np.int64, count=len(tags)), out=ptr[1:])
    ids = np.fromiter(map(names.__getitem__, flat), dtype=np.int64, count=len(flat))
    return tuple(names), ptr, ids


def _intern_categories(categories: Sequence[str | None]) -> tuple[tuple[str, ...], I64]:
    names: dict[str, int] = {}
    idx = [-1 if c is None else names.setdefault(c, len(names)) for c in categories]
    return tuple(names), np.asarray(idx, dtype=np.int64)
