"""schemathesis over /api/openapi.json, with every one of its checks, against the app behind
a real WSGI server (waitress, tests/serving.py), once with the admin token and once
without: every request the description allows is accepted, every one it rules out is
refused with a 4xx, every answer has the status, type and shape described.

The document says what the index served lets a request name (filters, grade arguments),
so the run is over a small index of two reports, made with the test encoder (this is
about the API's shape, not retrieval). The examples per operation and the seed are fixed,
so a run takes about a minute and finds the same things each time; tests/schemathesis.toml
says the one expectation added to schemathesis's own.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.synthetic import REAL_REPORT, report_text, write_report
from tests.conftest import HashEncoder, indexed_app
from tests.serving import serving

CONFIG = Path(__file__).with_name("schemathesis.toml")
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
TOKEN = "schemathesis-token-7c1f"
EXAMPLES = 50  # per operation and phase
SEED = 20261206


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("schemathesis")
    reports = folder / "reports"
    reports.mkdir()
    shutil.copy(REAL_REPORT, reports / REAL_REPORT.name)
    write_report(reports, "testshire-2018-legitimacy.txt", report_text())
    # Feedback's rate limits out of the way: schemathesis sends hundreds of verdicts a
    # minute, all valid or not as the document says (tests/test_feedback.py tests the limits).
    unlimited = {"FEEDBACK_PER_MINUTE": 10**6, "FEEDBACK_BURST": 10**6}
    unlimited["FEEDBACK_TOTAL_PER_MINUTE"] = 10**6
    app = indexed_app(reports, HashEncoder(), folder / "index", ADMIN_TOKEN=TOKEN, **unlimited)
    with serving(app) as base:
        yield base, folder


@pytest.mark.parametrize("token", [True, False], ids=["with the admin token", "without"])
def test_schemathesis_finds_nothing_wrong(served, token):
    base, folder = served
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(CONFIG),
        "run",
        f"{base}/api/openapi.json",
        "--checks=all",
        f"--max-examples={EXAMPLES}",
        f"--seed={SEED}",
        "--generation-database=none",
        "--no-color",
        "--output-truncate=true",
    ]
    if token:
        command += ["--header", f"Authorization: Bearer {TOKEN}"]
    ran = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=900)
    output = ran.stdout + ran.stderr
    assert ran.returncode == 0, output[-8000:]
    assert "Tested: 9" in output  # every operation described was tried
