"""Ids: the kind's prefix and 22 characters drawn evenly from the 62 letters and digits."""

from __future__ import annotations

from collections import Counter

from paydesk import ids


def test_an_id_is_its_prefix_and_22_characters_of_the_alphabet() -> None:
    for prefix in sorted(ids.PREFIXES):
        value = ids.new_id(prefix)
        assert value.startswith(f"{prefix}_")
        assert len(value) == len(prefix) + 1 + ids.RANDOM_LENGTH
        assert set(value[len(prefix) + 1 :]) <= set(ids.ALPHABET)
        assert ids.prefix_of(value) == prefix


def test_ids_do_not_repeat_and_every_character_is_as_likely_as_another() -> None:
    drawn = [ids.new_id("t")[2:] for _ in range(20_000)]
    assert len(set(drawn)) == len(drawn)
    counts = Counter("".join(drawn))
    expected = 20_000 * ids.RANDOM_LENGTH / len(ids.ALPHABET)  # about 7,097 each
    assert set(counts) == set(ids.ALPHABET)
    # Pearson's chi-squared over 61 degrees of freedom: about 61 when even; 130 is a one-in-a-million tail.
    chi_squared = sum((count - expected) ** 2 / expected for count in counts.values())
    assert chi_squared < 130, chi_squared
