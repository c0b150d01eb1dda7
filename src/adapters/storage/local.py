"""The ``FileStorage`` port on a local folder: the embedded default of ``questlog serve``.

Layout under ``root_dir``::

    files/<key>          the bytes, readable by an operator (``files/attachments/<owner>/<id>``)
    meta/ab/<sha256>.json sidecar (content type, size, key), named by the key's hash so no
                         key can collide with another key's sidecar
    tmp/                 half-written files; same filesystem, so ``os.replace`` is atomic

A write goes to ``tmp/``, is fsynced, then renamed over the target, so readers see the old file
or the new one, never a torn one. The data is renamed before its sidecar: a reader racing a
content-type change may briefly see new bytes with the old type, never a missing file.
Blocking file I/O runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import tempfile
from datetime import timedelta
from pathlib import Path

from adapters.memory.clock import SystemClock
from adapters.storage.keys import (
    DEFAULT_CONTENT_TYPE,
    DEFAULT_MAX_BYTES,
    check_content_type,
    check_key,
    check_size,
)
from adapters.storage.signing import HttpMethod, UrlSigner
from questlog_core.errors import NotFound, ValidationFailed
from questlog_core.ports.platform import Clock, StoredFile


class LocalFileStorage:
    """Files in a folder, with HMAC-signed expiring URLs served by the HTTP layer.

    ``base_url`` is where the app is reachable (``http://127.0.0.1:8000``); signed URLs point
    at ``{base_url}/api/v1/files/{key}``. ``max_bytes`` caps one file (``FileTooLarge``).
    """

    def __init__(
        self,
        root_dir: str | os.PathLike[str],
        signing_key: bytes,
        base_url: str,
        *,
        clock: Clock | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self._root = Path(root_dir).resolve()
        self._files = self._root / "files"
        self._meta = self._root / "meta"
        self._tmp = self._root / "tmp"
        for folder in (self._files, self._meta, self._tmp):
            folder.mkdir(parents=True, exist_ok=True)
        self._clock = clock or SystemClock()
        self._signer = UrlSigner(signing_key, base_url, self._clock)
        self.max_bytes = max_bytes

    # -- the port -------------------------------------------------------------------------

    async def put(self, key: str, data: bytes, content_type: str) -> StoredFile:
        """Store ``data`` under ``key`` atomically, replacing any previous file."""
        check_key(key)
        check_content_type(content_type)
        check_size(len(data), self.max_bytes)
        return await asyncio.to_thread(self._put, key, bytes(data), content_type)

    async def get(self, key: str) -> bytes:
        """The file's bytes, or ``NotFound``."""
        check_key(key)
        return await asyncio.to_thread(self._get, key)

    async def delete(self, key: str) -> None:
        """Remove the file; deleting a missing file is not an error."""
        check_key(key)
        await asyncio.to_thread(self._delete, key)

    async def upload_url(self, key: str, content_type: str, expires: timedelta) -> str:
        """A signed URL accepting one ``PUT`` of ``content_type`` until ``expires`` from now."""
        check_content_type(content_type)
        return self._signer.sign("PUT", key, expires, content_type)

    async def download_url(self, key: str, expires: timedelta) -> str:
        """A signed ``GET`` URL valid until ``expires`` from now (the file need not exist yet)."""
        return self._signer.sign("GET", key, expires)

    # -- beyond the port (suggested additions) --------------------------------------------

    async def head(self, key: str) -> StoredFile:
        """Size and content type without reading the bytes, or ``NotFound``."""
        check_key(key)
        return await asyncio.to_thread(self._head, key)

    async def exists(self, key: str) -> bool:
        """Whether a file is stored under ``key``."""
        try:
            await self.head(key)
        except NotFound:
            return False
        return True

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

    # -- blocking helpers, run in a thread -------------------------------------------------

    def _path(self, base: Path, key: str) -> Path:
        path = (base / key).resolve()
        # Defence in depth behind check_key: a symlink inside the root must not lead out.
        if not path.is_relative_to(base):
            raise ValidationFailed("key", "resolves outside the storage folder")
        return path

    def _sidecar(self, key: str) -> Path:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return self._meta / digest[:2] / f"{digest}.json"

    def _atomic_write(self, target: Path, data: bytes) -> None:
        fd, tmp_name = tempfile.mkstemp(dir=self._tmp, prefix="put-")
        try:
            with os.fdopen(fd, "wb") as tmp:
                tmp.write(data)
                tmp.flush()
                os.fsync(tmp.fileno())
            if target.is_dir():
                raise ValidationFailed("key", "other files are stored below this key")
            for attempt in range(3):
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                except (FileExistsError, NotADirectoryError):
                    raise ValidationFailed("key", "a parent of this key is itself a file") from None
                try:
                    os.replace(tmp_name, target)
                    break
                except FileNotFoundError:
                    # A concurrent delete pruned the emptied parent folder; make it again.
                    if attempt == 2:
                        raise
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
            raise

    def _put(self, key: str, data: bytes, content_type: str) -> StoredFile:
        target = self._path(self._files, key)
        self._atomic_write(target, data)
        sidecar = {"key": key, "content_type": content_type, "size": len(data)}
        self._atomic_write(self._sidecar(key), json.dumps(sidecar).encode("utf-8"))
        return StoredFile(key=key, size=len(data), content_type=content_type)

    def _get(self, key: str) -> bytes:
        try:
            return self._path(self._files, key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise NotFound("file", key) from None

    def _head(self, key: str) -> StoredFile:
        target = self._path(self._files, key)
        try:
            stat = target.stat()
        except (FileNotFoundError, NotADirectoryError):
            raise NotFound("file", key) from None
        if not target.is_file():
            raise NotFound("file", key)
        content_type = DEFAULT_CONTENT_TYPE
        try:
            sidecar = json.loads(self._sidecar(key).read_bytes())
            content_type = str(sidecar["content_type"])
        except (OSError, ValueError, KeyError, TypeError):
            pass  # a file without a readable sidecar is served as opaque bytes
        return StoredFile(key=key, size=stat.st_size, content_type=content_type)

    def _delete(self, key: str) -> None:
        target = self._path(self._files, key)
        if target.is_dir():
            return  # a "folder" of other keys, not a file under this key
        for path in (target, self._sidecar(key)):
            with contextlib.suppress(FileNotFoundError, NotADirectoryError):
                path.unlink()
        self._prune(target.parent, self._files)

    @staticmethod
    def _prune(folder: Path, stop: Path) -> None:
        # Remove folders emptied by the delete, so a deleted user's tree disappears too.
        while folder != stop and folder.is_relative_to(stop):
            try:
                folder.rmdir()
            except OSError:
                return
            folder = folder.parent


__all__ = ["LocalFileStorage"]
