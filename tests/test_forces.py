"""qa/forces.py: the forces a question names, by any of the names in
corpus/data/forces.json, and the question spelled out in the index's own names."""

from __future__ import annotations

import pytest

from qa.forces import ForceNames

INDEXED = ["Lancashire", "Cumbria", "Avon and Somerset"]


@pytest.fixture(scope="module")
def names() -> ForceNames:
    return ForceNames(INDEXED)


@pytest.mark.parametrize(
    ("question", "indexed", "other"),
    [
        ("how did lancs do on investigations", ["Lancashire"], []),
        ("Lancashire Constabulary's grade for crime", ["Lancashire"], []),
        ("is Avon & Somerset police any good", ["Avon and Somerset"], []),
        ("what did the Met get for legitimacy", [], ["Metropolitan Police Service"]),
        ("compare Cumbria with Herts", ["Cumbria"], ["Hertfordshire Constabulary"]),
        ("how good is the lancashire police force", ["Lancashire"], []),
        ("what are the lancaster canal patrols like", [], []),  # a place, not "Lancs"
        ("how many officers are there", [], []),
    ],
)
def test_the_right_force_is_recognised(names, question, indexed, other):
    found, elsewhere, _ = names.find(question)
    assert (found, elsewhere) == (indexed, other)


def test_forces_come_in_the_order_the_question_names_them(names):
    assert names.find("is Cumbria better than Lancs?")[0] == ["Cumbria", "Lancashire"]
    assert names.find("is Lancs better than Cumbria?")[0] == ["Lancashire", "Cumbria"]


def test_the_longest_name_wins():
    names = ForceNames(["Hampshire and Isle of Wight"])
    found, other, _ = names.find("how is Hampshire and Isle of Wight Constabulary doing")
    assert (found, other) == (["Hampshire and Isle of Wight"], [])


def test_the_names_are_blanked_out_of_the_rest(names):
    _, _, rest = names.find("how did lancs police do on crime")
    assert rest.split() == ["how", "did", "do", "on", "crime"]


def test_an_indexed_force_the_data_file_does_not_list_is_known_by_its_name():
    names = ForceNames(["Testshire"])
    assert names.find("how good is Testshire Police?")[0] == ["Testshire"]


@pytest.mark.parametrize(
    ("question", "spelled"),
    [
        ("how did lancs police do", "how did Lancashire police do"),
        ("is avon & somerset's grade good", "is Avon and Somerset's grade good"),
        ("Lancashire Constabulary's grade", "Lancashire Constabulary's grade"),
        ("what did the Met get", "what did the Met get"),  # not indexed: left as asked
    ],
)
def test_search_text_uses_the_index_names(names, question, spelled):
    assert names.normalise(question) == spelled


@pytest.mark.parametrize(
    "question",
    [
        "compare Lancs, Cumbria and the Met",
        "how did Hampshire and Isle of Wight do, and Hampshire?",
        "is avon & somerset better than devon and cornwall police",
        "what did the Lancaſhire police get",  # "ſ" matches "s" when case is ignored
        "how many officers are there",
        "the Lancashires' grades, and Avon and Somerset Constabulary's",  # "s'" and "'s"
        "(lancs) vs [Cumbria]: is A&S police or Beds police better?",
        "how did the Dyfed-Powys police, north yorks and MoD Police do?",
        "is West-Midlands better than Hants and Herts?",
        "İs \u212aent better than Lancs’ neighbour Cumbrıa, or Cumbriaé?",
    ],
)
def test_skipping_forces_a_question_cannot_name_changes_nothing(names, question, monkeypatch):
    found = names.find(question), names.normalise(question)
    monkeypatch.setattr(ForceNames, "_may_name", lambda self, text: list(range(len(self.known))))
    assert (names.find(question), names.normalise(question)) == found


def test_many_indexed_forces_compile_no_pattern_until_asked():
    many = ForceNames([f"Forceshire {i}" for i in range(500)] + INDEXED)
    assert not any("pattern" in vars(k) or "spelled" in vars(k) for k in many.known)
    assert many.find("how did Forceshire 7 and lancs do")[0] == ["Forceshire 7", "Lancashire"]
    # a question tries only the forces its words can name: not every "Forceshire"
    tried = [k.name for k in many.known if "pattern" in vars(k)]
    assert tried == ["Lancashire", "Forceshire 7"]
    # nor every force for a question typed with a curly apostrophe
    assert many.find("what’s Forceſhire 12’s grade")[0] == ["Forceshire 12"]
    tried = [k.name for k in many.known if "pattern" in vars(k)]
    assert "Forceshire 12" in tried and len(tried) < 5  # "S Yorks" is tried for "’s"


def test_a_name_put_in_for_a_short_form_is_tried_for_the_forces_after_it():
    # "lancs" is spelled out as "Lancashire", which with the word after it names a later
    # force: spelling out goes on as if every force were tried
    names = ForceNames(["Lancashire", "Lancashire North"])
    assert names.normalise("is lancs north better") == "is Lancashire North better"
