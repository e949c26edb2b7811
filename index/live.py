"""The build being served, swapped for a newer one while the service runs (hot swap)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from common.errors import IndexNotReady
from index.encoder import Encoder
from index.load import LoadedIndex, load_index
from index.store import check_current, current_build_id
from index.vectors import single_threaded

log = logging.getLogger(__name__)
T = TypeVar("T")


class ModelForIndex(Protocol):
    """Where the encoder a build was made with comes from (index.adapt.ModelChoice)."""

    def encoder_for_index(self, entry: dict) -> Encoder: ...


class LiveIndex(Generic[T]):
    """Loads the current build, and the model that built it, on first use; follows the
    index folder after that.

    At most every ``check_seconds`` a caller looks at which build is current (one
    readlink) and, when a new one has appeared, loads it and swaps it in. ``prepare``
    turns a loaded index and its encoder into what callers use (the question pipeline's
    retriever and answerer); each caller takes that once and uses it to the end, so a
    request is answered wholly by the old build or wholly by the new one, and the old
    one is freed when the last request using it finishes.
    """

    def __init__(
        self,
        index_dir: str,
        models: ModelForIndex,
        prepare: Callable[[LoadedIndex, Encoder], T],
        check_seconds: float = 1.0,
    ) -> None:
        self.index_dir = index_dir
        self.models = models
        self.prepare = prepare
        self.check_seconds = check_seconds
        self._serving: tuple[LoadedIndex, T] | None = None
        self._swap_lock = threading.Lock()  # one thread at a time checks for and loads a build
        self._checked_at = 0.0
        self._refused: str | None = None  # a build that failed to load; not retried
        self.damage_on_disk: str | None = None  # what happened to the serving build's files

    @property
    def current(self) -> T:
        """What ``prepare`` made of the build being served (loading it if needed)."""
        serving = self._serving
        if serving is None:
            with self._swap_lock:
                if self._serving is None:
                    self._serving = self._load()
                    self._checked_at = time.monotonic()
                return self._serving[1]
        if time.monotonic() - self._checked_at >= self.check_seconds:
            self._follow_current(serving[0])
        return self._serving[1]

    def reload(self) -> T:
        """Load the current build now; if that fails, what was loaded stays loaded."""
        with self._swap_lock:
            serving = self._load()
            self._serving, self._refused, self.damage_on_disk = serving, None, None
            self._checked_at = time.monotonic()
        return serving[1]

    def _load(self) -> tuple[LoadedIndex, T]:
        single_threaded()
        # Missing or damaged files are reported before the model is loaded for nothing.
        _, manifest = check_current(self.index_dir)
        encoder = self.models.encoder_for_index(manifest["model"])
        index = load_index(self.index_dir, encoder.checksum)
        return index, self.prepare(index, encoder)

    def _follow_current(self, index: LoadedIndex) -> None:
        """Swap in the current build if it is not the one serving; keep serving if it fails."""
        if not self._swap_lock.acquire(blocking=False):
            return  # another caller is checking or loading: this one uses what is loaded
        try:
            self._checked_at = time.monotonic()
            build = current_build_id(self.index_dir)
            if build is None or build in (index.build_id, self._refused):
                self._watch_disk(index)
                return
            try:
                self._serving, self.damage_on_disk = self._load(), None
            except IndexNotReady as exc:
                self._refused = build
                log.error("still serving build %s: %s", index.build_id, exc.message)
                return
            log.info("now serving build %s", self._serving[0].build_id)
        finally:
            self._swap_lock.release()

    def _watch_disk(self, index: LoadedIndex) -> None:
        """Say once (in the log and /api/health) when the files of the build being served
        are damaged on disk; answers still come whole from the copy in memory."""
        problem = index.damage_on_disk()
        if problem != self.damage_on_disk and problem:
            log.error(
                "build %s is damaged on disk (%s); answering from the copy loaded in memory "
                "until it is restored (flask --app app index restore) or rebuilt",
                index.build_id,
                problem,
            )
        self.damage_on_disk = problem
