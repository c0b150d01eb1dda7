"""The ``questlog`` command.

Subcommands live in their own modules and are imported only when chosen, so a quick
command such as ``questlog prioritize`` never pays for importing the web stack.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

#: subcommand -> (module under apps.cli, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("serve", "run the all-in-one server, or one service"),
    "prioritize": ("prioritize", "rank a Taskwarrior or Questlog JSON export"),
    "migrate": ("migrate", "apply, revert or show database migrations"),
    "demo": ("demo", "seed a realistic demo account"),
    "users": ("users", "create accounts, grant and revoke roles, disable, list (operators)"),
    "worker": ("worker", "consume events and relay the outboxes (Dramatiq worker)"),
    "dead-letters": ("dead_letters", "list, replay or purge messages consumers gave up on"),
    "import": ("import_file", "import a Taskwarrior, Todoist or Habitica export into an account"),
    "export": ("export_data", "export an account's data (or its quests as Taskwarrior JSON)"),
    "search": ("search", "rebuild the search index from the quests (reindex)"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="questlog", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module, help_text) in SUBCOMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        sub_parser.set_defaults(_module=module)
        # Each module declares its own arguments; importing it here is cheap by contract
        # (heavy imports happen inside its ``run``).
        importlib.import_module(f"apps.cli.{module}").add_arguments(sub_parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``questlog`` console script."""
    args = build_parser().parse_args(argv)
    module = importlib.import_module(f"apps.cli.{args._module}")
    code: int = module.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
