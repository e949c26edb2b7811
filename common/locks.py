"""An exclusive lock on a file that says who holds it when it is busy.

It uses ``fcntl.flock``: the lock belongs to one open file, so two threads of one
process that each take it exclude each other just as two processes do, and the
kernel drops it when its holder dies, even by SIGKILL, so no stale lock is ever
left behind to clean up. The path may be a folder, locked as it is (nothing is
written into it); a lock file also records its holder for the busy message.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path

from common.errors import RebuildBusy

POLL_SECONDS = 0.05


class FileLock:
    """``with FileLock(path, "a rebuild of the index").hold(wait=5): ...``"""

    def __init__(self, path: str | Path, what: str) -> None:
        self.path = Path(path)
        self.what = what
        self._fd: int | None = None

    def acquire(self, wait: float | None = 0.0) -> None:
        """Take the lock, waiting up to ``wait`` seconds (None: as long as it takes).

        Raises RebuildBusy, naming the holder, when the lock is still taken after that.
        """
        is_dir = self.path.is_dir()
        flags = os.O_RDONLY if is_dir else os.O_RDWR | os.O_CREAT
        fd = os.open(self.path, flags | os.O_CLOEXEC, 0o644)
        try:
            if wait is None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            else:
                deadline = time.monotonic() + wait
                while not _try_lock(fd):
                    if time.monotonic() >= deadline:
                        raise RebuildBusy(f"{self.what} is already in progress ({self.holder()})")
                    time.sleep(POLL_SECONDS)
            if not is_dir:
                since = datetime.now(UTC).isoformat(timespec="seconds")
                os.ftruncate(fd, 0)
                os.pwrite(fd, json.dumps({"pid": os.getpid(), "since": since}).encode(), 0)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            if not self.path.is_dir():
                os.ftruncate(fd, 0)
            os.close(fd)  # closing the file drops the flock

    def holder(self) -> str:
        """Who holds the lock, as far as its file says."""
        try:
            info = json.loads(self.path.read_text("utf-8"))
            return f"held by process {info['pid']} since {info['since']}"
        except (OSError, ValueError, KeyError, TypeError):
            return "held by another process"

    def held(self) -> bool:
        """Whether a process holds the lock now, this one included. The kernel is asked,
        by trying to share the lock for an instant, so a holder that was killed counts for
        nothing whatever its file says; a taker that tries (``acquire(wait=0)``) in that
        same instant finds it busy, so takers that race such checks wait a little."""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)  # drops the shared lock, when it was taken
        return False

    def hold(self, wait: float | None = 0.0) -> FileLock:
        self.acquire(wait)
        return self

    def __enter__(self) -> FileLock:
        if self._fd is None:
            self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
