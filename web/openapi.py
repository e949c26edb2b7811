"""The API described: response models and the OpenAPI 3.1 document built from them and from
the request model that validates /api/ask (qa.request.AskBody).

The response models are what the tests hold every real response to (``extra="forbid"``), so
a key the service sends but the document does not describe fails a test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema

from qa.feedback import FeedbackBody
from qa.grades import QUERY_KEYS, column_of, grade_cells
from qa.request import WHITE_SPACE, AskBody, FiltersBody, TurnBody
from qa.retrieve import INTENT_BOOST

# The fused rank score is at most 1; a passage matching the question's intent gains up to
# INTENT_BOOST and one in the section a follow-up leans on up to SECTION_BOOST.
MAX_SCORE = round(1 + INTENT_BOOST + 0.3, 2)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Citation(Strict):
    """Where a passage (or, with ``paragraph`` null, a whole unit) sits in its report."""

    force: str
    year: str
    pillar: str | None
    question_number: int | None
    question: str | None
    grade: str | None
    section: str | None
    paragraph: int | None
    unit: str
    unit_label: str | None
    unit_title: str | None
    page: int | None


class PassageHit(Strict):
    id: str
    text: str
    score: float = Field(
        gt=0,
        le=MAX_SCORE,
        description=(
            "Fused ranking score, best first. The rank fusion of the paragraph's similarity, its "
            "best sentence's similarity and its keywords is in (0, 1] (1 when every signal ranks "
            f"it first); a passage that states what the question's intent asks for (a grade, an "
            f"area for improvement) gains up to {INTENT_BOOST}, and one in the report section a "
            f"follow-up question leans on up to 0.3, so the score can reach {MAX_SCORE}. "
            "It orders passages; it is not a probability."
        ),
    )
    highlights: list[tuple[int, int]] = Field(
        description="[start, end) character spans of text (Python string indices)"
    )
    citation: Citation
    cite: str


class Row(Strict):
    force: str
    year: str
    pillar: str | None
    area: str | None = Field(None, description="a 2021+ area of policing")
    question_number: int | None
    question: str | None
    unit: str
    unit_title: str | None
    grade: str | None
    passage_id: str | None
    cite: str
    note: str | None = Field(
        None, description="what another page of the same force and cycle says, when it differs"
    )


class DirectAnswer(Strict):
    kind: Literal[
        "grade", "improvements", "reasons", "sentence", "compare", "list", "trend", "overall"
    ]
    text: str
    passage_id: str | None
    citation: Citation | None
    cite: str | None
    score: float | None = Field(None, description="sentence answers: cosine similarity")
    grade: str | None = None
    items: list[str] | None = None
    item_passage_ids: list[str] | None = Field(
        None, description="reasons: the passage each item is quoted from, in the same order"
    )
    rows: list[Row] | None = None
    answer_type: str | None = None
    highlights: list[tuple[int, int]] | None = Field(
        None,
        description="[start, end) character spans of the passage passage_id that state the "
        "answer (Python string indices), as a passage page's span argument marks them",
    )


class Understood(Strict):
    intent: str
    answer_type: str | None
    forces: list[str]
    unindexed_forces: list[str]
    years: list[int]
    pillars: list[str]
    topic: str
    followup: bool


class ScopeOut(Strict):
    reports: list[str]
    forces: list[str]
    named: bool
    note: str | None


class AskResponse(Strict):
    question: str
    answer: DirectAnswer | None
    message: str | None = Field(None, description="why there is no direct answer, or a note")
    followup: bool
    closest: bool = Field(description="no answer: the passages are only the closest ones")
    understood: Understood | None = None
    scope: ScopeOut | None = None
    passages: list[PassageHit]
    took_ms: float


class ErrorDetail(Strict):
    code: str
    message: str


class ErrorBody(Strict):
    """The one error shape of every /api/ endpoint."""

    error: ErrorDetail


class GradeCell(Strict):
    force: str
    cycle: str
    pillar: str | None
    report: str
    unit: str
    unit_label: str
    unit_title: str | None
    kind: Literal["report", "question", "pillar", "area"]
    grade: str
    carried_over: bool
    passage_id: str | None = Field(description="the passage that states the grade")
    span: tuple[int, int] | None = Field(description="the sentence in it that states it")
    cite: str


class GradeFilters(Strict):
    force: str | None
    cycle: str | None
    pillar: str | None
    grade: str | None


class GradesResponse(Strict):
    filters: GradeFilters
    grades: list[GradeCell]


class CitedIn(Strict):
    report: str
    passage_id: str | None
    cite: str


class GradeSide(Strict):
    grade: str
    passage_id: str | None
    cite: str


class UnitChange(Strict):
    unit: str
    unit_label: str
    unit_title: str | None
    before: GradeSide | None
    after: GradeSide | None
    movement: Literal["up", "down", "same", "not comparable", "first graded", "not graded now"]


class AreaChange(Strict):
    status: Literal["repeated", "new", "no longer listed"]
    text: str
    earlier_text: str | None
    similarity: float | None
    after: CitedIn
    before: CitedIn


class Step(Strict):
    before: str
    after: str
    compared: bool
    note: str | None
    units: list[UnitChange]
    areas_for_improvement: list[AreaChange]


class ReportSummary(Strict):
    id: str
    title: str
    year: str
    pillar: str | None
    grade: str | None


class GradeLine(Strict):
    name: str
    grades: list[GradeSide | None] = Field(description="one per cycle, null where none")


class ForceHistory(Strict):
    force: str
    reports: list[ReportSummary]
    repeated_at: float = Field(description="least cosine similarity of a repeated area")
    cycles: list[str] = Field(description="the cycles that graded something, oldest first")
    grades_by_cycle: list[GradeLine] = Field(
        description="each pillar (or 2021+ area) across the cycles, whichever page stated it"
    )
    steps: list[Step]


class UnitOut(Strict):
    key: str = Field(description="unique within the report; part of passage ids")
    label: str = Field(description='short label for citations: "Q2", "Investigating crime"')
    title: str | None = Field(description="the heading as printed")
    grade: str | None
    kind: Literal["overview", "question", "pillar", "area", "section"]
    number: int | None = Field(description="framework question number, for numbered questions")
    pillar: str | None
    carried_over: bool = Field(description="the grade is carried over from an earlier inspection")
    areas_for_improvement: list[str]
    causes_of_concern: list[str]
    page: int | None = Field(description="the PDF page the unit starts on")
    grade_sentence: str | None = Field(
        None,
        description="the report's sentence stating the grade, verbatim, when the grade is "
        "read from prose rather than a grade line (it may be in another unit's passage)",
    )


class QuestionOut(Strict):
    number: int
    text: str
    grade: str | None
    carried_over: bool
    areas_for_improvement: list[str]


class ReportOut(Strict):
    id: str = Field(examples=["lancashire-2018-effectiveness"])
    file: str = Field(description="the report file's name in the reports folder")
    sha256: str
    force: str
    year: str = Field(description='the cycle as the report prints it: "2018", "2021/22"')
    pillar: str | None = Field(description="None for overview pages and 2021+ reports")
    headline: str | None
    grade: str | None = Field(description="the pillar's (or the whole report's) grade")
    updated: str | None = Field(description='"Last updated" date of the web page, as printed')
    units: list[UnitOut]
    acronyms: dict[str, str]
    layout: str = Field(description="which layout read it, e.g. peel-2014-2019-pillar")
    grade_scale: str | None
    source_format: Literal["text", "html", "pdf"]
    warnings: list[str] = Field(description="what the parser had to guess or could not find")
    source_url: str | None = Field(
        description="the http(s) address of the published report, when recorded "
        "(reports add --source, or the upload's source field)",
        examples=["https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/"],
    )
    questions: list[QuestionOut] = Field(description="the numbered questions (a view of units)")


class CoveragePage(Strict):
    file: str = Field(description="the file name the page is (or would be) stored under")
    kind: str = Field(description="overview, a pillar, <pillar>-detailed-findings, report ...")
    state: Literal["staged", "added", "refused", "not_found", "failed", "landing"]
    reason: str | None = Field(description="why it was refused, or what the last check found")
    url: str = Field(description="the page's address (after redirects, once fetched)")


class CoverageCell(Strict):
    state: Literal["indexed", "waiting", "refused", "not_found", "not_fetched"]
    reason: str | None = Field(description="why refused or not found, or the last try's failure")
    indexed: list[str] = Field(description="the indexed report files of this force and cycle")
    checked: str | None = Field(description="when `reports fetch` last asked the site")
    pages: list[CoveragePage] = Field(description="what `reports fetch` recorded, page by page")


class CoverageForce(Strict):
    force: str
    cycles: dict[str, CoverageCell] = Field(description="by cycle: 2014 ... 2023")


class CoverageCycle(Strict):
    cycle: str = Field(examples=["2021"])
    label: str = Field(examples=["2021/22"])


class LastFetch(Strict):
    started: str
    finished: str | None = Field(description="null when the run stopped before its end")
    base_url: str


class Coverage(Strict):
    cycles: list[CoverageCycle]
    states: dict[str, str] = Field(description="each state in words")
    counts: dict[str, int] = Field(description="cells in each state")
    last_fetch: LastFetch | None
    forces: list[CoverageForce] = Field(description="every force PEEL inspects")


class ReportsResponse(Strict):
    reports: list[ReportOut] = Field(description="every indexed report")
    filters: dict[str, list[str | int]]
    examples: list[str]
    model_note: str | None = Field(
        description="set while answers come from the base model, before the model adapted "
        "to the reports takes over (a first run adapts it in the background)"
    )
    waiting_note: str | None = Field(
        description="set while report files added to the folder wait to be indexed: how "
        "many, which, and whether a rebuild is running"
    )
    coverage: Coverage = Field(
        description="each force by cycle: indexed, fetched and waiting to be indexed, "
        "fetched but refused (why), not found on the site, not fetched yet "
        "(`flask --app app reports coverage`, the /coverage page)"
    )


class Health(Strict):
    status: Literal["ok", "adapting", "adapting_failed", "behind", "damaged"] = Field(
        description="ok; adapting: the build served was made with the base model and the "
        "adapted one is still to come; adapting_failed: the same, but the background rebuild "
        "that adapts it failed (tried again at the next rebuild or start); behind: report "
        "files the serving build lacks; damaged: its files"
    )
    passages: int
    reports: int
    model: str
    build_id: str
    # Present only with status behind or damaged (servers that check the folder and disk).
    behind: dict[str, list[str]] | None = Field(
        None,
        description="added, changed, removed (and sources: files whose published address "
        "changed, when there are some)",
    )
    waiting: list[str] | None = Field(
        None,
        description="report files added to the folder (or changed) that no build holds "
        "yet: waiting to be indexed (with status behind)",
    )
    # Present only with status adapting or adapting_failed.
    model_note: str | None = Field(
        None, description="what the base model means for the answers, and why adapting failed"
    )
    rebuild: str | None = Field(
        None,
        description="the state of the server's latest background rebuild, whichever worker "
        "runs it (as state in GET /api/reports/rebuild)",
    )
    damaged: str | None = Field(None, description="what happened to the build's files")


class KeptOver(Strict):
    file: str
    reason: str


class AddedReport(Strict):
    file: str
    report: str
    force: str
    year: str
    pillar: str | None
    layout: str
    format: Literal["text", "html", "pdf"]
    units: int
    passages: int
    source_url: str | None
    kept_over: list[KeptOver] = Field(
        description="stored copies of the same page this file is kept over (they stay in "
        "the folder, no longer indexed)"
    )


class CopyNotAdded(Strict):
    file: str
    report: str
    copy_of: str = Field(description="the file kept instead")
    reason: str
    message: str


class RefusedFile(Strict):
    file: str
    code: str
    message: str


class SetAsideCopy(Strict):
    file: str
    copy_of: str = Field(description="the file of the same page that is indexed")
    reason: str


class RebuildSummaryOut(Strict):
    up_to_date: bool
    reason: str | None
    added: list[str]
    changed: list[str]
    removed: list[str]
    unchanged: list[str]
    sources: list[str]
    copies: list[SetAsideCopy] = Field(
        description="copies of a page set aside for a fuller file of it (not indexed)"
    )
    reports: int
    passages: int
    embedded: int
    reused: int
    sentences_embedded: int
    seconds: float
    build_id: str | None
    notes: list[str]


class RebuildStatus(Strict):
    """The server's latest rebuild, the same from every worker."""

    state: Literal[
        "idle", "queued", "parsing", "adapting", "embedding", "writing", "running", "done", "failed"
    ] = Field(
        description="idle: none since the server started; running: one runs, its progress "
        "unreadable; failed: with a message (also a rebuild whose server stopped midway)"
    )
    message: str | None = None
    requested_at: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    done: int | None = Field(None, description="adapting and embedding: how far")
    total: int | None = None
    another_queued: bool | None = Field(
        None, description="one more rebuild follows this one (files uploaded meanwhile)"
    )
    build_id: str | None = None
    summary: RebuildSummaryOut | None = None


class UploadResponse(Strict):
    added: list[AddedReport]
    copies: list[CopyNotAdded]
    refused: list[RefusedFile]
    rebuild: RebuildStatus


class FeedbackAck(Strict):
    """A verdict stored: committed to disk before this is sent."""

    id: int = Field(description="the verdict's number in the feedback store")
    verdict: Literal["right", "wrong"]
    received: str = Field(description="the UTC day it arrived, YYYY-MM-DD (no time is kept)")


MODELS: tuple[type[BaseModel], ...] = (
    AskBody,
    TurnBody,
    FiltersBody,
    AskResponse,
    ErrorBody,
    GradesResponse,
    ForceHistory,
    ReportsResponse,
    Health,
    RebuildStatus,
    UploadResponse,
    FeedbackBody,
    FeedbackAck,
)


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


def _error(description: str) -> dict:
    return _json("ErrorBody", description)


@dataclass(frozen=True)
class Values:
    """What the index being served lets a request name: the values of each /api/ask filter
    and of each /api/grades argument (``grade_sorts``: the columns it sorts by). The
    document says them, so that what it allows is what the service accepts."""

    filters: dict[str, list[str | int]]
    grades: dict[str, list[str]]
    grade_sorts: list[str]


def index_values(loaded) -> Values:
    """The Values of a loaded index (qa.engine.Loaded)."""
    cells = grade_cells(loaded.index)
    return Values(
        filters=loaded.retriever.filters.values,
        grades={
            "force": sorted({c.report.force for c in cells}),
            "cycle": sorted({c.report.year for c in cells}),
            "pillar": sorted({c.pillar for c in cells if c.pillar}),
            "grade": sorted({c.grade for c in cells}),
        },
        grade_sorts=sorted({column_of(c).id for c in cells}),
    )


def any_case(values: list[str], blank: bool = False, fold: bool = True) -> str:
    """A pattern (ECMA-262 and Python alike) for one of ``values``, in any case (``fold``),
    with white space around it, as the service reads them; ``blank``: or nothing."""
    alternatives = "|".join(_any_case(str(v)) if fold else _escaped(str(v)) for v in values)
    return f"^[{WHITE_SPACE}]*(?:{alternatives}){'?' if blank else ''}[{WHITE_SPACE}]*$"


def _escaped(text: str) -> str:
    return "".join(f"\\{c}" if c in r"\^$.|?*+()[]{}/" else c for c in text)


def _any_case(text: str) -> str:
    out = []
    for char in text:
        lower, upper = char.lower(), char.upper()
        if lower != upper and len(lower) == len(upper) == 1:
            out.append(f"[{lower}{upper}]")
        else:
            out.append(_escaped(char))
    return "".join(out)


def _one_of(values: list[str], description: str, blank: bool, fold: bool = True) -> dict:
    shown = ", ".join(map(str, values[:12])) + (" ..." if len(values) > 12 else "")
    return {
        "type": "string",
        "pattern": any_case(values, blank, fold) if values else f"^[{WHITE_SPACE}]*$",
        "description": f"{description}: {shown or 'none indexed'}",
    }


def _filters_schema(values: Values) -> dict:
    """FiltersBody's properties: each one of the values indexed, in any case, or null."""
    null = {"type": "null"}
    properties = {}
    for key, known in values.filters.items():
        strings = [v for v in known if isinstance(v, str)]
        numbers = sorted({int(v) for v in known if isinstance(v, int) or str(v).isdigit()})
        kinds = []
        if key != "question_number":
            kinds.append(_one_of(strings, "one of the indexed values, any case", blank=False))
        if key in ("question_number", "year") and numbers:
            kinds.append({"type": "integer", "enum": numbers})
        properties[key] = {"anyOf": [*kinds, null], "default": None}
    return properties


def openapi_document(values: Values | None = None) -> dict:
    """The OpenAPI 3.1 description of the JSON API; with ``values``, what the index being
    served lets a request name (filters and grade arguments), so the description is the
    behaviour."""
    _, schemas = models_json_schema(
        [(m, "validation") for m in MODELS], ref_template="#/components/schemas/{model}"
    )
    grade_args = {
        "force": "a force name (any case)",
        "cycle": "a cycle as printed: 2018, 2021/22",
        "pillar": "Effectiveness, Efficiency or Legitimacy",
        "grade": "a grade: Good, Requires improvement ...",
        "sort": "the /grades page's sort column (ignored here)",
        "order": "asc or desc (the /grades page)",
        "format": "json (the default) or csv",
    }
    assert tuple(grade_args) == QUERY_KEYS
    grade_schemas = {name: {"type": "string"} for name in grade_args}
    grade_schemas["order"] = {"type": "string", "enum": ["", "asc", "desc"]}
    grade_schemas["format"] = {"type": "string", "enum": ["", "json", "csv"]}
    if values is not None:
        schemas["$defs"]["FiltersBody"]["properties"].update(_filters_schema(values))
        for name, known in values.grades.items():
            grade_schemas[name] = _one_of(known, "one of the indexed values, any case", True)
        grade_schemas["sort"] = _one_of(
            ["force", *values.grade_sorts], "force or a column's id", True, fold=False
        )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "PEEL report Q&A",
            "version": "1",
            "description": (
                "Questions over HMICFRS PEEL police inspection reports, answered with quoted "
                "paragraphs and citations; the grades of every indexed report. Every error "
                "is the ErrorBody shape."
            ),
        },
        "paths": {
            "/api/ask": {
                "post": {
                    "summary": "Ask a question",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("AskBody")}},
                    },
                    "responses": {
                        "200": _json("AskResponse", "the answer and its passages"),
                        "400": _error(
                            "bad_body, unknown_field, bad_question, bad_k, bad_history or "
                            "bad_filter: the message says what to fix"
                        ),
                        "413": _error("the body is over the limit"),
                        "503": _error("the index is not ready"),
                    },
                }
            },
            "/api/reports": {
                "get": {
                    "summary": "The indexed reports, filter values and example questions",
                    "responses": {
                        "200": _json("ReportsResponse", "the indexed reports"),
                        "503": _error("index_not_ready (or model_mismatch, model_checksum)"),
                    },
                },
                "post": {
                    "summary": "Add report files (admin), then rebuild in the background",
                    "security": [{"adminToken": []}],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "file": {
                                            "type": "array",
                                            "minItems": 1,
                                            "items": {"type": "string", "format": "binary"},
                                            "description": "report files: the page's text "
                                            "(.txt, UTF-8), the saved page (.html, .htm) or "
                                            "the PDF (.pdf), each under a plain file name "
                                            "such as cumbria-2019-efficiency.txt; a file that "
                                            "is not a readable PEEL report is refused (415, "
                                            "422), which no schema can say in advance",
                                        },
                                        "source": {
                                            "type": "array",
                                            "items": {
                                                "type": "string",
                                                "pattern": "^$|^[Hh][Tt][Tt][Pp][Ss]?://",
                                            },
                                            "description": "the http(s) address of each "
                                            "file's published report, if known: none, or "
                                            "one per file in the same order (an empty value "
                                            "means none for that file)",
                                        },
                                        "replace": {
                                            "type": "string",
                                            "enum": ["true", "false"],
                                            "description": "true replaces report files of "
                                            "the same names (default false: a name taken is "
                                            "409 report_exists)",
                                        },
                                    },
                                    "required": ["file"],
                                },
                                "encoding": {
                                    "file": {
                                        "contentType": "text/plain, text/html, "
                                        "application/xhtml+xml, application/pdf, "
                                        "application/octet-stream"
                                    }
                                },
                            }
                        },
                    },
                    "responses": {
                        "202": _json(
                            "UploadResponse",
                            "some files stored: added (each with the stored copies of its page "
                            "it is kept over), copies (files not added: a fuller copy of the "
                            "same page is kept, named with why), refused (each file's code and "
                            "message) and the rebuild's state",
                        ),
                        "200": _json(
                            "UploadResponse",
                            "nothing stored: every file is a copy of a page whose fuller copy "
                            "is kept (copies says which); no rebuild",
                        ),
                        **{
                            status: _error(text)
                            for status, text in [
                                ("400", "bad_file_name, no_file, bad_source_url or bad_replace"),
                                ("401", "unauthorized: the token is missing or wrong"),
                                ("403", "forbidden: no admin token is configured"),
                                ("409", "report_exists (send replace=true), or rebuild_busy"),
                                ("413", "the body is over the limit"),
                                ("415", "not a .txt, .html or .pdf report, or not multipart"),
                                (
                                    "422",
                                    "report_parse_error: names file and line (when no file "
                                    "was added: with several, the message names each)",
                                ),
                                (
                                    "507",
                                    "storage_error: the reports or the index folder "
                                    "cannot be written; nothing was stored",
                                ),
                            ]
                        },
                    },
                },
            },
            "/api/reports/rebuild": {
                "get": {
                    "summary": "The background rebuild's state (admin)",
                    "security": [{"adminToken": []}],
                    "responses": {
                        "200": _json("RebuildStatus", "the server's latest rebuild"),
                        "401": _error("unauthorized"),
                        "403": _error("forbidden"),
                    },
                },
                "post": {
                    "summary": "Rebuild the index now (admin), e.g. to retry one that failed",
                    "security": [{"adminToken": []}],
                    "responses": {
                        "202": _json("RebuildStatus", "asked for: the rebuild's state (queued)"),
                        "401": _error("unauthorized"),
                        "403": _error("forbidden"),
                        "409": _error("rebuild_busy: a rebuild is running already"),
                        "507": _error(
                            "storage_error: the index folder cannot be written; no rebuild "
                            "was started"
                        ),
                    },
                },
            },
            "/api/grades": {
                "get": {
                    "summary": "Every graded unit of every indexed report, each cited",
                    "parameters": [
                        {
                            "name": name,
                            "in": "query",
                            "required": False,
                            "description": text,
                            "schema": grade_schemas[name],
                        }
                        for name, text in grade_args.items()
                    ],
                    "responses": {
                        "200": {
                            "description": "the grades (CSV with format=csv)",
                            "content": {
                                "application/json": {"schema": _ref("GradesResponse")},
                                "text/csv": {"schema": {"type": "string"}},
                            },
                        },
                        "400": _error("bad_filter: an unknown argument or value"),
                        "503": _error("index_not_ready (or model_mismatch, model_checksum)"),
                    },
                }
            },
            "/api/forces/{force}": {
                "get": {
                    "summary": "One force over time: grade moves and areas for improvement",
                    "parameters": [
                        {
                            "name": "force",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": _json("ForceHistory", "the force's reports compared"),
                        "404": _error("not_found: no indexed report is of that force"),
                        "503": _error("index_not_ready (or model_mismatch, model_checksum)"),
                    },
                }
            },
            "/api/feedback": {
                "post": {
                    "summary": "Say whether an answer was right or wrong, with an optional note",
                    "description": "Stored with the question, the passage ids and the direct "
                    "answer shown, the day and the index build; nothing about the sender. "
                    "Limited per client and in all (429 with Retry-After).",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("FeedbackBody")}},
                    },
                    "responses": {
                        "201": _json("FeedbackAck", "stored, and on disk"),
                        "400": _error("bad_body, unknown_field or bad_feedback: what to fix"),
                        "413": _error("the body is over QA_FEEDBACK_MAX_BYTES"),
                        "429": {
                            **_error(
                                "too_many_requests: this client, or every client, is over its limit"
                            ),
                            "headers": {
                                "Retry-After": {
                                    "description": "seconds until a verdict is taken again",
                                    "schema": {"type": "integer"},
                                }
                            },
                        },
                        "507": _error("storage_error: the feedback store cannot be written"),
                    },
                }
            },
            "/api/health": {
                "get": {
                    "summary": "Whether the index is loaded",
                    "responses": {
                        "200": _json("Health", "the index is loaded"),
                        "503": _error("index_not_ready"),
                    },
                }
            },
            "/api/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": {
                        "200": {
                            "description": "the OpenAPI document; its filter and argument "
                            "values are those of the index served",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": schemas["$defs"],
            "securitySchemes": {
                "adminToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "the server's QA_ADMIN_TOKEN",
                }
            },
        },
    }
