"""Issue 14, heard not typed: the public vignettes spoken by flite, recognised by pocketsphinx,
and the recognised text (with the recogniser's confidence) is what the skill hears.

Needs the Debian packages flite and sox (.ci/run installs them) and pocketsphinx from PyPI (a
dev dependency). Without the packages the tests skip, saying which to install; under CI they
fail instead, as CI installs them. See tests/voice/README.md for what is measured and why.
"""
from __future__ import annotations

import array
import math
import os

import pytest

from tests.voice import audio
from tests.voice.harness import normalise, word_errors

MISSING = audio.missing_tools()
if MISSING and os.environ.get("CI"):
    pytest.fail(f"the voice test needs {' '.join(sorted(set(MISSING)))}; .ci/run installs them",
                pytrace=False)
needs_audio = pytest.mark.skipif(
    bool(MISSING), reason=f"apt-get install {' '.join(sorted(set(MISSING)))} for the voice test")

# P(words | <s>) under the grammar-trained model must stay above these floors. Chosen from the
# voice test (README.md here): at the floors' order of magnitude each of these answers decoded
# right every time it was said clean; the floors leave an order of magnitude of room, far above
# the unbalanced model's "no" (6e-15), which no grammar model can hear.
FLOORS = {"yes": 1e-3, "no": 1e-3, "left": 1e-5, "about five minutes": 1e-7}

CONFIRM_OFF = 0.0  # the tables are of recognition alone: no confirmation step re-asks


# -- the pieces ---------------------------------------------------------------------------------


def test_word_errors_count_substitutions_deletions_and_insertions():
    assert word_errors("no none of that".split(), "no none of that".split()) == 0
    assert word_errors("a few hours".split(), "a few hour is".split()) == 2
    assert word_errors("yes".split(), []) == 1
    assert word_errors([], "uh".split()) == 1
    assert normalise("It's Swollen, a BIT.") == ["it's", "swollen", "a", "bit"]


def test_noise_is_mixed_at_the_signal_to_noise_ratio_asked_for():
    tone = array.array("h", (int(8000 * math.sin(2 * math.pi * 440 * i / 16000)) for i in range(16000)))
    noisy = audio.add_noise(tone.tobytes(), 20.0, seed="t")
    assert abs(audio.measured_snr_db(tone.tobytes(), noisy) - 20.0) < 0.3
    assert audio.add_noise(tone.tobytes(), 20.0, seed="t") == noisy  # the same seed, the same noise


@needs_audio
def test_speech_is_16_khz_mono_and_cached():
    pcm = audio.speak("no")
    seconds = len(pcm) / 2 / audio.RATE
    assert 0.6 < seconds < 2.0, seconds  # a short word and the half second of padding
    assert audio.speak("no") == pcm
    assert audio.speak("no", audio.ROOM) != pcm


@needs_audio
def test_every_grammar_word_has_a_pronunciation_and_the_guesses_are_cmu_phones():
    from tests.voice.grammar_lm import cmudict_path, train

    trained = train()
    phones = {p for line in cmudict_path().read_text().splitlines() for p in line.split()[1:]}
    entries = dict(line.split(maxsplit=1) for line in trained.dictionary.read_text().splitlines())
    for word in trained.missing_words:
        assert word in entries and entries[word].split(), word
        assert set(entries[word].split()) <= phones, (word, entries[word])
    assert "no" in entries and "yes" in entries


# -- the grammar's language model ---------------------------------------------------------------


@needs_audio
@pytest.mark.parametrize("words", sorted(FLOORS))
def test_balanced_grammar_model_keeps_short_answers_likely_at_a_sentence_start(words):
    from tests.voice.grammar_lm import sentence_start_probability, train

    p = sentence_start_probability(train(balance_counts=True).lm_bin, words)
    assert p >= FLOORS[words], f"P({words!r} | <s>) = {p:.3g}, under the floor {FLOORS[words]:g}"


@needs_audio
def test_unbalanced_counts_make_no_unsayable():
    """Why Rhasspy balances: unbalanced, ReportPain's 1e31 sentences drown Deny's 75."""
    from tests.voice.grammar_lm import SCALE, first_word_probability, ngram_counts

    balanced, raw, sentence_counts = ngram_counts()
    assert sentence_counts["ReportPain"] > 1e20 * sentence_counts["Deny"]
    assert first_word_probability(raw, "no") < FLOORS["no"] / 1e6
    # The same sums on the balanced counts agree with the trained model's "no" (0.021).
    assert first_word_probability(balanced, "no", SCALE) >= FLOORS["no"]


# -- the vignettes, heard -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def typed():
    from tests.voice.harness import run

    return run(None, confirm_below=CONFIRM_OFF)


@pytest.fixture(scope="module")
def heard():
    """Each recogniser's run, made once for this module: {kind: (results, summary)}."""
    from tests.voice.harness import run, summarise

    cache: dict = {}

    def get(kind: str, typed_results: list[dict], expected: tuple[str, ...] | None = None):
        if kind not in cache:
            results = run(kind, audio.CLEAN, confirm_below=CONFIRM_OFF, expected=expected)
            cache[kind] = (results, summarise(results, typed_results))
        return cache[kind]
    return get


@needs_audio
def test_typed_run_is_the_reference(typed):
    assert len(typed) == 30
    assert sum(r["got"] == r["expected"] for r in typed) == 30


@needs_audio
def test_grammar_recogniser_clean_reaches_the_dispositions(typed, heard):
    results, summary = heard("grammar", typed)
    assert summary["serious_under_triage"] == 0, summary["serious_cases"]
    # Issue 14 asks 28 of 30. The misses left (28 now) are over-triage from mis-heard words:
    # pub-05 "i can't tell if it's swollen" heard "i can tell if it's swollen" (urgent), pub-26
    # "both my ankles are puffy" heard "of my ankle there puffy" (one leg: urgent).
    assert summary["exact"] >= 28, summary["misses"]
    # It hears most words: a recogniser that heard nothing right cannot pass by luck.
    assert summary["wer"] < 0.25, summary["wer"]
    assert all(0.0 <= u["confidence"] <= 1.0 for r in results for u in r["utterances"])


@needs_audio
def test_open_recogniser_clean_never_under_triages_seriously(typed, heard):
    # Only the emergency and urgent vignettes: the only ones that can be under-triaged
    # seriously, and the open model decodes slowly (the benchmark plays all 30).
    serious_kinds = ("emergency", "urgent")
    results, summary = heard("open", typed, serious_kinds)
    assert summary["cases"] == sum(r["expected"] in serious_kinds for r in typed) >= 10
    assert summary["serious_under_triage"] == 0, (summary["serious_cases"], [
        (u["said"], u["heard"]) for r in results for u in r["utterances"]
        if not u["right"] and u["rules_out"] and not u["truly_absent"]])
    assert "error" not in {r["got"] for r in results}
