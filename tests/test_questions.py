"""The question table against invariant 9 (at most three things, most dangerous first) and the
layering the guide asks for (the table lives in the triage core)."""
import ast
from pathlib import Path

import pytest

from skill.content import content_dir
from skill.dialog.phrasebook import Phrasebook
from skill.triage.engine import next_question
from skill.triage.findings import EMERGENCY_SIGNS, SCHEMA
from skill.triage.questions import MAX_THINGS, QUESTIONS, QUESTION_FINDINGS
from skill.triage.rules import RULES

BOOK = Phrasebook.load(content_dir("dialogs", "en"))
SKILL = Path(__file__).resolve().parents[1] / "skill"


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.id for q in QUESTIONS])
def test_a_question_names_at_most_three_things(question):
    assert 1 <= len(question.asks({})) <= MAX_THINGS
    assert len(question.findings) <= MAX_THINGS + 1  # a fourth of the theme waits its turn
    assert set(question.findings) <= set(SCHEMA)
    for known in question.findings:
        assert len(question.asks({known: "x"})) <= MAX_THINGS


def _most_urgent_level(finding: str) -> int:
    return max((int(r.level) for r in RULES if finding in r.when.findings and not r.fallback),
               default=-1)


@pytest.mark.parametrize("question", [q for q in QUESTIONS if len(q.findings) > 1],
                         ids=[q.id for q in QUESTIONS if len(q.findings) > 1])
def test_the_most_dangerous_thing_is_named_first(question):
    levels = [_most_urgent_level(f) for f in question.findings]
    assert levels[0] == max(levels), (question.id, dict(zip(question.findings, levels)))


def test_the_first_question_is_about_breathing_and_chest_pain():
    """Re-derived from the rules: E1 (a clot in the lungs) is the most urgent thing to rule out."""
    first = next_question({"pain_location": "calf"})
    assert first is not None and first.findings == ("breathless", "chest_pain")


def test_every_emergency_sign_is_asked_by_some_question():
    asked = {f for q in QUESTIONS for f in q.findings}
    assert set(EMERGENCY_SIGNS) <= asked


def test_no_spoken_question_lists_more_than_three_items():
    for question in QUESTIONS:
        assert len(question.asks({})) <= MAX_THINGS, question.id


@pytest.mark.parametrize("package,forbidden", [("triage", ("dialog", "nlu", "shells", "diary")),
                                                ("nlu", ("dialog", "shells", "diary"))])
def test_layers(package, forbidden):
    """triage imports nothing from the others; nlu nothing from dialog."""
    for path in (SKILL / package).glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            parts = node.module.split(".")
            if node.level == 0 and parts[0] == "skill":
                target = parts[1] if len(parts) > 1 else ""
            elif node.level >= 2:
                target = parts[0]
            else:
                continue  # within the package, or a third-party module
            assert target not in forbidden, (path.name, node.module)
