"""Text patterns the schemas of every service share (no imports, so any schema module can use
them without pulling in the HTTP edge)."""

from __future__ import annotations

# Patterns say "space" the way Python's ``str.isspace``/``str.strip`` (the domain) does, not
# with ``\s``, which JSON Schema (ECMA-262) and Python define differently (\x1c-\x1f, \x85).
#: the space characters, for use inside a character class
SPACES = r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
#: one space character
SPACE = f"[{SPACES}]"
#: one character that is not a space
NOT_SPACE = f"[^{SPACES}]"
