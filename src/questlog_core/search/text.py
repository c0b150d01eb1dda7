"""Words: how quest text and search queries are split, the same way for every index.

Every adapter indexes and matches the words this module produces, never the raw text, so the
in-memory, SQLite FTS5 and PostgreSQL indexes agree on what a word is whatever their own
tokenizers or the database's locale would do: text is NFKC-normalised (full-width letters,
ligatures), lower-cased, and split into runs of letters and digits. Everything else,
punctuation and every operator of FTS5 or ``tsquery`` syntax included (``" * : & | ! ( ) -
^ +``, ``AND``/``OR``/``NOT`` are only words here), separates words, so user input can never
reach a query parser as syntax.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["QUERY_MAX_LENGTH", "QUERY_MAX_WORDS", "WORD_MAX_LENGTH", "words"]

#: longest query text accepted (characters)
QUERY_MAX_LENGTH = 200
#: most words one query may hold (each is one more condition every match must meet)
QUERY_MAX_WORDS = 8

#: longer runs of letters and digits (encoded blobs, pasted hashes) are not words: never
#: indexed, never searched (PostgreSQL refuses lexemes over 2 KiB anyway)
WORD_MAX_LENGTH = 100

# A word: letters and digits of any script (``\w`` without the underscore).
_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The words of ``text`` in order, normalised (NFKC, lower case); duplicates kept."""
    found = _WORD.findall(unicodedata.normalize("NFKC", text).lower())
    return [w for w in found if len(w) <= WORD_MAX_LENGTH]
