"""The one typed settings object, read from ``QUESTLOG_*`` environment variables.

Every field has a default that gives the embedded all-in-one system (SQLite file, in-process
cache and broker, console email, local language-model fallback). Production sets the variables
that choose real servers. ``Settings.from_env()`` reads them; an invalid value fails at start with
the variable's name, never later in a request.

The environment variable for a field is ``QUESTLOG_`` + the field name in upper case, e.g.
``database_url`` is ``QUESTLOG_DATABASE_URL``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal

import msgspec

CacheKind = Literal["memory", "redis"]
BrokerKind = Literal["stub", "redis", "rabbitmq"]
EmailKind = Literal["console", "outbox", "smtp", "sendgrid"]
StorageKind = Literal["local", "s3"]
LanguageModelKind = Literal["local", "openai", "anthropic"]


class Settings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """All of Questlog's configuration. See ``docs/configuration.md`` for the table."""

    #: where the database lives: ``sqlite:///path`` (embedded) or ``postgresql://...``
    database_url: str = "sqlite:///var/questlog.db"
    #: apply migrations when the server starts (the all-in-one does; production runs ``migrate``)
    migrate_on_start: bool = True
    #: cache, rate limits and token denylist: ``memory`` (in-process) or ``redis``
    cache: CacheKind = "memory"
    #: the Redis server used when ``cache=redis`` or ``broker=redis``
    redis_url: str = "redis://127.0.0.1:6379/0"
    #: the first part of every Redis key, so deployments (or test runs) can share a server
    redis_key_prefix: str = "ql"
    #: message broker: ``stub`` (in-process worker in the all-in-one), ``redis`` or ``rabbitmq``
    broker: BrokerKind = "stub"
    #: the RabbitMQ server used when ``broker=rabbitmq``
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    #: outgoing email: ``console`` prints it, ``outbox`` writes .eml files, ``smtp``, ``sendgrid``
    email: EmailKind = "console"
    #: folder of ``.eml`` files for ``email=outbox``
    email_outbox_dir: str = "var/outbox"
    #: the sender of every email
    email_from: str = "Questlog <no-reply@questlog.local>"
    #: SMTP server for ``email=smtp``: ``smtp://user:password@host:587`` (STARTTLS) or ``smtps://``
    smtp_url: str = "smtp://127.0.0.1:25"
    #: API key for ``email=sendgrid``
    sendgrid_api_key: str = ""
    #: attachments: ``local`` folder or ``s3``
    storage: StorageKind = "local"
    #: folder of attachments for ``storage=local``
    storage_dir: str = "var/files"
    #: bucket for ``storage=s3`` (credentials come from the usual AWS variables)
    s3_bucket: str = "questlog"
    #: an S3-compatible endpoint (MinIO, moto); empty for AWS itself
    s3_endpoint_url: str | None = None
    #: the language model: ``local`` (a labelled rule-based fallback), ``openai``, ``anthropic``
    language_model: LanguageModelKind = "local"
    #: the auth service's Ed25519 private key (PEM); generated and kept here when missing
    jwt_private_key_path: str = "var/keys/jwt-ed25519.pem"
    #: other services verify tokens with this JWKS URL (empty: use the local key, all-in-one)
    jwks_url: str = ""
    #: the ``iss`` claim of access tokens
    jwt_issuer: str = "questlog-auth"
    #: the ``aud`` claim of access tokens
    jwt_audience: str = "questlog"
    #: lifetime of an access token
    access_token_ttl_seconds: int = 600
    #: lifetime of one refresh token (a session lives 30 days at most)
    refresh_token_ttl_seconds: int = 14 * 24 * 3600
    #: largest request body accepted, in bytes (bigger → 413)
    max_body_bytes: int = 1_048_576
    #: the public base URL (used in emails and links)
    public_url: str = "http://127.0.0.1:8000"
    #: a label for the deployment (``development``, ``test``, ``production``), shown at start
    environment: Literal["development", "production", "test"] = "development"
    #: consumer threads of a worker (``questlog worker``, or the all-in-one's in-process one)
    worker_threads: int = 8
    #: retries of a failing consumer before its message goes to the dead letters
    worker_max_retries: int = 5
    #: longest a consumer may work on one message before it is interrupted (and retried)
    worker_time_limit_seconds: int = 60
    #: the outbox relay's safety-net poll; it wakes at each commit otherwise
    relay_poll_seconds: float = 5.0
    #: how long published outbox rows are kept before the relay deletes them
    outbox_retention_hours: int = 168
    #: first part of every broker queue name, so deployments (or test runs) can share a broker
    queue_prefix: str = "questlog"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``QUESTLOG_*`` variables (``environ`` defaults to ``os.environ``)."""
        env = os.environ if environ is None else environ
        raw: dict[str, str] = {}
        for name in cls.__struct_fields__:
            key = f"QUESTLOG_{name.upper()}"
            if key in env:
                raw[name] = env[key]
        try:
            return msgspec.convert(raw, cls, strict=False)
        except msgspec.ValidationError as exc:
            raise SettingsError(_explain(str(exc))) from exc

    def replace(self, **changes: object) -> Settings:
        """A copy with some fields changed (used by tests and ``questlog serve`` flags)."""
        return msgspec.structs.replace(self, **changes)


class SettingsError(ValueError):
    """A ``QUESTLOG_*`` variable has a value that cannot be used."""


def _explain(message: str) -> str:
    # msgspec says "... - at `$.database_url`"; name the environment variable instead.
    if "`$." in message:
        head, _, path = message.partition("`$.")
        field = path.rstrip("`")
        reason = head.removesuffix(" - at ").strip()
        return f"QUESTLOG_{field.upper()}: {reason}"
    return message


def settings_table() -> str:
    """The Markdown table of every setting: variable, default and meaning (for the docs)."""
    import ast
    import inspect

    # The meaning of each field is its ``#:`` comment in this module's source.
    source = inspect.getsource(Settings)
    comments: dict[str, str] = {}
    pending: list[str] = []
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith("#:"):
            pending.append(stripped[2:].strip())
            continue
        if pending and ":" in stripped and not stripped.startswith(("def ", "@", "class ")):
            comments[stripped.split(":", 1)[0].strip()] = " ".join(pending)
        pending = []
    ast.parse(source)  # the source must stay parseable for this to be meaningful
    defaults = Settings()
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for name in Settings.__struct_fields__:
        value = getattr(defaults, name)
        shown = "(empty)" if value in ("", None) else f"`{value}`"
        rows.append(f"| `QUESTLOG_{name.upper()}` | {shown} | {comments.get(name, '')} |")
    return "\n".join(rows) + "\n"
