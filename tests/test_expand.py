"""qa/expand.py: a question that uses an acronym also searches for its long form, and the
reverse, as the reports define them."""

from __future__ import annotations

from qa.expand import expand

ACRONYMS = {"ASB": "anti-social behaviour", "MASH": "multi-agency safeguarding hub"}


def test_an_acronym_is_spelled_out():
    query = expand("how does the force tackle ASB?", ACRONYMS)
    assert query.dense == "how does the force tackle ASB? (anti-social behaviour)"
    assert query.keywords == "how does the force tackle ASB? anti-social behaviour"


def test_a_long_form_adds_its_acronym():
    query = expand("is there a multi-agency safeguarding hub?", ACRONYMS)
    assert query.dense.endswith("(MASH)") and query.keywords.endswith(" MASH")


def test_a_plural_long_form_or_acronym_counts():
    assert expand("how many multi-agency safeguarding hubs", ACRONYMS).dense.endswith("(MASH)")
    assert "multi-agency safeguarding hub" in expand("are the MASHs busy", ACRONYMS).dense


def test_acronyms_match_whatever_their_case_but_only_as_whole_words():
    assert "anti-social behaviour" in expand("what about asb", ACRONYMS).dense
    assert expand("a basb review", ACRONYMS).dense == "a basb review"  # not a word of its own


def test_a_question_naming_both_forms_is_left_alone():
    question = "ASB (anti-social behaviour) in towns"
    assert expand(question, ACRONYMS).dense == question


def test_a_question_without_acronyms_is_searched_as_asked():
    query = expand("how are victims kept informed?", ACRONYMS)
    assert query.dense == query.keywords == "how are victims kept informed?"
