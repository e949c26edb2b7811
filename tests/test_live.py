"""The hot swap (index/live.py): the build being served follows `current`, whole or not at all."""

from __future__ import annotations

import pytest

from common.errors import IndexNotReady
from index.live import LiveIndex
from index.manifest import PASSAGES_FILE
from index.store import current_build
from tests.conftest import build


class Models:
    def __init__(self, encoder) -> None:
        self.encoder = encoder

    def encoder_for_index(self, entry: dict):
        return self.encoder


def live(index_dir, encoder) -> LiveIndex:
    return LiveIndex(str(index_dir), Models(encoder), lambda index, _: index, check_seconds=0)


def test_a_new_build_is_served_from_the_next_look(index_dir, reports_dir, encoder):
    served = live(index_dir, encoder)
    first = served.current.build_id
    assert served.current.build_id == first
    second = build(reports_dir, encoder, index_dir)["build_id"]
    assert served.current.build_id == second != first


def test_a_damaged_new_build_is_refused_and_the_old_one_kept(index_dir, reports_dir, encoder):
    served = live(index_dir, encoder)
    first = served.current.build_id
    build(reports_dir, encoder, index_dir)
    passages = current_build(index_dir) / PASSAGES_FILE
    passages.chmod(0o644)
    passages.write_bytes(passages.read_bytes()[:-10])  # cut short before the server looked
    assert served.current.build_id == first
    assert served.current.build_id == first  # refused once, not retried at every look
    with pytest.raises(IndexNotReady, match="passages/text.z is missing or damaged"):
        served.reload()
    assert served.current.build_id == first


def test_damage_to_the_served_build_is_reported_not_served(index_dir, encoder):
    served = live(index_dir, encoder)
    before = served.current.passages[:3]
    passages = current_build(index_dir) / PASSAGES_FILE
    passages.chmod(0o644)
    data = bytearray(passages.read_bytes())
    data[100] ^= 0xFF  # same size, other bytes: only the full check sees it
    passages.write_bytes(bytes(data))
    assert served.current.passages[:3] == before
    assert "passages/text.z is missing or damaged" in served.damage_on_disk
