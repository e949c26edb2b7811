"""The MCP server (web/mcp_tools.py) driven by the SDK's own client, over streamable HTTP
against the app behind a real WSGI server (/mcp, web/mcp_http.py) and over stdio against
the `flask --app app mcp` command in a process of its own: each tool answers what the JSON
API answers for the same input, bad input gets the JSON API's error, and the tools'
schemas are valid and hold for real answers.

The index is the two-report test index with the test encoder: this is about the layer
over the API, not retrieval.
"""

from __future__ import annotations

import json
import shutil
import sys
import urllib.error
import urllib.parse
import urllib.request
from html import unescape
from pathlib import Path

import anyio
import pytest
from jsonschema import Draft202012Validator
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from bench.synthetic import REAL_REPORT, report_text, write_report
from tests.conftest import HashEncoder, indexed_app
from tests.serving import serving
from web.openapi import AskResponse, ErrorBody, ForceHistory, GradesResponse, ReportsResponse

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 64 * 1024  # QA_MAX_CONTENT_LENGTH here: small, so a body over it is quick to send

ASKED = [
    {"question": "who checks crime reports are filled in properly?"},
    {"question": "what grade did Lancashire get for investigating crime?", "k": 3},
    {"question": "what are the areas for improvement?", "filters": {"force": "testshire"}},
    {
        "question": "why?",
        "history": [{"question": "what grade did Lancashire get?", "passage_ids": []}],
    },
]
BAD_ASKS = [
    {"question": ""},
    {"question": "x" * 1001},
    {"question": "who checks?", "top_k": 3},
    {"question": "who checks?", "k": 0},
    {"question": "who checks?", "filters": {"force": "Atlantis"}},
    {"question": "who checks?", "history": "not a list"},
    {},
]
GRADES = [{}, {"force": "lancashire"}, {"pillar": "Legitimacy", "grade": "good"}]
BAD_GRADES = [{"force": "Atlantis"}, {"cycle": "1999"}]
FORCES = ["Lancashire", "testshire"]
BAD_FORCES = ["Kent", "Nowhere at all"]


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("mcp")
    reports = folder / "reports"
    reports.mkdir()
    shutil.copy(REAL_REPORT, reports / REAL_REPORT.name)
    write_report(reports, "testshire-2018-legitimacy.txt", report_text())
    return reports, folder / "index"


@pytest.fixture(scope="module")
def base(folders):
    reports, index = folders
    app = indexed_app(reports, HashEncoder(), index, MAX_CONTENT_LENGTH=LIMIT)
    with serving(app) as url:
        yield url


def http(base: str, method: str, path: str, body: object = None) -> tuple[int, object]:
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as res:
            return res.status, json.loads(res.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def api_answers(base: str) -> list[tuple[str, dict, int, object]]:
    """(tool, arguments, status, body) of the JSON API for every input tried."""
    out = []
    for args in ASKED + BAD_ASKS:
        out.append(("ask", args, *http(base, "POST", "/api/ask", args)))
    for args in GRADES + BAD_GRADES:
        path = "/api/grades?" + urllib.parse.urlencode(args)
        out.append(("grades", args, *http(base, "GET", path)))
    for force in FORCES + BAD_FORCES:
        path = "/api/forces/" + urllib.parse.quote(force)
        out.append(("force_history", {"force": force}, *http(base, "GET", path)))
    out.append(("list_reports", {}, *http(base, "GET", "/api/reports")))
    return out


def untimed(body: object) -> object:
    """An answer without its timing, the one part two runs of a question differ in."""
    if isinstance(body, dict) and "took_ms" in body:
        return {k: v for k, v in body.items() if k != "took_ms"}
    return body


async def tool_answers(server, calls) -> tuple[list, list]:
    """Each call's (is_error, structured content), and the tools listed. The client checks
    every answer that is not an error against its tool's output schema."""
    async with Client(server) as client:
        tools = (await client.list_tools()).tools
        results = []
        for name, args, *_ in calls:
            result = await client.call_tool(name, args)
            assert json.loads(result.content[0].text) == result.structured_content
            results.append((result.is_error, result.structured_content))
        resources = (await client.list_resources()).resources
        listing = await client.read_resource(resources[0].uri)
        results.append(("resource", json.loads(listing.contents[0].text)))
    return results, tools


def check_same_as_the_api(expected, results, tools) -> None:
    for (name, args, status, body), (is_error, content) in zip(expected, results, strict=False):
        assert is_error == (status >= 400), (name, args, status, body)
        assert untimed(content) == untimed(body), (name, args)
    assert {t.name for t in tools} == {"ask", "grades", "force_history", "list_reports"}
    # Every input tried is well formed or refused as the API refuses it.
    assert any(e[2] == 400 for e in expected if e[0] == "ask")
    assert any(e[2] == 404 for e in expected if e[0] == "force_history")
    assert any(e[2] == 400 for e in expected if e[0] == "grades")
    # The resource lists the indexed reports.
    resource = results[-1][1]
    listed = [r["id"] for r in resource["reports"]]
    assert listed == [r["id"] for r in expected[-1][3]["reports"]] and len(listed) == 2


def check_schemas(expected, tools) -> None:
    by_name = {t.name: t for t in tools}
    models = {
        "ask": AskResponse,
        "grades": GradesResponse,
        "force_history": ForceHistory,
        "list_reports": ReportsResponse,
    }
    for tool in tools:
        Draft202012Validator.check_schema(tool.input_schema)
        Draft202012Validator.check_schema(tool.output_schema)
        assert tool.input_schema["type"] == tool.output_schema["type"] == "object"
    for name, args, status, body in expected:
        inputs = Draft202012Validator(by_name[name].input_schema)
        if status == 200:
            assert not list(inputs.iter_errors(args)), (name, args)  # what works is allowed
            models[name].model_validate(body)
            assert not list(Draft202012Validator(by_name[name].output_schema).iter_errors(body))
        else:
            ErrorBody.model_validate(body)
    ask = Draft202012Validator(by_name["ask"].input_schema)
    for args in ({"question": ""}, {"question": "q", "top_k": 3}, {}):  # ruled out up front too
        assert list(ask.iter_errors(args)), args


def test_over_http_each_tool_answers_as_the_json_api(base):
    expected = api_answers(base)
    results, tools = anyio.run(tool_answers, f"{base}/mcp", expected)
    check_same_as_the_api(expected, results, tools)
    check_schemas(expected, tools)


def test_over_stdio_each_tool_answers_as_the_json_api(base, folders):
    reports, index = folders
    expected = api_answers(base)
    child = StdioServerParameters(
        command=sys.executable,
        args=["-m", "tests.mcp_stdio_child", str(reports), str(index)],
        cwd=str(ROOT),
    )
    results, tools = anyio.run(tool_answers, child, expected)
    check_same_as_the_api(expected, results, tools)


def test_a_call_with_an_unknown_tool_or_arguments_is_an_error_in_the_api_shape(base):
    async def calls():
        async with Client(f"{base}/mcp") as client:
            return [
                await client.call_tool("rebuild", {}),
                await client.call_tool("force_history", {}),
                await client.call_tool("grades", {"region": "north"}),
                await client.call_tool("list_reports", {"all": True}),
            ]

    for result in anyio.run(calls):
        assert result.is_error
        ErrorBody.model_validate(result.structured_content)


def test_http_limits_and_errors_are_the_json_apis(base):
    # A body over the limit is refused before the SDK reads it, as /api/ask refuses it.
    big = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"pad": "x" * LIMIT}}
    status, body = http(base, "POST", "/mcp", big)
    assert status == 413
    api_status, api_body = http(base, "POST", "/api/ask", {"question": "x" * LIMIT})
    assert (status, body) == (api_status, api_body)
    # A GET (no server-sent stream here) is a 405 in the same shape.
    status, body = http(base, "GET", "/mcp")
    assert status == 405
    ErrorBody.model_validate(body)


def test_without_an_index_the_tools_list_and_answer_the_apis_503(tmp_path):
    from app import create_app
    from web.mcp_tools import make_server

    app = create_app(
        {"TESTING": True, "INDEX_DIR": str(tmp_path / "none"), "ENCODER": HashEncoder()}
    )
    expected = app.test_client().post("/api/ask", json={"question": "who checks?"})
    assert expected.status_code == 503

    async def calls():
        async with Client(make_server(app)) as client:  # in process
            tools = (await client.list_tools()).tools
            return tools, await client.call_tool("ask", {"question": "who checks?"})

    tools, result = anyio.run(calls)
    assert len(tools) == 4
    assert result.is_error
    assert result.structured_content == expected.get_json()
    assert result.structured_content["error"]["code"] == "index_not_ready"


@pytest.mark.real_model
def test_under_gunicorn_every_worker_answers_mcp_as_the_api(
    tmp_path, real_models_dir, real_encoder
):
    """`python -m serve` as deployed: gunicorn forks two workers after loading the app, and
    each starts its own MCP event loop at its first /mcp request."""
    import os
    import signal
    import subprocess
    import time

    from bench.loopback import free_port
    from tests.conftest import build

    reports = tmp_path / "reports"
    reports.mkdir()
    shutil.copy(REAL_REPORT, reports / REAL_REPORT.name)
    build(reports, real_encoder, tmp_path / "index")
    port = free_port()
    env = dict(
        os.environ,
        QA_INDEX_DIR=str(tmp_path / "index"),
        QA_REPORTS_DIR=str(reports),
        QA_MODELS_DIR=str(real_models_dir),
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "serve", "--port", str(port), "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            assert proc.poll() is None, "the server stopped"
            try:
                if http(base, "GET", "/api/health")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "server did not come up"
            time.sleep(0.5)
        asked = [
            {"question": "what grade did Lancashire get for investigating crime?"},
            {"question": "How long do digital devices wait for examination?", "k": 3},
            {"question": ""},
        ]
        expected = [("ask", args, *http(base, "POST", "/api/ask", args)) for args in asked] * 4

        async def calls():
            async def one(name, args, results, at):
                async with Client(f"{base}/mcp") as client:
                    result = await client.call_tool(name, args)
                    results[at] = (result.is_error, result.structured_content)

            results = [None] * len(expected)
            async with anyio.create_task_group() as group:  # all at once, over both workers
                for at, (name, args, *_) in enumerate(expected):
                    group.start_soon(one, name, args, results, at)
            return results

        results = anyio.run(calls)
        for (_, args, status, body), (is_error, content) in zip(expected, results, strict=True):
            assert is_error == (status >= 400)
            assert untimed(content) == untimed(body), args
        assert expected[0][3]["answer"]["kind"] == "grade"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)


def passage_links(result) -> list[tuple[str, str, str]]:
    return [(c.name, str(c.uri), c.title) for c in result.content if c.type == "resource_link"]


def test_ask_links_each_passage_to_its_page_on_the_server(base, folders):
    question = {"question": "what grade did Lancashire get for investigating crime?"}

    async def over_http():
        async with Client(f"{base}/mcp") as client:
            return await client.call_tool("ask", question)

    result = anyio.run(over_http)
    answer = result.structured_content
    links = passage_links(result)
    ids = [p["id"] for p in answer["passages"]]
    assert [name for name, _, _ in links] == list(
        dict.fromkeys([answer["answer"]["passage_id"], *ids])
    )
    cites = {p["id"]: p["cite"] for p in answer["passages"]}
    for name, uri, title in links:
        assert uri.startswith(base + "/passages/")
        assert title == cites.get(name, answer["answer"]["cite"])
        with urllib.request.urlopen(uri, timeout=30) as page:  # the page the link promises
            html = unescape(page.read().decode())
        assert page.status == 200 and title in html

    reports, index = folders

    async def over_stdio(*options):
        child = StdioServerParameters(
            command=sys.executable,
            args=["-m", "tests.mcp_stdio_child", str(reports), str(index), *options],
            cwd=str(ROOT),
        )
        async with Client(child) as client:
            return await client.call_tool("ask", question)

    assert passage_links(anyio.run(over_stdio)) == []  # no server address known: no links
    linked = passage_links(anyio.run(over_stdio, "--base-url", base))
    assert linked == links
