"""`flask --app app mcp` over a test index, for tests/test_mcp.py: the same command, run on
real stdin and stdout, with the app over REPORTS_DIR and INDEX_DIR and the test encoder
(the real model would only make the child slow to start; answers are compared, not judged).

    python -m tests.mcp_stdio_child REPORTS_DIR INDEX_DIR [the command's options]
"""

from __future__ import annotations

import sys

from app import create_app
from tests.conftest import HashEncoder
from web.mcp_tools import mcp_command


def main(reports_dir: str, index_dir: str, *options: str) -> None:
    app = create_app({"INDEX_DIR": index_dir, "REPORTS_DIR": reports_dir, "ENCODER": HashEncoder()})
    with app.app_context():
        mcp_command.main(args=list(options), prog_name="flask mcp", standalone_mode=False)


if __name__ == "__main__":
    main(*sys.argv[1:])
