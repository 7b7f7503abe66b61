"""Issue 13: every finding can say which words it came from (`chat --jsonl --explain`, and
the debug log), so a clinician can audit a transcript."""
from __future__ import annotations

import io
import json
import logging

from skill.content import content_dir
from skill.dialog.manager import DialogManager
from skill.dialog.phrasebook import Phrasebook
from skill.nlu.recognizer import Recognizer
from skill.shells.chat import run_jsonl
from skill.shells.session import Session

RECOGNIZER = Recognizer.from_dir(content_dir("intents", "en"))
BOOK = Phrasebook.load(content_dir("dialogs", "en"))


def chat(lines: list[str], explain: bool = True) -> list[dict]:
    session = Session(DialogManager(BOOK), RECOGNIZER.recognize, "sorry")
    out = io.StringIO()
    run_jsonl(session, io.StringIO("".join(f"{line}\n" for line in lines)), out, explain=explain)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def by_finding(entries: list[dict]) -> dict[str, dict]:
    return {e["finding"]: e for e in entries}


def test_each_stated_finding_names_its_words_and_a_denial_its_cue():
    first, = chat(["my left calf is swollen and i don't think it's red"])
    why = by_finding(first["explain"])
    assert set(why) == set(first["findings"])
    assert why["swelling"]["value"] == "one_leg" and "swollen" in why["swelling"]["words"]
    assert why["redness"]["value"] is False and why["redness"]["cue"].startswith("denied:")
    assert "don't" in why["redness"]["cue"]


def test_an_answer_names_the_reply_and_the_question():
    lines = chat(["my calf hurts", "no"])
    second = lines[1]
    why = by_finding(second["explain"])
    assert set(why) == {"breathless", "chest_pain"}
    assert why["breathless"] == {"finding": "breathless", "value": False, "answer": "no",
                                 "asked": ["breathless", "chest_pain"]}


def test_history_is_a_cue_too():
    first, = chat(["i had a clot in my leg years ago and now my calf aches"])
    why = by_finding(first["explain"])
    assert why["previous_clot"]["value"] is True and "clot" in why["previous_clot"]["words"]


def test_without_the_flag_the_contract_is_unchanged():
    for line in chat(["my calf hurts", "no"], explain=False):
        assert "explain" not in line
    lines = chat(["my calf is cramping right now", "no"])  # the second turn is a guided stretch
    assert len(lines) > 3
    assert ["explain" in line for line in lines] == [True, True] + [False] * (len(lines) - 2)


def test_provenance_is_logged_at_debug_only(caplog):
    session = Session(DialogManager(BOOK), RECOGNIZER.recognize, "sorry")
    with caplog.at_level(logging.INFO, logger="skill"):
        session.hear("my left calf is swollen")
    assert "swollen" not in caplog.text
    with caplog.at_level(logging.DEBUG, logger="skill"):
        session.hear("no")
    assert "findings of this turn" in caplog.text and "breathless" in caplog.text
