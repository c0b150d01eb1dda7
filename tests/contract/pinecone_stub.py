"""A Pinecone data plane on 127.0.0.1, speaking the documented REST shapes.

The ``pinecone`` SDK (v10) sends data-plane requests through its own ``httpx`` transport
wrapper (retries, adaptive concurrency) with no supported way to hand it a mock transport, so
the adapter is pointed with ``host="http://127.0.0.1:<port>"`` at this server instead: a real
HTTP server (loopback hosts are allowed in cleartext by the SDK) implementing the three
endpoints the adapter uses, as documented in Pinecone's data-plane API reference:

* ``POST /vectors/upsert``  ``{"vectors": [{"id", "values"}], "namespace"}`` → ``{"upsertedCount"}``
* ``POST /query``  ``{"vector", "topK", "namespace", "includeValues"}`` →
  ``{"matches": [{"id", "score", "values"}], "namespace", "usage": {"readUnits"}}``
* ``POST /vectors/delete``  ``{"ids", "namespace"}`` → ``{}``

Scores are cosine similarities (an index created with ``metric="cosine"``). Requests without
the right ``Api-Key`` get a 401; ``fail_with`` makes every request answer with a given status.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np


class PineconeStub:
    def __init__(self, api_key: str, dimensions: int) -> None:
        self.api_key = api_key
        self.dimensions = dimensions
        self.namespaces: dict[str, dict[str, list[float]]] = {}
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.fail_with: tuple[int, bytes] | None = None
        self.lock = threading.Lock()

    def answer(self, path: str, headers: Any, body: dict[str, Any]) -> tuple[int, Any]:
        with self.lock:
            self.requests.append((path, body))
            if headers.get("Api-Key") != self.api_key:
                return 401, {"error": {"code": "UNAUTHENTICATED", "message": "Invalid API Key"}}
            if self.fail_with is not None:
                return self.fail_with
            space = self.namespaces.setdefault(body.get("namespace", ""), {})
            if path == "/vectors/upsert":
                for vector in body["vectors"]:
                    if len(vector["values"]) != self.dimensions:
                        return 400, {"code": 3, "message": "Vector dimension mismatch"}
                    space[vector["id"]] = vector["values"]
                return 200, {"upsertedCount": len(body["vectors"])}
            if path == "/vectors/delete":
                for id_ in body.get("ids", []):
                    space.pop(id_, None)
                return 200, {}
            if path == "/query":
                return 200, self._query(body, space)
            return 404, {"code": 5, "message": f"no route {path}"}

    def _query(self, body: dict[str, Any], space: dict[str, list[float]]) -> dict[str, Any]:
        query = np.asarray(body["vector"], dtype=np.float64)
        scored = []
        for id_, values in space.items():
            row = np.asarray(values, dtype=np.float64)
            score = float(row @ query / (np.linalg.norm(row) * np.linalg.norm(query)))
            scored.append((score, id_))
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        top = scored[: body["topK"]]
        return {
            "results": [],
            "matches": [{"id": id_, "score": score, "values": []} for score, id_ in top],
            "namespace": body.get("namespace", ""),
            "usage": {"readUnits": 5},
        }


@contextmanager
def pinecone_server(api_key: str, dimensions: int) -> Iterator[tuple[str, PineconeStub]]:
    """``(host, stub)``: a running stub data plane; stopped on exit."""
    stub = PineconeStub(api_key, dimensions)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                status, answer = 400, {"code": 3, "message": "malformed JSON"}
            else:
                status, answer = stub.answer(self.path, self.headers, body)
            data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output quiet: the stub's requests are asserted, not logged."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", stub
    finally:
        server.shutdown()
        server.server_close()
