"""Search on PostgreSQL: a page of search hits is one call of ``search.search_page``, which plans
its query with in-memory page costs (``random_page_cost = 1.1``, for that call only).

A search picks between two plans: walk the owner's newest quests testing each one's words, or
fetch every match the GIN index names and keep the newest. With the default page cost (4, for
spinning disks) each fetched match is priced as a random disk read, so the planner walked up to
50,000 quests where fetching 2,000 matches took half the time (the slowest searches, a common
word with a status filter). The function's ``SET`` clause changes the cost for the statement it
runs and nothing else: the read-only unit of work runs in autocommit, so a ``SET LOCAL`` beside
the search would be a no-op, and a plain ``SET`` would stay on the pooled connection.

The statement inside is built from fixed fragments and run by ``EXECUTE ... USING``: every value
(owner, words, filters) is a parameter, and each call is planned with its values (how rare the
words are decides the plan). SQLite: nothing (FTS5 has no such choice).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 05:30:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0024"
down_revision: str | Sequence[str] | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: the window (the owner's newest ``p_window`` matches), ranked by ``ts_rank`` (weights A, B,
#: C), equal ranks newest first: the page's document ids and scores, best first
_CREATE = r"""
CREATE FUNCTION search.search_page(
    p_owner uuid,
    p_query tsquery,
    p_statuses text[],
    p_category text,
    p_tags text[],
    p_due_from timestamptz,
    p_due_before timestamptz,
    p_window integer,
    p_offset integer,
    p_limit integer
) RETURNS TABLE (id bigint, score real)
LANGUAGE plpgsql STABLE
ROWS 20
SET random_page_cost = 1.1
AS $function$
DECLARE
    matches text := 'SELECT d.id, d.updated_at, d.quest_id, d.search_vector'
        ' FROM search.search_documents d WHERE d.owner = $1 AND d.search_vector @@ $2';
BEGIN
    IF p_statuses IS NOT NULL THEN
        matches := matches || ' AND d.status = ANY ($3)';
    END IF;
    IF p_category IS NOT NULL THEN
        matches := matches || ' AND d.category = $4';
    END IF;
    -- p_tags: LIKE patterns of tag_keys, every one must match
    FOR n IN 1 .. coalesce(array_length(p_tags, 1), 0) LOOP
        matches := matches || format(' AND d.tag_keys LIKE ($5)[%s] ESCAPE ''/''', n);
    END LOOP;
    IF p_due_from IS NOT NULL THEN
        matches := matches || ' AND d.due >= $6';
    END IF;
    IF p_due_before IS NOT NULL THEN
        matches := matches || ' AND d.due < $7';
    END IF;
    RETURN QUERY EXECUTE
        'SELECT m.id, ts_rank(m.search_vector, $2) FROM ('
        || matches || ' ORDER BY d.id DESC LIMIT $8) AS m'
        ' ORDER BY 2 DESC, m.updated_at DESC, m.quest_id OFFSET $9 LIMIT $10'
        USING p_owner, p_query, p_statuses, p_category, p_tags, p_due_from, p_due_before,
            p_window, p_offset, p_limit;
END
$function$
"""

_DROP = (
    "DROP FUNCTION search.search_page("
    "uuid, tsquery, text[], text, text[], timestamptz, timestamptz, integer, integer, integer)"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_CREATE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_DROP)
