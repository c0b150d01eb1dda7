"""``questlog prioritize FILE``: rank a Taskwarrior export or a Questlog export.

Reads ``task export`` output (a JSON array) or a Questlog ``questlog.quests.v1`` document,
ranks the open tasks with a policy and prints them best first, with ``--explain`` each
factor's contribution. Unusable input ends with one line naming the record and exit code 2.

Kept fast as a whole process: this module imports only the standard library at the top;
``run`` imports numpy and msgspec (through ``questlog_core.prioritization``), never the web
or database stack.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from questlog_core.prioritization import Ranking
    from questlog_core.prioritization.exports import TaskList

#: Mirrors ``questlog_core.prioritization.POLICY_NAMES`` (a test keeps them equal) so that
#: building the parser does not import numpy.
POLICY_CHOICES = (
    "urgency",
    "taskwarrior",
    "slack",
    "eisenhower",
    "wsjf",
    "dependency-value",
    "learned",
    "ensemble",
)

EXIT_BAD_INPUT = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options (cheap: no heavy imports here)."""
    parser.add_argument("file", metavar="FILE", help="task export JSON, or '-' for stdin")
    parser.add_argument(
        "--now",
        type=_parse_now,
        default=None,
        help="rank as of this time: ISO 8601 (2026-11-30T09:00:00Z), Taskwarrior "
        "(20261130T090000Z) or epoch seconds; default: the current time",
    )
    parser.add_argument("--limit", type=_positive_int, default=None, help="show the first N")
    parser.add_argument(
        "--policy",
        choices=POLICY_CHOICES,
        default="urgency",
        help="ranking policy (default: urgency, Questlog's own, for every export; "
        "taskwarrior = Taskwarrior 2.6's urgency, score for score)",
    )
    parser.add_argument("--explain", action="store_true", help="show each factor's contribution")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument(
        "--all", action="store_true", help="include waiting tasks (hidden by default)"
    )


def run(args: argparse.Namespace) -> int:
    """Read, rank, print. Returns the exit code."""
    import gc

    # A short-lived process that allocates one object per task and frees nothing it keeps:
    # the cyclic collector would only re-scan them.
    gc.disable()
    from questlog_core.errors import DomainError
    from questlog_core.prioritization import policy_named
    from questlog_core.prioritization.exports import read_export

    now: float = args.now if args.now is not None else datetime.now(UTC).timestamp()
    name = args.file
    try:
        if name == "-":
            raw = sys.stdin.buffer.read()
        else:
            with open(name, "rb") as handle:
                raw = handle.read()
    except OSError as exc:
        return _fail(f"cannot read {name}: {exc.strerror or exc}")
    try:
        tasks = read_export(raw, now)
        ranking = policy_named(args.policy).rank(tasks.input, now)
    except DomainError as exc:
        return _fail(f"{name}: {exc.detail}")

    out = sys.stdout
    text = (
        _as_json(tasks, ranking, now, args)
        if args.format == "json"
        else _as_table(tasks, ranking, args)
    )
    out.write(text)
    out.flush()
    return 0


def _shown(tasks: TaskList, ranking: Ranking, args: argparse.Namespace) -> list[int]:
    order = ranking.order
    if not args.all:
        order = order[~tasks.waiting[order]]
    if args.limit is not None:
        order = order[: args.limit]
    shown: list[int] = order.tolist()
    return shown


def _as_table(tasks: TaskList, ranking: Ranking, args: argparse.Namespace) -> str:
    shown = _shown(tasks, ranking, args)
    scores = ranking.scores[shown].tolist()
    ids = [tasks.display_ids[i] for i in shown]
    id_width = max([2, *map(len, ids)])
    lines = [f"{'#':>4}  {'ID':<{id_width}}  {'Score':>8}  Description"]
    titles = tasks.titles
    if not args.explain:  # the common case: one formatted line per task
        lines += [
            f"{n:>4}  {qid:<{id_width}}  {score:>8.2f}  {titles[i]}"
            for n, i, qid, score in zip(range(1, len(shown) + 1), shown, ids, scores, strict=True)
        ]
    else:
        rows = ranking.contributions[shown].tolist()
        own = ranking.own_scores()[shown].tolist() if ranking.plan_factors else []
        for n, (i, qid, score) in enumerate(zip(shown, ids, scores, strict=True)):
            lines.append(f"{n + 1:>4}  {qid:<{id_width}}  {score:>8.2f}  {titles[i]}")
            parts = sorted(
                ((f, v) for f, v in zip(ranking.factors, rows[n], strict=True) if abs(v) >= 0.005),
                key=lambda p: -abs(p[1]),
            )
            detail = ", ".join(f"{f} {v:+.2f}" for f, v in parts) or "no factor applies"
            if own:  # where the quest would stand on its own merits, then the rest
                detail = f"own {own[n]:.2f}: {detail}"
            lines.append(f"{'':>4}  {'':<{id_width}}  {'':>8}  = {detail}")
    hidden = "" if args.all else f", {int(tasks.waiting.sum())} waiting hidden"
    lines.append(f"{len(shown)} of {len(tasks.titles)} open tasks, policy {ranking.policy}{hidden}")
    return "\n".join(lines) + "\n"


def _as_json(tasks: TaskList, ranking: Ranking, now: float, args: argparse.Namespace) -> str:
    import msgspec

    shown = _shown(tasks, ranking, args)
    scores = ranking.scores[shown].tolist()
    rows = ranking.contributions[shown].tolist() if args.explain else None
    own = ranking.own_scores()[shown].tolist() if args.explain else None
    quests: list[dict[str, Any]] = []
    for n, i in enumerate(shown):
        item: dict[str, Any] = {
            "rank": n + 1,
            "id": tasks.display_ids[i],
            "key": tasks.input.keys[i],
            "title": tasks.titles[i],
            "score": round(scores[n], 6),
            "waiting": bool(tasks.waiting[i]),
        }
        if rows is not None and own is not None:
            item["own_score"] = round(own[n], 6)
            item["factors"] = {
                f: round(v, 6) for f, v in zip(ranking.factors, rows[n], strict=True) if v != 0
            }
        quests.append(item)
    doc = {
        "policy": ranking.policy,
        "now": datetime.fromtimestamp(now, UTC).isoformat().replace("+00:00", "Z"),
        "open": len(tasks.titles),
        "shown": len(quests),
        "quests": quests,
    }
    return msgspec.json.encode(doc).decode() + "\n"


def _fail(message: str) -> int:
    print(f"questlog prioritize: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _parse_now(value: str) -> float:
    text = value.strip()
    try:
        return float(text)
    except ValueError:
        pass
    for fmt in ("%Y%m%dT%H%M%SZ",):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC).timestamp()
        except ValueError:
            pass
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a time: {value!r} (use 2026-11-30T09:00:00Z, 20261130T090000Z or epoch)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number
