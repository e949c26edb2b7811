"""A build's manifest: what it holds, written with every file's size and checksum and a
checksum of its own, read back and checked.

Two depths of check. ``damage(..., verify_files=False)`` is cheap (the manifest's fields,
its own checksum, and every file's presence and size) and runs before a build is loaded,
and before a rebuild compares the reports with it; the full check re-hashes every file and
runs when a build is published or restored, when the serving build's files change on disk,
and on demand (``flask --app app index verify``). Loading itself checks each file's
checksum over the bytes it reads (index/load.py).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from common.errors import IndexNotReady
from index.encoder import Encoder, file_sha256
from index.passages import FILES as PASSAGE_FILES
from index.passages import TEXT_FILE

# 3: file sizes, the manifest's own checksum, float16 sentence vectors; 4: passages in
# columns (index/passages.py), passage vectors float16 in the HNSW graph (index/vectors.py),
# sentence vectors int8 with a scale per dimension (index/store.py); 5: the passages' texts
# compressed in blocks (index/passages.py)
FORMAT = 5
MANIFEST_FILE = "manifest.json"
SEAL = "manifest_sha256"  # the manifest's own checksum: of every other field
INDEX_FILE = "index.faiss"
PASSAGES_FILE = TEXT_FILE  # the passages' texts; the other passage files beside it
REPORTS_FILE = "reports.json"
SENTENCES_FILE = "sentences.npy"
SENTENCE_SCALE_FILE = "sentence_scale.npy"  # (dimension,) float32: stored value * scale
SPANS_FILE = "sentence_spans.npy"
OFFSETS_FILE = "sentence_offsets.npy"
REQUIRED_FILES = (
    INDEX_FILE, *PASSAGE_FILES, REPORTS_FILE, SENTENCES_FILE, SENTENCE_SCALE_FILE, SPANS_FILE,
    OFFSETS_FILE,
)  # fmt: skip
HINT = "run `make index` (or `flask --app app index rebuild`) to build it"


def model_entry(encoder: Encoder) -> dict:
    """How the manifest names the model: name and checksum, plus folder and base model
    for a model adapted on this machine."""
    entry = {"name": encoder.name, "sha256": encoder.checksum}
    if getattr(encoder, "base", None):
        # The folder's name only: it lives in the models folder (QA_MODELS_DIR), wherever
        # the install is moved to.
        entry.update(path=Path(encoder.path).name, base=encoder.base)
    return entry


def _seal_of(manifest: dict) -> str:
    body = {k: v for k, v in manifest.items() if k != SEAL}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def seal(manifest: dict) -> dict:
    """The manifest with its own checksum added (replacing any older one)."""
    return {**{k: v for k, v in manifest.items() if k != SEAL}, SEAL: _seal_of(manifest)}


def describe_files(folder: Path) -> tuple[dict[str, str], dict[str, int]]:
    """(checksum, size) of every file in a build folder, by relative name."""
    written = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST_FILE)
    names = [p.relative_to(folder).as_posix() for p in written]
    return (
        {n: file_sha256(p) for n, p in zip(names, written, strict=True)},
        {n: p.stat().st_size for n, p in zip(names, written, strict=True)},
    )


def write_manifest(folder: Path, manifest: dict) -> dict:
    """Seal a manifest and write it into its build folder; returns what was written."""
    manifest = seal(manifest)
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1), "utf-8")
    return manifest


def read_manifest_in(folder: Path) -> dict | None:
    """A build folder's manifest as written, or None when it is missing or not JSON."""
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def _text(value: object) -> bool:
    return isinstance(value, str) and value != ""


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _model_problem(model: object) -> str | None:
    if not isinstance(model, dict):
        return "model is not an object"
    for key in ("name", "sha256"):
        if not _text(model.get(key)):
            return f"model.{key} is missing or not text"
    if ("path" in model) != ("base" in model):
        return "model.path and model.base must come together"
    if "path" in model:
        if not _text(model["path"]):
            return "model.path is not text"
        base = model["base"]
        if not isinstance(base, dict) or not all(_text(base.get(k)) for k in ("name", "sha256")):
            return "model.base is not an object with a name and a sha256"
    return None


def manifest_problem(manifest: dict) -> str | None:
    """Which field of a manifest is missing or malformed, in words, or None."""
    if manifest.get("format") != FORMAT:
        return f"format is not {FORMAT}"
    if not _text(manifest.get("build_id")):
        return "build_id is missing or not text"
    if (problem := _model_problem(manifest.get("model"))) is not None:
        return problem
    for key in ("passages", "sentences"):
        if not _count(manifest.get(key)):
            return f"{key} is missing or not a count"
    if not _count(manifest.get("dimension")) or manifest["dimension"] == 0:
        return "dimension is missing or not a positive number"
    previous = manifest.get("previous_build")
    if previous is not None and not _text(previous):
        return "previous_build is not text"
    reports = manifest.get("reports")
    if not isinstance(reports, dict) or not all(
        isinstance(e, dict) and _text(e.get("id")) and _text(e.get("sha256"))
        for e in reports.values()
    ):
        return "reports is not an object of report files with their id and sha256"
    files, sizes = manifest.get("files"), manifest.get("sizes")
    if (
        not isinstance(files, dict)
        or not set(REQUIRED_FILES) <= set(files)
        or not all(_text(v) for v in files.values())
        or any(Path(name).is_absolute() or ".." in Path(name).parts for name in files)
    ):
        return "files does not list the build's files with their checksums"
    if (
        not isinstance(sizes, dict)
        or set(sizes) != set(files)
        or not all(map(_count, sizes.values()))
    ):
        return "sizes does not give the size of every file"
    if manifest.get(SEAL) != _seal_of(manifest):
        return "its own checksum does not match its contents"
    return None


def older_format(manifest: dict) -> str | None:
    """What to say of a build made by an older version, which this one does not read
    (its files are laid out otherwise), or None."""
    made = manifest.get("format")
    if isinstance(made, int) and not isinstance(made, bool) and 0 < made < FORMAT:
        return (
            f"the build {manifest.get('build_id')} was made by an older version (build "
            f"format {made}; this version reads format {FORMAT}): a rebuild is needed"
        )
    return None


def damage(
    folder: Path, manifest: dict, verify_files: bool = True, staged: bool = False
) -> str | None:
    """What is wrong with a build's manifest or files, or None. ``verify_files=False`` is
    the cheap check: the manifest, the folder's name, every file there at its size.
    ``staged``: the folder is not yet under its build id's name (being published)."""
    if (older := older_format(manifest)) is not None:
        return older
    problem = manifest_problem(manifest)
    if problem is not None:
        return f"the manifest {folder / MANIFEST_FILE} is damaged: {problem}"
    if not staged and manifest["build_id"] != folder.name:
        return (
            f"the build folder {folder.name} holds build {manifest['build_id']} (a copy put "
            "back under another name?); put backups back with "
            "`flask --app app index restore FOLDER`, which names them right"
        )
    for name, checksum in manifest["files"].items():
        path = folder / name
        try:
            size = path.stat().st_size if path.is_file() else None
        except OSError:
            size = None
        if size != manifest["sizes"][name] or (verify_files and file_sha256(path) != checksum):
            return f"{path} is missing or damaged"
    return None


def check_build(folder: Path, verify_files: bool = False) -> dict:
    """A build folder's manifest, or IndexNotReady saying what is missing or damaged."""
    if not folder.is_dir():
        raise IndexNotReady(f"the current build {folder} is missing: {HINT}")
    manifest = read_manifest_in(folder)
    if manifest is None:
        what = "missing" if not (folder / MANIFEST_FILE).exists() else "damaged"
        raise IndexNotReady(f"the index manifest {folder / MANIFEST_FILE} is {what}: {HINT}")
    problem = damage(folder, manifest, verify_files)
    if problem:
        raise IndexNotReady(f"{problem}: {HINT}")
    return manifest
