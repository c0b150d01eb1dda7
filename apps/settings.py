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
from typing import Annotated, Literal

import msgspec

CacheKind = Literal["memory", "redis"]
BrokerKind = Literal["stub", "redis", "rabbitmq"]
EmailKind = Literal["console", "outbox", "smtp", "sendgrid"]
PushKind = Literal["log", "fcm", "webpush"]
StorageKind = Literal["local", "s3"]
LanguageModelKind = Literal["local", "openai", "anthropic"]
EmbedderKind = Literal["local", "openai"]
VectorIndexKind = Literal["numpy", "pinecone"]


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
    #: push notifications: ``log`` (logs each message, sends nothing), ``fcm`` (Firebase Cloud
    #: Messaging HTTP v1) or ``webpush`` (browsers, with VAPID keys)
    push: PushKind = "log"
    #: the service-account JSON key file for ``push=fcm`` (Firebase console → Service accounts)
    fcm_service_account_file: str = ""
    #: the Firebase project for ``push=fcm``; empty: the ``project_id`` in the key file
    fcm_project_id: str = ""
    #: the VAPID private key for ``push=webpush``: a PEM file path (``vapid --gen`` writes
    #: ``private_key.pem``) or the key itself as base64url
    vapid_private_key: str = ""
    #: how push services reach the operator for ``push=webpush``: ``mailto:`` or ``https:`` URL
    vapid_subject: str = ""
    #: seconds one request to FCM, its token endpoint or a Web Push service may take
    push_timeout_seconds: Annotated[float, msgspec.Meta(gt=0)] = 10.0
    #: attachments: ``local`` folder or ``s3``
    storage: StorageKind = "local"
    #: folder of attachments for ``storage=local``
    storage_dir: str = "var/files"
    #: bucket for ``storage=s3`` (credentials come from the usual AWS variables)
    s3_bucket: str = "questlog"
    #: an S3-compatible endpoint (MinIO, moto); empty for AWS itself
    s3_endpoint_url: str | None = None
    #: the language model: ``local`` (a labelled rule-based fallback), ``openai``, ``anthropic``;
    #: a provider fails over to the other one when its key is set, then to ``local``
    language_model: LanguageModelKind = "local"
    #: OpenAI API key (needed by ``language_model=openai`` and ``embedder=openai``)
    openai_api_key: str = ""
    #: the OpenAI chat model asked for structured answers
    openai_model: str = "gpt-5.4-mini"
    #: an OpenAI-compatible endpoint (a gateway or proxy); empty for OpenAI itself
    openai_base_url: str = ""
    #: seconds one OpenAI request may take (the SDK's own default is 600)
    openai_timeout_seconds: Annotated[float, msgspec.Meta(gt=0)] = 6.0
    #: retries of a failed OpenAI request before failing over (the SDK's own default is 2)
    openai_max_retries: Annotated[int, msgspec.Meta(ge=0)] = 0
    #: Anthropic API key (needed by ``language_model=anthropic``; enables failover from OpenAI)
    anthropic_api_key: str = ""
    #: the Anthropic model asked for structured answers (through tool use)
    anthropic_model: str = "claude-haiku-4-5"
    #: an Anthropic-compatible endpoint (a gateway or proxy); empty for Anthropic itself
    anthropic_base_url: str = ""
    #: seconds one Anthropic request may take (the SDK's own default is 600)
    anthropic_timeout_seconds: Annotated[float, msgspec.Meta(gt=0)] = 6.0
    #: retries of a failed Anthropic request before failing over (the SDK's own default is 2)
    anthropic_max_retries: Annotated[int, msgspec.Meta(ge=0)] = 0
    #: failures in a row after which a provider is skipped (its circuit opens)
    llm_breaker_failures: Annotated[int, msgspec.Meta(ge=1)] = 3
    #: seconds an open circuit waits before letting one trial request through
    llm_breaker_cooldown_seconds: Annotated[float, msgspec.Meta(gt=0)] = 30.0
    #: seconds a provider's answer is reused for the same input (0: no response cache)
    llm_cache_ttl_seconds: Annotated[int, msgspec.Meta(ge=0)] = 86400
    #: requests per minute each user may make to the AI routes that can ask a model (429 after)
    ai_requests_per_minute: Annotated[int, msgspec.Meta(ge=1)] = 30
    #: text embeddings: ``local`` (deterministic hashing, no download) or ``openai``
    embedder: EmbedderKind = "local"
    #: the OpenAI embeddings model for ``embedder=openai``
    openai_embedding_model: str = "text-embedding-3-small"
    #: width of every embedding, and so of the vector index
    embedding_dimensions: Annotated[int, msgspec.Meta(ge=8)] = 256
    #: nearest-neighbour index: ``numpy`` (in process, persisted in a folder) or ``pinecone``
    vector_index: VectorIndexKind = "numpy"
    #: folder of the ``numpy`` vector index (one file per user)
    vector_index_dir: str = "var/vectors"
    #: Pinecone API key for ``vector_index=pinecone``
    pinecone_api_key: str = ""
    #: the Pinecone index's data-plane host, e.g. ``https://quests-abc123.svc.aped-1.pinecone.io``
    pinecone_host: str = ""
    #: seconds one Pinecone request may take
    pinecone_timeout_seconds: Annotated[float, msgspec.Meta(gt=0)] = 10.0
    #: the auth service's Ed25519 private key (PEM); generated and kept here when missing
    jwt_private_key_path: str = "var/keys/jwt-ed25519.pem"
    #: the key (32 random bytes, made when missing) that encrypts two-step sign-in (TOTP)
    #: secrets at rest; every auth process must share it, and losing it turns every
    #: authenticator off in effect (only recovery codes still work). Empty:
    #: ``totp-secrets.key`` in the folder of ``jwt_private_key_path``
    totp_key_path: str = ""
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
    #: the public base URL (used in emails and links); ``questlog serve`` sets it to the
    #: address it listens on unless this variable is set
    public_url: str = "http://127.0.0.1:8000"
    #: the API the web pages call: empty for the same process (the all-in-one), else the
    #: gateway's base URL when the web client is served on its own (``questlog serve web``)
    web_api_url: str = ""
    #: the secret that signs the web pages' CSRF tokens (empty: a random one per process, so
    #: set it when more than one process serves the pages)
    web_csrf_secret: str = ""
    #: a label for the deployment (``development``, ``test``, ``production``), shown at start
    environment: Literal["development", "production", "test"] = "development"
    #: database connections each process keeps pooled; as many again may be opened for a
    #: burst. Requests beyond that wait for a connection (see the pool timeout below).
    database_pool_size: Annotated[int, msgspec.Meta(ge=1, le=500)] = 10
    #: seconds a request waits for a pooled database connection before it gets a 503
    database_pool_timeout_seconds: Annotated[float, msgspec.Meta(gt=0)] = 5.0
    #: seconds to open a PostgreSQL connection before giving up with a 503 (at least 2)
    database_connect_timeout_seconds: Annotated[int, msgspec.Meta(ge=2)] = 5
    #: PostgreSQL ``statement_timeout`` in milliseconds: a longer statement is cancelled
    #: (503; 0: none)
    database_statement_timeout_ms: Annotated[int, msgspec.Meta(ge=0)] = 15_000
    #: while Redis is unreachable, signed-in reads use the last copy of the revocation feed
    #: for this many seconds after its last sync, then fail closed (0: fail closed at once)
    revocation_grace_seconds: Annotated[float, msgspec.Meta(ge=0)] = 60.0
    #: reverse proxies (comma-separated IPs or CIDRs) whose ``X-Forwarded-For`` names the client
    trusted_proxies: str = ""
    #: request log lines: ``json``, ``console`` (readable), or ``auto`` (JSON in production)
    log_format: Literal["auto", "json", "console"] = "auto"
    #: the lowest level logged by the request log and the HTTP server (``questlog serve
    #: --log-level`` sets it); the request lines are ``info``, so ``warning`` leaves them out
    log_level: Literal["debug", "info", "warning", "error", "critical"] = "info"
    #: who may read ``/metrics``: direct peers in these IPs/CIDRs (comma-separated; empty: off)
    metrics_allow: str = "127.0.0.1, ::1"
    #: product analytics records older than this many days are deleted (hourly, by the
    #: worker consuming the analytics events); 0 keeps them forever
    analytics_retention_days: Annotated[int, msgspec.Meta(ge=0, le=36_500)] = 400
    #: leaderboards: ``sql`` (the database's own board) or ``redis`` (sorted sets fed after each
    #: commit, rebuilt from SQL, which stays the truth; needs a SQL database)
    leaderboard: Literal["sql", "redis"] = "sql"

    #: consumer threads of a worker (``questlog worker``, or the all-in-one's in-process one)
    worker_threads: int = 8
    #: retries of a failing consumer before its message goes to the dead letters
    worker_max_retries: int = 5
    #: longest a consumer may work on one message before it is interrupted (and retried)
    worker_time_limit_seconds: int = 60
    #: the outbox relay's safety-net poll; it wakes at each commit otherwise
    relay_poll_seconds: float = 5.0
    #: the most events the relay puts in one message for a consumer, which applies them in one
    #: transaction (a burst of quest events costs one commit per consumer, not one per event;
    #: on SQLite that transaction holds the writer lock while it runs); 1 sends each alone
    consumer_batch_size: Annotated[int, msgspec.Meta(ge=1, le=500)] = 32
    #: how long published outbox rows are kept before the relay deletes them
    outbox_retention_hours: int = 168
    #: first part of every broker queue name, so deployments (or test runs) can share a broker
    queue_prefix: str = "questlog"
    #: how often a gamification worker (and the all-in-one) asks for the streak rollovers
    #: that fell due (each player's day boundary plus the check-in grace); 0 turns it off
    streak_rollover_seconds: Annotated[float, msgspec.Meta(ge=0)] = 60.0
    #: the key that signs notification unsubscribe links (32 random bytes, made when missing;
    #: every process serving or sending notifications must share it); empty:
    #: ``notification-links.key`` in the folder of ``jwt_private_key_path``
    notification_link_key_path: str = ""
    #: seconds between two runs of the notification dispatcher (due schedules, queued
    #: emails and pushes) in a worker or the all-in-one
    notification_dispatch_seconds: Annotated[float, msgspec.Meta(gt=0)] = 1.0
    #: users one transaction of a broadcast reaches (the rest follow in the next batches)
    notification_broadcast_batch: Annotated[int, msgspec.Meta(ge=1, le=10_000)] = 200
    #: the OAuth client id of Questlog at Google (with its secret: "sign in with Google" is
    #: offered; the redirect URI to register is ``{public_url}/api/v1/auth/oauth/google/callback``)
    oauth_google_client_id: str = ""
    #: the OAuth client secret of Questlog at Google
    oauth_google_client_secret: str = ""
    #: the OAuth app's client id at GitHub (with its secret: "sign in with GitHub" is offered;
    #: callback URL ``{public_url}/api/v1/auth/oauth/github/callback``)
    oauth_github_client_id: str = ""
    #: the OAuth app's client secret at GitHub
    oauth_github_client_secret: str = ""
    #: the issuer of any other OpenID Connect provider (``https://...``; its discovery document
    #: is ``{issuer}/.well-known/openid-configuration``); with a client id and secret it is offered
    oauth_oidc_issuer: str = ""
    #: the client id of Questlog at that OpenID Connect provider
    oauth_oidc_client_id: str = ""
    #: the client secret of Questlog at that OpenID Connect provider
    oauth_oidc_client_secret: str = ""
    #: the name that provider goes by in URLs and lists (lowercase letters, digits, ``-``)
    oauth_oidc_name: str = "oidc"
    #: deliver webhooks to loopback and private addresses too (development and tests only;
    #: refused with ``environment=production``): without it such URLs are refused at
    #: registration and before every attempt
    webhook_allow_private: bool = False
    #: seconds one webhook attempt may take, connecting included (connecting: at most 5)
    webhook_timeout_seconds: Annotated[float, msgspec.Meta(gt=0, le=60)] = 10.0
    #: seconds between two runs of the webhook sender (deliveries that fell due) in an
    #: integrations worker or the all-in-one; 0 turns it off
    webhook_send_seconds: Annotated[float, msgspec.Meta(ge=0)] = 2.0

    def __post_init__(self) -> None:
        from apps.http.client_address import parse_networks

        for name in ("trusted_proxies", "metrics_allow"):
            try:
                parse_networks(getattr(self, name))
            except ValueError as exc:
                raise SettingsError(f"QUESTLOG_{name.upper()}: {exc}") from None
        if self.leaderboard == "redis" and self.database_url.startswith("memory:"):
            raise SettingsError("QUESTLOG_LEADERBOARD: redis needs a SQL database to rebuild from")
        # A chosen provider without its key would be accepted and then fail on every request.
        needs = {
            "QUESTLOG_OPENAI_API_KEY": (
                self.language_model == "openai" or self.embedder == "openai",
                self.openai_api_key,
            ),
            "QUESTLOG_ANTHROPIC_API_KEY": (
                self.language_model == "anthropic",
                self.anthropic_api_key,
            ),
            "QUESTLOG_PINECONE_API_KEY": (self.vector_index == "pinecone", self.pinecone_api_key),
            "QUESTLOG_PINECONE_HOST": (self.vector_index == "pinecone", self.pinecone_host),
        }
        for variable, (needed, value) in needs.items():
            if needed and not value:
                raise ValueError(f"{variable}: required by the chosen AI adapters, but empty")
        push_needs = {
            "QUESTLOG_FCM_SERVICE_ACCOUNT_FILE": (
                self.push == "fcm",
                self.fcm_service_account_file,
            ),
            "QUESTLOG_VAPID_PRIVATE_KEY": (self.push == "webpush", self.vapid_private_key),
            "QUESTLOG_VAPID_SUBJECT": (self.push == "webpush", self.vapid_subject),
        }
        for variable, (needed, value) in push_needs.items():
            if needed and not value:
                raise SettingsError(f"{variable}: required by QUESTLOG_PUSH={self.push}, but empty")
        if self.vapid_subject and not self.vapid_subject.startswith(("mailto:", "https://")):
            raise SettingsError("QUESTLOG_VAPID_SUBJECT: must be a mailto: or https:// URL")
        if self.webhook_allow_private and self.environment == "production":
            raise SettingsError(
                "QUESTLOG_WEBHOOK_ALLOW_PRIVATE: never in production (it lets any user make "
                "the server send requests inside its network)"
            )
        self._check_oauth()

    def _check_oauth(self) -> None:
        """A provider is configured whole or not at all: half of it would be ignored."""
        import re

        for provider in ("google", "github", "oidc"):
            fields = [f"oauth_{provider}_client_id", f"oauth_{provider}_client_secret"]
            if provider == "oidc":
                fields.append("oauth_oidc_issuer")
            given = [f for f in fields if getattr(self, f)]
            if given and len(given) != len(fields):
                missing = ", ".join(f"QUESTLOG_{f.upper()}" for f in fields if f not in given)
                raise SettingsError(f"{missing}: needed with QUESTLOG_{given[0].upper()}")
        if self.oauth_oidc_issuer and not self.oauth_oidc_issuer.startswith("https://"):
            raise SettingsError("QUESTLOG_OAUTH_OIDC_ISSUER: must be an https:// URL")
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,31}", self.oauth_oidc_name) or (
            self.oauth_oidc_name in {"google", "github"}
        ):
            raise SettingsError(
                "QUESTLOG_OAUTH_OIDC_NAME: 1-32 lowercase letters, digits or '-', "
                "not google or github"
            )

    @property
    def resolved_log_format(self) -> Literal["json", "console"]:
        """The log format in use: ``auto`` means JSON in production, console elsewhere."""
        if self.log_format == "auto":
            return "json" if self.environment == "production" else "console"
        return self.log_format

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
