"""Writes that survive a crash: files and folders flushed to disk before a rename counts."""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# The name a file or folder is written under before it is renamed into place: hidden, and
# recognisable, so what a crash leaves behind can be found and removed.
TEMP_PREFIX = ".tmp-"


def fsync_path(path: str | Path) -> None:
    """Flush a file's contents, or a folder's entries (new names, renames), to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def staged_folder(target: str | Path) -> Iterator[Path]:
    """A new empty folder beside ``target`` to write into; when the block ends without an
    error it replaces ``target`` (whole), otherwise it is removed and ``target`` is untouched.

    A library's own error for a write the disk refused (safetensors saving a model, say)
    comes out as the OSError it stands for, so callers tell a full disk as they always do."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield staging
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if not isinstance(exc, OSError) and (refused := os_error_of(exc)) is not None:
            raise OSError(refused.errno, refused.strerror, refused.filename or str(target)) from exc
        raise


# How a library that is not Python says which system error stopped it: safetensors (Rust)
# says "IoError(Os { code: 28, kind: StorageFull, message: ... })", others "(os error 28)".
_OS_ERROR_CODE = re.compile(r"\bOs \{ code: (\d+)|\(os error (\d+)\)")


def os_error_of(exc: BaseException) -> OSError | None:
    """The OSError behind an error: itself, one it was raised from, or one its words name
    by number (a library written in another language); None when there is none."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError):
            return exc
        if match := _OS_ERROR_CODE.search(str(exc)):
            code = int(match.group(1) or match.group(2))
            return OSError(code, os.strerror(code))
        exc = exc.__cause__ or exc.__context__
    return None


def write_file(path: str | Path, data: bytes) -> None:
    """Replace the file at ``path`` with ``data`` in one step: a reader sees the old
    contents or the new, whole, never part of them (written beside it, flushed, renamed)."""
    path = Path(path)
    temp = path.parent / f"{TEMP_PREFIX}{os.getpid()}-{threading.get_ident()}-{path.name}"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_failure(exc: OSError) -> str:
    """Why the disk refused a write, in words: the system's message, or for a short write
    (numpy's "N requested and M written", which carries no error number) the full disk
    that causes it."""
    if exc.strerror:
        return exc.strerror
    if "requested and" in str(exc) and "written" in str(exc):
        return f"{os.strerror(errno.ENOSPC)} ({exc})"
    return str(exc)
