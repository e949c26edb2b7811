"""Build, save and load the FAISS index with its passages and manifest.

An index folder holds ``index.faiss`` (row i is passage i), ``passages.jsonl``,
``reports.json``, the sentence vectors of every passage (``sentences.npy`` with
``sentence_spans.npy`` and ``sentence_offsets.npy``: passage i owns rows
offsets[i]:offsets[i+1]), the BM25 keyword index (``keyword/``) and ``manifest.json``,
which lists a checksum for every other file. A build is written to a fresh sibling
folder and only then swapped in, so a failed build never damages the index
that is serving.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import faiss
import numpy as np

from corpus.errors import IndexNotReady, ModelMismatch
from corpus.records import Passage, Report
from corpus.sentences import sentence_spans
from index.encoder import Encoder, file_sha256
from index.keyword import KeywordIndex

FORMAT = 2
INDEX_FILE = "index.faiss"
PASSAGES_FILE = "passages.jsonl"
REPORTS_FILE = "reports.json"
MANIFEST_FILE = "manifest.json"
SENTENCES_FILE = "sentences.npy"
SPANS_FILE = "sentence_spans.npy"
OFFSETS_FILE = "sentence_offsets.npy"
BATCH = 64


@dataclass
class LoadedIndex:
    """A loaded index: the FAISS vectors, the passages they stand for, the reports."""

    faiss_index: faiss.Index
    passages: list[Passage]
    reports: list[Report]
    manifest: dict
    sentence_vectors: np.ndarray  # (sentences, dimension), memory-mapped
    sentence_spans: np.ndarray  # (sentences, 2) character spans in their passage
    sentence_offsets: np.ndarray  # (passages + 1,) passage i owns rows [i] to [i + 1]
    keyword: KeywordIndex

    @property
    def acronyms(self) -> dict[str, str]:
        merged: dict[str, str] = {}
        for report in self.reports:
            for acronym, long_form in report.acronyms.items():
                merged.setdefault(acronym, long_form)
        return merged

    @property
    def model_checksum(self) -> str:
        return self.manifest["model"]["sha256"]

    def search(self, vector: np.ndarray, k: int) -> list[tuple[Passage, float]]:
        """The k passages nearest to one normalised query vector, best first."""
        k = min(k, len(self.passages))
        if k <= 0:
            return []
        scores, rows = self.faiss_index.search(
            np.asarray(vector, dtype=np.float32).reshape(1, -1), k
        )
        return [
            (self.passages[row], float(score))
            for row, score in zip(rows[0], scores[0], strict=True)
            if row >= 0
        ]


def embed(
    encoder: Encoder, texts: Sequence[str], progress: Callable[[int], None] | None = None
) -> np.ndarray:
    """Embed texts in length-sorted batches (less padding), returned in the original order."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), encoder.dimension), dtype=np.float32)
    for start in range(0, len(order), BATCH):
        rows = order[start : start + BATCH]
        out[rows] = encoder.encode([texts[i] for i in rows])
        if progress:
            progress(len(rows))
    return out


def model_entry(encoder: Encoder) -> dict:
    """How the manifest names the model: name and checksum, plus folder and base model
    for a model adapted on this machine."""
    entry = {"name": encoder.name, "sha256": encoder.checksum}
    if getattr(encoder, "base", None):
        entry.update(path=encoder.path, base=encoder.base)
    return entry


def build_index(
    parsed: Sequence[tuple[Report, list[Passage]]],
    encoder: Encoder,
    index_dir: str | Path,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Embed every passage and write a new index folder in place of the old one."""
    passages = [p for _, ps in parsed for p in ps]
    spans = [sentence_spans(p.text) for p in passages]
    offsets = np.cumsum([0] + [len(s) for s in spans], dtype=np.int64)
    sentence_texts = [p.text[a:b] for p, ss in zip(passages, spans, strict=True) for a, b in ss]
    vectors = embed(encoder, [p.text for p in passages] + sentence_texts, progress)
    vectors, sentence_vectors = vectors[: len(passages)], vectors[len(passages) :]
    faiss_index = faiss.IndexFlatIP(encoder.dimension)
    faiss_index.add(vectors)
    keyword = KeywordIndex.build([p.text for p in passages])

    target = Path(index_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    staging.chmod(0o755)
    try:
        faiss.write_index(faiss_index, str(staging / INDEX_FILE))
        with open(staging / PASSAGES_FILE, "w", encoding="utf-8") as fh:
            for p in passages:
                fh.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
        (staging / REPORTS_FILE).write_text(
            json.dumps([r.to_dict() for r, _ in parsed], ensure_ascii=False, indent=1), "utf-8"
        )
        np.save(staging / SENTENCES_FILE, sentence_vectors)
        np.save(
            staging / SPANS_FILE, np.array([s for ss in spans for s in ss], np.int32).reshape(-1, 2)
        )
        np.save(staging / OFFSETS_FILE, offsets)
        keyword.save(staging)
        manifest = {
            "format": FORMAT,
            "build_id": uuid.uuid4().hex,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "model": model_entry(encoder),
            "dimension": encoder.dimension,
            "passages": len(passages),
            "reports": {r.file: {"id": r.id, "sha256": r.sha256} for r, _ in parsed},
            "sentences": len(sentence_texts),
            "files": {
                path.relative_to(staging).as_posix(): file_sha256(path)
                for path in sorted(staging.rglob("*"))
                if path.is_file()
            },
        }
        (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1), "utf-8")
        _swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def _swap_in(staging: Path, target: Path) -> None:
    """Replace target by staging; the old folder is removed only after the swap."""
    if target.exists():
        retired = target.parent / f".{target.name}.old-{uuid.uuid4().hex[:8]}"
        os.replace(target, retired)
        os.replace(staging, target)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(staging, target)


def read_manifest(index_dir: str | Path) -> dict | None:
    """The manifest of an index folder, or None when there is no readable one."""
    try:
        return json.loads((Path(index_dir) / MANIFEST_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def load_index(index_dir: str | Path, model_checksum: str | None = None) -> LoadedIndex:
    """Load an index folder, checking every file against its manifest."""
    folder = Path(index_dir)
    hint = "run `make index` (or `flask --app app index rebuild`) to build it"
    manifest = read_manifest(folder)
    if manifest is None:
        raise IndexNotReady(f"no index at {folder}: {hint}")
    if manifest.get("format") != FORMAT:
        raise IndexNotReady(f"the index at {folder} has an unknown format: {hint}")
    for name, checksum in manifest["files"].items():
        path = folder / name
        if not path.is_file() or file_sha256(path) != checksum:
            raise IndexNotReady(f"{path} is missing or damaged: {hint}")
    if model_checksum is not None and manifest["model"]["sha256"] != model_checksum:
        raise ModelMismatch(
            f"the index at {folder} was built with model {manifest['model']['name']} "
            f"({manifest['model']['sha256'][:12]}), not the one loaded now: {hint}"
        )
    faiss_index = faiss.read_index(str(folder / INDEX_FILE))
    with open(folder / PASSAGES_FILE, encoding="utf-8") as fh:
        passages = [Passage.from_dict(json.loads(line)) for line in fh]
    reports = [Report.from_dict(r) for r in json.loads((folder / REPORTS_FILE).read_text("utf-8"))]
    if faiss_index.ntotal != len(passages) or len(passages) != manifest["passages"]:
        raise IndexNotReady(f"the index at {folder} does not match its passages: {hint}")
    if faiss_index.d != manifest["dimension"]:
        raise IndexNotReady(f"the index at {folder} has the wrong dimension: {hint}")
    offsets = np.load(folder / OFFSETS_FILE)
    if len(offsets) != len(passages) + 1:
        raise IndexNotReady(f"the index at {folder} does not match its sentences: {hint}")
    return LoadedIndex(
        faiss_index,
        passages,
        reports,
        manifest,
        sentence_vectors=np.load(folder / SENTENCES_FILE, mmap_mode="r"),
        sentence_spans=np.load(folder / SPANS_FILE),
        sentence_offsets=offsets,
        keyword=KeywordIndex.load(folder),
    )


def stale_reason(index_dir: str | Path, reports: dict[str, str], model_checksum: str) -> str | None:
    """Why the index needs a rebuild (reports are file name -> SHA-256), or None if current."""
    manifest = read_manifest(index_dir)
    if manifest is None:
        return "there is no index yet"
    if manifest.get("format") != FORMAT:
        return "the index has an old format"
    built_with = manifest["model"].get("base", manifest["model"])
    if built_with["sha256"] != model_checksum:
        return "the model has changed"
    built = {name: entry["sha256"] for name, entry in manifest["reports"].items()}
    if built != reports:
        return "the reports have changed"
    return None
