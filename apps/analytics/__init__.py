"""The analytics service: each player's own product analytics (summary and export) and the
admins' daily view of actives and completions (``/api/v1/analytics``). Its records come from
the other services' events, through its consumer, never from a request."""
