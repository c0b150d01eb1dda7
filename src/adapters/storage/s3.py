"""The ``FileStorage`` port on S3 (or any S3-compatible service) through boto3.

boto3 is synchronous; each call runs in a worker thread (``asyncio.to_thread``) on one client
created up front (boto3 clients are thread-safe, sessions are not). Upload and download URLs
are S3 presigned URLs: the browser talks to S3 directly and the app never proxies the bytes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from adapters.storage.keys import (
    DEFAULT_CONTENT_TYPE,
    DEFAULT_MAX_BYTES,
    check_content_type,
    check_key,
    check_lifetime,
    check_size,
)
from questlog_core.errors import NotFound, ServiceUnavailable
from questlog_core.ports.platform import StoredFile

T = TypeVar("T")

_MISSING = frozenset({"NoSuchKey", "404", "NotFound"})


class S3FileStorage:
    """Objects in one bucket, optionally under ``key_prefix`` (several deployments, one bucket).

    ``endpoint_url`` points at an S3-compatible service (MinIO, moto, R2); ``path_style`` makes
    the client address ``{endpoint}/{bucket}/{key}`` as those usually need. Credentials left
    ``None`` come from boto3's usual chain (environment, profile, instance role). Timeouts are
    explicit (``connect_timeout``/``read_timeout`` seconds) with boto3's "standard" retries.
    A presigned PUT cannot cap the size; call ``head`` after an upload to enforce ``max_bytes``.
    """

    def __init__(
        self,
        bucket: str,
        *,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        session_token: str | None = None,
        key_prefix: str = "",
        path_style: bool = False,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        max_attempts: int = 3,
        max_bytes: int = DEFAULT_MAX_BYTES,
        client: Any = None,
    ) -> None:
        if key_prefix:
            check_key(key_prefix.rstrip("/"))
            key_prefix = key_prefix.rstrip("/") + "/"
        self.bucket = bucket
        self.max_bytes = max_bytes
        self._prefix = key_prefix
        self._client: Any = client or boto3.session.Session().client(
            "s3",
            region_name=region_name,
            endpoint_url=endpoint_url,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            aws_session_token=session_token,
            config=Config(
                signature_version="s3v4",
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
                retries={"max_attempts": max_attempts, "mode": "standard"},
                s3={"addressing_style": "path" if path_style else "auto"},
            ),
        )

    @property
    def client(self) -> Any:
        """The underlying boto3 S3 client (for bucket set-up in tests and operations)."""
        return self._client

    # -- the port -------------------------------------------------------------------------

    async def put(self, key: str, data: bytes, content_type: str) -> StoredFile:
        """Store ``data`` under ``key`` (S3 PUTs are atomic: readers see old or new)."""
        check_key(key)
        check_content_type(content_type)
        check_size(len(data), self.max_bytes)
        await self._call(
            "put_object",
            key,
            Bucket=self.bucket,
            Key=self._prefix + key,
            Body=bytes(data),
            ContentType=content_type,
        )
        return StoredFile(key=key, size=len(data), content_type=content_type)

    async def get(self, key: str) -> bytes:
        """The object's bytes, or ``NotFound``."""
        check_key(key)

        def read() -> bytes:
            response = self._client.get_object(Bucket=self.bucket, Key=self._prefix + key)
            with response["Body"] as body:
                return bytes(body.read())

        return await self._run(read, key)

    async def delete(self, key: str) -> None:
        """Remove the object; deleting a missing object is not an error (as in S3)."""
        check_key(key)
        await self._call("delete_object", key, Bucket=self.bucket, Key=self._prefix + key)

    async def upload_url(self, key: str, content_type: str, expires: timedelta) -> str:
        """A presigned ``PUT``; the uploader must send exactly this ``Content-Type``."""
        check_key(key)
        check_content_type(content_type)
        seconds = check_lifetime(expires)
        return await self._presign("put_object", key, seconds, "PUT", ContentType=content_type)

    async def download_url(self, key: str, expires: timedelta) -> str:
        """A presigned ``GET`` (the object need not exist yet; S3 answers 404 then)."""
        check_key(key)
        seconds = check_lifetime(expires)
        return await self._presign("get_object", key, seconds, "GET")

    # -- beyond the port (suggested additions) --------------------------------------------

    async def head(self, key: str) -> StoredFile:
        """Size and content type without the bytes, or ``NotFound``."""
        check_key(key)
        response = await self._call("head_object", key, Bucket=self.bucket, Key=self._prefix + key)
        return StoredFile(
            key=key,
            size=int(response["ContentLength"]),
            content_type=str(response.get("ContentType") or DEFAULT_CONTENT_TYPE),
        )

    async def exists(self, key: str) -> bool:
        """Whether an object is stored under ``key``."""
        try:
            await self.head(key)
        except NotFound:
            return False
        return True

    # -- plumbing -------------------------------------------------------------------------

    async def _presign(
        self, operation: str, key: str, seconds: int, method: str, **params: str
    ) -> str:
        def sign() -> str:
            return str(
                self._client.generate_presigned_url(
                    operation,
                    Params={"Bucket": self.bucket, "Key": self._prefix + key, **params},
                    ExpiresIn=seconds,
                    HttpMethod=method,
                )
            )

        # Presigning is local, but may resolve credentials (e.g. instance metadata) on first use.
        return await self._run(sign, key)

    async def _call(self, operation: str, key: str, **kwargs: Any) -> Any:
        method: Callable[..., Any] = getattr(self._client, operation)
        return await self._run(lambda: method(**kwargs), key)

    @staticmethod
    async def _run(fn: Callable[[], T], key: str) -> T:
        try:
            return await asyncio.to_thread(fn)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in _MISSING:
                raise NotFound("file", key) from None
            raise ServiceUnavailable(f"file storage refused the request: {code}") from exc
        except BotoCoreError as exc:
            raise ServiceUnavailable(f"file storage unreachable: {type(exc).__name__}") from exc


__all__ = ["S3FileStorage"]
