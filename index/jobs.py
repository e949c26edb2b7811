"""Rebuilds for the server, one after another, with their progress.

Each rebuild runs in a child process of its own (started fresh, not forked from the
threaded server): loading the model and embedding take hundreds of megabytes, and
they go back to the system when the child exits instead of staying in the server.
A thread of the server waits for the child and relays its progress.

A server may run several worker processes, each with its own job. A job that is
rebuilding holds a lock on a file in the index folder (``CLAIM_FILE``) for as long as it
runs, so a rebuild asked of another worker meanwhile is refused as busy, and an upload
to another worker waits for it and then rebuilds once more.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from common.errors import QAError, RebuildBusy
from common.locks import FileLock
from index.rebuild import Rebuilder, RebuildSummary

log = logging.getLogger(__name__)
# A rebuild started from the command line may hold the lock; wait for it this long.
LOCK_WAIT_SECONDS = 900.0
CLAIM_FILE = ".rebuild-job.lock"  # held by the server worker whose job is rebuilding
ADAPTING_NICENESS = 10  # a rebuild process lowers its priority this much while adapting


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
        in_child: bool = True,
    ) -> None:
        """``in_child=False`` rebuilds in the waiting thread itself (tests that watch the
        encoder from inside the process)."""
        self.rebuilder = rebuilder
        self.after = after  # e.g. the engine's reload, so the server switches at once
        self.lock_wait = lock_wait
        self.in_child = in_child
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pending = False  # a rebuild was asked for and has not started yet
        self._running = False
        self._status: dict = {"state": "idle", "message": "no rebuild since the server started"}
        self._claim = FileLock(Path(rebuilder.index_dir) / CLAIM_FILE, "a rebuild of the index")

    def start(self, queue: bool = True) -> dict:
        """Ask for a rebuild; returns the status right after asking.

        While one is running (in this process or another worker), ``queue`` runs one more
        afterwards, so every change made before asking is in the index it leaves (for an
        upload); without it, RebuildBusy (for a plain request to rebuild)."""
        with self._lock:
            if self._thread is not None:
                if not queue:
                    raise RebuildBusy("a rebuild of the index is already in progress")
                self._pending = True
                return self._snapshot()
            claimed = self._try_claim()
            if not claimed and not queue:
                raise RebuildBusy(
                    f"a rebuild of the index is already in progress ({self._claim.holder()})"
                )
            self._pending = True
            self._status = {"state": "queued", "requested_at": _now()}
            if not claimed:
                self._status["message"] = "waiting for the rebuild another worker is running"
            self._thread = threading.Thread(
                target=self._work, args=(claimed,), name="rebuild", daemon=True
            )
            self._thread.start()
            return self._snapshot()

    def _try_claim(self) -> bool:
        """Take the claim unless another worker holds it (False)."""
        try:
            self._claim.path.parent.mkdir(parents=True, exist_ok=True)
            self._claim.acquire(wait=0)
        except RebuildBusy:
            return False
        except OSError:  # a full disk or a read-only folder: the rebuild will say so
            pass
        return True

    def catch_up(self) -> dict | None:
        """Start a rebuild when the reports folder has files the current build lacks (or has
        in another version, or no longer has): an upload acknowledged just before a crash
        is indexed when the server starts again. Returns those changes, or None.

        Also when the current build was made with the base model before the adapted one
        existed (a first `make run`): the rebuild adapts the model, then publishes, and
        the server swaps the adapted build in. One killed before it finished is started
        again here, the next time the server starts."""
        behind = self.rebuilder.behind()
        pending = self.rebuilder.pending_model()
        if pending and not behind:
            try:
                self.start(queue=False)
            except RebuildBusy:  # another worker of this server is adapting already
                return None
            log.warning(
                "%s: adapting it in the background, serving the base model meanwhile", pending
            )
            return None
        if behind:
            try:
                self.start(queue=False)
            except RebuildBusy:  # another worker of this server is catching up already
                return behind
            log.warning("the index is behind the reports folder (%s): rebuilding", behind)
        return behind

    def status(self) -> dict:
        """State and progress of the latest rebuild."""
        with self._lock:
            return self._snapshot()

    def state(self) -> str:
        """This worker's rebuild state, or "another worker" when this one has not rebuilt
        since it started and another worker of the server is rebuilding now."""
        state = self.status()["state"]
        if state == "idle" and self._claim.held_elsewhere():
            return "another worker"
        return state

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
        if stage in ("adapting", "embedding"):
            self._update(state=stage, done=done, total=total)
        else:
            self._update(state=stage)

    def _work(self, claimed: bool) -> None:
        if not claimed:
            try:
                self._claim.acquire(self.lock_wait)
            except RebuildBusy as exc:
                with self._lock:
                    self._status = {"state": "failed", "message": exc.message}
                    self._pending, self._thread = False, None
                return
            except OSError:  # cannot write the claim: run, and the rebuild says why it fails
                pass
        while True:
            with self._lock:
                if not self._pending:
                    self._claim.release()
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
        run = self._run_in_child if self.in_child else self._run_here
        outcome, result = run()
        if outcome == "failed":
            self._update(state="failed", message=result, finished_at=_now())
            return
        summary: RebuildSummary = result
        # The summary stays a record: the web layer shapes it for JSON.
        status = {"summary": summary, "finished_at": _now(), "build_id": summary.build_id}
        try:
            if self.after is not None and not summary.up_to_date:
                self.after()
        except QAError as exc:
            message = f"build {summary.build_id} was made but the server could not load it: "
            self._update(state="failed", message=message + exc.message, **status)
            return
        message = " ".join(line.strip() for line in summary.lines(self.rebuilder.index_dir))
        self._update(state="done", message=message, **status)

    def _run_here(self) -> tuple[str, object]:
        return _rebuild(self.rebuilder, self.lock_wait, self._progress)

    def _run_in_child(self) -> tuple[str, object]:
        context = multiprocessing.get_context("spawn")
        receive, send = context.Pipe(duplex=False)
        child = context.Process(
            target=_rebuild_in_child,
            args=(self.rebuilder, self.lock_wait, send),
            name="rebuild",
            daemon=True,
        )
        try:
            child.start()
        except Exception as exc:  # e.g. no memory or processes left to start one
            log.exception("could not start the rebuild process")
            return "failed", f"could not start the rebuild process: {exc}"
        finally:
            send.close()
        outcome: tuple[str, object] | None = None
        with receive:
            while True:
                try:
                    message = receive.recv()
                except (EOFError, OSError):
                    break
                if message[0] == "progress":
                    self._progress(*message[1:])
                else:
                    outcome = message
        child.join()
        if outcome is None:
            return "failed", (
                f"the rebuild process stopped without finishing (exit code {child.exitcode}); "
                "the previous index is still the one served"
            )
        return outcome


def _rebuild(
    rebuilder: Rebuilder, wait: float | None, progress: Callable[[str, int, int], None]
) -> tuple[str, object]:
    """Run one rebuild: ("done", summary) or ("failed", why)."""
    try:
        return "done", rebuilder.run(wait=wait, progress=progress)
    except QAError as exc:
        return "failed", exc.message
    except Exception as exc:  # a background rebuild has nobody else to tell
        log.exception("rebuild failed")
        return "failed", f"internal error: {exc}"


def _rebuild_in_child(rebuilder: Rebuilder, wait: float | None, send) -> None:
    """The rebuild process: runs one rebuild, sending progress and the outcome."""
    logging.basicConfig()
    niced = False

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal niced
        if stage == "adapting" and not niced:
            # Minutes of training on every core: the server's answers come first. Set
            # before torch starts its threads, which inherit it.
            niced = True
            try:
                os.nice(ADAPTING_NICENESS)
            except OSError:
                pass
        try:
            send.send(("progress", stage, done, total))
        except OSError:  # the server has gone: finish anyway, it catches up when it restarts
            pass

    outcome = _rebuild(rebuilder, wait, progress)
    try:
        send.send(outcome)
    except OSError:
        pass
