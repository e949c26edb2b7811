"""The service as a Model Context Protocol server (the official ``mcp`` SDK), for AI
assistants: tools ``ask``, ``grades``, ``force_history`` and ``list_reports`` and a
resource listing the indexed reports.

A thin layer over the JSON API: each tool call is handed to the same Flask view as the
HTTP request it stands for (``POST /api/ask``, ``GET /api/grades``, ``GET
/api/forces/<force>``, ``GET /api/reports``), through the app's own request handling, so an
answer is the JSON API's answer and an error is its error shape ``{"error": {"code",
"message"}}`` with the same code. Tool input and output schemas are the components of the
OpenAPI document the server serves (web/openapi.py).

Served over stdio (``flask --app app mcp``, see ``mcp_command``) and over streamable HTTP
at ``/mcp`` on the running server (web/mcp_http.py). Nothing here writes: no tool needs the
admin token.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import anyio
import click
import mcp_types as types
from flask import Flask, current_app
from flask.cli import with_appcontext
from mcp.server import Server
from mcp.shared.exceptions import MCPError

NAME = "peel-qa"
REPORTS_URI = "peel://reports"
REF = "#/components/schemas/"

# name: (description, the OpenAPI component its answer is)
TOOLS: dict[str, tuple[str, str]] = {
    "ask": (
        "Answer a question about HMICFRS PEEL police inspection reports: the direct answer "
        "(a grade, areas for improvement, a sentence, a table), the report's passages quoted "
        "verbatim with ids, citations and cite lines, or the message saying why there is no "
        "answer. Pass earlier turns as history for a follow-up question.",
        "AskResponse",
    ),
    "grades": (
        "Every graded unit of every indexed report (force, cycle, pillar, question), each "
        "with the passage and sentence that states it; optional filters narrow it.",
        "GradesResponse",
    ),
    "force_history": (
        "One police force over time: how its grades moved between inspections and which "
        "areas for improvement were repeated, new or no longer listed, each cited.",
        "ForceHistory",
    ),
    "list_reports": (
        "The indexed reports (force, cycle, pillar, grade, units), the values each filter "
        "of ask may take, example questions and the coverage of forces by cycle.",
        "ReportsResponse",
    ),
}
GRADE_FILTERS = ("force", "cycle", "pillar", "grade")


def dispatch(app: Flask, method: str, path: str, **options: Any) -> tuple[int, Any]:
    """The status and JSON body the app gives ``method path`` (``options``: those of
    Werkzeug's EnvironBuilder, e.g. ``data``, ``query_string``), handled as the WSGI
    server would hand it over: the same view, error handlers and limits."""
    with app.test_request_context(path, method=method, **options):
        response = app.full_dispatch_request()
        return response.status_code, response.get_json(silent=True)


def _error(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


def call(app: Flask, name: str, arguments: dict | None) -> tuple[int, Any]:
    """One tool call as the JSON API answers it: (HTTP status, body)."""
    arguments = arguments if arguments is not None else {}
    if name == "ask":
        body = json.dumps(arguments, ensure_ascii=False).encode("utf-8")
        return dispatch(app, "POST", "/api/ask", data=body, content_type="application/json")
    if name == "grades":
        unknown = sorted(set(arguments) - set(GRADE_FILTERS))
        if unknown:
            named, known = ", ".join(map(repr, unknown)), ", ".join(GRADE_FILTERS)
            message = f"unknown argument {named}: send {known}"
            return 400, _error("bad_filter", message)
        query = {k: str(v) for k, v in arguments.items() if v is not None}
        return dispatch(app, "GET", "/api/grades", query_string=query)
    if name == "force_history":
        force = arguments.get("force")
        unknown = sorted(set(arguments) - {"force"})
        if unknown or not isinstance(force, str) or not force.strip():
            return 400, _error("bad_request", 'send {"force": "a force name"} and nothing else')
        return dispatch(app, "GET", "/api/forces/" + quote(force.strip(), safe=""))
    if name == "list_reports":
        if arguments:
            return 400, _error("bad_request", "list_reports takes no arguments")
        return dispatch(app, "GET", "/api/reports")
    return 404, _error("not_found", f"no such tool: {name!r}; the tools are {', '.join(TOOLS)}")


def passage_links(body: Any, base_url: str) -> list[types.ResourceLink]:
    """A link to each passage page of an answer (the report around the paragraph, and its
    published address when known), the direct answer's passage first."""
    if not isinstance(body, dict) or not isinstance(body.get("passages"), list):
        return []
    cites = {p["id"]: p["cite"] for p in body["passages"]}
    answer = body.get("answer") or {}
    if answer.get("passage_id"):
        cites = {answer["passage_id"]: answer.get("cite") or answer["passage_id"], **cites}
    return [
        types.ResourceLink(
            type="resource_link",
            uri=f"{base_url.rstrip('/')}/passages/{quote(passage_id, safe='')}",
            name=passage_id,
            title=cite,
            mime_type="text/html",
        )
        for passage_id, cite in cites.items()
    ]


def tool_result(status: int, body: Any, base_url: str | None = None) -> types.CallToolResult:
    """An answer as structured content (and the same JSON as text, for clients that read
    only text, with links to the passages' pages when the server's address is known); an
    error (status 400 and over) flagged ``is_error``, in the error shape."""
    if body is None:
        body = _error("internal", f"the server answered {status} without a JSON body")
    content: list = [types.TextContent(type="text", text=json.dumps(body, ensure_ascii=False))]
    if base_url and status < 400:
        content += passage_links(body, base_url)
    return types.CallToolResult(content=content, structured_content=body, is_error=status >= 400)


def schema_of(components: dict, name: str) -> dict:
    """The component ``name`` of the OpenAPI document as a self-contained JSON schema: the
    components it refers to, directly or not, under ``$defs``."""
    needed, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current in needed:
            continue
        needed.add(current)
        text = json.dumps(components[current])
        todo.extend(part.split('"', 1)[0] for part in text.split(REF)[1:])
    local = json.loads(json.dumps(components).replace(REF, "#/$defs/"))
    schema = dict(local[name])
    defs = {n: local[n] for n in sorted(needed) if n != name}
    if defs:
        schema["$defs"] = defs
    return schema


def tool_list(app: Flask) -> list[types.Tool]:
    """The tools, their schemas taken from the OpenAPI document the app serves (with the
    filter values of the index served, when one is)."""
    _, document = dispatch(app, "GET", "/api/openapi.json")
    components = document["components"]["schemas"]
    grade_params = document["paths"]["/api/grades"]["get"]["parameters"]
    filters = {p["name"]: p["schema"] for p in grade_params if p["name"] in GRADE_FILTERS}
    inputs = {
        "ask": schema_of(components, "AskBody"),
        "grades": {
            "type": "object",
            "properties": filters,
            "additionalProperties": False,
        },
        "force_history": {
            "type": "object",
            "properties": {
                "force": {"type": "string", "minLength": 1, "description": "a force name, any case"}
            },
            "required": ["force"],
            "additionalProperties": False,
        },
        "list_reports": {"type": "object", "properties": {}, "additionalProperties": False},
    }
    read_only = types.ToolAnnotations(read_only_hint=True, open_world_hint=False)
    return [
        types.Tool(
            name=name,
            description=description,
            input_schema=inputs[name],
            output_schema=schema_of(components, output),
            annotations=read_only,
        )
        for name, (description, output) in TOOLS.items()
    ]


def report_listing(app: Flask) -> tuple[int, Any]:
    """The indexed reports, one short entry each (the resource's content)."""
    status, body = dispatch(app, "GET", "/api/reports")
    if status >= 400:
        return status, body
    keys = ("id", "force", "year", "pillar", "grade", "file", "source_url")
    return status, {"reports": [{k: r[k] for k in keys} for r in body["reports"]]}


def _base_url(ctx, given: str | None) -> str | None:
    """Where the passage pages are: ``given``, else the address an HTTP call came to."""
    if given:
        return given
    request = getattr(ctx, "request", None)
    base = getattr(request, "base_url", None)
    return str(base) if base is not None else None


def make_server(app: Flask, base_url: str | None = None) -> Server:
    """The MCP server over ``app``. Each handler runs the app's (blocking) request
    handling in a worker thread, so one slow question holds no other call up.
    ``base_url``: the running server's address, for links to passages (over HTTP, the
    address the call came to is used)."""

    async def list_tools(ctx, params) -> types.ListToolsResult:
        return types.ListToolsResult(tools=await anyio.to_thread.run_sync(tool_list, app))

    async def call_tool(ctx, params: types.CallToolRequestParams) -> types.CallToolResult:
        status, body = await anyio.to_thread.run_sync(call, app, params.name, params.arguments)
        return tool_result(status, body, _base_url(ctx, base_url))

    async def list_resources(ctx, params) -> types.ListResourcesResult:
        resource = types.Resource(
            uri=REPORTS_URI,
            name="indexed-reports",
            title="The indexed PEEL reports",
            description="Every report the service answers from: id, force, cycle, "
            "pillar, overall grade, file and published address",
            mime_type="application/json",
        )
        return types.ListResourcesResult(resources=[resource])

    async def read_resource(ctx, params: types.ReadResourceRequestParams):
        if str(params.uri) != REPORTS_URI:
            message = f"no such resource: {params.uri}; try {REPORTS_URI}"
            raise MCPError(types.INVALID_PARAMS, message)
        status, body = await anyio.to_thread.run_sync(report_listing, app)
        if status >= 400:  # the index is not ready: the API's error, as the error's data
            raise MCPError(types.INTERNAL_ERROR, body["error"]["message"], data=body)
        text = json.dumps(body, ensure_ascii=False)
        contents = types.TextResourceContents(
            uri=REPORTS_URI, mime_type="application/json", text=text
        )
        return types.ReadResourceResult(contents=[contents])

    return Server(
        NAME,
        version="1",
        instructions="Questions over HMICFRS PEEL police inspection reports, answered with "
        "the reports' own words: quote the passages and give their cite lines.",
        on_list_tools=list_tools,
        on_call_tool=call_tool,
        on_list_resources=list_resources,
        on_read_resource=read_resource,
    )


@click.command("mcp", help="Serve the MCP tools over stdio, for a desktop AI assistant.")
@click.option(
    "--base-url",
    metavar="URL",
    help="The running server's address (http://127.0.0.1:5000): ask's answers then link "
    "to each passage's page there.",
)
@with_appcontext
def mcp_command(base_url: str | None) -> None:
    """Speak MCP on stdin and stdout until the assistant closes them."""
    from mcp.server.stdio import stdio_server

    if base_url and not base_url.lower().startswith(("http://", "https://")):
        raise click.BadParameter("an http:// or https:// address", param_hint="--base-url")
    server = make_server(current_app._get_current_object(), base_url)

    async def run() -> None:
        async with stdio_server() as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())

    anyio.run(run)
