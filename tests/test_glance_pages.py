"""The at-a-glance pages in a real browser (Debian's Chromium via Playwright) against the
shipped report and the three clearly synthetic ones of tests/data/multi, real model."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.conftest import MULTI_SOURCE_URL
from tests.serving import serving
from tests.test_page import WAIT_MS, Watch, ask

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = pytest.mark.real_model


@pytest.fixture(scope="module")
def base_url(multi_app) -> Iterator[str]:
    with serving(multi_app) as url:
        yield url


@pytest.fixture(params=[(1100, 860)])
def page(request, browser):
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.watch = Watch(page)
    yield page
    assert page.watch.errors == []
    context.close()


def forces(page) -> list[str]:
    return page.locator("table.grades tbody th[scope=row]").all_inner_texts()


def test_grades_sort_by_a_column_with_the_keyboard(page, base_url):
    page.goto(base_url + "/grades?cycle=2018&pillar=Effectiveness")
    assert forces(page) == ["Cumbria", "Lancashire"]
    q2 = page.locator("#col-2018-effectiveness-q2 a.sort")
    q2.focus()
    page.keyboard.press("Enter")  # best first: Cumbria Good, Lancashire Requires improvement
    expect(page.locator("#col-2018-effectiveness-q2")).to_have_attribute("aria-sort", "ascending")
    assert forces(page) == ["Cumbria", "Lancashire"]
    page.locator("#col-2018-effectiveness-q3 a.sort").click()  # Lancashire Good first
    expect(page.locator("#col-2018-effectiveness-q3")).to_have_attribute("aria-sort", "ascending")
    assert forces(page) == ["Lancashire", "Cumbria"]
    page.locator("#col-2018-effectiveness-q3 a.sort").click()  # reversed: worst first
    expect(page.locator("#col-2018-effectiveness-q3")).to_have_attribute("aria-sort", "descending")
    assert forces(page) == ["Cumbria", "Lancashire"]


def test_grades_filter_by_grade_shows_who_is_inadequate(page, base_url):
    page.goto(base_url + "/grades")
    assert forces(page) == ["Cumbria", "Durham", "Lancashire"]
    page.get_by_label("Grade", exact=True).select_option("Inadequate")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("table.grades caption")).to_contain_text("Inadequate")
    assert forces(page) == ["Durham", "Lancashire"]
    inadequate = page.locator("td.grade-cell[data-grade]:not(.other-grade)")
    assert sorted(inadequate.all_inner_texts()) == ["Inadequate", "Inadequate"]
    # The grade is in words as well as colour, also where it is not the one filtered for.
    assert "Good" in page.locator("td.other-grade").all_inner_texts()


def test_a_grade_cell_opens_the_paragraph_that_states_it(page, base_url):
    page.goto(base_url + "/grades?force=Lancashire&cycle=2017")
    cell = page.locator("td.grade-cell", has_text="Inadequate").first
    cell.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/passages/lancashire-2017-effectiveness-q3-p4\?span="))
    expect(page.locator("#passage mark")).to_contain_text("inadequate")  # the stating sentence
    expect(page.locator("#passage")).to_be_in_viewport()
    expect(page.locator(".grade-line")).to_contain_text("Inadequate")
    published = page.get_by_role("link", name="Read the published report")
    expect(published).to_have_attribute("href", MULTI_SOURCE_URL)
    expect(published).to_have_attribute("rel", "noopener noreferrer")


@pytest.mark.parametrize("page", [(360, 740)], indirect=True)
def test_grades_fit_a_phone_the_table_scrolls_in_its_own_region(page, base_url):
    page.goto(base_url + "/grades")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    region = page.get_by_role("region", name="3 forces")
    region.focus()  # keyboard users can scroll it
    before = region.evaluate("el => el.scrollLeft")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(region).not_to_have_js_property("scrollLeft", before)
    expect(page.get_by_role("button", name="Filter")).to_be_in_viewport()


def test_a_force_name_opens_the_force_over_time(page, base_url):
    page.goto(base_url + "/grades")
    page.get_by_role("link", name="Lancashire", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lancashire over time")
    q3 = page.locator("tr[data-unit=q3]")
    expect(q3.locator(".movement")).to_have_text("↑ went up")
    q3.get_by_role("link", name="Inadequate").click()  # the 2017 grade, cited
    expect(page.locator("#passage")).to_contain_text("inadequate")


@pytest.fixture
def chat(page, base_url):
    page.goto(base_url + "/")
    expect(page.locator("#coverage")).to_contain_text("from 3 forces")
    return page


def test_example_questions_come_from_the_indexed_reports(chat):
    examples = chat.locator("button.example")
    expect(examples.first).to_be_visible()
    texts = examples.all_inner_texts()
    assert any("Durham" in t for t in texts)  # not written for Lancashire alone
    examples.filter(has_text="Durham").first.click()
    turn = chat.locator("article.turn").last
    expect(turn.locator("p.direct-grade")).to_have_text("Inadequate")
    expect(turn.locator(".direct-cite")).to_contain_text("Durham PEEL 2018")


def test_the_scope_picker_sets_the_filters_and_every_answer_shows_it(chat):
    question = "how good is the force at investigating crime?"
    chat.locator("#scope-picker summary").click()
    chat.get_by_label("Force").select_option("Cumbria")
    expect(chat.locator("#scope-summary")).to_have_text("Cumbria")
    turn = ask(chat, question)
    expect(turn.locator(".turn-scope")).to_have_text("Scope: Cumbria")
    expect(turn.locator("p.direct-grade")).to_have_text("Good")
    for chip in turn.locator(".passage .chip-report").all_inner_texts():
        assert chip.startswith("Cumbria")

    chat.get_by_label("Force").select_option("Lancashire")
    chat.get_by_label("Cycle").select_option("2018")
    turn = ask(chat, question)
    expect(turn.locator(".turn-scope")).to_have_text("Scope: Lancashire · 2018")
    expect(turn.locator("p.direct-grade")).to_have_text("Requires improvement")
    for chip in turn.locator(".passage .chip-report").all_inner_texts():
        assert chip == "Lancashire 2018"
    first = chat.locator("article.turn").first  # the earlier answer keeps its own scope
    expect(first.locator(".turn-scope")).to_have_text("Scope: Cumbria")


def test_the_scope_picker_works_from_the_keyboard(chat):
    chat.get_by_label("Your question").focus()
    chat.keyboard.press("Shift+Tab")  # back to the picker's summary
    expect(chat.locator("#scope-picker summary")).to_be_focused()
    chat.keyboard.press("Enter")
    expect(chat.get_by_label("Force")).to_be_visible()
    chat.keyboard.press("Tab")
    expect(chat.get_by_label("Force")).to_be_focused()
    chat.keyboard.press("ArrowDown")  # All forces -> Cumbria -> Durham
    chat.keyboard.press("ArrowDown")
    expect(chat.locator("#scope-summary")).to_have_text("Durham")
    chat.get_by_label("Your question").fill("which areas for improvement were listed?")
    chat.get_by_label("Your question").press("Enter")
    turn = chat.locator("article.turn").last
    expect(turn.locator(".turn-scope")).to_have_text("Scope: Durham")
    for chip in turn.locator(".passage .chip-report").all_inner_texts():
        assert chip.startswith("Durham")


def test_the_chat_page_links_to_the_grades(chat):
    chat.get_by_role("link", name="All grades").click()
    expect(chat.get_by_role("heading", level=1)).to_have_text("Grades of every indexed report")


@pytest.mark.parametrize("page", [(360, 740)], indirect=True)
def test_the_picker_fits_a_phone(chat):
    chat.locator("#scope-picker summary").click()
    for label in ("Force", "Cycle", "Pillar"):
        expect(chat.get_by_label(label)).to_be_in_viewport()
    assert chat.evaluate("document.documentElement.scrollWidth") <= 360


def test_open_in_context_scrolls_to_the_paragraph_and_marks_the_answering_sentence(chat):
    turn = ask(chat, "how many staff were trained to use digital device kiosks?")
    passage = turn.locator(".passage").first
    highlighted = passage.locator("mark").first.inner_text()
    passage.get_by_role("link", name="Open in context").click()
    expect(chat.locator("#passage mark").first).to_have_text(highlighted)
    expect(chat.locator("#passage")).to_be_in_viewport()
