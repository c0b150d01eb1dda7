"""Properties of search words and of the query expressions built from them.

Every index stores words joined by spaces and must find the same words in them again, and no
text a user can type may reach a full-text parser as syntax: for any text, the FTS5 MATCH
expression runs on a real FTS5 table without error and finds a document made of the same text.
"""

from __future__ import annotations

import sqlite3
import uuid

from hypothesis import given
from hypothesis import strategies as st

from adapters.sql.search import fts5_match, owner_token, tsquery_literal
from questlog_core.ids import UserId
from questlog_core.search.model import SearchQuery
from questlog_core.search.text import WORD_MAX_LENGTH, words

OWNER = UserId(uuid.UUID(int=7))
TEXT = st.text(st.characters(exclude_characters="\x00"), max_size=80)


@given(TEXT)
def test_words_of_joined_words_are_the_same_words(text: str) -> None:
    found = words(text)
    assert words(" ".join(found)) == found
    assert all(w == w.lower() and 0 < len(w) <= WORD_MAX_LENGTH for w in found)


@given(TEXT, st.booleans())
def test_any_text_is_a_valid_fts5_query_that_finds_itself(text: str, prefix: bool) -> None:
    query = SearchQuery(words=tuple(dict.fromkeys(words(text))), prefix=prefix)
    database = sqlite3.connect(":memory:")
    database.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5("
        "owner, title, tags, notes, tokenize = 'unicode61 remove_diacritics 0')"
    )
    database.execute(
        "INSERT INTO search_fts (rowid, owner, title, tags, notes) VALUES (1, ?, ?, '', '')",
        (owner_token(OWNER), " ".join(words(text))),
    )
    if not query.words:
        return
    rows = database.execute(
        "SELECT rowid FROM search_fts WHERE search_fts MATCH ?", (fts5_match(OWNER, query),)
    ).fetchall()
    assert rows == [(1,)]


@given(TEXT)
def test_tsquery_literals_quote_every_word(text: str) -> None:
    query = SearchQuery(words=tuple(dict.fromkeys(words(text))), prefix=True)
    literal = tsquery_literal(query)
    parts = literal.split(" & ") if literal else []
    assert [p.removeprefix("'").removesuffix("':*") for p in parts] == list(query.words)
    assert all("'" not in w and "\\" not in w for w in query.words)
