"""The chat page's rough edges a newcomer hit, in a real browser (Debian's Chromium via
Playwright) against the shipped report and the real model: the question box at 400% zoom
and on a phone with the scope picker open, taking back "New conversation", saving a
conversation as Markdown, a question shared as a link, the grade card, dark mode's
contrast (checked as light mode's is) and a readable /docs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from corpus.grades import grade_in_sentence
from tests.serving import serving
from tests.test_page import QUESTION, WAIT_MS, XSS, Watch, ask

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = pytest.mark.real_model

GRADE_QUESTION = "how did the inspectors rate Lancashire on preventing crime?"


@pytest.fixture(scope="module")
def base_url(real_app) -> Iterator[str]:
    with serving(real_app) as url:
        yield url


@pytest.fixture
def context(browser, request):
    """A browser window: 1100 x 860 unless the test asks for another size or scheme."""
    options = {"viewport": {"width": 1100, "height": 860}, **getattr(request, "param", {})}
    context = browser.new_context(**options)
    context.set_default_timeout(WAIT_MS)
    yield context
    context.close()


def open_chat(context, url: str):
    page = context.new_page()
    page.watch = Watch(page)
    page.goto(url)
    expect(page.locator("#coverage")).to_contain_text("Indexed: Lancashire PEEL 2018")
    return page


@pytest.fixture
def page(context, base_url):
    page = open_chat(context, base_url + "/")
    yield page
    assert page.watch.errors == []
    assert page.watch.dialogs == []


def stored(page) -> list[dict]:
    return page.evaluate("JSON.parse(localStorage.getItem('peel-qa.conversation.v1') || '[]')")


# ---- the question box on a small or zoomed screen -------------------------------------------

# Browser zoom at 400% on a 1280 x 1024 screen lays the page out in 320 x 256 CSS pixels
# (WCAG's reflow case); 200% on a 1100 x 860 window in 550 x 430; a phone is 360 x 740.
SCREENS = [
    pytest.param({"viewport": {"width": 320, "height": 256}}, id="400%"),
    pytest.param({"viewport": {"width": 550, "height": 430}}, id="200%"),
    pytest.param({"viewport": {"width": 360, "height": 740}}, id="phone"),
]


def box_share(page) -> float:
    """How much of the screen the question box covers while the latest answer is read."""
    page.evaluate("document.querySelector('article.turn:last-of-type').scrollIntoView()")
    return page.evaluate(
        """() => {
            const r = document.querySelector('.composer').getBoundingClientRect();
            return Math.max(0, Math.min(innerHeight, r.bottom) - Math.max(0, r.top)) / innerHeight;
        }"""
    )


@pytest.mark.parametrize("context", SCREENS, indirect=True)
@pytest.mark.parametrize("picker", ["closed", "open"])
def test_the_question_box_leaves_two_thirds_of_the_screen_to_the_answer(page, picker):
    turn = ask(page, QUESTION)
    if picker == "open":
        page.locator("#scope-picker summary").click()
        expect(page.get_by_label("Pillar")).to_be_visible()
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert box_share(page) <= 1 / 3
    expect(turn.locator(".bubble")).to_be_in_viewport()  # the answer is there to read
    # and the box is still there to ask the next question, with the picker's scope
    box = page.get_by_label("Your question")
    box.fill("how long do digital devices wait for examination?")
    box.press("Enter")
    expect(page.locator("article.turn")).to_have_count(2)
    expect(page.locator("article.turn").last.locator(".passage").first).to_be_visible()


# ---- "New conversation" can be taken back -------------------------------------------------


def test_new_conversation_can_be_undone_even_after_a_reload(page):
    ask(page, QUESTION)
    ask(page, GRADE_QUESTION)
    before = stored(page)
    chips = page.locator(".chip").all_inner_texts()

    page.get_by_role("button", name="New conversation").click()
    expect(page.locator("article.turn")).to_have_count(0)
    expect(page.locator("#intro")).to_be_visible()
    undo = page.get_by_role("button", name="Undo")
    expect(undo).to_be_visible()
    page.reload()  # a slip of the hand, then a reload: still recoverable
    expect(undo).to_be_visible()
    undo.click()
    expect(page.locator("article.turn")).to_have_count(2)
    assert page.locator(".chip").all_inner_texts() == chips
    assert stored(page) == before
    expect(undo).to_be_hidden()
    page.reload()
    expect(page.locator("article.turn")).to_have_count(2)


def test_a_new_question_after_new_conversation_lets_the_old_one_go(page):
    ask(page, QUESTION)
    page.get_by_role("button", name="New conversation").click()
    ask(page, GRADE_QUESTION)
    expect(page.get_by_role("button", name="Undo")).to_be_hidden()
    assert [t["question"] for t in stored(page)] == [GRADE_QUESTION]
    page.reload()
    expect(page.get_by_role("button", name="Undo")).to_be_hidden()
    expect(page.locator("article.turn")).to_have_count(1)


# ---- the conversation as Markdown -----------------------------------------------------------


def unescaped(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def test_a_conversation_saves_as_markdown_with_every_citation_and_its_link(page, base_url):
    ask(page, QUESTION)
    ask(page, GRADE_QUESTION)
    ask(page, XSS)
    turns = stored(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Save as Markdown").click()
    assert download.value.suggested_filename.endswith(".md")
    markdown = Path(download.value.path()).read_text("utf-8")
    plain = unescaped(markdown)

    # markup in a question stays text in the Markdown too: every < escaped
    assert "\\<img src=x onerror=alert(1)\\>" in markdown
    assert not re.search(r"(?<!\\)<", markdown)
    for number, turn in enumerate(turns, 1):
        assert f"## {number}. {turn['question']}" in plain
        answer = turn["answer"]
        if answer:
            assert answer["text"] in plain
            link = f"{base_url}/passages/{answer['passage_id']}"
            assert f"Source: [{answer['cite']}]({link}" in plain
        for passage in turn["passages"]:
            # each passage's citation, linked to the paragraph, then its words verbatim
            assert f"[{passage['cite']}]({base_url}/passages/{passage['id']}" in plain
            quoted = "\n".join(f"> {line}".rstrip() for line in passage["text"].split("\n"))
            assert quoted in plain
    links = re.findall(r"\]\((http[^)\s]+)\)", markdown)
    cited = sum(len(t["passages"]) + bool(t["answer"]) for t in turns)
    assert len(links) == cited
    grade = turns[1]["answer"]
    assert f"**Grade: {grade['grade']}.**" in markdown


# ---- a question shared as a link --------------------------------------------------------------


def test_a_shared_link_asks_its_question_and_does_nothing_else(page, context, base_url):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    ask(page, QUESTION)
    page.get_by_role("button", name="Copy link to this question").click()
    link = page.evaluate("navigator.clipboard.readText()")
    assert link.startswith(f"{base_url}/?q=")
    assert parse_qs(urlsplit(link).query) == {"q": [QUESTION]}  # the scope was all reports

    friend = open_chat(context.browser.new_context(), base_url + "/")  # someone else's browser
    try:
        ask(friend, GRADE_QUESTION)  # who is in the middle of a conversation of their own
        sent = []
        friend.on("request", lambda r: sent.append((r.method, r.url, r.post_data)))
        friend.goto(link)
        turns = friend.locator("article.turn")
        expect(turns).to_have_count(2)
        expect(turns.last.locator(".bubble")).to_have_text("You asked: " + QUESTION)
        expect(turns.last.locator(".passage").first).to_be_visible()
        assert friend.url == base_url + "/"  # a reload does not ask it again
        posts = [(url, body) for method, url, body in sent if method != "GET"]
        assert [url for url, _ in posts] == [base_url + "/api/ask"]  # asking is all it did
        assert json.loads(posts[0][1]) == {"question": QUESTION}  # on its own, no history
        assert (
            friend.locator("article.turn")
            .first.locator(".bubble")
            .inner_text()
            .endswith(GRADE_QUESTION)
        )  # and their conversation is still there
        assert friend.watch.errors == [] and friend.watch.dialogs == []
    finally:
        friend.context.close()


def test_a_link_with_markup_asks_it_as_text(page, base_url):
    page.goto(f"{base_url}/?q={quote(XSS)}")
    turn = page.locator("article.turn").last
    expect(turn.locator(".bubble")).to_have_text("You asked: " + XSS)
    assert page.locator("img").count() == 0
    # page fixture: no dialog opened, no script error


def test_a_link_keeps_the_scope_it_was_asked_in(page, base_url):
    page.goto(f"{base_url}/?q={quote(QUESTION)}&force=Lancashire&year=2018")
    turn = page.locator("article.turn").last
    expect(turn.locator(".turn-scope")).to_have_text("Scope: Lancashire · 2018")
    expect(page.locator("#scope-summary")).to_have_text("Lancashire · 2018")


# ---- the grade card -------------------------------------------------------------------------


def test_a_grade_card_states_the_grade_once_and_opens_on_the_sentence_stating_it(page):
    turn = ask(page, GRADE_QUESTION)
    card = turn.locator(".direct")
    expect(card.locator(".direct-grade")).to_have_text("Good")
    said = re.findall(r"\bgood\b", card.inner_text(), re.I)
    assert said == ["Good"], card.inner_text()

    card.get_by_role("link", name="Open in context").click()
    expect(page).to_have_url(re.compile(r"/passages/lancashire-2018-effectiveness-q1-p\d+\?span="))
    marked = page.locator("#passage mark")
    expect(marked).to_have_count(1)
    expect(marked).to_be_in_viewport()
    assert grade_in_sentence(marked.inner_text()) == "Good"  # the sentence that states it


# ---- dark mode, held to the contrast light mode is held to ---------------------------------

# WCAG 2 contrast of all visible text, the same check in light and dark mode.
CONTRAST = (Path(__file__).parent / "contrast.js").read_text("utf-8")

SCHEMES = [
    pytest.param({"color_scheme": "light"}, id="light"),
    pytest.param({"color_scheme": "dark"}, id="dark"),
]


def contrast(page) -> dict:
    result = page.evaluate(CONTRAST)
    assert result["checked"] > 10  # the check saw the page's text
    return result


@pytest.mark.parametrize("context", SCHEMES, indirect=True)
def test_every_page_is_legible_in_light_and_dark_mode(page, context, base_url, request):
    dark = request.node.callspec.id.startswith("dark")
    ask(page, GRADE_QUESTION)
    ask(page, QUESTION)
    page.get_by_role("button", name="New conversation").click()
    page.get_by_role("button", name="Undo").click()  # the undo bar was shown meanwhile
    page.locator("#scope-picker summary").click()
    seen = {"chat": contrast(page)}
    card = page.locator(".direct").first
    card.get_by_role("link", name="Open in context").click()
    expect(page.locator("#passage mark")).to_be_visible()
    seen["passage"] = contrast(page)
    page.goto(base_url + "/grades")
    seen["grades"] = contrast(page)
    page.goto(base_url + "/docs")
    seen["docs"] = contrast(page)
    for name, result in seen.items():
        assert result["failures"] == [], (name, result["failures"])
        # dark mode is dark (the system setting is followed), light mode light
        assert (result["page"] < 0.05) if dark else (result["page"] > 0.8), (name, result)


# ---- /docs ----------------------------------------------------------------------------------


def test_docs_show_request_bodies_as_indented_json_without_escapes(page, base_url):
    page.goto(base_url + "/docs")
    text = page.locator("main").inner_text()
    assert "\\u00" not in text
    body = page.locator("#post--api-reports pre")
    expect(body).to_be_visible()
    shown = body.inner_text()
    schema = json.loads(shown)  # JSON, whole
    assert "file" in schema["properties"]
    assert "\n  " in shown  # indented, one key a line
    assert "file's published report" in shown  # an apostrophe, as written
    for pre in page.locator("section.schema pre").all():
        json.loads(pre.inner_text())
