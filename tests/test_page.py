"""The chat page in a real browser: Debian's Chromium driven by Playwright, against the app
served by waitress on a loopback port with the real model and index.

Needs /usr/bin/chromium (`make test` installs it; or `apt-get install -y chromium`).
Set SCREENSHOT_DIR to also write the README's screenshot (`make screenshot`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.synthetic import report_text
from tests.serving import serving

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = pytest.mark.real_model

WAIT_MS = 20_000  # how long to wait for something to appear; never a pass/fail on speed

expect.set_options(timeout=WAIT_MS)

QUESTION = "who checks crime reports are filled in properly?"
Q2 = "How effective is the force at investigating crime and reducing re-offending?"
XSS = "<img src=x onerror=alert(1)>"
re_passage = re.compile(r"^/passages/")


@pytest.fixture(scope="module")
def base_url(real_app) -> Iterator[str]:
    with serving(real_app) as url:
        yield url


class Watch:
    """What the page did that a user would see go wrong: dialogs, script errors, CSP blocks."""

    def __init__(self, page) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("console", self._console)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.errors.append(message.text)


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 860})
    context.set_default_timeout(WAIT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context, base_url):
    page = context.new_page()
    page.watch = Watch(page)
    page.goto(base_url + "/")
    expect(page.locator("#coverage")).to_have_text(
        "Indexed: Lancashire PEEL 2018, Effectiveness (graded Good).", timeout=WAIT_MS
    )
    yield page
    assert page.watch.errors == []
    assert page.watch.dialogs == []


def ask(page, question: str):
    """Type a question, press Enter, and return the answered turn."""
    box = page.get_by_label("Your question")
    box.fill(question)
    box.press("Enter")
    turn = page.locator("article.turn").last
    expect(turn.locator(".passage").first).to_be_visible(timeout=WAIT_MS)
    return turn


def api_answer(real_app, question: str) -> dict:
    return real_app.test_client().post("/api/ask", json={"question": question}).get_json()


def test_enter_sends_and_the_answer_cites_the_right_question(page):
    box = page.get_by_label("Your question")
    box.fill("who checks")
    box.press("Shift+Enter")
    box.press_sequentially("crime reports are filled in properly?")
    assert box.input_value() == "who checks\ncrime reports are filled in properly?"
    assert page.locator("article.turn").count() == 0  # Shift+Enter did not send

    turn = ask(page, QUESTION)
    expect(turn.locator(".bubble")).to_have_text("You asked: " + QUESTION)
    first = turn.locator(".passage").first
    chip = first.locator(".chip")
    expect(chip).to_contain_text("Lancashire 2018")
    expect(chip).to_contain_text("Q2 Investigating crime and reducing re-offending")
    expect(chip.locator(".chip-question")).to_have_attribute("title", Q2)
    expect(chip).to_contain_text("Requires improvement")
    expect(chip).to_contain_text("Investigation quality")
    expect(chip).to_contain_text("¶11")
    expect(first.locator("mark").first).to_have_text(
        "To provide this quality assurance, the constabulary set up the investigations "
        "management unit (IMU) to check that all crime reports are properly completed."
    )
    assert box.input_value() == ""
    expect(page.locator("#send")).to_be_enabled()
    expect(page.locator("#intro")).to_be_hidden()


def test_send_is_disabled_while_waiting(page):
    held = []
    page.route("**/api/ask", lambda route: held.append(route))
    page.get_by_label("Your question").fill(QUESTION)
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#send")).to_be_disabled()
    expect(page.locator("article.turn.pending")).to_contain_text("Searching the reports")
    assert len(held) == 1
    held[0].continue_()
    expect(page.locator("article.turn .passage").first).to_be_visible()
    expect(page.locator("#send")).to_be_enabled()
    expect(page.locator("article.turn.pending")).to_have_count(0)


def test_a_question_with_markup_shows_as_typed_and_runs_nothing(page):
    turn = ask(page, XSS)
    expect(turn.locator(".bubble")).to_have_text("You asked: " + XSS)
    assert page.locator("article.turn img").count() == 0
    page.reload()
    expect(page.locator("article.turn .bubble")).to_have_text("You asked: " + XSS)
    assert page.locator("img").count() == 0
    # page fixture: no dialog opened, no script error


def test_report_text_with_markup_shows_as_text(page):
    """Report text is inserted as text too: an answer whose passage and citation carry markup."""

    def tamper(route):
        answer = route.fetch().json()
        answer["passages"][0]["text"] += " <img src=x onerror=alert(2)>"
        answer["passages"][0]["citation"]["section"] = "<b onmouseover=alert(3)>Section</b>"
        route.fulfill(json=answer)

    page.route("**/api/ask", tamper)
    first = ask(page, QUESTION).locator(".passage").first
    first.get_by_role("button", name="Show more").click()
    expect(first.locator(".passage-text")).to_contain_text("<img src=x onerror=alert(2)>")
    expect(first.locator(".chip")).to_contain_text("<b onmouseover=alert(3)>Section</b>")
    assert page.locator(".passage img, .passage b").count() == 0


def test_highlights_from_the_api_are_used_when_present(page):
    """Once /api/ask sends character spans, the page marks those rather than guessing."""
    sentence = "This is a positive approach."

    def add_highlights(route):
        answer = route.fetch().json()
        text = answer["passages"][0]["text"]
        start = text.index(sentence)
        answer["passages"][0]["highlights"] = [[start, start + len(sentence)]]
        route.fulfill(json=answer)

    page.route("**/api/ask", add_highlights)
    first = ask(page, QUESTION).locator(".passage").first
    expect(first.locator("mark")).to_have_text(sentence)


def test_long_passages_fold_and_show_more_shows_all_of_it(page, real_app):
    full = api_answer(real_app, QUESTION)["passages"][0]["text"]
    first = ask(page, QUESTION).locator(".passage").first
    text = first.locator(".passage-text")
    folded = text.inner_text()
    assert folded.startswith("… ") and folded.endswith(" …") and len(folded) < len(full)
    toggle = first.get_by_role("button", name="Show more")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(text).to_have_text(full)
    expect(first.get_by_role("button", name="Show less")).to_have_attribute("aria-expanded", "true")


def test_reload_keeps_the_conversation_and_new_conversation_clears_it(page):
    ask(page, QUESTION)
    ask(page, "How long do digital devices wait for examination?")
    chips = page.locator(".chip").all_inner_texts()
    page.reload()
    expect(page.locator("article.turn")).to_have_count(2)
    assert page.locator(".chip").all_inner_texts() == chips
    expect(page.locator("#intro")).to_be_hidden()

    page.get_by_role("button", name="New conversation").click()
    expect(page.locator("article.turn")).to_have_count(0)
    expect(page.locator("#intro")).to_be_visible()
    expect(page.get_by_label("Your question")).to_be_focused()
    page.reload()
    expect(page.locator("#intro")).to_be_visible()
    assert page.locator("article.turn").count() == 0


def test_an_api_error_is_shown_and_the_question_stays_in_the_box(page):
    body = {"error": {"code": "internal", "message": "internal error; see the server log"}}
    page.route("**/api/ask", lambda route: route.fulfill(status=500, json=body))
    box = page.get_by_label("Your question")
    box.fill(QUESTION)
    box.press("Enter")
    error = page.locator("article.turn.failed [role=alert]")
    expect(error).to_contain_text(
        "The service could not answer: internal error; see the server log"
    )
    assert box.input_value() == QUESTION
    expect(page.locator("#send")).to_be_enabled()

    page.unroute("**/api/ask")
    box.press("Enter")  # try again, now that the service answers
    expect(page.locator("article.turn .passage").first).to_be_visible()
    expect(page.locator("article.turn.failed")).to_have_count(0)
    assert box.input_value() == ""


def test_a_server_that_is_down_is_reported_and_the_question_kept(context, real_app):
    page = context.new_page()
    watch = Watch(page)
    with serving(real_app) as url:
        page.goto(url + "/")
        expect(page.locator("#coverage")).to_contain_text("Indexed")
    # the server is gone now
    box = page.get_by_label("Your question")
    box.fill(QUESTION)
    box.press("Enter")
    expect(page.locator("article.turn.failed [role=alert]")).to_contain_text(
        "Could not reach the service"
    )
    assert box.input_value() == QUESTION
    expect(page.locator("#send")).to_be_enabled()
    assert watch.errors == [] and watch.dialogs == []


def test_passage_link_opens_the_passage_page(page, base_url):
    first = ask(page, QUESTION).locator(".passage").first
    first.get_by_role("link", name="Open in context").click()
    expect(page).to_have_url(
        re.compile(
            re.escape(base_url) + r"/passages/lancashire-2018-effectiveness-q2-p11"
            r"\?span=\d+-\d+#passage$"
        )
    )
    expect(page.locator("#passage mark")).to_contain_text("investigations management unit")
    expect(page.locator("h1")).to_have_text("Q2 " + Q2)
    expect(page.locator("#passage")).to_contain_text(
        "to check that all crime reports are properly completed"
    )
    expect(page.locator(".grade-line")).to_contain_text("Requires improvement")
    page.get_by_role("link", name="Back to the questions").click()
    expect(page.locator("article.turn")).to_have_count(1)


def test_copy_citation_copies_the_cite_line_and_a_link(page, context, base_url, real_app):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    first = ask(page, QUESTION).locator(".passage").first
    first.get_by_role("button", name="Copy citation").click()
    expect(first.get_by_role("button", name="Copied")).to_be_visible()
    cite = api_answer(real_app, QUESTION)["passages"][0]["cite"]
    link = f"{base_url}/passages/lancashire-2018-effectiveness-q2-p11"
    assert page.evaluate("navigator.clipboard.readText()") == f"{cite}\n{link}"


def test_keyboard_alone_is_enough(page):
    expect(page.locator("button.example").first).to_be_visible()
    for _ in range(10):  # tab to the first example question
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('example')"):
            break
    else:
        pytest.fail("Tab never reached the example questions")
    page.keyboard.press("Enter")
    first = page.locator("article.turn .passage").first
    expect(first).to_be_visible()
    expect(page.get_by_label("Your question")).to_be_focused()
    page.keyboard.press("Shift+Tab")  # back from the box into the answers
    for _ in range(40):
        if page.evaluate("document.activeElement.textContent") == "Show more":
            break
        page.keyboard.press("Shift+Tab")
    else:
        pytest.fail("Shift+Tab never reached a Show more button")
    page.keyboard.press("Space")
    expect(page.get_by_role("button", name="Show less")).to_be_focused()


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1100, 860)])
def test_answer_fits_phone_and_desktop_widths(browser, base_url, width, height, tmp_path):
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    try:
        page.goto(base_url + "/")
        ask(page, QUESTION)
        page.evaluate("window.scrollTo(0, 0)")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        font_px = page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('.passage-text')).fontSize)"
        )
        assert font_px >= 16
        shots = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
        name = "chat.png" if width > 800 else f"chat-{width}.png"
        page.screenshot(path=str(shots / name))
    finally:
        context.close()


def test_coverage_line_says_when_the_index_is_missing(context, tmp_path, real_encoder):
    from app import create_app

    app = create_app(
        {"TESTING": True, "INDEX_DIR": str(tmp_path / "none"), "ENCODER": real_encoder}
    )
    page = context.new_page()
    with serving(app) as url:
        page.goto(url + "/")
        expect(page.locator("#coverage")).to_contain_text("The service is not ready")
        expect(page.locator("#coverage")).to_contain_text("make index")


def test_the_page_says_while_answers_come_from_the_base_model(context, tmp_path):
    """A first run serves the base model's build until the adapted one takes over."""
    from app import create_app
    from tests.test_first_run import first_build

    app = create_app(first_build(tmp_path))
    page = context.new_page()
    with serving(app) as url:
        page.goto(url + "/")
        expect(page.locator("#coverage")).to_contain_text("Northmoor", timeout=WAIT_MS)
        expect(page.locator("#model-note")).to_be_visible()
        expect(page.locator("#model-note")).to_contain_text("may be less precise")


def test_no_model_note_once_the_model_is_adapted(page):
    expect(page.locator("#model-note")).to_be_hidden()
    expect(page.locator("#waiting-note")).to_be_hidden()


def test_the_page_says_which_reports_wait_to_be_indexed_until_they_are(context, tmp_path):
    """A report added to the folder is named as waiting; once a rebuild has indexed it the
    note goes and the coverage line counts it, without reloading the page."""
    from bench.synthetic import CANAL_REPORT, canal_report_text, write_report
    from tests.conftest import HashEncoder, build, indexed_app

    reports = tmp_path / "reports"
    write_report(reports, "otherton-2018-legitimacy.txt", report_text("Otherton"))
    encoder = HashEncoder()
    app = indexed_app(reports, encoder, tmp_path / "index", INDEX_CHECK_SECONDS=0)
    write_report(reports, CANAL_REPORT, canal_report_text())
    page = context.new_page()
    with serving(app) as url:
        page.goto(url + "/")
        note = page.locator("#waiting-note")
        expect(note).to_be_visible()
        expect(note).to_contain_text("1 report file added to the reports folder is waiting")
        expect(note).to_contain_text(CANAL_REPORT)
        build(reports, encoder, tmp_path / "index")
        expect(note).to_be_hidden()
        expect(page.locator("#coverage")).to_contain_text("Northmoor PEEL 2019")


@pytest.mark.parametrize("stored", ["{not json", json.dumps([{"question": 3}, "junk", None])])
def test_a_damaged_stored_conversation_is_ignored(page, stored):
    page.evaluate("value => localStorage.setItem('peel-qa.conversation.v1', value)", stored)
    page.reload()
    expect(page.locator("#intro")).to_be_visible()
    assert page.locator("article.turn").count() == 0
    ask(page, QUESTION)  # and the page still works


def test_a_grade_question_shows_the_grade_as_the_answer(page):
    turn = ask(page, "how did the inspectors rate Lancashire on preventing crime?")
    direct = turn.locator(".direct")
    expect(direct.locator(".direct-label")).to_have_text("Grade")
    expect(direct.locator(".direct-grade")).to_have_text("Good")
    expect(direct.locator(".direct-cite")).to_contain_text("Q1 How effective is the force at")
    expect(turn.locator(".passage").first).to_be_visible()  # the passages still follow


def test_the_best_sentence_is_shown_as_the_answer_and_off_topic_gets_none(page):
    turn = ask(page, QUESTION)
    expect(turn.locator(".direct-label")).to_have_text("Best answer")
    expect(turn.locator(".direct-text")).to_contain_text(
        "check that all crime reports are properly completed"
    )
    turn = ask(page, "premier league football results")
    expect(turn.locator(".passage").first).to_be_visible()
    expect(turn.locator(".direct")).to_have_count(0)
    expect(turn.locator(".no-answer")).to_contain_text("No answer in the reports")
    expect(turn.locator(".answer-meta")).to_contain_text("Not an answer")


def test_a_follow_up_is_sent_with_the_conversation_so_far(page):
    first = ask(page, "What is the MARAC and is it coping with demand?")
    first_ids = first.locator(".passage").evaluate_all(
        "items => items.map(item => item.dataset.id)"
    )
    box = page.get_by_label("Your question")
    box.fill("and what are they trying instead?")
    with page.expect_request("**/api/ask") as sent:
        box.press("Enter")
    body = sent.value.post_data_json
    assert body["question"] == "and what are they trying instead?"
    assert body["history"] == [
        {"question": "What is the MARAC and is it coping with demand?", "passage_ids": first_ids}
    ]
    expect(page.locator("article.turn").nth(1).locator(".passage").first).to_be_visible(
        timeout=WAIT_MS
    )


@pytest.fixture(scope="module")
def multi_url(multi_app) -> Iterator[str]:
    with serving(multi_app) as url:
        yield url


@pytest.fixture
def multi_page(context, multi_url):
    page = context.new_page()
    page.watch = Watch(page)
    page.goto(multi_url + "/")
    expect(page.locator("#coverage")).to_contain_text("from 3 forces", timeout=WAIT_MS)
    yield page
    assert page.watch.errors == []
    assert page.watch.dialogs == []


def test_no_answer_is_said_plainly_and_the_passages_are_labelled_closest(multi_page):
    turn = ask(multi_page, "how good are Kent police at investigating crime?")
    note = turn.locator(".no-answer")
    expect(note).to_contain_text("No answer in the reports")
    expect(note).to_contain_text("No indexed report covers Kent")
    expect(turn.locator(".direct")).to_have_count(0)
    expect(turn.locator(".answer-meta")).to_contain_text("Not an answer: the 5 closest passages")
    names = turn.locator(".force-group").all_text_contents()
    assert len(names) == len(set(names))  # each force's passages together, under one heading


def test_a_comparison_is_a_table_and_the_scope_is_shown(multi_page):
    turn = ask(multi_page, "compare Lancashire and Cumbria on protecting vulnerable people")
    table = turn.locator(".direct table")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table).to_contain_text("Cumbria")
    expect(table).to_contain_text("Requires improvement")
    expect(table.locator("tbody tr").first.locator("a")).to_have_attribute("href", re_passage)
    expect(turn.locator(".scope-line")).to_contain_text("Answered from: ")
    expect(turn.locator(".scope-line")).to_contain_text("Lancashire")


def test_passages_from_several_forces_come_under_a_heading_each(multi_page):
    turn = ask(multi_page, "what is done about cuckooing?")
    headings = turn.locator(".force-group")
    expect(headings.first).to_be_visible()
    names = headings.all_text_contents()
    assert len(names) == len(set(names)) >= 2  # one heading per force, each once
