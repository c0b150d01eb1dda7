"""Redis adapters: cache, rate limiter, the access-token revocation feed, leaderboard.

Every adapter takes a client from :func:`adapters.redis.client.connect` (timeouts of at most
0.5 s, no silent retries) and a :class:`~adapters.redis.client.KeySpace`. What each does when
Redis is down is documented in ``docs/redis.md``.
"""
