"""The service's one exception hierarchy.

It lives in ``common`` (below every other layer) so that every layer can raise these
without import cycles. Each class has a short ``code``, the stable name a client or a
script can test for; what a class means over HTTP (status, headers) is decided in
``web/errors.py``, and the command line turns each into a message and a non-zero exit::

    QAError                      internal
    ├── BadRequest               bad_request (or a more precise code given when raised)
    │   ├── BadQuestion          bad_question
    │   ├── BadFileName          bad_file_name
    │   └── BadSourceUrl         bad_source_url (a report's published address)
    ├── Unauthorized             unauthorized (no or a wrong admin token)
    ├── Forbidden                forbidden
    ├── NotFound                 not_found
    ├── Conflict                 conflict
    │   ├── ReportExists         report_exists
    │   └── RebuildBusy          rebuild_busy
    ├── UnsupportedMediaType     unsupported_media_type
    ├── ReportParseError         report_parse_error (names file and line)
    │   └── ReportNotText        unsupported_media_type
    ├── IndexNotReady            index_not_ready
    │   ├── ModelMismatch        model_mismatch
    │   └── ModelChecksumError   model_checksum
    ├── TooManyRequests          too_many_requests (a client over a rate limit)
    ├── StorageError             storage_error (disk full, read-only, no permission)
    └── SiteUnreachable          site_unreachable (`reports fetch`: offline, DNS, blocked)
"""

from __future__ import annotations


class QAError(Exception):
    """Base of every error the service reports to a user."""

    code = "internal"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(QAError):
    code = "bad_request"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code:
            self.code = code


class BadQuestion(BadRequest):
    code = "bad_question"


class BadFileName(BadRequest):
    """A report file name that is not a plain ``name.txt`` inside the reports folder."""

    code = "bad_file_name"


class BadSourceUrl(BadRequest):
    """A published-report address that is not an http(s) URL, or not one per file."""

    code = "bad_source_url"


class Unauthorized(QAError):
    """No or a wrong admin token."""

    code = "unauthorized"


class Forbidden(QAError):
    code = "forbidden"


class NotFound(QAError):
    code = "not_found"


class Conflict(QAError):
    code = "conflict"


class ReportExists(Conflict):
    code = "report_exists"

    def __init__(self, message: str, file: str | None = None) -> None:
        super().__init__(message)
        self.file = file  # the report file's name, for a message in the caller's own terms


class RebuildBusy(Conflict):
    """Another rebuild (or change to the reports folder) holds the lock."""

    code = "rebuild_busy"


class UnsupportedMediaType(QAError):
    code = "unsupported_media_type"


class ReportParseError(QAError):
    """A file that is not a readable PEEL report; names the file and the line."""

    code = "report_parse_error"

    def __init__(self, path: str, line: int, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        super().__init__(f"{self.path}, line {line}: {reason}")

    def __reduce__(self):  # pickled whole: a report is read in a child process
        return type(self), (self.path, self.line, self.reason)


class ReportNotText(ReportParseError):
    """Binary or non-UTF-8 bytes: not a text report page at all."""

    code = "unsupported_media_type"


class TooManyRequests(QAError):
    """A client over a rate limit; ``retry_after``: seconds until it may try again."""

    code = "too_many_requests"

    def __init__(self, message: str, retry_after: float = 1.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class IndexNotReady(QAError):
    code = "index_not_ready"


class ModelMismatch(IndexNotReady):
    code = "model_mismatch"


class StorageError(QAError):
    """The disk refused a write (full, read-only, not permitted); what was there is intact."""

    code = "storage_error"


class ModelChecksumError(IndexNotReady):
    """The model files on disk are missing or not the ones we expect: nothing can be
    answered until they are put right, but the server stays up to say so."""

    code = "model_checksum"


class SiteUnreachable(QAError):
    """`reports fetch` cannot talk to the site at all (offline, DNS failure, a refused
    connection, an unreadable robots.txt): nothing was fetched and nothing changed."""

    code = "site_unreachable"
