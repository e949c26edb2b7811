"""The API described: response models and the OpenAPI 3.1 document built from them and from
the request model that validates /api/ask (qa.request.AskBody).

The response models are what the tests hold every real response to (``extra="forbid"``), so
a key the service sends but the document does not describe fails a test.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema

from qa.grades import QUERY_KEYS
from qa.request import AskBody, FiltersBody, TurnBody
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
    question_number: int | None
    question: str | None
    unit: str
    unit_title: str | None
    grade: str | None
    passage_id: str | None
    cite: str


class DirectAnswer(Strict):
    kind: Literal["grade", "improvements", "reasons", "sentence", "compare", "list", "trend"]
    text: str
    passage_id: str | None
    citation: Citation | None
    cite: str | None
    score: float | None = Field(None, description="sentence answers: cosine similarity")
    grade: str | None = None
    items: list[str] | None = None
    rows: list[Row] | None = None
    answer_type: str | None = None


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


class ForceHistory(Strict):
    force: str
    reports: list[ReportSummary]
    repeated_at: float = Field(description="least cosine similarity of a repeated area")
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
)


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


def _error(description: str) -> dict:
    return _json("ErrorBody", description)


def openapi_document() -> dict:
    """The OpenAPI 3.1 description of the JSON API."""
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
                    "responses": {"200": _json("ReportsResponse", "the indexed reports")},
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
                                            "items": {"type": "string", "format": "binary"},
                                        },
                                        "source": {
                                            "type": "array",
                                            "items": {"type": "string"},
                                            "description": "the http(s) address of each "
                                            "file's published report, if known: none, or "
                                            "one per file in the same order (an empty value "
                                            "means none for that file)",
                                        },
                                    },
                                    "required": ["file"],
                                }
                            }
                        },
                    },
                    "responses": {
                        "202": {
                            "description": "some files stored: added (each with the stored "
                            "copies of its page it is kept over), copies (files not added: "
                            "a fuller copy of the same page is kept, named with why), "
                            "refused (each file's code and message) and the rebuild's state",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "200": {
                            "description": "nothing stored: every file is a copy of a page "
                            "whose fuller copy is kept (copies says which); no rebuild",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        **{
                            status: _error(text)
                            for status, text in [
                                ("400", "bad_file_name, no_file or bad_source_url"),
                                ("401", "unauthorized: the token is missing or wrong"),
                                ("403", "forbidden: no admin token is configured"),
                                ("409", "a report of that name exists, or a rebuild holds it"),
                                ("413", "the body is over the limit"),
                                ("415", "not a .txt, .html or .pdf report"),
                                (
                                    "422",
                                    "report_parse_error: names file and line (when no file "
                                    "was added: with several, the message names each)",
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
                        "200": {
                            "description": "the server's latest rebuild, the same from "
                            "every worker: state idle, queued, parsing, adapting, embedding, "
                            "writing, running (progress unreadable), done or failed (with a "
                            "message; also a rebuild whose server stopped midway)",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "401": _error("unauthorized"),
                        "403": _error("forbidden"),
                    },
                }
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
                            "schema": {"type": "string"},
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
                    "responses": {"200": {"description": "the OpenAPI document"}},
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
