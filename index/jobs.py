"""Rebuilds in a background thread of the server, one after another, with their progress."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from corpus.errors import QAError
from index.rebuild import Rebuilder

log = logging.getLogger(__name__)
# A rebuild started from the command line may hold the lock; wait for it this long.
LOCK_WAIT_SECONDS = 900.0


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class RebuildJob:
    """Runs ``rebuilder`` in a thread when asked; asked again while running, it runs once more
    afterwards, so every change made before the last request is in the index it leaves."""

    def __init__(
        self,
        rebuilder: Rebuilder,
        after: Callable[[], object] | None = None,
        lock_wait: float | None = LOCK_WAIT_SECONDS,
    ) -> None:
        self.rebuilder = rebuilder
        self.after = after  # e.g. the engine's reload, so the server switches at once
        self.lock_wait = lock_wait
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pending = False  # a rebuild was asked for and has not started yet
        self._running = False
        self._status: dict = {"state": "idle", "message": "no rebuild since the server started"}

    def start(self) -> dict:
        """Ask for a rebuild; returns the status right after asking."""
        with self._lock:
            self._pending = True
            if self._thread is None:
                self._status = {"state": "queued", "requested_at": _now()}
                self._thread = threading.Thread(target=self._work, name="rebuild", daemon=True)
                self._thread.start()
            return self._snapshot()

    def status(self) -> dict:
        """State and progress of the latest rebuild."""
        with self._lock:
            return self._snapshot()

    def wait(self, timeout: float | None = None) -> dict:
        """Block until no rebuild is running or asked for (for tests and shutdown)."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.status()

    def _snapshot(self) -> dict:
        return {**self._status, "another_queued": self._pending and self._running}

    def _update(self, **fields: object) -> None:
        with self._lock:
            self._status = {**self._status, **fields}

    def _progress(self, stage: str, done: int, total: int) -> None:
        if stage == "embedding":
            self._update(state=stage, done=done, total=total)
        else:
            self._update(state=stage)

    def _work(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    self._thread = None
                    return
                self._pending, self._running = False, True
                self._status = {"state": "queued", "started_at": _now()}
            try:
                self._run_once()
            finally:
                with self._lock:
                    self._running = False

    def _run_once(self) -> None:
        try:
            summary = self.rebuilder.run(wait=self.lock_wait, progress=self._progress)
        except QAError as exc:
            self._update(state="failed", message=exc.message, finished_at=_now())
            return
        except Exception as exc:  # a background thread has nobody else to tell
            log.exception("rebuild failed")
            self._update(state="failed", message=f"internal error: {exc}", finished_at=_now())
            return
        status = {"summary": summary.to_dict(), "finished_at": _now(), "build_id": summary.build_id}
        try:
            if self.after is not None and not summary.up_to_date:
                self.after()
        except QAError as exc:
            message = f"build {summary.build_id} was made but the server could not load it: "
            self._update(state="failed", message=message + exc.message, **status)
            return
        message = " ".join(line.strip() for line in summary.lines(self.rebuilder.index_dir))
        self._update(state="done", message=message, **status)
