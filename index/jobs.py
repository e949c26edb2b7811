"""Rebuilds for the server, one after another, with their progress.

Each rebuild runs in a child process of its own (started fresh, not forked from the
threaded server): loading the model and embedding take hundreds of megabytes, and
they go back to the system when the child exits instead of staying in the server.
A thread of the server waits for the child and relays its progress.

A server may run several worker processes, each with its own job. A job that is
rebuilding holds a lock on a file in the index folder (``CLAIM_FILE``) for as long as it
runs, so a rebuild asked of another worker meanwhile is refused as busy, and an upload
to another worker waits for it and then rebuilds once more.

The job holding the claim also writes its status to a file in the index folder
(``STATUS_FILE``, replaced whole at each write, progress at most a few times a second),
and every other worker's job answers with what that file says: the state of the
server's latest rebuild is the same whichever worker is asked. A file that says a
rebuild is running while no live process holds the claim was left by a server that
stopped mid-rebuild, and is read as a rebuild that failed.

A rebuild starts only once its status is written where every worker reads it: when the
index folder cannot take it (read-only, not permitted), asking is a StorageError at once
(507 over HTTP), rather than a rebuild one worker knows of and the others call "idle". The
status file is kept at least STATUS_RESERVE bytes long, so that on a disk that has filled
meanwhile a status can still be written over it in place (the usual write, beside it and
renamed, needs free space).
"""

from __future__ import annotations

import errno
import json
import logging
import multiprocessing
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from common.durable import write_failure, write_file
from common.errors import QAError, RebuildBusy, StorageError
from common.locks import FileLock
from index.rebuild import Rebuilder, RebuildSummary

log = logging.getLogger(__name__)
# A rebuild started from the command line may hold the lock; wait for it this long.
LOCK_WAIT_SECONDS = 900.0
CLAIM_FILE = ".rebuild-job.lock"  # held by the server worker whose job is rebuilding
# How long asking for a rebuild tries for the claim before finding it busy: a status check
# (FileLock.held) shares it for an instant.
CLAIM_GRACE_SECONDS = 0.2
STATUS_FILE = ".rebuild-status.json"  # the latest rebuild's status, for every worker
STATUS_FILE_LIMIT = 16 * 1024 * 1024  # bytes: a larger one is not a status this job wrote
STATUS_WRITE_SECONDS = 0.25  # progress alone is written to STATUS_FILE at most this often
STATUS_RESERVE = 4096  # bytes the status file is padded to, for writes in place (a full disk)
ADAPTING_NICENESS = 10  # a rebuild process lowers its priority this much while adapting
# States after which no rebuild is running; any other (queued, parsing, adapting,
# embedding, writing, running) means one is.
FINISHED = ("idle", "done", "failed")
STOPPED_MESSAGE = (
    "the rebuild stopped before it finished: the server process running it ended "
    "(a restart or a crash); the previous index is still the one served"
)


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
        self._status_file = Path(rebuilder.index_dir) / STATUS_FILE
        self._claimed = False  # this job holds the claim: it writes the status file
        self._run = ""  # the id of this job's latest run, as written to the status file
        self._written = (0.0, "")  # when the status file was last written, and its state

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
                if self._claimed:
                    self._publish_locked(force=True)  # another_queued changed
                return self._snapshot()
            claimed = self._try_claim()
            if not claimed and not queue:
                raise RebuildBusy(
                    f"a rebuild of the index is already in progress ({self._claim.holder()})"
                )
            before = self._status
            self._pending = True
            self._status = {"state": "queued", "requested_at": _now()}
            if claimed:
                self._claimed, self._run = True, uuid.uuid4().hex[:12]
                try:
                    self._publish_locked(force=True, strict=True)
                except OSError as exc:  # the other workers could not see it: not started
                    self._claimed, self._pending, self._status = False, False, before
                    self._claim.release()
                    raise self._cannot_write(exc) from exc
            else:
                self._status["message"] = "waiting for the rebuild another worker is running"
            self._thread = threading.Thread(
                target=self._work, args=(claimed,), name="rebuild", daemon=True
            )
            self._thread.start()
            return self._snapshot()

    def _try_claim(self) -> bool:
        """Take the claim unless another worker holds it (False); StorageError when the
        index folder cannot take it (read-only, full, not permitted)."""
        try:
            self._claim.path.parent.mkdir(parents=True, exist_ok=True)
            self._claim.acquire(wait=CLAIM_GRACE_SECONDS)
        except RebuildBusy:
            return False
        except OSError as exc:
            raise self._cannot_write(exc) from exc
        return True

    def _cannot_write(self, exc: OSError) -> StorageError:
        return StorageError(
            f"cannot write into the index folder {self.rebuilder.index_dir}: "
            f"{write_failure(exc)}; no rebuild was started and the index is as it was"
        )

    def check_can_start(self) -> None:
        """StorageError when a rebuild could not start because the index folder cannot be
        written (read-only, not permitted): asked before an upload stores anything, so a
        report is never stored that no rebuild can index."""
        folder = Path(self.rebuilder.index_dir)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            os.close(os.open(self._claim.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644))
            if not os.access(folder, os.W_OK):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(folder))
        except OSError as exc:
            raise self._cannot_write(exc) from exc

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
            if self._start_catching_up():
                log.warning(
                    "%s: adapting it in the background, serving the base model meanwhile", pending
                )
            return None
        if behind and self._start_catching_up():
            log.warning("the index is behind the reports folder (%s): rebuilding", behind)
        return behind

    def _start_catching_up(self) -> bool:
        """Start the rebuild ``catch_up`` wants; False when another worker of this server
        runs it already, or when the index folder cannot be written: every worker finds
        that alike, and says so as its latest rebuild."""
        try:
            self.start(queue=False)
        except RebuildBusy:
            return False
        except StorageError as exc:
            log.error("cannot catch up with the reports folder: %s", exc.message)
            with self._lock:
                self._status = {"state": "failed", "message": exc.message, "finished_at": _now()}
            return False
        return True

    def status(self) -> dict:
        """State and progress of the server's latest rebuild: this job's own while it holds
        the claim (or when the status file records its run), else what the status file says,
        whichever worker wrote it."""
        with self._lock:
            own = self._snapshot()
            if self._claimed:
                return own
            run, waiting = self._run, self._thread is not None
        shared = self._read_shared()
        if shared is None:
            return own
        written_by, status = shared
        if run and written_by == run:
            return own  # this job's run: its own record (the summary as a record)
        if waiting:  # this job rebuilds once more after the one in the file
            return {**status, "another_queued": True}
        return status

    def state(self) -> str:
        """The state of the server's latest rebuild, whichever worker runs it."""
        return self.status()["state"]

    def _read_shared(self) -> tuple[str, dict] | None:
        """(run id, status) from the status file, None when there is none. A running state
        with no live holder of the claim is a rebuild that stopped; an unreadable file says
        only whether a rebuild runs."""
        try:
            with open(self._status_file, "rb") as file:
                raw = file.read(STATUS_FILE_LIMIT + 1)
            if len(raw) > STATUS_FILE_LIMIT:
                raise ValueError(f"over {STATUS_FILE_LIMIT} bytes")
            data = json.loads(raw)
            run, status = data["run"], data["status"]
            if not (isinstance(run, str) and isinstance(status, dict)):
                raise TypeError("not a status")
            if not isinstance(status.get("state"), str):
                raise TypeError("no state")
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
            log.warning("the rebuild status file %s is unreadable: %s", self._status_file, exc)
            if self._claim.held():
                message = "a rebuild is running; its progress could not be read"
                return "", {"state": "running", "message": message}
            message = "no rebuild is running; the status of the last one could not be read"
            return "", {"state": "idle", "message": message}
        if status["state"] not in FINISHED and not self._claim.held():
            status = {**status, "state": "failed", "message": STOPPED_MESSAGE}
            status["another_queued"] = False
        return run, status

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
            self._publish_locked()

    def _progress(self, stage: str, done: int, total: int) -> None:
        if stage in ("adapting", "embedding"):
            self._update(state=stage, done=done, total=total)
        else:
            self._update(state=stage)

    def _publish_locked(self, force: bool = False, strict: bool = False) -> None:
        """Write this job's status to the status file, when it holds the claim: a new state
        at once, progress in the same state at most every STATUS_WRITE_SECONDS. Called with
        ``_lock`` held, so writes follow the order of the changes. ``strict`` raises the
        OSError when it cannot be written; otherwise that is logged."""
        if not self._claimed:
            return
        status = self._snapshot()
        last_at, last_state = self._written
        now = time.monotonic()
        if not force and status["state"] == last_state and now - last_at < STATUS_WRITE_SECONDS:
            return
        summary = status.get("summary")
        if isinstance(summary, RebuildSummary):
            status["summary"] = asdict(summary)
        try:
            self._write_status(status)
        except OSError as exc:
            if strict:
                raise
            log.warning("could not write the rebuild status file: %s", exc)
        self._written = (now, status["state"])

    def _write_status(self, status: dict) -> None:
        """Replace the status file whole (written beside it, then renamed); when the disk
        refuses that, write over it in place, within the size it has (the summary's lists
        left out if need be: the state and its message are what every worker must see)."""
        data = json.dumps({"run": self._run, "status": status}, ensure_ascii=False).encode("utf-8")
        try:
            write_file(self._status_file, data + b" " * (STATUS_RESERVE - len(data)))
            return
        except OSError as exc:
            refused = exc
        short = {k: v for k, v in status.items() if k != "summary"}
        compact = json.dumps({"run": self._run, "status": short}, ensure_ascii=False)
        for text in (data, compact.encode("utf-8")):
            if _write_in_place(self._status_file, text):
                return
        raise refused

    def _work(self, claimed: bool) -> None:
        if not claimed:
            try:
                self._claim.acquire(self.lock_wait)
            except (RebuildBusy, OSError) as exc:
                error = exc if isinstance(exc, QAError) else self._cannot_write(exc)
                with self._lock:
                    self._status = {"state": "failed", "message": error.message}
                    self._pending, self._thread = False, None
                return
        while True:
            with self._lock:
                if not self._pending:
                    self._claimed = False
                    self._claim.release()
                    self._thread = None
                    return
                self._pending, self._running = False, True
                self._status = {"state": "queued", "started_at": _now()}
                self._claimed, self._run = True, uuid.uuid4().hex[:12]
                self._publish_locked(force=True)
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


def _write_in_place(path: Path, data: bytes) -> bool:
    """Write ``data`` over the start of the file at ``path``, padded with spaces to the size
    the file has (a JSON reader skips them), needing no free space; False when there is no
    such file or it is too small."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        size = os.fstat(fd).st_size
        if len(data) > size:
            return False
        os.pwrite(fd, data + b" " * (size - len(data)), 0)
        os.fsync(fd)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


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
