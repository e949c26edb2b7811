"""A rebuild in a child process that stops at a chosen point, so a test can SIGKILL it there.

    python -m tests.rebuild_child REPORTS_DIR INDEX_DIR STAGE

It prints ``STOPPED AT <stage>`` and sleeps when it reaches the stage:
``embedding`` (inside the encoder), ``cache`` (the new cache file written under its
temporary name, not yet renamed), ``build`` (the build folder written, not yet
renamed) or ``swap`` (the finished build about to become current).
"""

from __future__ import annotations

import os
import sys
import time

from index.rebuild import LoadedModel, Rebuilder
from tests.conftest import HashEncoder

STAGES = ("embedding", "cache", "build", "swap")


def stop(stage: str) -> None:
    print(f"STOPPED AT {stage}", flush=True)
    time.sleep(60)  # the test kills us long before this
    sys.exit(f"not killed at {stage}")


def main(reports_dir: str, index_dir: str, stage: str) -> None:
    assert stage in STAGES, stage
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

    encoder = HashEncoder()
    if stage == "embedding":
        encoder.encode = lambda texts: stop(stage)
    os.rename, os.replace = stopping_rename, stopping_replace
    Rebuilder(reports_dir, index_dir, LoadedModel(encoder)).run()
    sys.exit(f"the rebuild finished without reaching {stage}")


if __name__ == "__main__":
    main(*sys.argv[1:])
