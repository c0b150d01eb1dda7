"""Rate-limiter throughput on Redis: the sliding-window Lua script against a raw INCR.

Both run on the same client and server in the same run; the ratio is what matters.
Usage: ``python bench/bench_rate_limiter.py [redis-url]`` (default QUESTLOG_TEST_REDIS_URL or
redis://127.0.0.1:6379/0). Prints figures; never fails on time.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta

from adapters.memory.rate_limit import MemoryRateLimiter
from adapters.redis.client import KeySpace, connect
from adapters.redis.rate_limit import RedisRateLimiter

N = 20_000
CONCURRENCY = 64


async def measure(name: str, op: Callable[[int], Awaitable[object]], concurrency: int) -> float:
    per_task = N // concurrency

    async def worker(w: int) -> None:
        for i in range(per_task):
            await op(w * per_task + i)

    start = time.perf_counter()
    await asyncio.gather(*(worker(w) for w in range(concurrency)))
    rate = per_task * concurrency / (time.perf_counter() - start)
    print(f"  {name:<34} {rate:>10,.0f} ops/s")
    return rate


async def main(url: str) -> None:
    client = connect(url)
    keys = KeySpace(prefix=f"qlbench-{uuid.uuid4().hex[:8]}")
    limiter = RedisRateLimiter(client, keys)
    memory = MemoryRateLimiter()
    window = timedelta(minutes=1)
    try:
        for concurrency in (1, CONCURRENCY):
            print(f"{N} hits, concurrency {concurrency}, 1000 keys, limit 100/min:")

            async def incr(i: int) -> object:
                return await client.incr(keys.key("raw", str(i % 1000)))

            async def lua(i: int) -> object:
                return await limiter.hit(str(i % 1000), 100, window)

            async def mem(i: int) -> object:
                return await memory.hit(str(i % 1000), 100, window)

            for i in range(500):  # warm the pool, the script cache and the interpreter
                await incr(i)
                await lua(i)
            base = await measure("raw INCR (baseline)", incr, concurrency)
            got = await measure("RedisRateLimiter.hit (Lua log)", lua, concurrency)
            await measure("MemoryRateLimiter.hit", mem, concurrency)
            print(f"  ratio Lua/INCR: {got / base:.2f}")
    finally:
        doomed = [k async for k in client.scan_iter(match=keys.pattern(), count=1000)]
        if doomed:
            await client.delete(*doomed)
        await client.aclose()


if __name__ == "__main__":
    default = os.environ.get("QUESTLOG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else default))
