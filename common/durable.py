"""Writes that survive a crash: files and folders flushed to disk before a rename counts."""

from __future__ import annotations

import errno
import os
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
    error it replaces ``target`` (whole), otherwise it is removed and ``target`` is untouched."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield staging
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


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
