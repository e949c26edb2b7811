"""The embedding cache: round trip, and damage of any kind means re-embedding, not failing."""

from __future__ import annotations

import numpy as np
import pytest

from index.cache import cache_path, read_cache, text_key, write_cache

MODEL = "model-checksum-1"


@pytest.fixture
def cached(tmp_path):
    keys = [text_key(t) for t in ("first paragraph", "second paragraph", "third")]
    vectors = np.arange(12, dtype=np.float32).reshape(3, 4)
    write_cache(tmp_path, MODEL, keys, vectors)
    return tmp_path, keys, vectors


def test_round_trip(cached):
    folder, keys, vectors = cached
    cache = read_cache(folder, MODEL)
    assert cache.problem is None and len(cache) == 3
    for key, vector in zip(keys, vectors, strict=True):
        np.testing.assert_array_equal(cache.vectors[key], vector)
    assert [p.name for p in folder.iterdir()] == [cache_path(folder, MODEL).name]


def test_another_model_has_its_own_cache(cached):
    folder, _, _ = cached
    assert len(read_cache(folder, "another-model")) == 0


def damage_by_truncating(path):
    path.write_bytes(path.read_bytes()[:100])


def damage_by_flipping_a_vector_byte(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def damage_by_emptying(path):
    path.write_bytes(b"")


@pytest.mark.parametrize(
    "damage", [damage_by_truncating, damage_by_flipping_a_vector_byte, damage_by_emptying]
)
def test_a_damaged_cache_is_ignored(cached, damage, caplog):
    folder, _, _ = cached
    damage(cache_path(folder, MODEL))
    cache = read_cache(folder, MODEL)
    assert len(cache) == 0
    assert "ignored the damaged embedding cache" in cache.problem
    write_cache(folder, MODEL, [text_key("x")], np.ones((1, 4), dtype=np.float32))
    assert len(read_cache(folder, MODEL)) == 1  # and the next build replaces it


def test_a_cache_renamed_to_another_model_is_ignored(cached):
    folder, _, _ = cached
    cache_path(folder, MODEL).rename(cache_path(folder, "another-model"))
    cache = read_cache(folder, "another-model")
    assert len(cache) == 0 and "another model" in cache.problem
