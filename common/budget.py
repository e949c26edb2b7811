"""Work that cannot be trusted to finish, run in a child process with a CPU and memory budget.

Reading a report file is such work: a 262-byte PDF whose objects refer to themselves sends
pdfminer into an endless loop, and a thread of a server cannot be stopped from outside. So
the work runs in a child process (``run``): the parent waits for its answer on a socket and
watches the child's CPU time, and kills it when it goes over. The child has a memory limit
(``RLIMIT_AS``: an allocation past it is a ``MemoryError``), a hard CPU limit that ends it
even if its parent is gone, and no core dumps.

The budget counts CPU time, not time on the clock, so a busy machine does not make honest
work fail. It has two parts: a step (``checkpoint``, which the work calls as it gets further,
e.g. once a page) may take ``step_seconds``, and the whole ``total_seconds``. A child
process is kept for the next piece of work (a rebuild reads hundreds of files: one child
reads them all, one after another) and is retired when it went over, failed oddly, has used
``RETIRE_CPU_SECONDS`` in all, or has been idle ``IDLE_SECONDS``.
"""

from __future__ import annotations

import atexit
import contextlib
import math
import os
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

try:
    import resource
except ImportError:  # not a POSIX system
    resource = None

ROOT = Path(__file__).resolve().parents[1]  # the project, for the child's imports
POLL_SECONDS = 0.05  # how often the parent looks at the child's CPU time while it waits
# Time on the clock allowed, whatever the CPU budget: a backstop for a child that stops using
# CPU without answering (stopped, say). Generous: on a machine shared by twenty busy
# processes a child gets a tenth of a core, and honest work must not fail for that.
WALL_FACTOR = 10
WALL_MINIMUM = 600.0
RETIRE_CPU_SECONDS = 60.0  # a child that has used this much CPU in all is not used again
IDLE_SECONDS = 20.0  # a child idle this long is not used again (it exits by itself later)
CHILD_IDLE_SECONDS = 30.0  # the child exits after waiting this long for work
_CHILD = (
    "import sys; from common.budget import _serve; "
    "_serve(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]))"
)


@dataclass(frozen=True)
class Budget:
    """How much one piece of work may take: CPU seconds per step and in all, and memory
    beyond what the child process holds when it starts."""

    step_seconds: float = 5.0
    total_seconds: float = 120.0
    memory_mb: int = 1024


class OverBudget(Exception):
    """The work went over its budget, or its process stopped: ``reason`` says which, and
    ``limit`` names the Budget field it went over (None: the process stopped)."""

    def __init__(self, reason: str, limit: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.limit = limit


# ---------------------------------------------------------------- in the child

_channel: Connection | None = None  # set in a budgeted child: where checkpoints go


def checkpoint() -> None:
    """Say the work got further (a page read): its step budget starts again. Does nothing
    outside a budgeted child."""
    if _channel is not None:
        _channel.send(("step",))


def _serve(fd: int, memory_bytes: int, cpu_hard_seconds: float) -> None:
    """The child: runs each piece of work it is sent until the parent closes the socket (or
    none comes for CHILD_IDLE_SECONDS)."""
    global _channel
    _limit_cpu(cpu_hard_seconds)
    channel = Connection(fd)
    _channel = channel
    limited = False
    while channel.poll(CHILD_IDLE_SECONDS):
        try:
            func, args = channel.recv()  # imports func's module, the first time
        except (EOFError, OSError):
            return
        if not limited:  # what the interpreter and the work's modules hold is not counted
            _limit_memory(memory_bytes)
            limited = True
        channel.send(("started",))
        try:
            reply = ("ok", func(*args))
        except BaseException as exc:  # sent back whole: the parent decides what it means
            reply = ("raise", exc)
        try:
            channel.send(reply)
        except Exception:  # an exception that does not pickle: its words, at least
            text = "".join(traceback.format_exception(reply[1])) if reply[0] == "raise" else ""
            channel.send(("crash", text or f"the result could not be sent back: {reply!r:.200}"))


def _limit_cpu(seconds: float) -> None:
    """No core files, and a hard CPU limit that ends the child even when its parent has gone
    (nobody left to watch it); the parent retires a child long before honest work nears it."""
    if resource is None:  # not a POSIX system: the parent's watch still applies
        return
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    seconds = math.ceil(seconds)
    if hard == resource.RLIM_INFINITY or hard > seconds:
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))


def _limit_memory(memory_bytes: int) -> None:
    """Address space for ``memory_bytes`` more than the child holds now: past it an
    allocation fails (a MemoryError) instead of the machine running short."""
    if resource is None or memory_bytes <= 0:
        return
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
        held = pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        held = 512 * 1024 * 1024  # a generous guess at an interpreter with its imports
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = held + memory_bytes
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


# ---------------------------------------------------------------- in the parent


class _Child:
    """One child process and the parent's end of its socket."""

    def __init__(self, budget: Budget) -> None:
        ours, theirs = socket.socketpair()
        self.budget = budget
        cpu_hard = RETIRE_CPU_SECONDS + budget.total_seconds + 10
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _CHILD, str(theirs.fileno())]
                + [str(budget.memory_mb * 1024 * 1024), str(cpu_hard)],
                pass_fds=[theirs.fileno()],
                env=env,
                stdin=subprocess.DEVNULL,
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self.conn = Connection(ours.detach())
        self.idle_since = time.monotonic()

    def cpu_seconds(self) -> float | None:
        """CPU time (user and system) the child has used, or None where it cannot be read."""
        try:
            stat = Path(f"/proc/{self.process.pid}/stat").read_text()
            fields = stat.rpartition(")")[2].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    def usable(self, budget: Budget) -> bool:
        return (
            self.budget == budget
            and self.process.poll() is None
            and time.monotonic() - self.idle_since < IDLE_SECONDS
            and (self.cpu_seconds() or 0.0) < RETIRE_CPU_SECONDS
        )

    def close(self) -> None:
        """Close the socket (an idle child then exits); kill it if it does not."""
        with contextlib.suppress(OSError):
            self.conn.close()
        try:
            self.process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.close()
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)


class _Pool:
    """Idle children, and a bound on how many work at once in this process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.idle: list[_Child] = []
        self.slots = threading.BoundedSemaphore(max(2, os.cpu_count() or 1))

    def take(self, budget: Budget) -> _Child:
        with self.lock:
            while self.idle:
                child = self.idle.pop()
                if child.usable(budget):
                    return child
                child.close()
        return _Child(budget)

    def give_back(self, child: _Child) -> None:
        child.idle_since = time.monotonic()
        with self.lock:
            self.idle.append(child)

    def close_all(self) -> None:
        with self.lock:
            idle, self.idle = self.idle, []
        for child in idle:
            child.close()


_pool = _Pool()


def _forget_children() -> None:
    """In a forked process (a gunicorn worker): the children and their sockets are the
    parent's, not this process's."""
    global _pool
    _pool = _Pool()


os.register_at_fork(after_in_child=_forget_children)
atexit.register(lambda: _pool.close_all())


def run(func: Callable[..., Any], *args: Any, budget: Budget) -> Any:
    """``func(*args)`` in a child process within ``budget``: its result, or the exception
    it raised (raised again here), or OverBudget saying how it went over or stopped.

    ``func`` (by its module and name), ``args`` and the result travel pickled.
    """
    with _pool.slots:
        for attempt in range(2):  # again in a fresh child if this one had died idle
            child = _pool.take(budget) if attempt == 0 else _Child(budget)
            keep = False
            try:
                kind, value = _outcome(child, (func, args), budget)
                keep = kind == "ok" or (kind == "raise" and not isinstance(value, MemoryError))
            finally:
                if keep:
                    _pool.give_back(child)
                else:  # over budget, out of memory or odd: the next work gets a fresh child
                    child.kill()
            if kind != "not started":
                break
    if kind == "ok":
        return value
    if kind in ("stopped", "not started"):
        raise OverBudget(value)
    if isinstance(value, MemoryError):
        raise OverBudget(
            f"reading it needs more than {budget.memory_mb:,} MB of memory", "memory_mb"
        )
    if kind == "raise":
        raise value
    raise RuntimeError(f"the work failed in its child process:\n{value}")


def _outcome(child: _Child, work: tuple, budget: Budget) -> tuple[str, Any]:
    """The child's answer to one piece of work, watching its CPU time meanwhile."""
    begun = False  # the child said it has the work (a child found dead before: try again)
    try:
        child.conn.send(work)
    except OSError:
        return "not started", _stopped(child)
    started = step_at = time.monotonic()
    first = step = child.cpu_seconds()
    while True:
        try:
            if child.conn.poll(POLL_SECONDS):
                message = child.conn.recv()
                if message[0] == "started":
                    begun = True
                elif message[0] != "step":
                    return message
                step, step_at = child.cpu_seconds(), time.monotonic()
                # no `continue`: a file whose steps come faster than POLL_SECONDS (a PDF of
                # many small pages) is held to the total budget all the same
        except (EOFError, OSError):
            return ("stopped" if begun else "not started"), _stopped(child)
        now, used = time.monotonic(), child.cpu_seconds()
        if used is None or first is None or step is None:  # no /proc: the clock stands in
            used, first, step = now, started, step_at
        if used - step > budget.step_seconds:
            raise OverBudget(
                f"reading it took more than {budget.step_seconds:g} s of CPU time without "
                "getting further",
                "step_seconds",
            )
        if used - first > budget.total_seconds:
            raise OverBudget(
                f"reading it took more than {budget.total_seconds:g} s of CPU time", "total_seconds"
            )
        wall = max(WALL_MINIMUM, budget.total_seconds * WALL_FACTOR)
        if now - started > wall:
            raise OverBudget(f"reading it took more than {wall:g} s", "total_seconds")


def _stopped(child: _Child) -> str:
    try:
        code = child.process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        code = None
    if code is not None and code < 0:
        return f"the reader stopped (signal {-code}) while reading it"
    return f"the reader stopped (exit code {code}) while reading it"
