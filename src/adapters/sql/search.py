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
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Select,
    bindparam,
    cast,
    delete,
    func,
    insert,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.tables import search as t
from adapters.sql.unit_of_work import SqlUnitOfWork
from questlog_core.ids import QuestId, UserId
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
#: bm25 column weights of (title, tags, notes) on SQLite
_BM25 = "bm25(search_fts, 10.0, 4.0, 2.0)"


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


def fts5_match(query: SearchQuery) -> str:
    """The FTS5 MATCH expression of a query: every word as a quoted string."""
    suffix = "*" if query.prefix else ""
    return " AND ".join(f'"{word}"{suffix}' for word in query.words)


def _filters(query: SearchQuery) -> list[ColumnElement[bool]]:
    d = t.documents.c
    f = query.filters
    conditions: list[ColumnElement[bool]] = []
    if f.statuses:
        conditions.append(d.status.in_(f.statuses))
    if f.category is not None:
        conditions.append(d.category == f.category)
    for tag in f.tags:
        sep = t.TAG_SEPARATOR
        conditions.append(d.tag_keys.contains(f"{sep}{tag}{sep}", autoescape=True))
    if f.due_from is not None:
        conditions.append(d.due >= f.due_from)
    if f.due_before is not None:
        conditions.append(d.due < f.due_before)
    return conditions


class SqlQuestSearchIndex:
    """The index on the unit of work's connection, always filtered by owner."""

    def __init__(self, uow: SqlSearchUnitOfWork) -> None:
        self._uow = uow

    @property
    def _sqlite(self) -> bool:
        return self._uow.connection.dialect.name == "sqlite"

    async def get(self, owner: UserId, quest_id: QuestId) -> SearchDocument | None:
        d = t.documents
        query = select(d).where(d.c.owner == owner, d.c.quest_id == quest_id)
        row = (await self._uow.connection.execute(query)).first()
        return None if row is None else _document(row)

    async def put(self, document: SearchDocument) -> None:
        d = t.documents
        connection = self._uow.connection
        row = _row(document)
        changed = await connection.execute(
            update(d)
            .where(d.c.owner == document.owner, d.c.quest_id == document.quest_id)
            .values(row)
            .returning(d.c.id)
        )
        doc_id = changed.scalar_one_or_none()
        if doc_id is None:
            doc_id = (
                await connection.execute(insert(d).values(row).returning(d.c.id))
            ).scalar_one()
            self._uow.inserted("search.search_documents")
        await self._write_words([(doc_id, document)], replace=True)

    async def put_many(self, documents: Sequence[SearchDocument]) -> None:
        """Index quests not indexed yet, in one round of statements (bulk loads, benchmarks)."""
        if not documents:
            return
        d = t.documents
        result = await self._uow.connection.execute(
            insert(d).returning(d.c.id, sort_by_parameter_order=True),
            [_row(doc) for doc in documents],
        )
        ids = list(result.scalars())
        self._uow.inserted("search.search_documents", len(documents))
        await self._write_words(list(zip(ids, documents, strict=True)), replace=False)

    async def _write_words(self, rows: list[tuple[int, SearchDocument]], *, replace: bool) -> None:
        connection = self._uow.connection
        if self._sqlite:
            if replace:
                await connection.execute(
                    text("DELETE FROM search_fts WHERE rowid IN :ids").bindparams(
                        bindparam("ids", expanding=True)
                    ),
                    {"ids": [doc_id for doc_id, _ in rows]},
                )
            await connection.execute(
                text(
                    "INSERT INTO search_fts (rowid, title, tags, notes) "
                    "VALUES (:id, :title, :tags, :notes)"
                ),
                [
                    {
                        "id": doc_id,
                        "title": " ".join(doc.title_words),
                        "tags": " ".join(doc.tag_words),
                        "notes": " ".join(doc.note_words),
                    }
                    for doc_id, doc in rows
                ],
            )
            return
        await connection.execute(
            text(
                "UPDATE search.search_documents SET search_vector = CAST(:vector AS tsvector) "
                "WHERE id = :id"
            ),
            [{"id": doc_id, "vector": tsvector_literal(doc)} for doc_id, doc in rows],
        )

    async def remove(self, owner: UserId, quest_id: QuestId) -> None:
        d = t.documents
        connection = self._uow.connection
        removed = await connection.execute(
            delete(d).where(d.c.owner == owner, d.c.quest_id == quest_id).returning(d.c.id)
        )
        doc_id = removed.scalar_one_or_none()
        if doc_id is not None and self._sqlite:
            await connection.execute(
                text("DELETE FROM search_fts WHERE rowid = :id"), {"id": doc_id}
            )

    async def search(
        self, owner: UserId, query: SearchQuery, *, offset: int = 0, limit: int = 20
    ) -> list[SearchHit]:
        if not query.words:
            return []
        d = t.documents
        columns = (d.c.quest_id, d.c.title, d.c.tags, d.c.category, d.c.status, d.c.due)
        statement: Select[Any]
        if self._sqlite:
            fts: ColumnClause[Any] = literal_column("search_fts")
            bm25: ColumnClause[float] = literal_column(_BM25)
            statement = (
                select(*columns, (-bm25).label("score"))
                .select_from(
                    d.join(text("search_fts"), literal_column("search_fts.rowid") == d.c.id)
                )
                .where(fts.op("MATCH")(fts5_match(query)))
                .order_by(bm25, d.c.updated_at.desc(), d.c.quest_id)
            )
        else:
            vector: ColumnClause[Any] = literal_column("search_documents.search_vector", TSVECTOR)
            tsquery = cast(bindparam("tsquery", tsquery_literal(query)), TSQUERY)
            rank = func.ts_rank(vector, tsquery)
            statement = (
                select(*columns, rank.label("score"))
                .where(vector.op("@@")(tsquery))
                .order_by(rank.desc(), d.c.updated_at.desc(), d.c.quest_id)
            )
        statement = (
            statement.where(d.c.owner == owner, *_filters(query)).offset(offset).limit(limit)
        )
        rows = await self._uow.connection.execute(statement)
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
