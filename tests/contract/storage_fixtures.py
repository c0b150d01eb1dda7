"""Fixtures for the FileStorage contract suite (imported explicitly by test_file_storage.py).

Each adapter comes with a small "URL client" that does what a browser does with the URLs the
storage hands out: for S3 a real HTTP request to moto's server; for the signed-URL adapters
(memory, local) the steps the HTTP layer at ``/api/v1/files/{key}`` performs (verify, then
put/get), since that route belongs to the apps, not to the adapters.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import pytest

from adapters.memory.clock import FixedClock
from adapters.memory.storage import InMemoryFileStorage
from adapters.storage.local import LocalFileStorage
from adapters.storage.s3 import S3FileStorage
from adapters.storage.signing import FILES_PATH, SignedUrlRejected
from questlog_core.errors import NotFound

TEST_MAX_BYTES = 64 * 1024
SIGNING_KEY = b"contract-test-signing-key-0123456789"
BASE_URL = "http://files.questlog.test"


@dataclass
class Fetched:
    """What a client got back from a storage URL."""

    status: int
    body: bytes = b""
    content_type: str | None = None


class UrlClient(Protocol):
    async def upload(self, url: str, data: bytes, content_type: str) -> Fetched: ...
    async def download(self, url: str) -> Fetched: ...


class SignedUrlClient:
    """Plays the HTTP layer's ``/api/v1/files/{key}`` route for a signed-URL storage."""

    def __init__(self, storage: InMemoryFileStorage | LocalFileStorage) -> None:
        self._storage = storage

    @staticmethod
    def _parse(url: str) -> tuple[str, dict[str, str]]:
        parts = urlsplit(url)
        assert parts.path.startswith(FILES_PATH)
        key = unquote(parts.path[len(FILES_PATH) :])
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        return key, query

    async def upload(self, url: str, data: bytes, content_type: str) -> Fetched:
        key, query = self._parse(url)
        try:
            self._storage.verify_signed_url(
                key,
                query.get("expires", ""),
                query.get("signature", ""),
                method="PUT",
                content_type=query.get("ct"),
            )
        except SignedUrlRejected:
            return Fetched(403)
        if content_type != query.get("ct"):
            return Fetched(403)  # the grant covers one content type only
        await self._storage.put(key, data, content_type)
        return Fetched(200)

    async def download(self, url: str) -> Fetched:
        key, query = self._parse(url)
        try:
            self._storage.verify_signed_url(
                key, query.get("expires", ""), query.get("signature", ""), method="GET"
            )
            info = await self._storage.head(key)
            return Fetched(200, await self._storage.get(key), info.content_type)
        except SignedUrlRejected:
            return Fetched(403)
        except NotFound:
            return Fetched(404)


class HttpUrlClient:
    """A real HTTP client, for presigned S3 URLs."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def upload(self, url: str, data: bytes, content_type: str) -> Fetched:
        response = await self._client.put(url, content=data, headers={"Content-Type": content_type})
        return Fetched(response.status_code)

    async def download(self, url: str) -> Fetched:
        response = await self._client.get(url)
        ok = response.status_code == 200
        return Fetched(
            response.status_code,
            response.content if ok else b"",
            response.headers.get("content-type") if ok else None,
        )


@dataclass
class StorageCase:
    """One adapter under test, with the client that follows its URLs."""

    name: str
    storage: InMemoryFileStorage | LocalFileStorage | S3FileStorage
    urls: UrlClient
    clock: FixedClock | None  # None when the adapter's URLs are checked by a remote clock


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """moto's S3 in server mode on a free local port, for the whole session."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def make_s3_storage(endpoint: str, bucket: str, **kwargs: Any) -> S3FileStorage:
    """An S3 adapter on moto with dummy credentials (never the machine's own)."""
    return S3FileStorage(
        bucket,
        region_name="us-east-1",
        endpoint_url=endpoint,
        access_key_id="testing",
        secret_access_key="testing",
        path_style=True,
        **kwargs,
    )


@pytest.fixture(scope="session")
def s3_client(moto_endpoint: str) -> Any:
    """One boto3 client for the session (building one costs ~0.3 s of model loading)."""
    return make_s3_storage(moto_endpoint, "unused").client


@pytest.fixture
def s3_bucket(s3_client: Any) -> Iterator[str]:
    """A fresh bucket per test, emptied and removed afterwards."""
    bucket = f"questlog-test-{uuid.uuid4().hex[:16]}"
    client = s3_client
    client.create_bucket(Bucket=bucket)
    yield bucket
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=bucket, Key=item["Key"])
    client.delete_bucket(Bucket=bucket)


@pytest.fixture(params=["memory", "local", "s3"])
async def storage_case(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[StorageCase]:
    """Each FileStorage adapter in turn, with a 64 KiB size limit."""
    clock = FixedClock(datetime.now(UTC))
    if request.param == "memory":
        memory = InMemoryFileStorage(
            signing_key=SIGNING_KEY, base_url=BASE_URL, clock=clock, max_bytes=TEST_MAX_BYTES
        )
        yield StorageCase("memory", memory, SignedUrlClient(memory), clock)
    elif request.param == "local":
        local = LocalFileStorage(
            tmp_path / "files", SIGNING_KEY, BASE_URL, clock=clock, max_bytes=TEST_MAX_BYTES
        )
        yield StorageCase("local", local, SignedUrlClient(local), clock)
    else:
        bucket = request.getfixturevalue("s3_bucket")
        endpoint = request.getfixturevalue("moto_endpoint")
        client = request.getfixturevalue("s3_client")
        s3 = make_s3_storage(endpoint, bucket, max_bytes=TEST_MAX_BYTES, client=client)
        async with httpx.AsyncClient(timeout=10.0) as http:
            yield StorageCase("s3", s3, HttpUrlClient(http), None)


__all__ = [
    "BASE_URL",
    "SIGNING_KEY",
    "TEST_MAX_BYTES",
    "Fetched",
    "SignedUrlClient",
    "StorageCase",
    "make_s3_storage",
    "moto_endpoint",
    "s3_bucket",
    "s3_client",
    "storage_case",
]
