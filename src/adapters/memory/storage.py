"""The ``FileStorage`` port in process: the reference adapter for tests and ``memory`` mode.

Same rules as the real adapters (key and content-type checks, size limit, HMAC-signed
expiring URLs of the same ``{base_url}/api/v1/files/{key}`` form, checked by
``verify_signed_url``), so a test written against it holds for the local folder and S3.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from adapters.memory.clock import SystemClock
from adapters.storage.keys import (
    DEFAULT_MAX_BYTES,
    check_content_type,
    check_key,
    check_size,
)
from adapters.storage.signing import HttpMethod, UrlSigner
from questlog_core.errors import NotFound
from questlog_core.ports.platform import Clock, StoredFile


class InMemoryFileStorage:
    """Files in a dict. ``signing_key`` defaults to a random one (URLs die with the process)."""

    def __init__(
        self,
        *,
        signing_key: bytes | None = None,
        base_url: str = "http://127.0.0.1:8000",
        clock: Clock | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self._clock = clock or SystemClock()
        self._signer = UrlSigner(signing_key or secrets.token_bytes(32), base_url, self._clock)
        self._files: dict[str, tuple[bytes, str]] = {}
        self.max_bytes = max_bytes

    async def put(self, key: str, data: bytes, content_type: str) -> StoredFile:
        """Store a copy of ``data`` under ``key``, replacing any previous file."""
        check_key(key)
        check_content_type(content_type)
        check_size(len(data), self.max_bytes)
        self._files[key] = (bytes(data), content_type)
        return StoredFile(key=key, size=len(data), content_type=content_type)

    async def get(self, key: str) -> bytes:
        """The file's bytes, or ``NotFound``."""
        check_key(key)
        try:
            return self._files[key][0]
        except KeyError:
            raise NotFound("file", key) from None

    async def delete(self, key: str) -> None:
        """Remove the file; deleting a missing file is not an error."""
        check_key(key)
        self._files.pop(key, None)

    async def upload_url(self, key: str, content_type: str, expires: timedelta) -> str:
        """A signed URL accepting one ``PUT`` of ``content_type`` until ``expires`` from now."""
        check_content_type(content_type)
        return self._signer.sign("PUT", key, expires, content_type)

    async def download_url(self, key: str, expires: timedelta) -> str:
        """A signed ``GET`` URL valid until ``expires`` from now."""
        return self._signer.sign("GET", key, expires)

    async def head(self, key: str) -> StoredFile:
        """Size and content type, or ``NotFound``."""
        check_key(key)
        try:
            data, content_type = self._files[key]
        except KeyError:
            raise NotFound("file", key) from None
        return StoredFile(key=key, size=len(data), content_type=content_type)

    async def exists(self, key: str) -> bool:
        """Whether a file is stored under ``key``."""
        return check_key(key) in self._files

    def verify_signed_url(
        self,
        key: str,
        expires: str | int,
        signature: str,
        *,
        method: HttpMethod,
        content_type: str | None = None,
    ) -> None:
        """Check a URL minted by this storage; raises ``SignedUrlRejected``."""
        self._signer.verify(key, expires, signature, method=method, content_type=content_type)

    def keys(self) -> list[str]:
        """Every stored key, sorted (for tests)."""
        return sorted(self._files)


__all__ = ["InMemoryFileStorage"]
