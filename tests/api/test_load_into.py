"""loaders.load_into fills a DataLoader as load_many would, with one call of its batch function."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from strawberry.dataloader import DataLoader

from paydesk.graphql.loaders import load_into, loaded, settled


def _counting() -> tuple[DataLoader[str, list[str]], list[list[str]]]:
    calls: list[list[str]] = []

    async def batch(keys: Sequence[str]) -> list[list[str]]:
        calls.append(list(keys))
        return [[key.upper()] if key != "none" else [] for key in keys]

    return DataLoader(batch), calls


async def test_keys_are_loaded_by_one_call_and_read_synchronously() -> None:
    loader, calls = _counting()

    await load_into(loader, ["a", "b", "a", "none"])

    assert calls == [["a", "b", "none"]]
    assert [loaded(loader, key) for key in ("a", "b", "none", "c")] == [["A"], ["B"], [], None]
    assert await loader.load_many(["a", "b"]) == [["A"], ["B"]]
    assert calls == [["a", "b", "none"]]


async def test_keys_held_or_waited_for_are_left_to_the_loader() -> None:
    loader, calls = _counting()
    loader.prime("a", ["primed"])
    pending = loader.load("b")

    await load_into(loader, ["a", "b", "c"])

    assert calls == [["c"], ["b"]]
    assert pending.done()
    assert [loaded(loader, key) for key in ("a", "b", "c")] == [["primed"], ["B"], ["C"]]


async def test_a_loaders_batch_size_is_kept() -> None:
    calls: list[list[str]] = []

    async def batch(keys: Sequence[str]) -> list[str]:
        calls.append(list(keys))
        return list(keys)

    loader: DataLoader[str, str] = DataLoader(batch, max_batch_size=2)

    await load_into(loader, ["a", "b", "c", "d", "e"])

    assert calls == [["a", "b"], ["c", "d"], ["e"]]


async def test_a_value_may_be_none() -> None:
    async def batch(keys: Sequence[str]) -> list[str | None]:
        return [None for _ in keys]

    loader: DataLoader[str, str | None] = DataLoader(batch)

    await load_into(loader, ["a"])

    future = settled(loader, "a")
    assert future is not None
    assert future.result() is None


async def test_an_exception_answered_for_a_key_is_raised() -> None:
    async def batch(keys: Sequence[str]) -> list[str | BaseException]:
        return ["fine" if key == "a" else ValueError(key) for key in keys]

    loader: DataLoader[str, str] = DataLoader(batch)

    with pytest.raises(ValueError, match="b"):
        await load_into(loader, ["a", "b"])
    assert settled(loader, "b") is None
