"""``questlog users``: accounts for operators (make the first admin, roles, disable, list).

    questlog users create ada@example.com --name "Ada" --role admin   # asks for the password
    printf '%s\\n' "$PASSWORD" | questlog users create ada@example.com --password-stdin
    questlog users grant-role ada@example.com admin
    questlog users revoke-role ada@example.com admin
    questlog users disable ada@example.com --reason "left the team"
    questlog users enable ada@example.com
    questlog users list [--json]

USER is an email address or an account id. The database and every other adapter come from the
``QUESTLOG_*`` settings, exactly as for ``questlog serve``, and each command runs the same
``AuthService`` use case as the admin API, acting as the operator (the events it records name
the nil UUID as ``by``): a disabled account's sessions end, and the revocation feed is told.
Exit status: 0 done; 1 refused by the data (no such user, an address already registered, the
database not migrated); 2 bad input (usage, a password or value the rules refuse).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO
from uuid import UUID

if TYPE_CHECKING:
    from apps.settings import Settings
    from questlog_core.services.auth import AuthService, Profile

#: exit status of a request the data refuses (no such user, address taken, not migrated)
REFUSED = 1
#: exit status of bad input (usage, a value the rules refuse)
BAD_INPUT = 2
_SETTINGS_AND_STATUS = (
    "Settings (the database first) come from the QUESTLOG_* environment variables, as for "
    "'questlog serve'. Exit status: 0 done, 1 refused by the data (no such user, address "
    "taken, database not migrated), 2 bad input."
)
_EPILOG = "USER is an email address or an account id. " + _SETTINGS_AND_STATUS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = _EPILOG
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    create = sub.add_parser(
        "create",
        help="make an account (the first admin: --role admin)",
        description="Make an account. The password is asked twice on the terminal, or read "
        "from the first line of standard input with --password-stdin. No email is sent.",
        epilog=_SETTINGS_AND_STATUS,
    )
    create.add_argument("email", help="the account's email address")
    create.add_argument("--name", help="display name (default: the address's local part)")
    create.add_argument(
        "--role",
        action="append",
        default=[],
        choices=["admin"],
        help="grant this role too (every account holds 'user')",
    )
    create.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    create.add_argument("--timezone", default="UTC", help="IANA time zone (default UTC)")
    create.add_argument(
        "--day-start-hour", type=int, default=0, help="hour the player's day starts, 0-23"
    )

    for name, verb in (("grant-role", "grant"), ("revoke-role", "revoke")):
        roles = sub.add_parser(
            name,
            help=f"{verb} a role (the user's access tokens end at once)",
            description=f"{verb.capitalize()} a role. The account's access tokens end, so its "
            "next refresh carries the new roles. Every account keeps 'user'.",
            epilog=_EPILOG,
        )
        roles.add_argument("user", metavar="USER")
        roles.add_argument("role", choices=["admin"])

    disable = sub.add_parser(
        "disable",
        help="lock an account out (sessions and tokens end)",
        description="Disable an account: sign-in and refresh are refused, its sessions and "
        "access tokens end, its personal API tokens stop working.",
        epilog=_EPILOG,
    )
    disable.add_argument("user", metavar="USER")
    disable.add_argument("--reason", default="", help="recorded with the change")

    enable = sub.add_parser(
        "enable",
        help="let a disabled account sign in again",
        description="Enable a disabled account (its old sessions stay ended).",
        epilog=_EPILOG,
    )
    enable.add_argument("user", metavar="USER")

    reset = sub.add_parser(
        "reset-second-factor",
        help="turn two-step sign-in off for an owner who lost their authenticator",
        description="Turn an account's two-step sign-in (TOTP) off, with its recovery codes, "
        "for an owner who lost both: its sessions and access tokens end, and the next sign-in "
        "is by password alone until a new authenticator is enrolled. Check who is asking "
        "before you run it: it removes the account's second factor.",
        epilog=_EPILOG,
    )
    reset.add_argument("user", metavar="USER")
    reset.add_argument("--reason", default="", help="recorded with the sessions' end")

    listing = sub.add_parser(
        "list",
        help="every account, by email",
        description="Every account ordered by email: id, email, display name, roles, state.",
        epilog=_EPILOG,
    )
    listing.add_argument("--json", action="store_true", help="one JSON array instead of a table")


def run(args: argparse.Namespace) -> int:
    import asyncio

    from apps.container import database_kind
    from apps.settings import Settings, SettingsError

    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"questlog users: {exc}", file=sys.stderr)
        return BAD_INPUT
    if database_kind(settings.database_url) != "sql":
        print(
            f"questlog users: QUESTLOG_DATABASE_URL is {settings.database_url}: nothing would be "
            "kept; point it at the server's database",
            file=sys.stderr,
        )
        return BAD_INPUT
    unmigrated = _unmigrated(settings.database_url)
    if unmigrated:
        print(f"questlog users: {unmigrated}", file=sys.stderr)
        return REFUSED
    password: str | None = None
    if args.action == "create":
        password = read_password(args.password_stdin, sys.stdin)
        if password is None:
            return BAD_INPUT
    return asyncio.run(_run(args, settings, password))


def _unmigrated(url: str) -> str | None:
    """Why the database cannot be used yet, or ``None`` when its schema is at head."""
    from adapters.sql import migrations

    at, head = migrations.current(url), migrations.head_revision()
    if at == head:
        return None
    return f"the database is at revision {at or 'base (empty)'}, not {head}: run 'questlog migrate'"


def read_password(from_stdin: bool, stdin: TextIO) -> str | None:
    """The new account's password: the first line of ``stdin`` with ``--password-stdin``, else
    asked twice on the terminal. ``None`` (after saying why) when there is none."""
    if from_stdin:
        line = stdin.readline().rstrip("\r\n")
        if not line:
            print("questlog users: standard input held no password", file=sys.stderr)
            return None
        return line
    if not stdin.isatty():
        print(
            "questlog users: no terminal to ask for the password on: pipe it in with "
            "--password-stdin",
            file=sys.stderr,
        )
        return None
    import getpass

    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        print("questlog users: the two passwords differ", file=sys.stderr)
        return None
    return first


async def _run(args: argparse.Namespace, settings: Settings, password: str | None) -> int:
    from apps.container import build_container, close_container
    from questlog_core.errors import DomainError, ErrorKind

    container = build_container(settings)
    try:
        auth: AuthService = container.auth_service()
        try:
            return await _act(args, auth, settings, password)
        except DomainError as exc:
            print(f"questlog users: {exc.detail}", file=sys.stderr)
            return BAD_INPUT if exc.kind is ErrorKind.INVALID else REFUSED
    finally:
        await close_container(container)


async def _act(
    args: argparse.Namespace, auth: AuthService, settings: Settings, password: str | None
) -> int:
    from questlog_core.identity.tokens import operator_principal

    operator = operator_principal()
    if args.action == "list":
        return await _list(auth, as_json=args.json)
    if args.action == "create":
        assert password is not None
        profile = await auth.create_user(
            operator,
            email=args.email,
            password=password,
            display_name=args.name if args.name is not None else args.email.partition("@")[0],
            timezone=args.timezone,
            day_start_hour=args.day_start_hour,
            roles=args.role,
        )
        print(f"created {_describe(profile)}")
        return 0
    user_id = await _user_id(auth, args.user)
    if args.action == "reset-second-factor":
        if not await auth.reset_second_factor(operator, user_id, reason=args.reason):
            print(f"{args.user}: two-step sign-in was not on; nothing changed")
            return 0
        print(f"{args.user}: two-step sign-in turned off; its sessions ended")
    else:
        if args.action == "grant-role":
            profile = await auth.grant_role(operator, user_id, args.role)
        elif args.action == "revoke-role":
            profile = await auth.revoke_role(operator, user_id, args.role)
        elif args.action == "disable":
            profile = await auth.disable_user(operator, user_id, reason=args.reason)
        else:
            profile = await auth.enable_user(operator, user_id)
        print(_describe(profile))
    if args.action != "enable" and settings.cache != "redis":
        minutes = int(auth.settings.access_token_ttl.total_seconds() // 60)
        print(
            "note: QUESTLOG_CACHE is not redis, so a running server does not share this "
            "command's revocation feed: the account's access tokens already handed out keep "
            f"their old rights there until they expire (at most {minutes} minutes). Its "
            "sessions, refresh tokens and API tokens follow the change at once.",
            file=sys.stderr,
        )
    return 0


async def _user_id(auth: AuthService, user: str) -> UUID:
    """The account id ``user`` names: an id as given, an email address looked up."""
    from questlog_core.identity.tokens import operator_principal

    try:
        return UUID(user)
    except ValueError:
        return (await auth.find_user(operator_principal(), user)).id


async def _list(auth: AuthService, *, as_json: bool) -> int:
    import msgspec

    from questlog_core.identity.tokens import operator_principal

    operator = operator_principal()
    profiles: list[Profile] = []
    after: str | None = None
    while page := await auth.list_users(operator, after_email=after, limit=500):
        profiles.extend(page)
        after = page[-1].email
    if as_json:
        print(msgspec.json.encode(profiles).decode())
        return 0
    rows = [("id", "email", "name", "roles", "state")]
    rows += [
        (
            str(p.id),
            p.email,
            p.display_name,
            ",".join(p.roles),
            "disabled" if p.disabled else "active",
        )
        for p in profiles
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    return 0


def _describe(profile: Profile) -> str:
    state = "disabled" if profile.disabled else "active"
    return f"{profile.email} ({profile.id}): roles {', '.join(profile.roles)}; {state}"
