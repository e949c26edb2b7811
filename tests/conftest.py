"""Fixtures: tiny corpora and indexes built in tmp_path, a deterministic encoder for
structure tests, and the real model (loaded once per session) for retrieval tests."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from app import create_app
from bench.synthetic import REAL_REPORT, report_text, write_report
from corpus import load_reports
from corpus.reports import SOURCES_FILE
from index.rebuild import LoadedModel, Rebuilder
from index.store import read_manifest


class HashEncoder:
    """Bag of hashed words: deterministic, fast, and good enough to test structure."""

    name = "hash-test-encoder"
    checksum = "hash-test-encoder-v1"
    dimension = 64

    def __init__(self) -> None:
        self.calls = 0
        self.texts_encoded = 0
        self.encoded: list[str] = []  # every text, in order

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        self.texts_encoded += len(texts)
        self.encoded.extend(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                slot = int.from_bytes(hashlib.md5(word.encode()).digest()[:4], "little")
                out[row, slot % self.dimension] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


def build(reports: Path, encoder, index_dir: Path, exact_limit: int | None = None) -> dict:
    """Index a folder of reports with ``encoder`` by the service's own rebuild (every
    passage embedded afresh, a new build made current); returns its manifest."""
    Rebuilder(reports, index_dir, LoadedModel(encoder), exact_limit=exact_limit).run(full=True)
    return read_manifest(index_dir)


def indexed_app(reports: Path, encoder, index_dir: Path, **config):
    """The app over a folder of reports, indexed first with ``encoder`` by the service's own
    build; ``config`` adds or overrides settings."""
    build(reports, encoder, index_dir)
    return create_app(
        {
            "TESTING": True,
            "INDEX_DIR": str(index_dir),
            "REPORTS_DIR": str(reports),
            "ENCODER": encoder,
            **config,
        }
    )


@pytest.fixture
def encoder() -> HashEncoder:
    return HashEncoder()


@pytest.fixture
def reports_dir(tmp_path: Path) -> Path:
    """The real report plus one synthetic Legitimacy report."""
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(REAL_REPORT, folder / REAL_REPORT.name)
    write_report(folder, "testshire-2018-legitimacy.txt", report_text())
    return folder


@pytest.fixture
def index_dir(tmp_path: Path, reports_dir: Path, encoder: HashEncoder) -> Path:
    folder = tmp_path / "index"
    build(reports_dir, encoder, folder)
    return folder


@pytest.fixture
def app(index_dir: Path, reports_dir: Path, encoder: HashEncoder):
    return create_app(
        {
            "TESTING": True,
            "INDEX_DIR": str(index_dir),
            "REPORTS_DIR": str(reports_dir),
            "ENCODER": encoder,
            "INDEX_CHECK_SECONDS": 0,  # see a new build at once, not up to a second later
        }
    )


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def real_models_dir(tmp_path_factory) -> Path:
    """Where the session's adapted model is kept (a subprocess can reuse it).

    QA_TEST_MODELS_DIR names a folder to keep it in between runs, which saves adapting the
    model again (minutes on two busy cores) when running the suite repeatedly."""
    kept = os.environ.get("QA_TEST_MODELS_DIR")
    if kept:
        Path(kept).mkdir(parents=True, exist_ok=True)
        return Path(kept)
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def real_encoder(real_models_dir):
    """The real model, adapted to the shipped report as `make index` does (once per session)."""
    from index.adapt import adapted_encoder

    passages = [p for _, ps in load_reports(REAL_REPORT.parent) for p in ps]
    return adapted_encoder(None, real_models_dir, passages)


@pytest.fixture(scope="session")
def real_index_dir(tmp_path_factory, real_encoder) -> Path:
    """The shipped report indexed with the real model, once per session."""
    folder = tmp_path_factory.mktemp("real") / "index"
    build(REAL_REPORT.parent, real_encoder, folder)
    return folder


@pytest.fixture(scope="session")
def real_app(real_index_dir, real_encoder):
    return create_app(
        {
            "TESTING": True,
            "INDEX_DIR": str(real_index_dir),
            "REPORTS_DIR": str(REAL_REPORT.parent),
            "ENCODER": real_encoder,
        }
    )


MULTI = Path(__file__).resolve().parent / "data" / "multi"
MULTI_SOURCE_URL = "https://www.example.org/synthetic/lancashire-2017-effectiveness"


@pytest.fixture(scope="session")
def multi_app(tmp_path_factory, real_encoder):
    """The shipped report beside three clearly synthetic ones (tests/data/multi), indexed
    with the real model: a question answered from the wrong force is detectable."""
    folder = tmp_path_factory.mktemp("multi")
    reports = folder / "reports"
    reports.mkdir()
    shutil.copy(REAL_REPORT, reports / REAL_REPORT.name)
    for path in sorted(MULTI.glob("synthetic-*.txt")):
        shutil.copy(path, reports / path.name)
    # One report with a published address, as `reports add --source` records it (made up).
    lancs = "synthetic-lancashire-2017-effectiveness.txt"
    (reports / SOURCES_FILE).write_text(json.dumps({lancs: MULTI_SOURCE_URL}))
    return indexed_app(reports, real_encoder, folder / "index")


# The real page openings (CI has a copy of shared/ beside the clone, as the developers do).
FRAGMENTS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "fragments"


def fragment_corpus(folder: Path) -> Path:
    """The shipped report and every readable real page opening (the landing page, which
    holds no report, is refused as `reports add` refuses it), in ``folder``."""
    from common.errors import ReportParseError
    from corpus import parse_file

    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(REAL_REPORT, folder / REAL_REPORT.name)
    for path in sorted(FRAGMENTS.glob("*.txt")):
        try:
            parse_file(path)
        except ReportParseError:
            continue
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="session")
def fragment_app(tmp_path_factory, real_encoder):
    """The shipped report and the real page openings (48 reports of 13 forces), indexed
    with the real model."""
    folder = tmp_path_factory.mktemp("fragments")
    return indexed_app(fragment_corpus(folder / "reports"), real_encoder, folder / "index")


@pytest.fixture(scope="module")
def fragment_hash_app(tmp_path_factory):
    """The same corpus indexed with the hashing encoder, for what structure decides."""
    folder = tmp_path_factory.mktemp("fragments-hash")
    return indexed_app(fragment_corpus(folder / "reports"), HashEncoder(), folder / "index")


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Headless, and quiet: no sandbox (CI runs as root) and no calls home, which would only
# be refused connections on a machine without network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, for the page tests."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: run `apt-get install -y chromium` (make test does)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
