"""The service's one exception hierarchy.

It lives in ``corpus`` (the bottom layer) so that every layer can raise these
without import cycles. Each class carries the HTTP status and the short code
that the JSON error body uses::

    QAError                      500 internal
    ├── BadRequest               400 bad_request
    │   └── BadQuestion          400 bad_question
    ├── NotFound                 404 not_found
    ├── ReportParseError         422 report_parse_error (names file and line)
    └── IndexNotReady            503 index_not_ready
        └── ModelMismatch        503 model_mismatch
    ModelChecksumError           500 model_checksum
"""

from __future__ import annotations


class QAError(Exception):
    """Base of every error the service reports to a user."""

    status = 500
    code = "internal"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message}}


class BadRequest(QAError):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code:
            self.code = code


class BadQuestion(BadRequest):
    status = 400
    code = "bad_question"


class NotFound(QAError):
    status = 404
    code = "not_found"


class ReportParseError(QAError):
    """A file that is not a readable PEEL report; names the file and the line."""

    status = 422
    code = "report_parse_error"

    def __init__(self, path: str, line: int, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        super().__init__(f"{self.path}, line {line}: {reason}")


class IndexNotReady(QAError):
    status = 503
    code = "index_not_ready"


class ModelMismatch(IndexNotReady):
    code = "model_mismatch"


class ModelChecksumError(QAError):
    """The model files on disk are not the ones we expect."""

    status = 500
    code = "model_checksum"
