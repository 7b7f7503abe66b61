"""The simulated patient (tests/data/patient.py) against `chat --jsonl`.

The same run as `python tests/data/patient.py vignettes ...`, on the public data in tests/data,
with the issue's bars: no serious under-triage, 27 of 30 exact, median questions at most 6, and a
cramp happening now guided after at most one question.
"""
import shlex
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

DATA = Path(__file__).parent / "data"
sys.path.insert(0, str(DATA))
import patient  # noqa: E402

CMD = f"{shlex.quote(sys.executable)} -m skill.cli chat --jsonl"
SCHEMA = patient.load_yaml(DATA / "findings.yaml")


def run(mode: str, file: str):
    args = SimpleNamespace(file=str(DATA / file), cmd=CMD, phrasings=str(DATA / "phrasings.yaml"),
                           verbose=False)
    runner = patient.run_vignettes if mode == "vignettes" else patient.run_utterances
    return runner(args, SCHEMA)


@pytest.fixture(scope="module")
def vignettes():
    return run("vignettes", "vignettes_public.yaml")


def test_no_emergency_or_urgent_case_ends_less_urgent(vignettes):
    summary, _ = vignettes
    assert summary["serious_under_triage"] == 0, summary["misses"]


def test_at_least_27_of_30_exact(vignettes):
    summary, _ = vignettes
    assert summary["exact"] >= 27, summary["misses"]


def test_median_questions_at_most_6(vignettes):
    """Questions of at most three things (invariant 9) turned the seven-sign screen into three
    questions: the median went from 3 to 6. What a person must listen to is measured in
    words and seconds by benchmarks/spoken.py, and the questions are shorter."""
    summary, _ = vignettes
    assert summary["questions_median"] <= 6, summary


def test_a_cramp_happening_now_is_guided_after_at_most_one_question(vignettes):
    _, results = vignettes
    cases = {v["id"]: v for v in yaml.safe_load((DATA / "vignettes_public.yaml").read_text())["vignettes"]}
    for r in results:
        case = cases[r["id"]]
        if case["facts"].get("cramp_now") and case["expected"] == "self_care":
            assert r.get("questions_before_guide") is not None, r["id"]
            assert r["questions_before_guide"] <= 1, r["id"]


def test_public_utterances_recall_and_precision():
    summary, results = run("utterances", "utterances_public.yaml")
    bad = [r for r in results if r["wrong"] or r["missing"] or r["extra"]]
    assert summary["recall_pct"] >= 90 and summary["precision_pct"] >= 95, (summary, bad[:10])
