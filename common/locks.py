"""An exclusive lock on a file that says who holds it when it is busy.

It uses ``fcntl.flock``: the lock belongs to one open file, so two threads of one
process that each take it exclude each other just as two processes do, and the
kernel drops it when its holder dies, even by SIGKILL, so no stale lock is ever
left behind to clean up. The path may be a folder, locked as it is (nothing is
written into it); a lock file also records its holder for the busy message, and
what the holder is doing, when it says (``note``): a rebuild's step and how far
it has got, so whoever waits is told what for and for about how long.
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
NOTE_SECONDS = 0.5  # progress in the same step is written to the lock file at most this often


class FileLock:
    """``with FileLock(path, "a rebuild of the index").hold(wait=5): ...``"""

    def __init__(self, path: str | Path, what: str) -> None:
        self.path = Path(path)
        self.what = what
        self._fd: int | None = None
        self._holder: dict = {}  # what this holder wrote into the lock file
        self._noted = (0.0, 0)  # when the file was last written, and how many bytes

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
                self._holder = {"pid": os.getpid(), "since": since}
                data = json.dumps(self._holder).encode()
                os.ftruncate(fd, 0)
                os.pwrite(fd, data, 0)
                self._noted = (0.0, len(data))
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

    def note(self, doing: str, done: int | None = None, total: int | None = None) -> None:
        """Say in the lock file what the holder is doing now ("embedding passages", 120 of
        400 done), for the busy message of whoever waits. Only while held; progress within
        one step is written at most every NOTE_SECONDS."""
        if self._fd is None or "pid" not in self._holder:
            return
        now = time.monotonic()
        same_step = self._holder.get("doing") == doing
        if same_step and now - self._noted[0] < NOTE_SECONDS and done != total:
            return
        info = {**self._holder, "doing": doing}
        if not same_step:
            info["step_since"] = datetime.now(UTC).isoformat(timespec="seconds")
        info.pop("done", None)
        info.pop("total", None)
        if done is not None and total:
            info.update(done=done, total=total)
        # One write over the old text, padded with spaces (valid after JSON): no moment
        # when the file is empty. A reader that catches it mid-write retries (holder).
        data = json.dumps(info).encode()
        try:
            os.pwrite(self._fd, data.ljust(self._noted[1]), 0)
        except OSError:  # a full disk: the busy message says less, the holder goes on
            return
        self._holder = info
        self._noted = (now, max(len(data), self._noted[1]))

    def holder(self) -> str:
        """Who holds the lock, as far as its file says, and what it is doing if it says."""
        info = self.holder_info()
        if info is None:
            return "held by another process"
        return f"held by process {info['pid']} since {info['since']}" + _doing(info)

    def holder_info(self) -> dict | None:
        """What the lock file says of its holder (pid, since; doing, done, total and
        step_since when it noted them), None when it says nothing readable."""
        for attempt in range(3):
            if attempt:
                time.sleep(0.01)  # written over at that instant (note): read it again
            try:
                info = json.loads(self.path.read_text("utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(info, dict) and "pid" in info and "since" in info:
                return info
        return None

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


def _doing(info: dict) -> str:
    """ ", now embedding passages: 120 of 400 (30%), about 1 min left for this step"."""
    doing = info.get("doing")
    if not isinstance(doing, str) or not doing:
        return ""
    out = f", now {doing}"
    done, total = info.get("done"), info.get("total")
    if isinstance(done, int) and isinstance(total, int) and total > 0:
        out += f": {done:,} of {total:,} ({100 * done // total}%)"
        started = _parse_time(info.get("step_since"))
        if started is not None and 0 < done < total:
            spent = (datetime.now(UTC) - started).total_seconds()
            if spent >= 2:
                out += f", about {_duration(spent * (total - done) / done)} left for this step"
    return out


def _parse_time(text: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text))
    except ValueError:
        return None


def _duration(seconds: float) -> str:
    """ "40 s", "3 min", "1 h 5 min": rounded as a person would say it."""
    seconds = max(1, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
