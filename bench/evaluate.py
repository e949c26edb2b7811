"""Measure retrieval on a question set: `python -m bench.evaluate FILE.jsonl [--k 10] [--json]`.

Each line of FILE is {"id", "question", "gold": [verbatim substrings], "kind", ...}; a
returned passage answers a question when its text contains one of the gold strings
(white space collapsed). Questions go through the same code path as POST /api/ask.

A file of two-turn conversations, {"id", "first", "followup", "gold"} a line, is
measured on the follow-up: asked after the first question with the conversation
history, and asked alone, so the two can be compared.

A file of judged answers, {"id", "question", "intent", "expect", "gold"} a line, is
measured on the direct answer: its kind, grade, rows or words (``expect.contains``: for
reasons, among the reasons given), from the right force; with ``"unjudged": true`` the
answer must say the reports don't judge it. A line may be a conversation, {"turns":
[...], "intent", "expect", "gold"}: the turns are asked in order, each with the ones
before it as history, and the last is judged. Accuracy is reported by intent and by
kind (``kind``, or "conversation"), with the count of answers from a wrong force.

`python -m bench.evaluate --review-feedback var/feedback.sqlite` lists instead the answers
readers marked wrong in the chat page, with the passages they were shown (bench/review.py).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Outcome:
    id: str
    question: str
    kind: str
    rank: int | None  # rank of the first gold passage within k, or None
    gold_found: int
    gold_total: int
    top: list[str] = field(default_factory=list)  # ids of the returned passages


def score_question(item: dict, passages: list[dict]) -> Outcome:
    """Where the gold paragraphs landed in one answer's passage list."""
    gold = [_collapse(g) for g in item["gold"]]
    texts = [_collapse(p["text"]) for p in passages]
    rank = next((i for i, text in enumerate(texts, start=1) if any(g in text for g in gold)), None)
    found = sum(1 for g in gold if any(g in text for text in texts))
    return Outcome(
        id=str(item.get("id", "")),
        question=item["question"],
        kind=item.get("kind", "unknown"),
        rank=rank,
        gold_found=found,
        gold_total=len(gold),
        top=[p["id"] for p in passages],
    )


def summarise(outcomes: list[Outcome]) -> dict:
    """hit@1, hit@5, hit@10, MRR@10 and multi-paragraph recall over outcomes."""
    n = len(outcomes) or 1

    def hit(k: int) -> float:
        return sum(1 for o in outcomes if o.rank is not None and o.rank <= k) / n

    multi = [o for o in outcomes if o.gold_total > 1]
    return {
        "questions": len(outcomes),
        "hit@1": round(hit(1), 4),
        "hit@5": round(hit(5), 4),
        "hit@10": round(hit(10), 4),
        "mrr@10": round(
            sum(1 / o.rank for o in outcomes if o.rank is not None and o.rank <= 10) / n, 4
        ),
        "multi_recall@10": (
            round(sum(o.gold_found / o.gold_total for o in multi) / len(multi), 4)
            if multi
            else None
        ),
    }


def evaluate(items: list[dict], ask, k: int = 10) -> dict:
    """Run every item through ``ask(body) -> (status, json)`` and summarise."""
    outcomes = []
    for item in items:
        body = {"question": item["question"], "k": k}
        if item.get("history"):
            body["history"] = item["history"]
        status, data = ask(body)
        if status != 200:
            raise RuntimeError(f"question {item.get('id')!r} got HTTP {status}: {data}")
        outcomes.append(score_question(item, data["passages"]))
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_kind[o.kind].append(o)
    return {
        "k": k,
        "overall": summarise(outcomes),
        "by_kind": {kind: summarise(group) for kind, group in sorted(by_kind.items())},
        "missed": [
            {"id": o.id, "kind": o.kind, "question": o.question, "rank": o.rank}
            for o in outcomes
            if o.rank is None or o.rank > 5
        ],
    }


def evaluate_followups(items: list[dict], ask, k: int = 10) -> dict:
    """Follow-up metrics with and without the first turn as history."""
    with_history, alone = [], []
    for item in items:
        status, first = ask({"question": item["first"], "k": k})
        if status != 200:
            raise RuntimeError(f"conversation {item.get('id')!r} got HTTP {status}: {first}")
        history = [{"question": item["first"], "passage_ids": [p["id"] for p in first["passages"]]}]
        turn = dict(item, question=item["followup"], kind="followup")
        for body, out in (
            ({"question": item["followup"], "k": k, "history": history}, with_history),
            ({"question": item["followup"], "k": k}, alone),
        ):
            status, data = ask(body)
            if status != 200:
                raise RuntimeError(f"conversation {item.get('id')!r} got HTTP {status}: {data}")
            out.append(score_question(turn, data["passages"]))
    return {
        "k": k,
        "with_history": summarise(with_history),
        "without_history": summarise(alone),
        "missed": [
            {"id": o.id, "kind": o.kind, "question": o.question, "rank": o.rank}
            for o in with_history
            if o.rank is None or o.rank > 5
        ],
        # each follow-up's rank with the conversation, to compare two versions question by
        # question (None: not in the first k)
        "ranks": {o.id: o.rank for o in with_history},
    }


def evaluate_after_unrelated(items: list[dict], ask, k: int = 10) -> dict:
    """Each question asked alone and after an unrelated conversation (the question before
    it in the file, with its passages, as history): a question that stands on its own
    should lose nothing to the history."""
    alone, after = [], []
    previous = items[-1]
    for item in items:
        status, first = ask({"question": previous["question"], "k": k})
        if status != 200:
            raise RuntimeError(f"question {previous.get('id')!r} got HTTP {status}: {first}")
        history = [
            {"question": previous["question"], "passage_ids": [p["id"] for p in first["passages"]]}
        ]
        for body, out in (
            ({"question": item["question"], "k": k}, alone),
            ({"question": item["question"], "k": k, "history": history}, after),
        ):
            status, data = ask(body)
            if status != 200:
                raise RuntimeError(f"question {item.get('id')!r} got HTTP {status}: {data}")
            out.append(score_question(item, data["passages"]))
        previous = item
    return {"k": k, "alone": summarise(alone), "after_unrelated": summarise(after)}


def _cycle(year: object) -> str:
    """2018 and 2018/19 are one inspection cycle (pillar pages say 2018, overviews 2018/19),
    as are 2021 and 2021/22, 2023 and 2023–2025: a cycle is named by the year it starts."""
    text = str(year).strip()
    cycle = re.fullmatch(r"((?:19|20)\d\d)(?:\s*[/–-]\s*(?:\d\d){1,2})?", text)
    return cycle.group(1) if cycle else text


def _rows_key(rows: list[dict], keys: tuple[str, ...] = ()) -> set[tuple]:
    """The rows as comparable tuples; ``keys`` adds fields (pillar, area) the gold gives."""
    return {
        (r.get("force"), _cycle(r.get("year")), r.get("question_number"), r.get("grade"))
        + tuple(r.get(k) for k in keys)
        for r in rows
    }


def _extra_keys(rows: list[dict]) -> tuple[str, ...]:
    """pillar and area, when every gold row says them (older sets' rows give no area)."""
    return tuple(k for k in ("pillar", "area") if rows and all(k in r for r in rows))


def _area(citation: dict) -> str | None:
    """The 2021+ area a unit citation names (areas have no pillar and no number)."""
    if citation.get("pillar") or citation.get("unit") in (None, "overview"):
        return None
    return citation.get("unit_title")


def judge_answer(item: dict, data: dict) -> tuple[bool, bool]:
    """(right, from a wrong force) for the direct answer to one question with an
    ``intent`` and ``expect``: the kind of answer, its grade, its rows or its words, and
    whether it was taken from a force the question did not ask about."""
    intent, expect = item["intent"], item.get("expect") or {}
    answer = data.get("answer")
    if intent in ("offtopic", "not_indexed", "none"):
        return answer is None, answer is not None and intent == "not_indexed"
    if item.get("unjudged") or expect.get("unjudged"):
        # the reports don't say whether it works: the answer must say so, not offer a
        # sentence that only describes it
        said = answer is None and "judge" in (data.get("message") or "")
        return said, False
    if answer is None:
        return False, False
    wanted = {expect["force"]} if expect.get("force") else set()
    wanted |= {r["force"] for r in expect.get("rows", [])}
    cited = {answer["citation"]["force"]} if answer.get("citation") else set()
    cited |= {r["force"] for r in answer.get("rows", [])}
    wrong_force = bool(wanted) and not cited <= wanted
    citation = answer.get("citation") or {}

    def same_unit() -> bool:
        return (
            citation.get("force") == expect.get("force")
            and _cycle(citation.get("year")) == _cycle(expect.get("year", citation.get("year")))
            and citation.get("question_number") == expect.get("question_number")
        )

    def contains() -> bool:
        text = _collapse(answer.get("text", ""))
        return any(_collapse(c) in text for c in expect.get("contains", []))

    if intent == "grade":
        right = answer["kind"] == "grade" and answer.get("grade") == expect["grade"]
        return right and same_unit(), wrong_force
    if intent == "improvements":
        right = answer["kind"] == "improvements" and contains()
        return right and citation.get("force") == expect.get("force"), wrong_force
    if intent == "reasons":
        right = answer["kind"] == "reasons" and same_unit()
        if expect.get("contains"):  # a finding the answer must give among its reasons
            items = [_collapse(i) for i in answer.get("items", [])]
            right = right and any(_collapse(c) in i for c in expect["contains"] for i in items)
        return right, wrong_force
    if intent in ("compare", "list", "trend", "overall", "latest", "gradelist"):
        keys = _extra_keys(expect["rows"])
        if answer["kind"] == "grade" and len(expect["rows"]) == 1:  # one grade: its unit
            gold = expect["rows"][0]
            got = {
                "force": citation.get("force"),
                "year": citation.get("year"),
                "question_number": citation.get("question_number"),
                "grade": answer.get("grade"),
                "pillar": citation.get("pillar"),
                "area": None if citation.get("question_number") else _area(citation),
            }
            return _rows_key([got], keys) == _rows_key([gold], keys), wrong_force
        if answer["kind"] not in ("compare", "list", "trend", "overall"):
            return False, wrong_force
        right = _rows_key(answer.get("rows", []), keys) == _rows_key(expect["rows"], keys)
        return right, wrong_force
    # figure, fact, named, evaluation: the sentence with the expected words, from the
    # expected force (and year: a force may have several reports)
    right = answer["kind"] == "sentence" and contains()
    if expect.get("force"):
        right = right and citation.get("force") == expect["force"]
    if expect.get("year"):
        right = right and _cycle(citation.get("year")) == _cycle(expect["year"])
    return right, wrong_force


def as_turns(item: dict) -> dict:
    """A conversation of several turns, {"turns": [...], "intent", "expect", "gold"}, as a
    question asked after the turns before it (judged on its last turn); any other item as
    it is."""
    turns = item.get("turns")
    if not turns:
        return item
    return dict(
        item,
        question=turns[-1],
        history=[{"question": t} for t in turns[:-1]],
        kind=item.get("kind") or "conversation",
    )


def evaluate_answers(items: list[dict], ask, k: int = 10) -> dict:
    """Direct-answer accuracy by intent, answers from a wrong force, and retrieval figures
    for the questions with gold paragraphs; conversations are asked turn by turn."""
    by_intent: dict[str, list[bool]] = defaultdict(list)
    by_kind: dict[str, list[bool]] = defaultdict(list)
    wrong_forces, wrong, outcomes = [], [], []
    for item in items:
        item = as_turns(item)
        history: list[dict] = []
        for turn in item.get("history", []):
            status, data = ask({"question": turn["question"], "k": k, "history": history})
            if status != 200:
                raise RuntimeError(f"question {item.get('id')!r} got HTTP {status}: {data}")
            history = history + [
                {"question": turn["question"], "passage_ids": [p["id"] for p in data["passages"]]}
            ]
        body = {"question": item["question"], "k": k}
        if history:
            body["history"] = history
        status, data = ask(body)
        if status != 200:
            raise RuntimeError(f"question {item.get('id')!r} got HTTP {status}: {data}")
        right, from_wrong_force = judge_answer(item, data)
        by_intent[item["intent"]].append(right)
        by_kind[item.get("kind") or item["intent"]].append(right)
        if from_wrong_force:
            wrong_forces.append(item.get("id"))
        if not right:
            answer = data.get("answer") or {}
            wrong.append(
                {
                    "id": item.get("id"),
                    "intent": item["intent"],
                    "question": item["question"],
                    "got": answer.get("kind"),
                    "text": (answer.get("text") or data.get("message") or "")[:160],
                }
            )
        if item.get("gold"):
            outcomes.append(score_question(dict(item, kind=item["intent"]), data["passages"]))
    total = sum(len(v) for v in by_intent.values())
    return {
        "k": k,
        "answers": {
            "questions": total,
            "accuracy": round(sum(sum(v) for v in by_intent.values()) / (total or 1), 4),
            "by_intent": {
                intent: {"questions": len(v), "accuracy": round(sum(v) / len(v), 4)}
                for intent, v in sorted(by_intent.items())
            },
            "by_kind": {
                kind: {"questions": len(v), "accuracy": round(sum(v) / len(v), 4)}
                for kind, v in sorted(by_kind.items())
            },
            "wrong_force": len(wrong_forces),
            "wrong_force_ids": wrong_forces,
        },
        "retrieval": summarise(outcomes),
        "wrong": wrong,
    }


def format_answers(result: dict) -> str:
    answers = result["answers"]
    lines = ["| intent | questions | right |", "|---|---|---|"]
    for intent, row in answers["by_intent"].items():
        lines.append(f"| {intent} | {row['questions']} | {row['accuracy']:.2f} |")
    lines.append(f"| **all** | {answers['questions']} | {answers['accuracy']:.2f} |")
    if set(answers.get("by_kind", {})) != set(answers["by_intent"]):
        lines.append("")
        lines.append("| kind | questions | right |")
        lines.append("|---|---|---|")
        for kind, row in answers["by_kind"].items():
            lines.append(f"| {kind} | {row['questions']} | {row['accuracy']:.2f} |")
    lines.append("")
    lines.append(f"Answers from a force the question did not ask about: {answers['wrong_force']}")
    r = result["retrieval"]
    lines.append(
        f"Retrieval ({r['questions']} questions with gold): hit@1 {r['hit@1']:.2f}, "
        f"hit@5 {r['hit@5']:.2f}, MRR@10 {r['mrr@10']:.2f}"
    )
    if result["wrong"]:
        lines.append("")
        lines.append("Wrong direct answers:")
        for w in result["wrong"]:
            lines.append(f"  {w['id']} [{w['intent']}] {w['question']} -> {w['got']}: {w['text']}")
    return "\n".join(lines)


def asker(client):
    """``ask(body) -> (status, JSON)`` over a Flask test client's /api/ask, as the
    evaluations here take it."""

    def ask(body: dict):
        res = client.post("/api/ask", json=body)
        return res.status_code, res.get_json()

    return ask


def read_items(path: Path) -> list[dict]:
    items = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as exc:
            raise SystemExit(f"{path}, line {number}: not JSON ({exc})") from None
        conversation = isinstance(item, dict) and (
            (item.get("first") and item.get("followup")) or item.get("turns")
        )
        judged = isinstance(item, dict) and item.get("intent") and "expect" in item
        if (
            not isinstance(item, dict)
            or not (item.get("gold") or judged)
            or not (item.get("question") or conversation)
        ):
            raise SystemExit(
                f'{path}, line {number}: needs "question" (or "first" and "followup") and "gold"'
            )
        items.append(item)
    if not items:
        raise SystemExit(f"{path}: no questions")
    return items


def format_table(result: dict) -> str:
    cols = ["questions", "hit@1", "hit@5", "hit@10", "mrr@10", "multi_recall@10"]
    if "with_history" in result:
        rows = [
            ("follow-up with history", result["with_history"]),
            ("follow-up alone", result["without_history"]),
        ]
    else:
        rows = [("overall", result["overall"])] + list(result["by_kind"].items())
    lines = [
        "| set | " + " | ".join(cols) + " |",
        "|---" * (len(cols) + 1) + "|",
    ]
    for name, row in rows:
        cells = [
            "-" if row[c] is None else f"{row[c]:.2f}" if c != "questions" else str(row[c])
            for c in cols
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    if result["missed"]:
        lines.append("")
        lines.append("Not in the top 5:")
        for m in result["missed"]:
            where = f"rank {m['rank']}" if m["rank"] else f"not in top {result['k']}"
            lines.append(f"  {m['id']} [{m['kind']}] {m['question']} ({where})")
    return "\n".join(lines)


def reports_app(reports: Path, index_dir: Path | None = None):
    """The app over a folder of reports, indexed (once per ``index_dir``) with the real
    model adapted to the shipped report, as the tests' corpora are: the figures match
    ``make test``'s. The adapted model is kept in QA_MODELS_DIR (default var/models)."""
    import os
    import tempfile

    from app import ROOT, create_app
    from bench.synthetic import REAL_REPORT
    from corpus import load_reports
    from index.adapt import adapted_encoder
    from index.rebuild import LoadedModel, Rebuilder
    from index.store import read_manifest

    models = Path(os.environ.get("QA_MODELS_DIR") or ROOT / "var" / "models")
    shipped = [p for _, ps in load_reports(REAL_REPORT.parent) for p in ps]
    encoder = adapted_encoder(None, models, shipped)
    if index_dir is None:
        index_dir = Path(tempfile.mkdtemp(prefix="qa-evaluate-")) / "index"
    if read_manifest(index_dir) is None:
        Rebuilder(reports, index_dir, LoadedModel(encoder)).run(full=True)
    return create_app(
        {
            "TESTING": True,
            "INDEX_DIR": str(index_dir),
            "REPORTS_DIR": str(reports),
            "ENCODER": encoder,
        }
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.evaluate", description=__doc__)
    parser.add_argument("file", type=Path, nargs="?", help="questions, one JSON object a line")
    parser.add_argument("--k", type=int, default=10, help="passages asked for (1-20)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--after-unrelated",
        action="store_true",
        help="ask each question alone and after the previous one as history; compare",
    )
    parser.add_argument(
        "--review-feedback",
        metavar="DB",
        type=Path,
        help="list the answers readers marked wrong (the feedback file, var/feedback.sqlite)",
    )
    parser.add_argument(
        "--reports",
        type=Path,
        help="answer from this folder of reports (indexed first, with the model adapted to "
        "the shipped report as the tests do) rather than the service's own index",
    )
    parser.add_argument(
        "--index",
        type=Path,
        help="with --reports: where to keep that index (reused when already built there; "
        "default: a temporary folder)",
    )
    args = parser.parse_args(argv)
    if args.review_feedback is not None:
        return review(parser, args.review_feedback, args.json)
    if args.file is None:
        parser.error("give a question file, or --review-feedback DB")
    if not args.file.is_file():
        parser.error(f"no such file: {args.file}")
    if args.index and not args.reports:
        parser.error("--index goes with --reports")
    if args.reports and not args.reports.is_dir():
        parser.error(f"no such folder: {args.reports}")

    from app import create_app

    if args.reports:
        client = reports_app(args.reports, args.index).test_client()
    else:
        client = create_app().test_client()

    ask = asker(client)
    items = read_items(args.file)
    try:
        if args.after_unrelated:
            result = evaluate_after_unrelated(items, ask, args.k)
        elif all("followup" in item for item in items):
            result = evaluate_followups(items, ask, args.k)
        elif all("intent" in item and "expect" in item for item in items):
            result = evaluate_answers(items, ask, args.k)
        else:
            result = evaluate(items, ask, args.k)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json or args.after_unrelated:
        print(json.dumps(result, indent=1))
    else:
        print(format_answers(result) if "answers" in result else format_table(result))
    return 0


def review(parser: argparse.ArgumentParser, db: Path, as_json: bool) -> int:
    """Print the review list of the "wrong" verdicts in ``db``."""
    if not db.is_file():
        parser.error(f"no such file: {db}")
    from app import create_app
    from bench.review import format_review, review_list
    from common.errors import QAError

    try:
        items = review_list(db, create_app().extensions["qa"])
    except QAError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    print(json.dumps(items, indent=1, ensure_ascii=False) if as_json else format_review(items))
    return 0


if __name__ == "__main__":
    sys.exit(main())
