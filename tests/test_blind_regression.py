"""Every blind sentence set whose misses were read is a regression set (issue 13): replayed as
an opening through the dialog (what `chat --jsonl` reports after one turn, as patient.py scores
it), it must not fall below the score it had when its kinds were fixed. The floors are that
score (measured here, in process) rounded down to the point; a set still blind (round 10) is not
here until it is read.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from skill.content import content_dir
from skill.dialog.manager import DialogManager
from skill.dialog.phrasebook import Phrasebook
from skill.nlu.recognizer import Recognizer
from skill.shells.session import Session
from skill.triage.findings import EMERGENCY_SIGNS, parse_value

BLIND = Path(__file__).parent / "data" / "blind_utterances"
RECOGNIZER = Recognizer.from_dir(content_dir("intents", "en"))
MANAGER = DialogManager(Phrasebook.load(content_dir("dialogs", "en")))

# set -> (recall, precision, emergency signs found): the floors, in per cent.
FLOORS = {
    "round1/utt_hannah.yaml": (97, 95, 100),
    "round1/utt_marcus.yaml": (94, 93, 100),
    "round1/utt_aisha.yaml": (96, 93, 100),
    "round2/utt2_declan.yaml": (98, 94, 100),
    "round2/utt2_keisha.yaml": (92, 92, 100),
    "round2/utt2_ravi.yaml": (95, 94, 100),
    "round3/utt3_brandi.yaml": (94, 97, 100),
    "round3/utt3_chidi.yaml": (92, 92, 100),
    "round3/utt3_morag.yaml": (88, 94, 100),
    "round4/utt4_dele.yaml": (94, 94, 100),
    "round4/utt4_harpreet.yaml": (99, 100, 100),
    "round4/utt4_lorne.yaml": (97, 98, 100),
    "round5/utt5_gareth.yaml": (96, 96, 100),
    "round5/utt5_marisol.yaml": (98, 98, 100),
    "round5/utt5_siobhan.yaml": (96, 96, 100),
    # Lowered by a point (review of 2026-12-04): a past said before a statement no longer
    # reaches across the statement before it, and "but i don't" no longer denies.
    "round6/utt6_darlene.yaml": (88, 94, 100),
    "round6/utt6_joy.yaml": (99, 96, 100),
    "round6/utt6_kai.yaml": (97, 95, 100),
    "round7/utt7_bev.yaml": (92, 97, 100),
    "round7/utt7_ruth.yaml": (95, 93, 100),
    "round7/utt7_tunde.yaml": (95, 95, 100),
    "round8/utt8_hank.yaml": (96, 97, 100),
    "round8/utt8_isla.yaml": (97, 98, 100),
    "round8/utt8_nkechi.yaml": (96, 93, 100),
    "round9/utt9_dmitri.yaml": (94, 92, 100),
    "round9/utt9_fiona.yaml": (94, 94, 100),
    "round9/utt9_lucia.yaml": (96, 95, 100),
}


def opening_findings(text: str) -> dict:
    session = Session(MANAGER, RECOGNIZER.recognize, "sorry")
    lines = session.hear(text)
    return lines[-1].findings if lines else {}


def score(path: Path) -> tuple[float, float, float, list[str]]:
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))["utterances"]
    right = wrong = missing = extra = signs = signs_found = 0
    misses = []
    for case in cases:
        expected = {k: parse_value(k, v) if isinstance(v, str) else v
                    for k, v in (case.get("findings") or {}).items()}
        got = opening_findings(case["text"])
        right += sum(1 for k in expected if got.get(k) == expected[k])
        wrong += sum(1 for k in expected if k in got and got[k] != expected[k])
        missing += sum(1 for k in expected if k not in got)
        extra += sum(1 for k in got if k not in expected)
        for sign in EMERGENCY_SIGNS:
            if expected.get(sign) is True:
                signs += 1
                signs_found += got.get(sign) is True
        if got != expected:
            misses.append(f"{case['text']!r}: expected {expected}, got {got}")
    return (100 * right / max(1, right + wrong + missing),
            100 * right / max(1, right + wrong + extra),
            100 * signs_found / max(1, signs), misses)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_a_read_blind_set_keeps_its_score(name):
    recall, precision, signs, misses = score(BLIND / name)
    floor = FLOORS[name]
    report = f"{name}: recall {recall:.1f}%, precision {precision:.1f}%, emergency signs {signs:.1f}%"
    assert recall >= floor[0] and precision >= floor[1] and signs >= floor[2], \
        report + "\n" + "\n".join(misses)


def test_every_read_set_is_replayed():
    """A set is either still blind (its README row says so) or has a floor here."""
    sets = {str(p.relative_to(BLIND)) for p in BLIND.glob("round*/*.yaml")}
    blind = {s for s in sets if s.startswith("round10/")}
    assert sets - blind == set(FLOORS)
