"""The read-ahead hands values only to the request that read them, all or nothing, once."""

from __future__ import annotations

import asyncio
import gc
import weakref

from adapters.redis.read_ahead import ReadAhead, current_read_ahead, read_ahead


async def test_values_read_ahead_are_handed_out_once() -> None:
    ahead = read_ahead(lambda subject: [f"gen:{subject}", f"value:{subject}"])
    keys = ahead.keys("alice")
    ahead.remember(keys, [b"g1", None])

    assert current_read_ahead() is ahead
    assert ahead.take(keys) == [b"g1", None]
    assert ahead.take(keys) is None  # a second read goes to Redis


async def test_nothing_is_handed_out_unless_every_key_was_read_ahead() -> None:
    ahead = ReadAhead(lambda subject: [f"gen:{subject}"])
    ahead.remember(ahead.keys("alice"), [b"g1"])

    assert ahead.take(["gen:alice", "value:alice"]) is None


async def test_another_task_neither_reads_ahead_nor_takes_the_values() -> None:
    ahead = ReadAhead(lambda subject: [f"gen:{subject}"])
    ahead.remember(["gen:alice"], [b"g1"])

    async def elsewhere() -> tuple[list[str], list[bytes | None] | None]:
        return ahead.keys("alice"), ahead.take(["gen:alice"])

    assert await asyncio.create_task(elsewhere()) == ([], None)
    assert ahead.take(["gen:alice"]) == [b"g1"]


async def test_a_finished_request_task_is_freed_without_the_cycle_collector() -> None:
    # The task's context holds the read-ahead; a strong reference back from it made every
    # request a reference cycle, freed only by full collections that stalled the server.
    class Payload:
        pass

    async def request() -> weakref.ref[Payload]:
        payload = Payload()
        read_ahead(lambda subject: [f"gen:{subject}", str(id(payload))])
        return weakref.ref(payload)

    gc.disable()
    try:
        task = asyncio.create_task(request())
        payload = await task
        del task
        await asyncio.sleep(0)  # the loop lets go of the handle that woke us with the task
        assert payload() is None, "the request's objects wait for the cyclic collector"
    finally:
        gc.enable()
