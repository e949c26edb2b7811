"""The JSON API under hostile requests: every one gets a 4xx JSON error or a normal answer,
never a 500 and never a stack trace; and every response carries the security headers.

(Bodies over the size limit on the real server, with lying or missing lengths, are in
test_server.py.)
"""

from __future__ import annotations

import json

import pytest

from app import create_app

ASK = "/api/ask"
GOOD = {"question": "who checks crime reports are filled in properly?"}


def _json(body: object) -> bytes:
    return json.dumps(body).encode()


def _nested(depth: int) -> bytes:
    return b'{"question": "q", "k": ' + b"[" * depth + b"]" * depth + b"}"


# (name, body bytes, content type, expected status, expected error code or None for 200)
HOSTILE = [
    # content types: the body is read as JSON whatever the type says (curl -d sends form)
    ("no content type", _json(GOOD), None, 200, None),
    ("text/plain", _json(GOOD), "text/plain", 200, None),
    ("form encoded", _json(GOOD), "application/x-www-form-urlencoded", 200, None),
    ("multipart without parts", _json(GOOD), "multipart/form-data; boundary=x", 200, None),
    (
        "form fields, not JSON",
        b"question=who+checks",
        "application/x-www-form-urlencoded",
        400,
        "bad_body",
    ),
    ("xml", b"<question>who</question>", "application/xml", 400, "bad_body"),
    ("a charset that lies", _json(GOOD), "application/json; charset=latin-1", 200, None),
    ("UTF-16 JSON", json.dumps(GOOD).encode("utf-16"), "application/json", 200, None),
    ("UTF-8 with a BOM", b"\xef\xbb\xbf" + _json(GOOD), "application/json", 200, None),
    # encodings and malformed JSON
    ("invalid UTF-8", b'{"question": "who \xff\xfe checks"}', "application/json", 400, "bad_body"),
    (
        "latin-1 bytes",
        '{"question": "café"}'.encode("latin-1"),
        "application/json",
        400,
        "bad_body",
    ),
    (
        "lone surrogate in the question",
        b'{"question": "\\ud800 who checks"}',
        "application/json",
        400,
        "bad_body",
    ),
    (
        "lone surrogate in history",
        b'{"question": "who", "history": [{"question": "\\udfff"}]}',
        "application/json",
        400,
        "bad_body",
    ),
    (
        "lone surrogate in a filter",
        b'{"question": "who", "filters": {"force": "\\ud800"}}',
        "application/json",
        400,
        "bad_body",
    ),
    ("trailing garbage", _json(GOOD) + b"]]", "application/json", 400, "bad_body"),
    ("NaN question", b'{"question": NaN}', "application/json", 400, "bad_question"),
    # shapes
    ("deeply nested arrays", _nested(100_000), "application/json", 400, "bad_body"),
    (
        "deeply nested objects",
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        "application/json",
        400,
        "bad_body",
    ),
    ("moderately nested k", _nested(500), "application/json", 400, "bad_k"),
    ("a huge array", b"[" + b"1," * 1_000_000 + b"1]", "application/json", 400, "bad_body"),
    ("a JSON string", b'"who checks crime?"', "application/json", 400, "bad_body"),
    ("JSON null", b"null", "application/json", 400, "bad_body"),
    (
        "unknown fields are refused",
        _json({**GOOD, "admin": True, "__proto__": {}}),
        "application/json",
        400,
        "unknown_field",
    ),
    (
        "a duplicated key: the last wins",
        b'{"question": 1, "question": "who checks?"}',
        "application/json",
        200,
        None,
    ),
    # numbers where strings go, and k
    ("question a number", _json({"question": 42}), "application/json", 400, "bad_question"),
    ("question a list", _json({"question": ["who"]}), "application/json", 400, "bad_question"),
    (
        "question an object",
        _json({"question": {"$ne": ""}}),
        "application/json",
        400,
        "bad_question",
    ),
    ("k a fraction", _json({**GOOD, "k": 5.5}), "application/json", 400, "bad_k"),
    # 5.0 is the integer 5 to JSON Schema, in which the API is described (README)
    ("k a whole number with a point", _json({**GOOD, "k": 5.0}), "application/json", 200, None),
    ("k a bool", _json({**GOOD, "k": True}), "application/json", 400, "bad_k"),
    ("k negative", _json({**GOOD, "k": -1}), "application/json", 400, "bad_k"),
    ("k huge", _json({**GOOD, "k": 10**30}), "application/json", 400, "bad_k"),
    (
        "k with 5,000 digits",
        b'{"question": "q", "k": ' + b"9" * 5000 + b"}",
        "application/json",
        400,
        "bad_body",
    ),
    ("k infinite", b'{"question": "q", "k": 1e400}', "application/json", 400, "bad_k"),
    ("k a string", _json({**GOOD, "k": "5"}), "application/json", 400, "bad_k"),
    ("k null", _json({**GOOD, "k": None}), "application/json", 400, "bad_k"),
    (
        "history not a list",
        _json({**GOOD, "history": "before"}),
        "application/json",
        400,
        "bad_history",
    ),
    (
        "history of numbers",
        _json({**GOOD, "history": [1, 2]}),
        "application/json",
        400,
        "bad_history",
    ),
    (
        "history too long",
        _json({**GOOD, "history": [{"question": "q"}] * 11}),
        "application/json",
        400,
        "bad_history",
    ),
    (
        "filters a list",
        _json({**GOOD, "filters": ["force"]}),
        "application/json",
        400,
        "bad_filter",
    ),
    (
        "a filter a number",
        _json({**GOOD, "filters": {"force": 2018}}),
        "application/json",
        400,
        "bad_filter",
    ),
    (
        "an unknown filter",
        _json({**GOOD, "filters": {"drop table": 1}}),
        "application/json",
        400,
        "bad_filter",
    ),
    (
        "a huge question number filter",
        _json({**GOOD, "filters": {"question_number": 10**30}}),
        "application/json",
        400,
        "bad_filter",
    ),
    # the question's text
    ("empty question", _json({"question": ""}), "application/json", 400, "bad_question"),
    (
        "whitespace question",
        _json({"question": " \t\n\u00a0\u2003"}),
        "application/json",
        400,
        "bad_question",
    ),
    (
        "a 1 MB question",
        _json({"question": "x" * 1_000_000}),
        "application/json",
        400,
        "bad_question",
    ),
    (
        "a 1 MB blank question",
        _json({"question": " " * 1_000_000}),
        "application/json",
        400,
        "bad_question",
    ),
    (
        "control characters",
        _json({"question": "".join(map(chr, range(32))) + "crime"}),
        "application/json",
        200,
        None,
    ),
    (
        "a NUL in the question",
        _json({"question": "who\x00checks crime"}),
        "application/json",
        200,
        None,
    ),
    ("only control characters", _json({"question": "\x00\x01\x02"}), "application/json", 200, None),
    (
        "right-to-left and zero-width",
        _json({"question": "\u202ewho\u200b checks\ufeff crime"}),
        "application/json",
        200,
        None,
    ),
    (
        "emoji and astral characters",
        _json({"question": "🚓 who checks 𝔠𝔯𝔦𝔪𝔢 " * 40}),
        "application/json",
        200,
        None,
    ),
    ("markup", _json({"question": "<img src=x onerror=alert(1)>"}), "application/json", 200, None),
    (
        "5,000 characters of history",
        _json({**GOOD, "history": [{"question": "y" * 5000}]}),
        "application/json",
        400,
        "bad_history",
    ),
]


@pytest.fixture
def hostile_client(index_dir, reports_dir, encoder):
    """TESTING off: an exception must go through the error handlers as it would in service."""
    app = create_app(
        {"INDEX_DIR": str(index_dir), "REPORTS_DIR": str(reports_dir), "ENCODER": encoder}
    )
    return app.test_client()


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [pytest.param(*case[1:], id=case[0]) for case in HOSTILE],
)
def test_hostile_ask_bodies(hostile_client, body, content_type, status, code):
    headers = {"Content-Type": content_type} if content_type else {}
    res = hostile_client.post(ASK, data=body, headers=headers)
    assert res.status_code == status, res.get_data(as_text=True)[:300]
    assert res.is_json
    data = res.get_json()
    text = res.get_data(as_text=True)
    assert "Traceback" not in text and 'File "' not in text
    if code is None:
        assert isinstance(data["passages"], list) and data["question"]
    else:
        assert set(data) == {"error"} and data["error"]["code"] == code
        assert len(data["error"]["message"]) < 500  # says what to fix, does not echo the body


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/ask?question=who"),
        ("put", ASK),
        ("post", "/api/health"),
        ("get", "/api/%00"),
        ("get", "/api/" + "a" * 10_000),
        ("get", "/passages/%ff%fe"),
        ("get", "/passages/" + "x" * 10_000),
        ("get", "/passages/..%2f..%2fetc%2fpasswd"),
        ("get", "/static/..%2fapp.py"),
    ],
)
def test_hostile_paths_and_methods(hostile_client, method, path):
    res = getattr(hostile_client, method)(path)
    assert 400 <= res.status_code < 500
    assert "Traceback" not in res.get_data(as_text=True)
    if path.startswith("/api"):
        assert res.get_json()["error"]["code"] in ("not_found", "method_not_allowed")


def test_an_unexpected_error_is_a_json_500_without_a_trace(hostile_client, monkeypatch):
    """The one 500 there is: a bug. It says so in the one shape, and shows nothing inside."""
    engine = hostile_client.application.extensions["qa"]

    def broken(request):
        raise RuntimeError("secret internals /srv/peel/var/index")

    monkeypatch.setattr(engine, "ask", broken)
    res = hostile_client.post(ASK, json=GOOD)
    assert res.status_code == 500
    assert res.get_json() == {
        "error": {"code": "internal", "message": "internal error; see the server log"}
    }
    assert "secret" not in res.get_data(as_text=True)
    assert res.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("get", "/", {}),
        ("get", "/passages/lancashire-2018-effectiveness-q2-p7", {}),
        ("get", "/passages/none-such", {}),
        ("get", "/static/chat.js", {}),
        ("get", "/static/site.css", {}),
        ("get", "/api/health", {}),
        ("get", "/api/reports", {}),
        ("post", ASK, {"json": GOOD}),
        ("post", ASK, {"json": {"question": ""}}),
        ("get", ASK, {}),
        ("get", "/api/reports/rebuild", {}),
        ("post", ASK, {"data": b"x" * (5 * 1024 * 1024)}),
    ],
)
def test_security_headers_on_every_response(hostile_client, method, path, kwargs):
    with getattr(hostile_client, method)(path, **kwargs) as res:
        headers = res.headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "X-Powered-By" not in headers
    # Flask adds no Server header of its own; waitress adds its name only (test_server.py).
    assert "Server" not in headers


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b'{"question": "who \xff checks"}', "must be a JSON object"),
        (b'{"question": "\\ud800"}', "lone surrogate"),
        (_nested(100_000), "nested too deeply"),
    ],
)
def test_a_bad_body_says_what_is_wrong_with_it(hostile_client, body, words):
    res = hostile_client.post(ASK, data=body, content_type="application/json")
    assert res.status_code == 400 and words in res.get_json()["error"]["message"]
