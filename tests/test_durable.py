"""common/durable.py: a small file replaced whole, or not at all."""

from __future__ import annotations

import pytest

from common.durable import TEMP_PREFIX, write_file


def test_a_file_is_replaced_whole_and_nothing_is_left_beside_it(tmp_path):
    path = tmp_path / "status.json"
    write_file(path, b'{"state": "queued"}')
    write_file(path, b'{"state": "done"}')
    assert path.read_bytes() == b'{"state": "done"}'
    assert [p.name for p in tmp_path.iterdir()] == ["status.json"]


def test_a_write_that_fails_leaves_the_old_contents_and_no_temporary_file(tmp_path):
    path = tmp_path / "status.json"
    path.mkdir()  # the rename onto a folder fails, after the data was written
    with pytest.raises(OSError):
        write_file(path, b'{"state": "done"}')
    assert path.is_dir()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)]
