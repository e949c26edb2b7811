"""Incremental rebuilds: parse every report, embed only what is new, publish in one rename."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from common.durable import write_failure
from common.errors import QAError, StorageError
from corpus.copies import SetAside
from corpus.records import Passage
from corpus.reports import Folder, read_folder, read_sources, report_files
from index.cache import EmbeddingCache, clean_cache_leftovers, read_cache, write_cache
from index.embed import Embedded, embed_passages
from index.encoder import Encoder
from index.manifest import damage, manifest_problem, model_entry
from index.store import CACHE, build_lock, clean_builds, current_build, publish_build, read_manifest

# Called with (stage, done, total): stage is "parsing", "embedding" or "writing".
Progress = Callable[[str, int, int], None]
ADAPT_LATER_NOTE = (
    "Built with the base model: the model is not adapted to the reports yet. The server "
    "adapts it in the background and swaps the adapted build in when it is ready (or run "
    "`flask --app app index rebuild` to do it now)."
)


class ModelSource(Protocol):
    """Where the rebuild gets its model: identified cheaply, loaded only if needed
    (index.adapt.ModelChoice)."""

    def model_identity(self) -> tuple[str, str]:
        """(name, checksum) of the configured base model, without loading it."""
        ...

    def model_problem(self, entry: dict) -> str | None:
        """Why the model a manifest names cannot be used (e.g. its folder is gone), or None."""
        ...

    def model_pending(self, entry: dict) -> str | None:
        """Why a manifest's model is usable but not yet the one wanted (the base model
        while the adapted one is still to be made), or None."""
        ...

    def encoder_for_build(
        self,
        passages: list[Passage],
        previous: dict | None,
        retrain: bool = False,
        progress_factory: Callable[[int], object] | None = None,
        adapt_later: bool = False,
    ) -> Encoder: ...


class LoadedModel:
    """The ModelSource of an encoder already loaded."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder

    def model_identity(self) -> tuple[str, str]:
        return self.encoder.name, self.encoder.checksum

    def model_problem(self, entry: dict) -> str | None:
        return None

    def model_pending(self, entry: dict) -> str | None:
        return None

    def encoder_for_build(
        self, passages, previous, retrain=False, progress_factory=None, adapt_later=False
    ):
        return self.encoder


@dataclass
class RebuildSummary:
    """What a rebuild did, for the command line and the HTTP status."""

    up_to_date: bool
    reason: str | None  # why a new build was made (None when up to date)
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # unchanged files whose published address changed: a new build, nothing to embed
    sources: list[str] = field(default_factory=list)
    # copies of a page set aside for a fuller file of it: {"file", "copy_of", "reason"}
    copies: list[dict] = field(default_factory=list)
    reports: int = 0
    passages: int = 0
    embedded: int = 0  # passages embedded afresh (a text twice in the corpus is embedded once)
    reused: int = 0  # passages whose vector came from the cache
    sentences_embedded: int = 0  # their sentences, embedded for sentence-level matching
    seconds: float = 0.0
    build_id: str | None = None
    notes: list[str] = field(default_factory=list)

    def copy_lines(self) -> list[str]:
        return [
            f"  not indexed: {c['file']}, a copy of the same page as {c['copy_of']}, which is "
            f"kept: {c['reason']}"
            for c in self.copies
        ]

    def lines(self, index_dir: str | Path) -> list[str]:
        """The summary in words."""
        if self.up_to_date:
            return [
                *self.notes,
                *self.copy_lines(),
                f"Index up to date: {self.reports} report(s), {self.passages} passages, "
                f"nothing to embed (build {self.build_id} in {index_dir}).",
            ]
        out = [*self.notes, f"Rebuilt: {self.reason}."]
        out.append(
            f"Reports: {len(self.added)} added, {len(self.changed)} changed, "
            f"{len(self.removed)} removed, {len(self.unchanged)} unchanged."
        )
        for word, names in (("added", self.added), ("changed", self.changed)):
            out += [f"  {word}: {name}" for name in names]
        out += [f"  removed: {name}" for name in self.removed]
        out += [f"  published address changed: {name}" for name in self.sources]
        out += self.copy_lines()
        out.append(
            f"Passages: {self.embedded} embedded afresh, {self.reused} reused from the cache "
            f"(and {self.sentences_embedded} new sentences)."
        )
        out.append(
            f"Indexed {self.passages} passages from {self.reports} report(s) in "
            f"{self.seconds:.1f} s: build {self.build_id} is now current in {index_dir}."
        )
        return out


@dataclass
class Rebuilder:
    """Rebuilds the index of one reports folder; one at a time, guarded by a file lock."""

    reports_dir: str | Path
    index_dir: str | Path
    model: ModelSource
    exact_limit: int | None = None  # most passages searched exactly (vectors.EXACT_LIMIT)
    # file name -> ((size, mtime), sha256): a report's checksum, taken again when it changes
    _checksums: dict = field(default_factory=dict, repr=False, compare=False)

    def behind(self) -> dict[str, list[str]] | None:
        """The report files the current build lacks, has in another version, or has but the
        folder no longer does (and, under "sources", those whose published address changed);
        None when it is up to date (or there is no build to compare). Copies the build set
        aside count as known.

        Cheap enough for every health check: a file is hashed again only when its size or
        modification time changes."""
        manifest = read_manifest(self.index_dir)
        if manifest is None or manifest_problem(manifest):
            return None
        try:
            files = {p.name: self._checksum(p) for p in report_files(self.reports_dir)}
            urls = read_sources(self.reports_dir)
        except (OSError, QAError):
            return None
        built = {name: entry["sha256"] for name, entry in manifest["reports"].items()}
        # copies set aside by that build count as known, in the version it saw
        copies = {n: e.get("sha256") for n, e in _copies_of(manifest).items()}
        files = {n: sha for n, sha in files.items() if copies.get(n) != sha or n in built}
        changes = {
            "added": sorted(set(files) - set(built)),
            "changed": sorted(n for n in files if n in built and built[n] != files[n]),
            "removed": sorted(set(built) - set(files)),
        }
        entries = manifest["reports"]
        same = {n: urls.get(n) for n in files if built.get(n) == files[n]}
        if sources := _sources_changed(entries, same):
            changes["sources"] = sources  # only when there are some: the usual shape stays
        return changes if any(changes.values()) else None

    def pending_model(self) -> str | None:
        """Why the current build's model is still to be replaced (built with the base model
        before the adapted one existed: a rebuild adapts it), or None."""
        manifest = read_manifest(self.index_dir)
        if manifest is None or manifest_problem(manifest):
            return None
        return self.model.model_pending(manifest["model"])

    def _checksum(self, path: Path) -> str:
        stat = path.stat()
        key = (stat.st_size, stat.st_mtime_ns)
        known = self._checksums.get(path.name)
        if known is None or known[0] != key:
            known = (key, hashlib.sha256(path.read_bytes()).hexdigest())
            self._checksums[path.name] = known
        return known[1]

    def run(
        self,
        full: bool = False,
        wait: float | None = 0.0,
        progress: Progress | None = None,
        readapt: bool = False,
        adapt_later: bool = False,
    ) -> RebuildSummary:
        """Parse every report, then embed what the cache lacks and publish a new build.

        Nothing is written when a report does not parse, and nothing at all when nothing
        changed (unless ``full``, which also ignores the cache). ``wait`` is how long to
        wait for another rebuild to finish before refusing (None: as long as it takes).
        ``readapt`` adapts the model to the reports afresh (which embeds everything again).
        ``adapt_later`` builds with the base model when the model is not adapted to the
        reports yet, rather than adapting it first (minutes): the server adapts it in the
        background (``pending_model``) and publishes the adapted build then.
        """
        try:
            return self._run(full, wait, progress, readapt and not adapt_later, adapt_later)
        except OSError as exc:  # a full disk, a read-only folder: say so, not a traceback
            raise StorageError(
                f"cannot write the index in {self.index_dir}: {write_failure(exc)}; nothing "
                "was half-written and the previous index is still the one served"
            ) from exc

    def _run(
        self,
        full: bool,
        wait: float | None,
        progress: Progress | None,
        readapt: bool,
        adapt_later: bool,
    ) -> RebuildSummary:
        start = time.perf_counter()
        progress = progress or (lambda stage, done, total: None)
        index_dir = Path(self.index_dir)
        with build_lock(index_dir).hold(wait):
            progress("parsing", 0, 0)
            clean_builds(index_dir)
            clean_cache_leftovers(index_dir / CACHE)
            previous = read_manifest(index_dir)
            indexed = previous.get("reports") if isinstance(previous, dict) else None
            # every report parses before any write; of two equal copies, the one indexed now
            folder = read_folder(
                self.reports_dir, set(indexed if isinstance(indexed, dict) else ())
            )
            parsed = folder.parsed
            _, base_checksum = self.model.model_identity()
            pending = (lambda entry: None) if adapt_later else self.model.model_pending
            summary = _compare(
                previous, folder, base_checksum, index_dir, self.model.model_problem, pending
            )
            summary.reports = len(parsed)
            summary.passages = sum(len(ps) for _, ps in parsed)
            if summary.up_to_date and not (full or readapt):
                if self.model.model_pending(previous["model"]):  # adapt_later: still to adapt
                    summary.notes.append(ADAPT_LATER_NOTE)
                summary.seconds = time.perf_counter() - start
                return summary
            passages = [p for _, ps in parsed for p in ps]
            usable = previous and manifest_problem(previous) is None
            encoder = self.model.encoder_for_build(
                passages,
                previous["model"] if usable else None,
                retrain=readapt,
                progress_factory=_adapting_progress(progress),
                adapt_later=adapt_later,
            )
            if self.model.model_pending(model_entry(encoder)):
                summary.notes.append(ADAPT_LATER_NOTE)
            if full or readapt:
                summary.up_to_date = False
                summary.reason = (
                    "--readapt asks for a new model"
                    if readapt
                    else ("--full asks for every passage afresh")
                )
                cache = EmbeddingCache()
            else:
                cache = read_cache(index_dir / CACHE, encoder.checksum)
                summary.notes += [cache.problem] if cache.problem else []
            embedded = self._vectors(encoder, passages, cache, summary, progress)
            progress("writing", 0, 0)
            write_cache(index_dir / CACHE, encoder.checksum, embedded.keys, embedded.table)
            counts = {"embedded": summary.embedded, "reused": summary.reused}
            copies = {"copies": _copies_entry(folder.copies)}
            n = len(passages)
            manifest = publish_build(
                index_dir,
                parsed,
                embedded.vectors[:n],
                embedded.vectors[n:],
                model_entry(encoder),
                {"rebuild": counts, **copies},
                exact_limit=self.exact_limit,
            )
        summary.build_id = manifest["build_id"]
        summary.seconds = time.perf_counter() - start
        return summary

    def _vectors(
        self,
        encoder: Encoder,
        passages: list[Passage],
        cache: EmbeddingCache,
        summary: RebuildSummary,
        progress: Progress,
    ) -> Embedded:
        """A vector per passage and then per sentence, embedding what the cache lacks."""
        embedded = embed_passages(
            encoder,
            passages,
            cache.vectors,
            lambda done, total: progress("embedding", done, total),
        )
        summary.embedded, summary.reused = embedded.embedded, embedded.reused
        summary.sentences_embedded = embedded.sentences_embedded
        return embedded


def _built_with(manifest: dict) -> str | None:
    """Checksum of the base model an index was built (or adapted) from."""
    model = manifest.get("model", {})
    return model.get("base", model).get("sha256")


def _adapting_progress(progress: Progress) -> Callable[[int], object]:
    """A progress-bar factory for model adaptation that reports through ``progress``."""

    class _Bar:
        def __init__(self, total: int) -> None:
            self.total, self.done = total, 0

        def __enter__(self) -> _Bar:
            progress("adapting", 0, self.total)
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def update(self, n: int) -> None:
            self.done += n
            progress("adapting", self.done, self.total)

    return _Bar


def _sources_changed(built: dict, urls: dict[str, str | None]) -> list[str]:
    """The files a build has, in the same version, whose published address is not the one
    the build has (a build written before addresses were recorded has none)."""
    return sorted(
        name
        for name, url in urls.items()
        if isinstance(built.get(name), dict) and built[name].get("source_url") != url
    )


def _copies_of(manifest: dict) -> dict[str, dict]:
    """The copies a build set aside: file -> {"sha256", "id", "copy_of"} (none before
    builds recorded them)."""
    copies = manifest.get("copies")
    if not isinstance(copies, dict):
        return {}
    return {n: e for n, e in copies.items() if isinstance(e, dict)}


def _copies_entry(copies: list[SetAside]) -> dict[str, dict]:
    return {
        a.copy.name: {"sha256": a.copy.sha256, "id": a.copy.id, "copy_of": a.kept.name}
        for a in copies
    }


def _compare(
    manifest: dict | None,
    folder: Folder,
    checksum: str,
    index_dir: Path,
    model_problem: Callable[[dict], str | None],
    model_pending: Callable[[dict], str | None],
) -> RebuildSummary:
    """How the reports differ from the current build, and whether that build will do."""
    parsed = folder.parsed
    files = {r.file: r.sha256 for r, _ in parsed}
    built: dict[str, str] = {}
    if manifest and isinstance(manifest.get("reports"), dict):
        built = {n: e.get("sha256") for n, e in manifest["reports"].items() if isinstance(e, dict)}
    summary = RebuildSummary(
        up_to_date=False,
        reason=None,
        added=sorted(set(files) - set(built)),
        changed=sorted(n for n in files if n in built and built[n] != files[n]),
        removed=sorted(set(built) - set(files)),
        unchanged=sorted(n for n in files if built.get(n) == files[n]),
    )
    summary.copies = [
        {"file": a.copy.name, "copy_of": a.kept.name, "reason": a.reason} for a in folder.copies
    ]
    copies_changed = manifest is not None and _copies_of(manifest) != _copies_entry(folder.copies)
    if manifest and isinstance(manifest.get("reports"), dict):
        urls = {r.file: r.source_url for r, _ in parsed if r.file in summary.unchanged}
        summary.sources = _sources_changed(manifest["reports"], urls)
    folder = current_build(index_dir)
    if manifest is None or folder is None:
        summary.reason = "there is no index yet"
    elif problem := damage(folder, manifest, verify_files=False):  # the fields used below
        summary.reason = f"the current index is damaged ({problem})"
    elif _built_with(manifest) != checksum:
        summary.reason = "the model has changed"
    elif problem := model_problem(manifest["model"]):
        summary.reason = problem
    elif pending := model_pending(manifest["model"]):
        summary.reason = pending
    elif summary.added or summary.changed or summary.removed:
        summary.reason = "the reports have changed"
    elif summary.sources:  # the passages are the same: every vector comes from the cache
        summary.reason = "the published address of a report has changed"
    elif copies_changed:  # the same passages: the new build records which copies it set aside
        summary.reason = "the copies set aside in the reports folder have changed"
    elif problem := damage(folder, manifest):  # every file's checksum: only when it matters
        summary.reason = f"the current index is damaged ({problem})"
    else:
        summary.up_to_date = True
        summary.build_id = manifest["build_id"]
    return summary
