"""The service's one exception hierarchy.

It lives in ``corpus`` (the bottom layer) so that every layer can raise these
without import cycles. Each class carries the HTTP status and the short code
that the JSON error body uses::

    QAError                      500 internal
    ├── BadRequest               400 bad_request
    │   ├── BadQuestion          400 bad_question
    │   └── BadFileName          400 bad_file_name
    ├── Unauthorized             401 unauthorized
    ├── Forbidden                403 forbidden
    ├── NotFound                 404 not_found
    ├── Conflict                 409 conflict
    │   ├── ReportExists         409 report_exists
    │   └── RebuildBusy          409 rebuild_busy
    ├── UnsupportedMediaType     415 unsupported_media_type
    ├── ReportParseError         422 report_parse_error (names file and line)
    │   └── ReportNotText        415 unsupported_media_type
    ├── IndexNotReady            503 index_not_ready
    │   ├── ModelMismatch        503 model_mismatch
    │   └── ModelChecksumError   503 model_checksum
    └── StorageError             507 storage_error (disk full, read-only, no permission)
"""

from __future__ import annotations


class QAError(Exception):
    """Base of every error the service reports to a user."""

    status = 500
    code = "internal"
    headers: dict[str, str] = {}  # extra HTTP response headers

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


class BadFileName(BadRequest):
    """A report file name that is not a plain ``name.txt`` inside the reports folder."""

    status = 400
    code = "bad_file_name"


class Unauthorized(QAError):
    """No or a wrong admin token."""

    status = 401
    code = "unauthorized"
    headers = {"WWW-Authenticate": 'Bearer realm="peel-qa admin"'}


class Forbidden(QAError):
    status = 403
    code = "forbidden"


class NotFound(QAError):
    status = 404
    code = "not_found"


class Conflict(QAError):
    status = 409
    code = "conflict"


class ReportExists(Conflict):
    code = "report_exists"


class RebuildBusy(Conflict):
    """Another rebuild (or change to the reports folder) holds the lock."""

    code = "rebuild_busy"


class UnsupportedMediaType(QAError):
    status = 415
    code = "unsupported_media_type"


class ReportParseError(QAError):
    """A file that is not a readable PEEL report; names the file and the line."""

    status = 422
    code = "report_parse_error"

    def __init__(self, path: str, line: int, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        super().__init__(f"{self.path}, line {line}: {reason}")


class ReportNotText(ReportParseError):
    """Binary or non-UTF-8 bytes: not a text report page at all."""

    status = 415
    code = "unsupported_media_type"


class IndexNotReady(QAError):
    status = 503
    code = "index_not_ready"


class ModelMismatch(IndexNotReady):
    code = "model_mismatch"


class StorageError(QAError):
    """The disk refused a write (full, read-only, not permitted); what was there is intact."""

    status = 507
    code = "storage_error"


class ModelChecksumError(IndexNotReady):
    """The model files on disk are missing or not the ones we expect: nothing can be
    answered until they are put right, but the server stays up to say so."""

    code = "model_checksum"
