"""One structured log line and Prometheus metrics per request, and the ``/metrics`` page.

:class:`RequestObserver` is a pure ASGI layer wrapped around the whole Litestar app (outside
routing, exception handling and CORS), so it sees every request, 404s included, at the cost of
a clock read, a dict lookup and one log write per request (no Litestar hooks, no per-request
objects beyond the log event).

**The log line** (structlog; JSON in production, a readable console line otherwise, see
``QUESTLOG_LOG_FORMAT``) has exactly: ``event="request"``, ``request_id``, ``method``,
``route`` (the route *template*, e.g. ``/api/v1/quests/{quest_id}``, or ``(unmatched)``),
``status``, ``duration_ms``, ``user_id`` (the signed-in user's id, or null), plus ``level``
and ``timestamp``. Nothing else from the request is logged: never the path's values, query,
headers, body, email, password or token.

**Request id**: an incoming ``X-Request-ID`` of 1-128 safe characters (letters, digits,
``.-_:``) is kept, anything else is replaced by a new random id; either way it is echoed in
the response's ``X-Request-ID`` and kept in ``scope["state"]["request_id"]``. New ids are 32
hex characters: a random per-process prefix and a counter.

**Metrics** (one registry per app):

* ``questlog_http_requests_total{method,route,status}`` — rate and status counts by route
  template;
* ``questlog_http_request_duration_seconds{method,route}`` — latency histogram;
* ``questlog_cache_reads_total{cache,result}`` and ``questlog_cache_hit_ratio{cache}`` — the
  read caches (quest, profile) of this process, hits vs loads;
* ``questlog_db_pool_size`` and ``questlog_db_pool_connections_in_use`` — the SQL pool.

**Who may read** ``/metrics``: only direct peers inside ``QUESTLOG_METRICS_ALLOW`` (IPs or
CIDRs; default loopback only; empty turns the page off). ``X-Forwarded-For`` is never
consulted for this: a scraper reaches the process directly. Everyone else gets a plain 404,
and the page is not in the OpenAPI document (it is not part of the API).
"""

from __future__ import annotations

import ipaddress
import itertools
import logging
import math
import re
import secrets
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TextIO

import msgspec
import structlog
from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from adapters import tracing
from apps.http.client_address import IPNetwork

#: seconds; from a cached read (~1 ms) to a slow write under load (several seconds)
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
METRICS_PATH = "/metrics"
UNMATCHED = "(unmatched)"

_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_PROMETHEUS_TEXT = b"text/plain; version=0.0.4; charset=utf-8"
_NOT_FOUND = b'{"type":"about:blank","title":"Not Found","status":404}'


def _json(event: dict[str, Any], **_: Any) -> str:
    return _encoder.encode(event).decode()


_encoder = msgspec.json.Encoder()


class _RequestIds:
    """Unique request ids without a system call each: a random per-process prefix and a
    counter (``uuid4`` costs several µs of ``os.urandom`` per request)."""

    def __init__(self) -> None:
        self._prefix = secrets.token_hex(8)
        self._next = itertools.count(1).__next__

    def new(self) -> str:
        return f"{self._prefix}{self._next():016x}"


_new_request_id = _RequestIds().new


class _Stdout:
    """Whatever ``sys.stdout`` is at the time of writing (servers and test runners swap it)."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


def request_logger(log_format: str, stream: TextIO | None = None, level: str = "info") -> Any:
    """A structlog logger writing one line per event to ``stream`` (default: the current
    stdout): JSON for ``json``, a readable key=value line for ``console``; events below
    ``level`` are dropped before anything is formatted."""
    renderer: Any
    if log_format == "json":
        # msgspec encodes the event ~10x faster than the stdlib json module
        renderer = structlog.processors.JSONRenderer(serializer=_json)
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=False)
    return structlog.wrap_logger(
        structlog.WriteLogger(stream or _Stdout()),  # type: ignore[arg-type]
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping()[level.upper()]
        ),
    ).bind()  # the concrete logger, not a lazy proxy resolved on every call


class HttpMetrics:
    """The per-request series, with label children cached so an observation is two adds."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self._requests = Counter(
            "questlog_http_requests",
            "HTTP requests answered, by method, route template and status.",
            ["method", "route", "status"],
            registry=registry,
        )
        self._latency = Histogram(
            "questlog_http_request_duration_seconds",
            "Time from request to the end of the response, by method and route template.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self._counters: dict[tuple[str, str, int], Any] = {}
        self._histograms: dict[tuple[str, str], Any] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request and its latency."""
        counter = self._counters.get((method, route, status))
        if counter is None:
            counter = self._requests.labels(method, route, str(status))
            self._counters[(method, route, status)] = counter
        counter.inc()
        histogram = self._histograms.get((method, route))
        if histogram is None:
            histogram = self._latency.labels(method, route)
            self._histograms[(method, route)] = histogram
        histogram.observe(seconds)


class ContainerCollector(Collector):
    """Read at scrape time: the read caches' hit counts, the SQL pool's use, and the late
    events about erased accounts this process's consumers dropped.

    ``container_of`` returns the container to read: an app's collector reads
    ``app.state.container`` at each scrape."""

    def __init__(self, container_of: Callable[[], Any]) -> None:
        self._container_of = container_of

    def collect(self) -> Iterable[Metric]:
        from apps.workers.consumers import DROPPED_LATE_EVENTS

        container = self._container_of()

        dropped = CounterMetricFamily(
            "questlog_late_events_dropped",
            "Events about an account the consuming service had erased, dropped before any "
            "handler ran (consumers running in this process), by service and event type.",
            labels=["service", "event_type"],
        )
        for (service, event_type), count in sorted(DROPPED_LATE_EVENTS.items()):
            dropped.add_metric([service, event_type], count)
        yield dropped
        reads = CounterMetricFamily(
            "questlog_cache_reads",
            "Reads through the read caches of this process: hit (served) or miss (loaded).",
            labels=["cache", "result"],
        )
        ratio = GaugeMetricFamily(
            "questlog_cache_hit_ratio",
            "hits / (hits + misses) of each read cache since start (NaN before any read).",
            labels=["cache"],
        )
        for name, provider_name in (
            ("quest", "quest_reads"),
            ("quest_page", "quest_pages"),
            ("profile", "profile_reads"),
        ):
            # a service's container has only its parts: the caches it does not serve are absent
            provider = container.providers.get(provider_name)
            if provider is None:
                continue
            stats = provider().stats
            reads.add_metric([name, "hit"], stats.hits)
            reads.add_metric([name, "miss"], stats.misses)
            total = stats.hits + stats.misses
            ratio.add_metric([name], stats.hits / total if total else math.nan)
        yield reads
        yield ratio
        engine = container.engine()
        pool = getattr(engine, "pool", None)
        if pool is not None and hasattr(pool, "size") and hasattr(pool, "checkedout"):
            yield GaugeMetricFamily(
                "questlog_db_pool_size",
                "Connections the SQL pool keeps (overflow connections come on top).",
                value=pool.size(),
            )
            yield GaugeMetricFamily(
                "questlog_db_pool_connections_in_use",
                "SQL connections checked out of the pool right now.",
                value=pool.checkedout(),
            )


def _may_read_metrics(scope: Scope, allowed: Sequence[IPNetwork]) -> bool:
    client = scope.get("client")
    if not allowed or not client:
        return False
    try:
        address = ipaddress.ip_address(client[0])
    except ValueError:
        return False
    return any(address in network for network in allowed)


def _request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            text = value.decode("latin-1")
            if _REQUEST_ID.fullmatch(text):
                return text
            break
    return _new_request_id()


class RequestObserver:
    """The ASGI layer that logs and measures every HTTP request (see the module doc)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        log: Any,
        registry: CollectorRegistry,
        metrics_allow: Sequence[IPNetwork],
    ) -> None:
        self._app = app
        self._log = log
        self._registry = registry
        self._metrics = HttpMetrics(registry)
        self._metrics_allow = tuple(metrics_allow)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self._app(scope, receive, send)
            return
        await self._observe(scope, receive, send)

    async def _observe(self, scope: HTTPScope, receive: Receive, send: Send) -> None:
        if scope["path"] == METRICS_PATH:
            await self._serve_metrics(scope, send)
            return
        request_id = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        echoed = (b"x-request-id", request_id.encode())
        status = 500

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), echoed]
            await send(message)

        # The units of work write it on their outbox rows, so the consumers' work carries it too.
        token = tracing.request_id.set(request_id)
        started = time.perf_counter()
        try:
            await self._app(scope, receive, observed_send)
        finally:
            tracing.request_id.reset(token)
            seconds = time.perf_counter() - started
            route = scope.get("path_template") or UNMATCHED
            method = scope["method"]
            principal = scope["state"].get("principal")
            self._metrics.observe(method, route, status, seconds)
            self._log.info(
                "request",
                request_id=request_id,
                method=method,
                route=route,
                status=status,
                duration_ms=round(seconds * 1000, 3),
                user_id=str(principal.user_id) if principal is not None else None,
            )

    async def _serve_metrics(self, scope: HTTPScope, send: Send) -> None:
        if scope["method"] == "GET" and _may_read_metrics(scope, self._metrics_allow):
            status, content_type, body = 200, _PROMETHEUS_TEXT, generate_latest(self._registry)
        else:
            status, content_type, body = 404, b"application/problem+json", _NOT_FOUND
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", content_type),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body, "more_body": False})


def observe(app: Any, *, log_format: str, metrics_allow: str, log_level: str = "info") -> None:
    """Wrap ``app`` (a built Litestar app) in a :class:`RequestObserver` that logs with
    ``log_format`` from ``log_level`` up and serves ``/metrics`` to ``metrics_allow``; the
    container's figures come from ``app.state.container``."""
    from apps.http.client_address import parse_networks

    registry = CollectorRegistry(auto_describe=False)
    registry.register(ContainerCollector(lambda: app.state.container))
    observer = RequestObserver(
        app.asgi_handler,
        log=request_logger(log_format, level=log_level),
        registry=registry,
        metrics_allow=parse_networks(metrics_allow),
    )
    app.asgi_handler = observer
    app.state.metrics_registry = registry


__all__ = [
    "LATENCY_BUCKETS",
    "METRICS_PATH",
    "ContainerCollector",
    "HttpMetrics",
    "RequestObserver",
    "observe",
    "request_logger",
]
