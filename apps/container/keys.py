"""Secret keys kept in files next to the token-signing key, made once when missing."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def key_in_file(path: Path, size: int = 32) -> bytes:
    """The key in ``path``; ``size`` random bytes are written there first if it is missing.

    Written aside and linked into place: of several processes starting at once, exactly one
    key wins and every process reads that one (a half-written file is never seen).
    """
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    draft.write_bytes(secrets.token_bytes(size))
    draft.chmod(0o600)
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_bytes()


__all__ = ["key_in_file"]
