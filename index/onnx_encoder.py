"""Encoding without torch: the sentence model exported to ONNX, run with onnxruntime.

Importing torch and sentence-transformers costs about 5 s and a torch forward pass for
one question about 13 ms on two cores; onnxruntime with the ``tokenizers`` library does
the same in about 3 ms and starts in well under a second. The ONNX file is derived from
the model's weights, so the model's identity (name and weights checksum) stays that of
the weights: the file is exported once per checksum, into the models folder, and
re-exported if the weights it came from are not the ones given.
"""

from __future__ import annotations

import json
import os
import threading
import warnings
from pathlib import Path

import numpy as np

from common.durable import staged_folder
from index.encoder import no_loading_bars, offline_hub, steps

MAX_TOKENS = 256  # all-MiniLM-L6-v2's max_seq_length: sentence-transformers truncates here
ONNX_FILE = "model.onnx"
SOURCE_FILE = "source.json"
OPSET = 17
# Questions a server process encodes at once, whatever its thread count: more than one
# per core cannot finish sooner, and each run in flight holds its own working memory.
QUERY_RUNS = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


def onnx_folder(models_dir: str | Path, checksum: str) -> Path:
    """Where the ONNX export of the model with these weights is kept."""
    return Path(models_dir) / f"onnx-{checksum[:16]}"


def _exported_from(folder: Path) -> str | None:
    try:
        return json.loads((folder / SOURCE_FILE).read_text("utf-8")).get("sha256")
    except (OSError, ValueError, AttributeError):
        return None


def exported_onnx(models_dir: str | Path, checksum: str) -> Path | None:
    """The ONNX file already exported from the weights with this checksum, or None."""
    out = onnx_folder(models_dir, checksum)
    if (out / ONNX_FILE).is_file() and _exported_from(out) == checksum:
        return out / ONNX_FILE
    return None


def export_onnx(model_folder: str | Path, checksum: str, models_dir: str | Path) -> Path:
    """The ONNX file of the transformer in ``model_folder`` (weights SHA-256 ``checksum``),
    exporting it first if there is none for these weights. Needs torch only to export."""
    if done := exported_onnx(models_dir, checksum):
        return done
    out = onnx_folder(models_dir, checksum)
    steps.info(
        "exporting the model to ONNX, once for these weights, so that questions are "
        "encoded without torch"
    )
    offline_hub()
    no_loading_bars()
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_folder), local_files_only=True).eval()

    class LastHiddenState(torch.nn.Module):
        # transformers 5 rejects positional inputs in a traced call: pass them by name
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    example = torch.ones((2, 8), dtype=torch.int64)
    axes = {0: "batch", 1: "tokens"}
    with staged_folder(out) as staging:
        # Tracing warns about data-dependent branches in transformers' masking code; they
        # take one path for every input shape here, and the equivalence test checks it.
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore", torch.jit.TracerWarning)
            # Chosen on purpose: the newer exporter needs onnxscript, not installed here.
            warnings.filterwarnings(
                "ignore", "You are using the legacy TorchScript", DeprecationWarning
            )
            # The exporter warns that its aten::index translation is wrong for negative
            # indices ("... will produce incorrect results"): the model indexes only with
            # positions and masks, never negative, and the equivalence tests
            # (tests/test_onnx_encoder.py) hold the export to torch's own embeddings.
            warnings.filterwarnings(
                "ignore", "Exporting aten::index operator of advanced indexing", UserWarning
            )
            torch.onnx.export(
                LastHiddenState(model),
                (example, example, torch.zeros_like(example)),
                str(staging / ONNX_FILE),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["last_hidden_state"],
                dynamic_axes={
                    "input_ids": axes,
                    "attention_mask": axes,
                    "token_type_ids": axes,
                    "last_hidden_state": axes,
                },
                opset_version=OPSET,
                dynamo=False,  # the TorchScript exporter needs no onnx/onnxscript packages
            )
        (staging / SOURCE_FILE).write_text(
            json.dumps({"sha256": checksum, "model": str(model_folder)}), "utf-8"
        )
    return out / ONNX_FILE


class OnnxEncoder:
    """The same embeddings as the sentence-transformers model (mean pooling over the
    attention mask, L2-normalised), computed by onnxruntime from an exported file."""

    def __init__(
        self,
        model_folder: str | Path,
        onnx_file: str | Path,
        name: str,
        checksum: str,
        base: dict | None = None,
        threads: int = 0,
    ) -> None:
        """``threads``: onnxruntime intra-op threads (0: its default, one per core, for
        builds). With one thread, the encoder of a threaded server: at most QUERY_RUNS
        questions run at once, each allocating and freeing its own working memory. The
        memory arena onnxruntime keeps otherwise grew to 60-85 MB of resident memory with
        8 threads asking at once, at 100,000 passages; without it, and with runs bounded,
        the server's peak was 45-70 MB lower at the same requests a second (measured)."""
        import onnxruntime
        from tokenizers import Tokenizer

        self.name, self.checksum, self.base = name, checksum, base
        self.path = str(model_folder)
        tokenizer = Tokenizer.from_file(str(Path(model_folder) / "tokenizer.json"))
        tokenizer.enable_truncation(MAX_TOKENS)
        pad = tokenizer.token_to_id("[PAD]")
        tokenizer.enable_padding(pad_id=0 if pad is None else pad, pad_token="[PAD]")
        self._tokenizer = tokenizer
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.log_severity_level = 3
        # Threads that spin waiting for work hold cores other work needs: on a busy 2-core
        # machine a build ran 20-50% slower with spinning on (bench/RESULTS.md).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._runs = QUERY_RUNS if threads == 1 else None
        if self._runs is not None:
            options.enable_cpu_mem_arena = False
        self._session = onnxruntime.InferenceSession(
            str(onnx_file), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        self.dimension = int(self._session.get_outputs()[0].shape[-1])

    def _run(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, list]:
        """(last hidden states, attention mask, the tokenizer's encodings) of a padded batch."""
        encodings = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.array([e.type_ids for e in encodings], dtype=np.int64)
        if self._runs is None:
            (hidden,) = self._session.run(["last_hidden_state"], feed)
        else:
            with self._runs:
                (hidden,) = self._session.run(["last_hidden_state"], feed)
        return hidden, mask, encodings

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        hidden, mask, _ = self._run(texts)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def token_states(self, texts: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per text: its tokens' last hidden states and character offsets (see
        index.embed.TokenEncoder), the tokens ``encode`` pools."""
        if not texts:
            return []
        hidden, mask, encodings = self._run(texts)
        out = []
        for row, encoding in enumerate(encodings):
            n = int(mask[row].sum())
            offsets = np.asarray(encoding.offsets[:n], dtype=np.int64).reshape(-1, 2)
            out.append((hidden[row, :n].astype(np.float32), offsets))
        return out
