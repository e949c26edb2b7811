"""A rebuild that stops at a chosen point, so a test can SIGKILL it there.

    python -m tests.rebuild_child REPORTS_DIR INDEX_DIR STAGE
    python -m tests.rebuild_child --server REPORTS_DIR INDEX_DIR STAGE REPORT_FILE

It prints ``STOPPED AT <stage>`` and sleeps when it reaches the stage:
``parsing`` (every report parsed, nothing embedded yet), ``embedding`` (inside the
encoder), ``cache`` (the new cache file written under its temporary name, not yet
renamed), ``build`` (the build folder written, not yet renamed) or ``swap`` (the
finished build about to become current).

With ``--server`` it is a server instead: the app, with an admin token, is sent
REPORT_FILE as an upload (answered 202, as a client sees it) and rebuilds in its own
child process, as the real server does; that child stops at the stage.
"""

from __future__ import annotations

import os
import sys
import time

from index.rebuild import LoadedModel, Rebuilder
from tests.conftest import HashEncoder

STAGES = ("parsing", "embedding", "cache", "build", "swap")
TOKEN = "rebuild-child-token"


def stop(stage: str) -> None:
    print(f"STOPPED AT {stage}", flush=True)
    time.sleep(60)  # the test kills us long before this
    sys.exit(f"not killed at {stage}")


def stop_renames_at(stage: str) -> None:
    """Make this process stop at ``stage`` when the rebuild renames a file into place."""
    rename, replace = os.rename, os.replace

    def stopping_rename(src, dst, *args, **kwargs):
        if stage == "build" and os.path.basename(src).startswith(".tmp-"):
            stop(stage)
        return rename(src, dst, *args, **kwargs)

    def stopping_replace(src, dst, *args, **kwargs):
        name = os.path.basename(src)
        if stage == "cache" and name.startswith(".tmp-") and name.endswith(".npz"):
            stop(stage)
        if stage == "swap" and os.path.basename(dst) == "current":
            stop(stage)
        return replace(src, dst, *args, **kwargs)

    os.rename, os.replace = stopping_rename, stopping_replace


class StoppingModel(LoadedModel):
    """The hash encoder, as a model source that stops the rebuild using it at ``stage``.

    It is pickled into the server's rebuild process and acts there, when the rebuild
    asks it for an encoder (just after parsing every report)."""

    def __init__(self, stage: str) -> None:
        super().__init__(HashEncoder())
        self.stage = stage

    def encoder_for_build(
        self, passages, previous, retrain=False, progress_factory=None, adapt_later=False
    ):
        if self.stage == "parsing":
            stop(self.stage)
        stop_renames_at(self.stage)
        if self.stage == "embedding":
            self.encoder.encode = lambda texts: stop("embedding")
        return self.encoder


def main(reports_dir: str, index_dir: str, stage: str) -> None:
    assert stage in STAGES, stage
    Rebuilder(reports_dir, index_dir, StoppingModel(stage)).run()
    sys.exit(f"the rebuild finished without reaching {stage}")


def serve(reports_dir: str, index_dir: str, stage: str, report: str) -> None:
    from app import create_app

    assert stage in STAGES, stage
    app = create_app(
        {
            "INDEX_DIR": index_dir,
            "REPORTS_DIR": reports_dir,
            "ENCODER": HashEncoder(),
            "ADMIN_TOKEN": TOKEN,
        }
    )
    app.extensions["rebuilder"].model = StoppingModel(stage)
    with open(report, "rb") as fh:
        res = app.test_client().post(
            "/api/reports",
            data={"file": (fh, os.path.basename(report), "text/plain")},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
    print(f"UPLOADED {res.status_code}", flush=True)
    app.extensions["rebuild_job"].wait(timeout=60)
    sys.exit(f"the rebuild finished without reaching {stage}")


if __name__ == "__main__":
    if sys.argv[1] == "--server":
        serve(*sys.argv[2:])
    else:
        main(*sys.argv[1:])
