"""The search context on SQL: SQLite FTS5 or a PostgreSQL ``tsvector``, and the query log.

Both index the words of :mod:`questlog_core.search.text`, never raw text, and both receive a
query as those words, each quoted as a literal term: a user's ``"``, ``*``, ``:``, ``&``,
``NEAR`` or ``-`` can never reach the FTS5 or ``tsquery`` parser as syntax.

* **SQLite**: ``search_fts`` (FTS5) holds the words of title, tags and notes under the
  document's id; a query is ``"w1" AND "w2"*`` ranked by ``bm25`` with column weights
  10 / 4 / 2.
* **PostgreSQL**: ``search_vector`` is written as a ``tsvector`` literal (each word with its
  position and weight: A title, B tags, C notes) and queried with a ``tsquery`` literal
  (``'w1' & 'w2':*``), ranked by ``ts_rank``. Literals rather than ``to_tsvector``: the words
  are already split and normalised, so the database's parser and locale never change them.
  A page of hits is one call of the ``search.search_page`` function (migration 0024), which
  plans the search with its values and in-memory page costs.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    BindParameter,
    Column,
    ColumnClause,
    ColumnElement,
    Float,
    Integer,
    MetaData,
    Select,
    String,
    Text,
    bindparam,
    cast,
    column,
    delete,
    func,
    insert,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY, TSVECTOR
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.dialects import insert_if_absent
from adapters.sql.tables import search as t
from adapters.sql.unit_of_work import SqlUnitOfWork
from questlog_core.kernel.ids import QuestId, UserId
from questlog_core.search.model import (
    QueryRecord,
    QueryStat,
    SearchDocument,
    SearchHit,
    SearchQuery,
)

__all__ = ["SqlQuestSearchIndex", "SqlSearchQueryLog", "SqlSearchUnitOfWork"]

#: PostgreSQL keeps positions up to 16383; later words share the last one
_MAX_POSITION = 16383
#: bm25 column weights of (owner, title, tags, notes) on SQLite
_BM25 = "bm25(search_fts, 0.0, 10.0, 4.0, 2.0)"


def tag_keys(tags: Iterable[str]) -> str:
    """The ``tag_keys`` column of ``tags``: each between separators."""
    sep = t.TAG_SEPARATOR
    return sep + sep.join(tags) + sep if tags else ""


def _row(document: SearchDocument) -> dict[str, Any]:
    return {
        "owner": document.owner,
        "quest_id": document.quest_id,
        "title": document.title,
        "notes": document.notes,
        "tags": list(document.tags),
        "tag_keys": tag_keys(document.tags),
        "category": document.category,
        "status": document.status,
        "due": document.due,
        "created_at": document.created_at,
        "updated_at": document.updated_at,
        "started_at": document.started_at,
        "text_at": document.text_at,
        "content_at": document.content_at,
        "status_at": document.status_at,
    }


def _document(row: Any) -> SearchDocument:
    return SearchDocument(
        owner=UserId(row.owner),
        quest_id=QuestId(row.quest_id),
        title=row.title,
        notes=row.notes,
        tags=tuple(row.tags),
        category=row.category,
        status=row.status,
        due=row.due,
        created_at=row.created_at,
        updated_at=row.updated_at,
        started_at=row.started_at,
        text_at=row.text_at,
        content_at=row.content_at,
        status_at=row.status_at,
    )


def tsvector_literal(document: SearchDocument) -> str:
    """The ``tsvector`` of a document: its words with positions and weights (A, B, C)."""
    lexemes: list[str] = []
    position = 0
    for weight, found in (
        ("A", document.title_words),
        ("B", document.tag_words),
        ("C", document.note_words),
    ):
        for word in found:
            position = min(position + 1, _MAX_POSITION)
            lexemes.append(f"'{word}':{position}{weight}")
    return " ".join(lexemes)


def tsquery_literal(query: SearchQuery) -> str:
    """The ``tsquery`` of a query: every word, each a prefix when ``query.prefix``."""
    suffix = ":*" if query.prefix else ""
    return " & ".join(f"'{word}'{suffix}" for word in query.words)


def owner_token(owner: UserId) -> str:
    """The word that stands for ``owner`` in the FTS5 table's ``owner`` column."""
    return f"u{owner.hex}"


def fts5_match(owner: UserId, query: SearchQuery) -> str:
    """The FTS5 MATCH expression of a query: the owner's token in the ``owner`` column and
    every word, as a quoted string, in the title, tags or notes."""
    suffix = "*" if query.prefix else ""
    words = " AND ".join(f'"{word}"{suffix}' for word in query.words)
    return f'owner : "{owner_token(owner)}" AND {{title tags notes}} : ({words})'


#: PostgreSQL's view of ``search_documents``: the modelled columns and the vector
_PG_DOCUMENTS = t.documents.to_metadata(MetaData())
_PG_DOCUMENTS.append_column(Column(t.VECTOR_COLUMN, TSVECTOR))


#: what a SQLite search statement's form depends on: (has statuses, has category, number of
#: tags, has due_from, has due_before); the values are bound parameters (on PostgreSQL,
#: ``search.search_page`` builds the form from the filters it is given)
_Shape = tuple[bool, bool, int, bool, bool]


def _shape(query: SearchQuery) -> _Shape:
    f = query.filters
    return (
        bool(f.statuses),
        f.category is not None,
        len(f.tags),
        f.due_from is not None,
        f.due_before is not None,
    )


def _like_escape(value: str) -> str:
    return value.replace("/", "//").replace("%", "/%").replace("_", "/_")


def _sqlite_search_parameters(
    owner: UserId, query: SearchQuery, *, offset: int, limit: int
) -> dict[str, Any]:
    f = query.filters
    sep = t.TAG_SEPARATOR
    parameters: dict[str, Any] = {
        "owner": owner,
        "window": query.window,
        "offset": offset,
        "limit": limit,
        "statuses": list(f.statuses),
        "category": f.category,
        "due_from": f.due_from,
        "due_before": f.due_before,
    }
    for n, tag in enumerate(f.tags):
        parameters[f"tag_{n}"] = f"%{_like_escape(f'{sep}{tag}{sep}')}%"
    return parameters


def _filters(shape: _Shape) -> list[ColumnElement[bool]]:
    d = t.documents.c
    statuses, category, tags, due_from, due_before = shape
    conditions: list[ColumnElement[bool]] = []
    if statuses:
        conditions.append(d.status.in_(bindparam("statuses", expanding=True)))
    if category:
        conditions.append(d.category == bindparam("category"))
    for n in range(tags):
        conditions.append(d.tag_keys.like(bindparam(f"tag_{n}"), escape="/"))
    if due_from:
        conditions.append(d.due >= bindparam("due_from"))
    if due_before:
        conditions.append(d.due < bindparam("due_before"))
    return conditions


@functools.cache
def _sqlite_search_statement(shape: _Shape) -> Select[Any]:
    """The SQLite search statement of one filter shape, built once: every value is a bound
    parameter (:func:`_sqlite_search_parameters`), so a search neither builds nor compiles
    SQL. The window is the owner's most recently indexed matches (highest ids), then ranked."""
    d = t.documents
    fts: ColumnClause[Any] = literal_column("search_fts")
    rowid: ColumnClause[Any] = literal_column("search_fts.rowid")
    bm25: ColumnClause[float] = literal_column(_BM25)
    matches = (
        select(
            d.c.quest_id,
            d.c.title,
            d.c.tags,
            d.c.category,
            d.c.status,
            d.c.due,
            d.c.updated_at,
            (-bm25).label("score"),
        )
        .select_from(d.join(text("search_fts"), rowid == d.c.id))
        .where(
            fts.op("MATCH")(bindparam("match", type_=String)),
            d.c.owner == bindparam("owner", type_=d.c.owner.type),
        )
        .where(*_filters(shape))
        .order_by(rowid.desc())
        .limit(bindparam("window", type_=Integer))
        .subquery("matches")
    )
    m = matches.c
    return (
        select(m.quest_id, m.title, m.tags, m.category, m.status, m.due, m.score.label("score"))
        .order_by(m.score.desc(), m.updated_at.desc(), m.quest_id)
        .offset(bindparam("offset", type_=Integer))
        .limit(bindparam("limit", type_=Integer))
    )


def _pg_search_statement() -> Select[Any]:
    """The PostgreSQL search statement, one for every filter shape: ``search.search_page``
    (migration 0024) ranks the window and returns the page's ids and scores, joined here to
    the documents for what a hit shows.

    The function builds its query from the filters given (``NULL``: no such filter) and runs
    it with ``EXECUTE ... USING``, so each search is planned with its own words: a prepared
    statement's generic plan could not see how rare they are, and would walk the owner's
    newest quests one by one for a rare word instead of asking the GIN index. It also plans
    with ``random_page_cost = 1.1`` (its ``SET`` clause: that call only), the cost of a page
    in memory; with the default, 4, the planner walked up to 50,000 quests where fetching the
    2,000 matches the index named took half the time."""
    d = t.documents
    when = d.c.due.type
    page = func.search.search_page(
        bindparam("owner", type_=d.c.owner.type),
        cast(bindparam("tsquery", type_=String), TSQUERY),
        bindparam("statuses", type_=ARRAY(Text)),
        bindparam("category", type_=Text),
        bindparam("tags", type_=ARRAY(Text)),
        bindparam("due_from", type_=when),
        bindparam("due_before", type_=when),
        bindparam("window", type_=Integer),
        bindparam("offset", type_=Integer),
        bindparam("limit", type_=Integer),
    ).table_valued(column("id", BigInteger), column("score", Float), name="page")
    return (
        select(d.c.quest_id, d.c.title, d.c.tags, d.c.category, d.c.status, d.c.due, page.c.score)
        .join_from(page, d, d.c.id == page.c.id)
        .order_by(page.c.score.desc(), d.c.updated_at.desc(), d.c.quest_id)
    )


_PG_SEARCH = _pg_search_statement()


def _pg_search_parameters(
    owner: UserId, query: SearchQuery, *, offset: int, limit: int
) -> dict[str, Any]:
    f = query.filters
    sep = t.TAG_SEPARATOR
    return {
        "owner": owner,
        "tsquery": tsquery_literal(query),
        "statuses": list(f.statuses) or None,
        "category": f.category,
        "tags": [f"%{_like_escape(f'{sep}{tag}{sep}')}%" for tag in f.tags] or None,
        "due_from": f.due_from,
        "due_before": f.due_before,
        "window": query.window,
        "offset": offset,
        "limit": limit,
    }


# Built once: the index is written for every quest event, and building a statement per call
# (its clauses, bind parameters and cache key) cost more than running it on SQLite.
_KEY_OWNER: BindParameter[Any] = bindparam("key_owner", type_=t.documents.c.owner.type)
_KEY_QUEST: BindParameter[Any] = bindparam("key_quest_id", type_=t.documents.c.quest_id.type)
_GET_DOCUMENT = select(t.documents).where(
    t.documents.c.owner == _KEY_OWNER, t.documents.c.quest_id == _KEY_QUEST
)
_REMOVE_DOCUMENT = (
    delete(t.documents)
    .where(t.documents.c.owner == _KEY_OWNER, t.documents.c.quest_id == _KEY_QUEST)
    .returning(t.documents.c.id)
)
_INSERT_DOCUMENTS = insert(t.documents).returning(t.documents.c.id, sort_by_parameter_order=True)
_IS_FORGOTTEN = select(t.forgotten.c.quest_id).where(
    t.forgotten.c.owner == _KEY_OWNER, t.forgotten.c.quest_id == _KEY_QUEST
)


class SqlQuestSearchIndex:
    """The index on the unit of work's connection, always filtered by owner."""

    def __init__(self, uow: SqlSearchUnitOfWork) -> None:
        self._uow = uow

    @property
    def _sqlite(self) -> bool:
        return self._uow.connection.dialect.name == "sqlite"

    async def get(self, owner: UserId, quest_id: QuestId) -> SearchDocument | None:
        keys = {"key_owner": owner, "key_quest_id": quest_id}
        row = (await self._uow.connection.execute(_GET_DOCUMENT, keys)).first()
        return None if row is None else _document(row)

    async def get_many(
        self, owner: UserId, quest_ids: Collection[QuestId]
    ) -> dict[QuestId, SearchDocument]:
        if not quest_ids:
            return {}
        d = t.documents
        query = select(d).where(d.c.owner == owner, d.c.quest_id.in_(list(quest_ids)))
        rows = await self._uow.connection.execute(query)
        return {QuestId(row.quest_id): _document(row) for row in rows}

    async def put(self, document: SearchDocument) -> None:
        # Removed and added again, so its id (the FTS5 rowid) says it was indexed last: the
        # rank window takes the highest ids.
        await self.remove(document.owner, document.quest_id)
        await self.put_many([document])

    async def put_many(self, documents: Sequence[SearchDocument]) -> None:
        """Index quests not indexed yet, in one round of statements (bulk loads, benchmarks;
        later ones count as indexed later)."""
        if not documents:
            return
        connection = self._uow.connection
        rows = [_row(doc) for doc in documents]
        self._uow.inserted("search.search_documents", len(documents))
        if not self._sqlite:
            for row, doc in zip(rows, documents, strict=True):
                row["vector"] = tsvector_literal(doc)
            statement = insert(_PG_DOCUMENTS).values(
                search_vector=cast(bindparam("vector"), TSVECTOR)
            )
            await connection.execute(statement, rows)
            return
        result = await connection.execute(_INSERT_DOCUMENTS, rows)
        await self._write_fts(list(zip(result.scalars(), documents, strict=True)))

    async def _write_fts(self, rows: list[tuple[int, SearchDocument]]) -> None:
        await self._uow.connection.execute(
            text(
                "INSERT INTO search_fts (rowid, owner, title, tags, notes) "
                "VALUES (:id, :owner, :title, :tags, :notes)"
            ),
            [
                {
                    "id": doc_id,
                    "owner": owner_token(doc.owner),
                    "title": " ".join(doc.title_words),
                    "tags": " ".join(doc.tag_words),
                    "notes": " ".join(doc.note_words),
                }
                for doc_id, doc in rows
            ],
        )

    async def remove(self, owner: UserId, quest_id: QuestId) -> None:
        connection = self._uow.connection
        keys = {"key_owner": owner, "key_quest_id": quest_id}
        removed = await connection.execute(_REMOVE_DOCUMENT, keys)
        doc_id = removed.scalar_one_or_none()
        if doc_id is not None and self._sqlite:
            await connection.execute(
                text("DELETE FROM search_fts WHERE rowid = :id"), {"id": doc_id}
            )

    async def forget(self, owner: UserId, quest_id: QuestId, *, at: datetime) -> None:
        await self.remove(owner, quest_id)
        row = {"owner": owner, "quest_id": quest_id, "deleted_at": at}
        if await insert_if_absent(self._uow.connection, t.forgotten, row):
            self._uow.inserted("search.search_forgotten")

    async def is_forgotten(self, owner: UserId, quest_id: QuestId) -> bool:
        keys = {"key_owner": owner, "key_quest_id": quest_id}
        return (await self._uow.connection.execute(_IS_FORGOTTEN, keys)).first() is not None

    async def forgotten_among(self, owner: UserId, quest_ids: Collection[QuestId]) -> set[QuestId]:
        if not quest_ids:
            return set()
        f = t.forgotten.c
        query = select(f.quest_id).where(f.owner == owner, f.quest_id.in_(list(quest_ids)))
        rows = await self._uow.connection.execute(query)
        return {QuestId(quest_id) for quest_id in rows.scalars()}

    async def quest_ids(self, owner: UserId) -> set[QuestId]:
        d = t.documents.c
        rows = await self._uow.connection.execute(select(d.quest_id).where(d.owner == owner))
        return {QuestId(quest_id) for quest_id in rows.scalars()}

    async def search(
        self, owner: UserId, query: SearchQuery, *, offset: int = 0, limit: int = 20
    ) -> list[SearchHit]:
        if not query.words:
            return []
        statement: Select[Any]
        if self._sqlite:
            statement = _sqlite_search_statement(_shape(query))
            parameters = _sqlite_search_parameters(owner, query, offset=offset, limit=limit)
            parameters["match"] = fts5_match(owner, query)
        else:
            statement = _PG_SEARCH
            parameters = _pg_search_parameters(owner, query, offset=offset, limit=limit)
        rows = await self._uow.connection.execute(statement, parameters)
        return [
            SearchHit(
                quest_id=QuestId(row.quest_id),
                title=row.title,
                tags=tuple(row.tags),
                category=row.category,
                status=row.status,
                due=row.due,
                score=float(row.score),
            )
            for row in rows
        ]


class SqlSearchQueryLog:
    """The query log on the unit of work's connection."""

    def __init__(self, uow: SqlSearchUnitOfWork) -> None:
        self._uow = uow

    async def record(self, entry: QueryRecord) -> None:
        await self._uow.connection.execute(
            insert(t.queries).values(
                owner=entry.owner, query=entry.query, results=entry.results, at=entry.at
            )
        )
        self._uow.inserted("search.search_queries")

    async def _stats(self, since: datetime, limit: int, *, zero_only: bool) -> list[QueryStat]:
        q = t.queries.c
        searches = func.count().label("searches")
        last = func.max(q.at).label("last_searched_at")
        statement = (
            select(q.query, searches, func.count(q.owner.distinct()).label("users"), last)
            .where(q.at >= since)
            .group_by(q.query)
            .order_by(searches.desc(), last.desc(), q.query)
            .limit(limit)
        )
        if zero_only:
            statement = statement.where(q.results == 0)
        rows = await self._uow.connection.execute(statement)
        return [
            QueryStat(
                query=row.query,
                searches=row.searches,
                users=row.users,
                last_searched_at=_aware(row.last_searched_at),
            )
            for row in rows
        ]

    async def top_queries(self, since: datetime, limit: int) -> list[QueryStat]:
        return await self._stats(since, limit, zero_only=False)

    async def zero_result_queries(self, since: datetime, limit: int) -> list[QueryStat]:
        return await self._stats(since, limit, zero_only=True)


def _aware(value: datetime | str) -> datetime:
    # max() keeps the column's type on PostgreSQL; SQLite may hand back the stored text.
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class SqlSearchUnitOfWork(SqlUnitOfWork):
    """One transaction over the search index, the query log, the inbox and the outbox."""

    service = "search"

    def __init__(self, engine: AsyncEngine, clock: Any = None) -> None:
        super().__init__(engine, clock)
        self.index = SqlQuestSearchIndex(self)
        self.query_log = SqlSearchQueryLog(self)
