"""The app behind serve.py's waitress server in a process of its own, for
tests/test_feedback.py to kill with SIGKILL right after a verdict is acknowledged.

    python -m tests.feedback_child REPORTS_DIR INDEX_DIR FEEDBACK_DB

Prints ``PORT <n>`` once listening. The test encoder: feedback does not need the model.
"""

from __future__ import annotations

import sys

from app import create_app
from serve import strict_server
from tests.conftest import HashEncoder


def main(reports_dir: str, index_dir: str, feedback_db: str) -> None:
    app = create_app(
        {
            "INDEX_DIR": index_dir,
            "REPORTS_DIR": reports_dir,
            "ENCODER": HashEncoder(),
            "FEEDBACK_DB": feedback_db,
        }
    )
    server = strict_server(app, {}, host="127.0.0.1", port=0, threads=4)
    print(f"PORT {server.effective_port}", flush=True)
    server.run()


if __name__ == "__main__":
    main(*sys.argv[1:])
