"""Per-channel locks are kept only while someone holds or waits for them."""

from __future__ import annotations

import asyncio

from bot.keyed_locks import KeyedLocks


async def test_keyed_locks_take_turns_per_key_and_are_dropped_when_free():
    locks: KeyedLocks[str] = KeyedLocks()
    order: list[str] = []

    async def turn(key: str, name: str, wait: float) -> None:
        async with locks.hold(key):
            order.append(f"{name} in")
            await asyncio.sleep(wait)
            order.append(f"{name} out")

    first = asyncio.create_task(turn("C1", "a", 0.05))
    await asyncio.sleep(0)
    second = asyncio.create_task(turn("C1", "b", 0))
    other = asyncio.create_task(turn("C2", "c", 0))
    await asyncio.sleep(0.01)
    assert len(locks) == 1  # C1, held and waited for; C2 is done with its own
    await asyncio.gather(first, second, other)
    assert order.index("a out") < order.index("b in")
    assert len(locks) == 0

    for channel in range(100):
        async with locks.hold(f"C{channel}"):
            pass
    assert len(locks) == 0


async def test_keyed_locks_say_how_many_wait_besides_the_holder():
    locks: KeyedLocks[str] = KeyedLocks()
    released = asyncio.Event()

    async def hold() -> None:
        async with locks.hold("C1"):
            await released.wait()

    holders = [asyncio.create_task(hold()) for _ in range(3)]
    await asyncio.sleep(0.01)
    assert (locks.waiting("C1"), locks.waiting("C2")) == (2, 0)
    released.set()
    await asyncio.gather(*holders)
    assert locks.waiting("C1") == 0
