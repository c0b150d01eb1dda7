"""Rules every file storage adapter applies the same way: keys, content types, sizes, lifetimes.

Keys are ``/``-separated relative paths such as ``attachments/<owner>/<id>``. The same key
must be valid in every adapter, so the rules are the strictest common subset: no absolute
paths, no ``.``/``..``/empty segments, no backslashes, no control characters.
"""

from __future__ import annotations

import re
from datetime import timedelta

from questlog_core.errors import FileTooLarge, ValidationFailed

MAX_KEY_BYTES = 1024
"""S3's limit for an object key, applied everywhere so keys stay portable."""

MAX_URL_LIFETIME = timedelta(days=7)
"""The longest a signed URL may live: S3's SigV4 limit, applied everywhere."""

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
"""Default size limit for one stored file (25 MiB)."""

DEFAULT_CONTENT_TYPE = "application/octet-stream"

_CONTENT_TYPE = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}"
    r"(\s*;\s*[A-Za-z0-9!#$&^_.+-]+=(\"[^\"\r\n\x00]*\"|[A-Za-z0-9!#$&^_.+-]+))*$"
)


def check_key(key: str) -> str:
    """Return ``key`` unchanged if it is a safe storage key, else raise ``ValidationFailed``."""
    if not key:
        raise ValidationFailed("key", "must not be empty")
    if len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
        raise ValidationFailed("key", f"must be at most {MAX_KEY_BYTES} bytes")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in key):
        raise ValidationFailed("key", "must not contain control characters (NUL, newlines, ...)")
    if "\\" in key:
        raise ValidationFailed("key", "must use '/' as the only separator")
    if key.startswith("/") or re.match(r"^[A-Za-z]:", key):
        raise ValidationFailed("key", "must be a relative path")
    for segment in key.split("/"):
        if segment in ("", ".", ".."):
            raise ValidationFailed("key", "must not contain empty, '.' or '..' segments")
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationFailed("key", "must be valid unicode") from None
    return key


def check_content_type(content_type: str) -> str:
    """Return a well-formed media type (``type/subtype[; param=value]``) or raise."""
    if not _CONTENT_TYPE.match(content_type):
        raise ValidationFailed("content_type", "must be a media type such as 'image/png'")
    return content_type


def check_size(size: int, limit: int) -> None:
    """Raise ``FileTooLarge`` when ``size`` exceeds ``limit`` bytes."""
    if size > limit:
        raise FileTooLarge(size, limit)


def check_lifetime(expires: timedelta) -> int:
    """The lifetime of a signed URL in whole seconds (at least 1), or ``ValidationFailed``."""
    if expires <= timedelta(0):
        raise ValidationFailed("expires", "must be positive")
    if expires > MAX_URL_LIFETIME:
        raise ValidationFailed("expires", "must be at most 7 days")
    return max(1, int(expires.total_seconds()))


__all__ = [
    "DEFAULT_CONTENT_TYPE",
    "DEFAULT_MAX_BYTES",
    "MAX_KEY_BYTES",
    "MAX_URL_LIFETIME",
    "check_content_type",
    "check_key",
    "check_lifetime",
    "check_size",
]
