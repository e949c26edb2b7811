"""Adapt the sentence model to the language of the reports, once, on the machine.

all-MiniLM-L6-v2 was trained on general web text; PEEL reports speak policing
("NPTs", "dip sample", "released under investigation"). Training it briefly on the
inverse cloze task over the reports themselves (each sentence paired with the rest
of its paragraph, in-batch negatives) pulls related report language together. No
question data is used. The adapted model is saved under the models folder, named by
the base model and the reports it was trained on, and reused by later rebuilds so
that their embedding caches stay valid.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from common.durable import staged_folder
from common.errors import ModelMismatch
from common.locks import FileLock
from corpus.records import Passage
from corpus.sentences import sentences
from index.encoder import (
    WEIGHTS_FILE,
    Encoder,
    SentenceEncoder,
    file_sha256,
    model_fingerprint,
    no_loading_bars,
    offline_hub,
    packaged_model_path,
    steps,
)
from index.onnx_encoder import OnnxEncoder, export_onnx, exported_onnx

MAX_PAIRS = 1000  # bounds training time on large corpora (about 0.25 s per pair on 2 cores)
EPOCHS = 2
BATCH = 32
LEARNING_RATE = 2e-5
SCALE = 20.0  # similarity scale of the in-batch softmax, as in MultipleNegativesRankingLoss
SEED = 0
ADAPTED_SUFFIX = "+peel"


def training_pairs(passages: Sequence[Passage], limit: int = MAX_PAIRS) -> list[tuple[str, str]]:
    """(sentence, rest of its paragraph) pairs, a deterministic sample of at most ``limit``."""
    pairs = []
    for passage in passages:
        parts = sentences(passage.text)
        if len(parts) < 2:
            continue
        for i, sentence in enumerate(parts):
            pairs.append((sentence, " ".join(parts[:i] + parts[i + 1 :])))
    if len(pairs) > limit:
        pairs = random.Random(SEED).sample(pairs, limit)
    return pairs


def corpus_key(passages: Sequence[Passage]) -> str:
    digest = hashlib.sha256()
    for passage in passages:
        digest.update(passage.text.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def train(
    base_folder: Path,
    pairs: list[tuple[str, str]],
    out_folder: Path,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Fine-tune the model in ``base_folder`` on ``pairs`` and save it to ``out_folder``."""
    # Imported here: torch costs seconds to import and only training needs it directly.
    offline_hub()
    no_loading_bars()
    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(SEED)
    order = random.Random(SEED)
    model = SentenceTransformer(str(base_folder), device="cpu", local_files_only=True)
    model.train()
    optimiser = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE)

    def embed(texts: list[str]):
        features = model.preprocess(texts)
        return torch.nn.functional.normalize(model(features)["sentence_embedding"], dim=-1)

    pairs = list(pairs)
    for _ in range(EPOCHS):
        order.shuffle(pairs)
        for start in range(0, len(pairs), BATCH):
            batch = pairs[start : start + BATCH]
            anchors = embed([a for a, _ in batch])
            positives = embed([b for _, b in batch])
            logits = SCALE * anchors @ positives.T
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(batch)))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            if progress:
                progress(len(batch))
    model.eval()
    model.save(str(out_folder), create_model_card=False)


def _remove_unfinished(folder: Path) -> None:
    """Delete what an adaptation killed before it finished left beside ``folder`` (its
    staging folders); the caller holds the adapting lock, so none is still being written."""
    for leftover in folder.parent.glob(f".{folder.name}.*"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)


def adapted_folder(models_dir: str | Path, base_checksum: str, key: str) -> Path:
    return Path(models_dir) / f"adapted-{base_checksum[:12]}-{key[:12]}"


def adapted_encoder(
    base_model: str | None,
    models_dir: str | Path,
    passages: Sequence[Passage],
    previous: dict | None = None,
    retrain: bool = False,
    progress_factory: Callable[[int], object] | None = None,
    defer: bool = False,
) -> SentenceEncoder | None:
    """The adapted encoder for this corpus: the one the current index used, a saved one for
    these reports, or a newly trained one (``retrain`` forces training). With ``defer``,
    None rather than training (the caller builds with the base model meanwhile)."""
    base_name, base_checksum, base_path = model_fingerprint(base_model)
    base = {"name": base_name, "sha256": base_checksum}
    name = base_name + ADAPTED_SUFFIX
    if not retrain and previous and previous.get("base") == base:
        folder = Path(previous.get("path", ""))
        if (folder / "model.safetensors").is_file():
            try:
                return SentenceEncoder(folder, name=name, expected=previous["sha256"], base=base)
            except ModelMismatch:  # replaced since: train afresh below
                pass
    folder = adapted_folder(models_dir, base_checksum, corpus_key(passages))
    if retrain or not (folder / "model.safetensors").is_file():
        if defer:
            return None
        # One adaptation of these reports at a time, across index folders sharing the models
        # folder: a second waits, then uses what the first saved.
        lock = FileLock(folder.parent / f".{folder.name}.lock", "adapting the model")
        folder.parent.mkdir(parents=True, exist_ok=True)
        with lock.hold(wait=None):
            if retrain or not (folder / "model.safetensors").is_file():
                _remove_unfinished(folder)
                pairs = training_pairs(passages)
                with staged_folder(folder) as staging:
                    if progress_factory is None:
                        train(base_path, pairs, staging)
                    else:
                        with progress_factory(len(pairs) * EPOCHS) as bar:
                            train(base_path, pairs, staging, bar.update)
    return SentenceEncoder(folder, name=name, base=base)


class ModelChoice:
    """Which model builds and serves an index: the test seam, the base model, or the base
    model adapted to the reports. Loaded encoders are kept, so a server that rebuilds
    does not load the same model twice.

    With ``onnx`` (the default) the model that built an index is exported to ONNX once
    and serves queries through onnxruntime: no torch import at start-up, and a question
    encodes in a third of the time. Building still loads the torch model (adapting needs
    it, and exporting), then embeds through ONNX too when ``onnx`` is set."""

    def __init__(
        self,
        model_path: str | None = None,
        models_dir: str | Path = "var/models",
        adapt: bool = True,
        override: Encoder | None = None,
        onnx: bool = True,
        onnx_threads: int = 1,
    ) -> None:
        """``onnx_threads``: onnxruntime threads per query; one suits a threaded server,
        whose requests already keep every core busy."""
        self.model_path = model_path
        self.models_dir = models_dir
        self.adapt = adapt
        self.override = override
        self.onnx = onnx
        self.onnx_threads = onnx_threads
        self._identity: tuple[str, str] | None = None
        self._loaded: dict[str, Encoder] = {}  # by weights checksum
        self._serving: dict[str, Encoder] = {}  # ONNX encoders, by weights checksum
        self._building: dict[str, Encoder] = {}  # ONNX encoders using every core, the same
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:
        """What a rebuild process needs to make its own: the settings, not loaded models."""
        keep = ("model_path", "models_dir", "adapt", "override", "onnx", "onnx_threads")
        return {key: self.__dict__[key] for key in keep}

    def __setstate__(self, state: dict) -> None:
        self.__init__(**state)

    def model_identity(self) -> tuple[str, str]:
        """(name, checksum) of the base model, without loading it."""
        if self.override is not None:
            return self.override.name, self.override.checksum
        if self._identity is None:
            name, checksum, _ = model_fingerprint(self.model_path)
            self._identity = (name, checksum)
        return self._identity

    def _keep(self, encoder: Encoder) -> Encoder:
        self._loaded[encoder.checksum] = encoder
        return encoder

    def model_folder(self, entry: dict) -> Path:
        """Where the adapted model a manifest names is: its folder's name in the models
        folder (older manifests held an absolute path, used while it still exists)."""
        path = Path(entry["path"])
        if path.is_absolute() and (path / WEIGHTS_FILE).is_file():
            return path
        return Path(self.models_dir) / path.name

    def model_problem(self, entry: dict) -> str | None:
        """Why the adapted model an index was built with cannot be used, or None."""
        if self.override is not None or "base" not in entry:
            return None
        folder = self.model_folder(entry)
        if not (folder / WEIGHTS_FILE).is_file():
            return f"the model folder {folder} is missing"
        if file_sha256(folder / WEIGHTS_FILE) != entry["sha256"]:
            return f"the model at {folder} has changed since the index was built"
        return None

    def model_pending(self, entry: dict) -> str | None:
        """Why a build's model is not yet the one this choice would build with (made with
        the base model while adapting is on, before the adapted model existed), or None."""
        if self.override is None and self.adapt and "base" not in entry:
            return "the model is not adapted to the reports yet"
        return None

    def encoder_for_build(
        self,
        passages: Sequence[Passage],
        previous: dict | None,
        retrain: bool = False,
        progress_factory: Callable[[int], object] | None = None,
        adapt_later: bool = False,
    ) -> Encoder:
        """The encoder a rebuild embeds with (``previous``: the current build's model entry).

        ``adapt_later``: when the model would have to be adapted first (minutes), the base
        model instead; a later rebuild adapts it (see ``model_pending``)."""
        if self.override is not None:
            return self.override
        if previous and "path" in previous:
            previous = {**previous, "path": str(self.model_folder(previous))}
        with self._lock:
            if self.onnx and not retrain and (ready := self._exported_for_build(previous)):
                return ready
            encoder = None
            reuse = not retrain and previous and "base" in previous  # an adapted model's
            if self.adapt and reuse and previous.get("sha256") in self._loaded:
                encoder = self._loaded[previous["sha256"]]
            elif self.adapt:
                adapted = adapted_encoder(
                    self.model_path,
                    self.models_dir,
                    passages,
                    previous,
                    retrain,
                    progress_factory,
                    defer=adapt_later,
                )
                encoder = self._keep(adapted) if adapted is not None else None
            if encoder is None:  # the base model
                name, checksum = self.model_identity()
                encoder = self._loaded.get(checksum) or self._keep(SentenceEncoder(self.model_path))
            if not self.onnx:
                return encoder
            if encoder.checksum not in self._building:  # a session for every later rebuild
                self._building[encoder.checksum] = self._as_onnx(encoder, threads=0)
            return self._building[encoder.checksum]

    def _exported_for_build(self, previous: dict | None) -> Encoder | None:
        """The build's ONNX encoder made without importing torch and sentence-transformers
        (about 5 s idle, 15 s on a busy machine), when the model the build would load has
        been exported already: the base model, or (adapting) the adapted model the
        current build used, as ``adapted_encoder`` would pick it. None otherwise."""
        if not self.adapt:
            name, checksum = self.model_identity()
            folder, base = Path(self.model_path or packaged_model_path()), None
        else:
            base_name, base_checksum = self.model_identity()
            base = {"name": base_name, "sha256": base_checksum}
            if not previous or previous.get("base") != base:
                return None
            folder = Path(previous.get("path", ""))
            name, checksum = base_name + ADAPTED_SUFFIX, previous.get("sha256")
            weights = folder / WEIGHTS_FILE
            if not weights.is_file() or file_sha256(weights) != checksum:
                return None
        if checksum in self._building:
            return self._building[checksum]
        onnx_file = exported_onnx(self.models_dir, checksum)
        if onnx_file is None:
            return None
        steps.info("loading the model %s, exported to ONNX", name)
        encoder = OnnxEncoder(folder, onnx_file, name, checksum, base, threads=0)
        self._building[checksum] = encoder
        return encoder

    def _as_onnx(self, encoder: Encoder, threads: int) -> Encoder:
        """The ONNX twin of a loaded sentence-transformers encoder (same name, checksum)."""
        onnx_file = export_onnx(encoder.path, encoder.checksum, self.models_dir)
        return OnnxEncoder(
            encoder.path,
            onnx_file,
            encoder.name,
            encoder.checksum,
            base=getattr(encoder, "base", None),
            threads=threads,
        )

    def encoder_for_index(self, entry: dict) -> Encoder:
        """The encoder that built an index (its manifest's model entry); ModelMismatch when
        the configured base model is not the one the index was built or adapted from."""
        if self.override is not None:
            return self.override
        with self._lock:
            kept = self._serving if self.onnx else self._loaded
            if entry.get("sha256") in kept:
                return kept[entry["sha256"]]
            _, base_checksum = self.model_identity()
            built_from = entry.get("base", entry)
            if built_from.get("sha256") != base_checksum:
                raise ModelMismatch(
                    f"the index was built with model {entry.get('name')}, not the one "
                    "configured now: run `make index` to rebuild it"
                )
            if problem := self.model_problem(entry):
                raise ModelMismatch(
                    f"{problem}: run `make index` (or `flask --app app index rebuild`) to "
                    "adapt the model again and rebuild"
                )
            if not self.onnx:
                if "base" not in entry:
                    return self._keep(SentenceEncoder(self.model_path))
                return self._keep(
                    SentenceEncoder(
                        self.model_folder(entry),
                        name=entry["name"],
                        expected=entry["sha256"],
                        base=entry["base"],
                    )
                )
            encoder = self._onnx_for_index(entry)
            self._serving[encoder.checksum] = encoder
            return encoder

    def _onnx_for_index(self, entry: dict) -> OnnxEncoder:
        """Serve through ONNX without loading torch (unless the export is missing)."""
        if "base" in entry:
            name, checksum, folder = model_fingerprint(self.model_folder(entry))
            if checksum != entry["sha256"]:
                raise ModelMismatch(
                    f"the model at {folder} has changed since the index was built: "
                    "rebuild the index"
                )
            name, base = entry["name"], entry["base"]
        else:
            name, checksum = self.model_identity()  # hashed once, not again here
            folder = Path(self.model_path) if self.model_path else packaged_model_path()
            base = None
        onnx_file = export_onnx(folder, checksum, self.models_dir)
        return OnnxEncoder(folder, onnx_file, name, checksum, base, threads=self.onnx_threads)
