"""Signed file URLs served for storages that have no URL service of their own (local, in-memory)."""

from __future__ import annotations

from typing import Annotated, Any, Protocol, runtime_checkable

from litestar import Controller, Request, Response, get, put
from litestar.params import FromPath, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from apps.http.dependencies import FileStorageDep
from apps.http.permissions import public
from apps.quest.controllers._shared import (
    _max_bytes,
    _refuse_declared_oversize,
)
from questlog_core.errors import FileTooLarge, NotFound, ValidationFailed
from questlog_core.ports.platform import FileStorage
from questlog_core.services import attachments as files


@runtime_checkable
class SignedUrlStorage(Protocol):
    """A storage whose upload/download URLs this app serves (local folder, in-memory)."""

    def verify_signed_url(
        self,
        key: FromPath[str],
        expires: str | int,
        signature: str,
        *,
        method: Any,
        content_type: str | None = None,
    ) -> None: ...


def _signed_storage(storage: FileStorage, key: str) -> SignedUrlStorage:
    if not isinstance(storage, SignedUrlStorage):
        # S3 hands out its own URLs; nothing is served here then.
        raise NotFound("file", key)
    return storage


class FileController(Controller):
    """Serves the signed URLs of storages that have no URL service of their own. No bearer
    token: the HMAC signature in the query string is the authorization (method, key, expiry
    and, for uploads, the content type are all signed)."""

    path = "/api/v1/files"
    tags = ["files"]

    @get("/{key:path}", signed_url=True, **public())
    async def download(
        self,
        key: FromPath[str],
        storage: FileStorageDep,
        expires: Annotated[str, QueryParameter(max_length=20)],
        signature: Annotated[str, QueryParameter(max_length=200)],
    ) -> Response[bytes]:
        """The file's bytes, served as a download."""
        key = key.lstrip("/")
        _signed_storage(storage, key).verify_signed_url(key, expires, signature, method="GET")
        data = await storage.get(key)
        head = getattr(storage, "head", None)
        media_type = (await head(key)).content_type if head is not None else None
        return Response(
            data,
            media_type=media_type or "application/octet-stream",
            headers={
                # Never rendered inline: an uploaded HTML file must not run as this origin.
                "Content-Disposition": "attachment",
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "private, max-age=60",
            },
        )

    @put(
        "/{key:path}",
        status_code=HTTP_204_NO_CONTENT,
        request_max_body_size=files.DEFAULT_MAX_ATTACHMENT_BYTES,
        signed_url=True,
        **public(),
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        key: FromPath[str],
        storage: FileStorageDep,
        expires: Annotated[str, QueryParameter(max_length=20)],
        signature: Annotated[str, QueryParameter(max_length=200)],
        ct: Annotated[str, QueryParameter(max_length=255, description="the granted type")],
    ) -> None:
        """Store the body under the signed key. ``Content-Type`` must be the one granted."""
        key = key.lstrip("/")
        _signed_storage(storage, key).verify_signed_url(
            key, expires, signature, method="PUT", content_type=ct
        )
        if request.headers.get("content-type") != ct:
            raise ValidationFailed("content_type", f"this upload URL accepts only {ct!r}")
        limit = _max_bytes(storage)
        _refuse_declared_oversize(request, limit)
        body = await request.body()
        if len(body) > limit:
            raise FileTooLarge(len(body), limit)
        await storage.put(key, body, ct)
