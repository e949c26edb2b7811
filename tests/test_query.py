"""Understanding a question, without a model: forces, years, intents, answer types,
scope and follow-ups, on everyday wordings a user would type."""

from __future__ import annotations

import pytest

from corpus.records import Question, Report
from qa.query import QueryReader
from qa.request import Turn
from qa.scope import resolve

VOCABULARY = (
    "the constabulary is good at investigating crime protecting vulnerable people "
    "domestic abuse officers investigations preventing anti social behaviour effectiveness "
    "victims council tax referrals"
).split()


@pytest.fixture(scope="module")
def reader() -> QueryReader:
    return QueryReader(
        forces=["Lancashire", "Cumbria", "Durham"],
        vocabulary=VOCABULARY,
        acronyms={},
    )


def report(force: str, year: str, pillar: str = "Effectiveness") -> Report:
    return Report(
        id=f"{force.lower()}-{year}-{pillar.lower()}",
        file=f"{force.lower()}.txt",
        sha256="0",
        force=force,
        year=year,
        pillar=pillar,
        headline=None,
        grade="Good",
        updated=None,
        units=(
            Question(1, "How effective is the force at investigating crime?", "Good").as_unit(),
        ),
    )


REPORTS = [
    report("Lancashire", "2018"),
    report("Lancashire", "2017"),
    report("Cumbria", "2018"),
    report("Durham", "2018", "Legitimacy"),
]


@pytest.mark.parametrize(
    ("question", "indexed", "other"),
    [
        ("how did lancs do on investigations", ["Lancashire"], []),
        ("Lancashire Constabulary's grade for domestic abuse", ["Lancashire"], []),
        ("is cumbria police any good", ["Cumbria"], []),
        ("how good is Lancashre at investigating crime", ["Lancashire"], []),  # misspelt
        ("how did the Met do on stop and search", [], ["Metropolitan Police Service"]),
        ("Kent's grade for investigating crime", [], ["Kent Police"]),
        ("compare Durham with West Midlands Police", ["Durham"], ["West Midlands Police"]),
        ("what is the constabulary doing about domestic abuse", [], []),
    ],
)
def test_forces_named_indexed_or_not(reader, question, indexed, other):
    query = reader.read(question)
    assert list(query.forces) == indexed
    assert list(query.unindexed_forces) == other


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("what grade did lancashire get for investigating crime", "grade"),
        ("how do they measure up on protecting vulnerable people", "grade"),
        ("are they up to scratch at preventing crime", "grade"),
        ("what has to change about how they investigate crime", "improvements"),
        ("where are they falling short on domestic abuse", "improvements"),
        ("what do cumbria need to fix", "improvements"),
        ("why?", "reasons"),
        ("how come they got that grade", "reasons"),
        ("how many referrals were waiting", "figure"),
        ("what percentage of victims were satisfied", "figure"),
        ("compare Lancashire and Cumbria on investigating crime", "compare"),
        ("is Lancashire or Cumbria better at protecting vulnerable people", "compare"),
        ("which forces were graded inadequate at protecting vulnerable people", "list"),
        ("how has Lancashire's grade for investigating crime changed since 2017", "trend"),
        ("who checks that crime reports are filled in properly", "other"),
    ],
)
def test_intent_holds_under_paraphrase(reader, question, intent):
    assert reader.read(question).intent == intent


@pytest.mark.parametrize(
    ("question", "answer_type"),
    [
        ("how many officers moved to response teams", "number"),
        ("how long do victims wait for a phone to be examined", "duration"),
        ("what proportion of stop and searches had grounds", "percentage"),
        ("how much money did the council tax rise raise", "amount"),
        ("who is the police and crime commissioner for cumbria", "person"),
        ("which team checks crime reports", "unit"),
        ("does durham keep track of how often officers use force", "yesno"),
    ],
)
def test_answer_type(reader, question, answer_type):
    assert reader.read(question).answer_type == answer_type


def test_misspelt_subject_words_are_corrected_against_the_reports(reader):
    query = reader.read("how good is lancs at investigatons of domestic abuse")
    assert "investigations" in query.corrected
    # an English word the reports never use is left alone, not "corrected"
    assert "recipe" in reader.read("recipe for chocolate cake").corrected


def test_every_word_of_the_english_list_is_english_and_nothing_else_is():
    """The word list is held as hashes (memory): it must still know exactly the words
    pyspellchecker's English list knows, lower-cased as its SpellChecker has them."""
    from spellchecker import SpellChecker

    from qa.query import _is_english

    listed = SpellChecker().word_frequency.dictionary
    assert len(listed) > 100_000
    assert all(_is_english(word) for word in listed)
    assert not any(_is_english(w) for w in ("investigatons", "lancashre", "cumbira", "xqzzyv"))
    assert not any(_is_english(word.upper()) for word in ("recipe", "receipt"))


def test_years_pillars_places_and_the_future(reader):
    query = reader.read("Lancashire 2017 effectiveness grade for investigating crime")
    assert query.years == (2017,) and query.pillars == ("Effectiveness",)
    assert reader.read("how do French police deal with domestic abuse").places
    assert reader.read("will lancashire be rated outstanding next year").future


@pytest.mark.parametrize(
    ("question", "plain"),
    [
        (
            "I'm a councillor in Bristol. How many officers investigate domestic abuse in Durham?",
            "How many officers investigate domestic abuse in Durham?",
        ),
        ("Hi, I am a local journalist: who checks crime records?", "who checks crime records?"),
        ("I live in Preston. Are victims told what happens?", "Are victims told what happens?"),
        (
            "I live in Glasgow now. Are victims in Durham told what happens?",
            "Are victims in Durham told what happens?",
        ),
        (
            "Writing a piece on council tax referrals in Durham - how many were there?",
            "council tax referrals in Durham - how many were there?",
        ),
        ("Quick question: who chairs the panel?", "who chairs the panel?"),
    ],
)
def test_who_asks_and_why_is_neither_topic_nor_place(reader, question, plain):
    """A sentence about the asker ("I'm a councillor in Bristol.") says nothing of what is
    asked: the question is read as if it were not there, and a place in it is no place asked
    about ("I live in Glasgow now." would otherwise answer that the reports don't cover
    Glasgow)."""
    query = reader.read(question)
    alone = reader.read(plain)
    assert (query.topic, query.intent, query.answer_type) == (
        alone.topic,
        alone.intent,
        alone.answer_type,
    )
    assert query.places == ()


def test_a_force_named_by_who_asks_is_still_the_scope(reader):
    query = reader.read("I live in Cumbria. How many officers investigate domestic abuse?")
    assert query.forces == ("Cumbria",) and "live" not in query.topic.split()
    # a sentence of context that is about the thing asked stays: it holds the topic
    query = reader.read("My son's school runs a mini police club. Does it do any good?")
    assert "mini" in query.topic.split()


def test_overall_questions_have_no_topic(reader):
    query = reader.read("lancs police overall rating 2018 for keeping people safe")
    assert query.overall and query.topic == ""


def test_scope_names_what_is_indexed_when_a_force_is_not(reader):
    scope = resolve(reader.read("how good is Kent at investigating crime"), REPORTS)
    assert scope.reports == ()
    assert "Kent" in scope.uncovered
    # the indexed forces by name, not every report of theirs (a wall of text on an archive)
    assert "Cumbria, Durham, Lancashire" in scope.uncovered
    assert "Effectiveness" not in scope.uncovered


def test_scope_follows_the_named_force_year_and_pillar(reader):
    scope = resolve(reader.read("lancs 2017 grade for investigating crime"), REPORTS)
    assert [r.id for r in scope.reports] == ["lancashire-2017-effectiveness"]
    missing = resolve(reader.read("how did Lancashire do in 2023"), REPORTS)
    assert missing.reports == () and "2023" in missing.uncovered
    pillar = resolve(reader.read("Cumbria legitimacy grade"), REPORTS)
    assert pillar.reports == () and "Legitimacy" in pillar.uncovered
    both = resolve(reader.read("compare Lancashire and Kent on investigations"), REPORTS)
    assert {r.force for r in both.reports} == {"Lancashire"} and "Kent" in both.note


def test_latest_report_per_force(reader):
    scope = resolve(reader.read("how good is lancashire at investigating crime"), REPORTS)
    assert [r.year for r in scope.latest()] == ["2018"]


def test_follow_up_takes_force_and_topic_from_the_conversation(reader):
    history = (Turn("how good is Cumbria at investigating crime?"),)
    why = reader.read("why?", history)
    assert why.followup and why.intent == "reasons"
    assert why.forces == ("Cumbria",) and "investigating crime" in why.topic
    other = reader.read("and what about domestic abuse?", history)
    assert other.followup and other.forces == ("Cumbria",) and "domestic abuse" in other.topic
    same_kind = reader.read("and for Durham?", history)
    assert same_kind.forces == ("Durham",) and same_kind.intent == "grade"


def test_a_thing_pointed_at_is_searched_for_beside_the_questions_own_topic(reader):
    history = (Turn("how do the multi-agency safeguarding hubs work"),)
    pointed = reader.read("is any of them struggling?", history)
    assert "safeguarding hubs" in pointed.dense and "safeguarding hubs" in pointed.keywords
    # the same words without pointing back are searched as asked
    plain = reader.read("is anyone struggling with referrals?", history)
    assert "safeguarding" not in plain.dense
    # and a question that points back at nothing talked about stays as asked
    alone = reader.read("is any of them struggling?")
    assert "safeguarding" not in alone.dense


def test_a_question_with_its_own_force_and_topic_stands_alone(reader):
    history = (Turn("how good is Cumbria at investigating crime?"),)
    query = reader.read("how good are Lancashire at protecting vulnerable people", history)
    assert not query.followup and query.forces == ("Lancashire",)
    assert reader.read("is Durham fair to its staff", history).forces == ("Durham",)
