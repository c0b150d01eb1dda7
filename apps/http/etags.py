"""ETags and ``If-Match`` for optimistic concurrency over HTTP.

A resource's ETag is its version (``"v7"``). A client sends it back in ``If-Match``; the use case
then updates only if the stored version is still that one, otherwise the domain raises
``ConcurrencyConflict`` and the edge answers **412**. ``If-Match: *`` or no header means
"whatever is current".
"""

from __future__ import annotations

import re
from typing import Annotated

from litestar.exceptions import HTTPException
from litestar.params import HeaderParameter

#: a handler parameter for the ``If-Match`` header: ``if_match: IfMatch = None``
#: what ``If-Match`` may hold: one ETag of this API (``"v3"``, weak ``W/"v3"``) or ``*``
ETAG_PATTERN = re.compile(r'^(?:\*|(?:W/)?"v[0-9]{1,18}")$')

IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        required=False,
        pattern=ETAG_PATTERN.pattern,
        description='one ETag as returned by this API (e.g. "v3"), or *',
        # absent, never null: a header has no null
        schema_extra={"one_of": None, "type": "string"},
    ),
]

_ETAG = re.compile(r'^(?:W/)?"v(\d{1,18})"$')


def etag(version: int) -> str:
    """The strong ETag of a resource at ``version``."""
    return f'"v{version}"'


def expected_version(if_match: str | None) -> int | None:
    """The version an ``If-Match`` header asks for; ``None`` for absent or ``*``.

    A header naming several ETags or an unreadable one is a 400, not a silent overwrite.
    """
    if if_match is None:
        return None
    value = if_match.strip()
    if value == "*":
        return None
    match = _ETAG.match(value)
    if match is None:
        raise HTTPException(
            status_code=400,
            detail='If-Match must be one ETag as returned by this API, e.g. "v3"',
            extra={"code": "invalid-if-match", "field": "If-Match"},
        )
    return int(match.group(1))
