"""corpus/locks.py: one holder at a time, a busy lock says who holds it, and a dead holder
leaves nothing behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from common.errors import RebuildBusy
from common.locks import FileLock

ROOT = Path(__file__).resolve().parents[1]


def test_a_second_holder_is_refused_naming_the_first(tmp_path):
    path = tmp_path / "rebuild.lock"
    with FileLock(path, "a rebuild of the index").hold():
        with pytest.raises(RebuildBusy) as refused:
            FileLock(path, "a rebuild of the index").acquire(wait=0)
    message = refused.value.message
    assert message.startswith("a rebuild of the index is already in progress")
    assert f"held by process {os.getpid()} since " in message
    assert refused.value.code == "rebuild_busy"


def test_the_lock_is_free_again_once_released(tmp_path):
    path = tmp_path / "rebuild.lock"
    with FileLock(path, "a rebuild").hold():
        pass
    with FileLock(path, "a rebuild").hold():  # no error: nothing stale is left
        pass
    assert path.read_text("utf-8") == ""  # the holder's details go with the lock


def test_two_threads_of_one_process_exclude_each_other(tmp_path):
    path = tmp_path / "rebuild.lock"
    inside, order = threading.Lock(), []

    def work(name: str) -> None:
        with FileLock(path, "a rebuild").hold(wait=10):
            assert inside.acquire(blocking=False), "two holders at once"
            order.append(name)
            time.sleep(0.05)
            inside.release()

    threads = [threading.Thread(target=work, args=(f"t{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(order) == ["t0", "t1", "t2", "t3"]


def test_a_waiting_holder_gets_the_lock_when_it_is_released(tmp_path):
    path = tmp_path / "rebuild.lock"
    first = FileLock(path, "a rebuild").hold()
    threading.Timer(0.2, first.release).start()
    with FileLock(path, "a rebuild").hold(wait=10) as second:
        assert json.loads(path.read_text("utf-8"))["pid"] == os.getpid()
    assert second._fd is None


def test_a_killed_holder_leaves_no_stale_lock(tmp_path):
    path = tmp_path / "rebuild.lock"
    with subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from common.locks import FileLock;"
            f"FileLock({str(path)!r}, 'a rebuild').acquire(); print('held', flush=True);"
            "time.sleep(600)",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        try:
            assert holder.stdout.readline().strip() == "held"
            with pytest.raises(RebuildBusy, match=f"held by process {holder.pid}"):
                FileLock(path, "a rebuild").acquire(wait=0)
            assert FileLock(path, "a rebuild").held()  # what a rebuild status is checked with
        finally:
            holder.kill()
    assert not FileLock(path, "a rebuild").held()  # its pid left behind is dead
    with FileLock(path, "a rebuild").hold(wait=0):  # the kernel dropped it with it
        assert FileLock(path, "a rebuild").held()  # this process holds it now
    assert not FileLock(path, "a rebuild").held()


def test_a_folder_is_locked_as_it_is(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    with FileLock(folder, "a change to the reports folder").hold():
        with pytest.raises(RebuildBusy, match="held by another process"):
            FileLock(folder, "a change to the reports folder").acquire(wait=0)
    assert list(folder.iterdir()) == []  # nothing written into it
