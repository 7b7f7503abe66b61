"""The recogniser alone against the public utterances, scored as tests/data/patient.py does.

Each sentence's findings are the union of the finding slots of its segments (parsed with
parse_value; a later segment wins). recall = right / (right + wrong + missing), precision =
right / (right + wrong + extra). The product target is 90% / 95% through the whole dialog; the
recogniser alone must keep a margin above that.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from skill.content import content_dir
from skill.nlu.recognizer import Recognizer
from skill.triage.findings import SCHEMA, parse_value

UTTERANCES = Path(__file__).parent / "data" / "utterances_public.yaml"
MIN_RECALL = 0.95
MIN_PRECISION = 0.97


@pytest.fixture(scope="module")
def recognizer() -> Recognizer:
    return Recognizer.from_dir(content_dir("intents", "en"))


def findings_of(recognizer: Recognizer, text: str) -> dict[str, object]:
    found: dict[str, object] = {}
    for segment in recognizer.recognize(text):
        for name, raw in segment.slots.items():
            if name in SCHEMA:
                found[name] = parse_value(name, raw)
    return found


def test_public_utterances(recognizer):
    cases = yaml.safe_load(UTTERANCES.read_text(encoding="utf-8"))["utterances"]
    right = wrong = missing = extra = 0
    misses = []
    for case in cases:
        expected = {k: parse_value(k, v) if isinstance(v, str) else v
                    for k, v in (case.get("findings") or {}).items()}
        got = findings_of(recognizer, case["text"])
        bad = {k: got[k] for k in expected if k in got and got[k] != expected[k]}
        lost = [k for k in expected if k not in got]
        more = {k: v for k, v in got.items() if k not in expected}
        right += sum(1 for k in expected if got.get(k) == expected[k])
        wrong, missing, extra = wrong + len(bad), missing + len(lost), extra + len(more)
        if bad or lost or more:
            misses.append(f"{case['text']!r}: wrong {bad} missing {lost} extra {more}")
    recall = right / max(1, right + wrong + missing)
    precision = right / max(1, right + wrong + extra)
    report = f"recall {recall:.3f}, precision {precision:.3f} over {len(cases)} utterances"
    assert recall >= MIN_RECALL and precision >= MIN_PRECISION, \
        f"{UTTERANCES.name}: {report}\n" + "\n".join(misses)
