"""The spoken words: the real dialogs/en loads, the loader refuses broken files, and every variant
and step passes a lint for the ear (no symbols, digits, abbreviations; short sentences).

Every failure names the dialog key (and the words) so a writer can find and fix it.
"""
from __future__ import annotations

import importlib.util
import os
import re
from itertools import combinations
from pathlib import Path
from typing import Iterator

import pytest
import yaml

from skill.dialog.keys import CHECKABLE, QUESTION_FINDINGS, REQUIRED, ROUTINES, RULE_IDS
from skill.dialog.phrasebook import EXTRA, GuideStep, Phrasebook, PhrasebookError
from skill.dialog.spoken import number_words, spell_digits

ROOT = Path(__file__).resolve().parents[1]
DIALOGS = ROOT / "dialogs" / "en"
PATIENT = ROOT / "tests" / "data" / "patient.py"
SEEDS = Path(os.environ.get("LEGCRAMP_SEEDS", ROOT.parent / "shared" / "seeds"))  # beside the clone

MAX_WORDS = 25
CONTRACT = {**REQUIRED, **EXTRA}
HOLD_S = 30.0
MULTI = {qid: findings for qid, findings in QUESTION_FINDINGS.items() if len(findings) > 1}
SINGLE = {qid: findings for qid, findings in QUESTION_FINDINGS.items() if len(findings) == 1}


SYMBOLS = set("*#_/\\&%$@<>[](){}\"|~^=+`;") | {"\u2014", "\u2013", "\u2026"}
ABBREVIATIONS = re.compile(
    r"\b(e\.g|i\.e|etc|approx|mins?|hrs?|secs?|vs|dr|mr|mrs|ok|no\.|a&e|er|ed|gp|dvt|pe|hrt|"
    r"nsaids?|icu|uk|us|usa|nhs|bp|tv)\b\.?",
    re.IGNORECASE,
)
ACRONYM = re.compile(r"\b[A-Z]{2,}\b")
# One spelling for both sides of the Atlantic: avoid words spelt differently.
SPELLING_SPLIT = re.compile(
    r"\b(colou?r\w*|travell?ed|travell?ing|favou?r\w*|cent(re|er)|lit(re|er)|programme|"
    r"an(a)?esthe\w*|p(a)?ediatric\w*|h(a)?emorrh\w*|(o)?edema|yog(h)?urt|plaster|analy[sz]e)\b",
    re.IGNORECASE,
)


# -- helpers ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def book() -> Phrasebook:
    return Phrasebook.load(DIALOGS)


def real_data() -> dict:
    """All dialog files merged into one nested dict, as from_dict takes it."""
    merged: dict = {}
    for path in sorted(DIALOGS.glob("*.yaml")):
        for top, value in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if isinstance(value, dict) and isinstance(merged.get(top), dict):
                merged[top].update(value)
            else:
                merged[top] = value
    return merged


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.?!])\s+", text.strip()) if s.strip()]


def ear_problems(text: str, *, clause: bool = False, check_length: bool = True) -> list[str]:
    """What a speech engine or a listener in the dark would stumble on."""
    problems = []
    bad = sorted(set(text) & SYMBOLS)
    if bad:
        problems.append(f"symbols {bad}")
    if re.search(r"\d", text):
        problems.append("digits (say numbers as words)")
    for m in ABBREVIATIONS.finditer(text):
        problems.append(f"abbreviation {m.group(0)!r}")
    for m in ACRONYM.finditer(text):
        problems.append(f"acronym {m.group(0)!r}")
    for m in SPELLING_SPLIT.finditer(text):
        problems.append(f"UK or US only spelling or word {m.group(0)!r}")
    if "  " in text or text != text.strip():
        problems.append("stray spaces")
    for i, s in enumerate(sentences(text)):
        words = len(s.split())
        if check_length and words > MAX_WORDS:
            problems.append(f"sentence of {words} words (at most {MAX_WORDS}): {s!r}")
        if not (clause and i == 0) and not s[0].isupper():
            problems.append(f"sentence starts lower case: {s!r}")
    return problems


def item_phrases(book: Phrasebook, qid: str, findings: tuple[str, ...]) -> list[str]:
    return [book.say(f"item.{qid}.{f}") for f in findings]


def list_renderings(book: Phrasebook) -> Iterator[tuple[str, int, tuple[str, ...], str]]:
    """(key, variant, findings, text) for every question with items and every subset of them."""
    for qid, findings in MULTI.items():
        keys = [f"ask.{qid}", f"reprompt.{qid}", f"which.{qid}"]
        for key in keys:
            for n in range(1, len(findings) + 1):
                for subset in combinations(findings, n):
                    items = book.join_items([book.say(f"item.{qid}.{f}") for f in subset])
                    for v in range(book.variants(key)):
                        yield key, v, subset, book.say(key, v, items=items)


def fill(key: str) -> dict[str, str]:
    """Realistic values for a key's placeholders."""
    values = {"number": spell_digits("911"), "reasons": "one leg is swollen", "items": "chest pain",
              "count": "fourth" if key == "reason.D2_diary" else number_words(3), "when": "yesterday",
              "leg": "your left leg", "total": number_words(7), "weekday": "Tuesday"}
    return {p: values[p] for p in CONTRACT[key]}


# Keys that are pieces of a sentence, spoken inside another key, so lower case is right.
FRAGMENTS = ("grammar.", "item.", "sign.", "denied.", "diary.side.", "diary.when.", "weekday.", "ordinal.")


def every_plain_text(book: Phrasebook) -> Iterator[tuple[str, str]]:
    """(where, text) for every variant of every key without {items}, and every guide step."""
    for key in book.keys():
        if key.startswith(FRAGMENTS) or "items" in CONTRACT[key]:
            continue
        for v in range(book.variants(key)):
            yield f"{key} variant {v + 1}", book.say(key, v, **fill(key))
    for routine in ROUTINES:
        for i, step in enumerate(book.steps(routine)):
            yield f"guides.{routine} step {i + 1}", step.render(HOLD_S)


# -- the real files load ----------------------------------------------------------------------
def test_real_dialogs_load(book: Phrasebook) -> None:
    assert set(REQUIRED) <= set(book.keys())
    for routine in ROUTINES:
        assert book.steps(routine), routine


def test_real_dialogs_load_from_dict_too() -> None:
    Phrasebook.from_dict(real_data())


def test_every_key_has_one_to_three_variants(book: Phrasebook) -> None:
    bad = {k: book.variants(k) for k in REQUIRED if not 1 <= book.variants(k) <= 3}
    assert not bad, f"keys with the wrong number of variants: {bad}"


# -- the loader refuses broken content, naming the key ----------------------------------------
def _raises(data: dict, *needles: str) -> PhrasebookError:
    with pytest.raises(PhrasebookError) as info:
        Phrasebook.from_dict(data)
    message = str(info.value)
    for needle in needles:
        assert needle in message, f"error should name {needle!r}: {message}"
    return info.value


def test_missing_key_is_named() -> None:
    data = real_data()
    del data["advice"]["urgent"]
    _raises(data, "advice.urgent", "missing")


def test_missing_nested_key_is_named() -> None:
    data = real_data()
    del data["item"]["breathing"]["chest_pain"]
    _raises(data, "item.breathing.chest_pain")


def test_missing_placeholder_is_named() -> None:
    data = real_data()
    data["advice"]["emergency"] = ["Please call the emergency number now."]
    _raises(data, "advice.emergency", "{number}")


def test_missing_placeholder_in_one_variant_is_named() -> None:
    data = real_data()
    data["ask"]["leg_signs"] = ["Is the painful leg {items}?", "Is the painful leg swollen?"]
    _raises(data, "ask.leg_signs", "variant 2", "{items}")


def test_unexpected_placeholder_is_named() -> None:
    data = real_data()
    data["ask"]["duration"] = ["How long has the {items} lasted?"]
    _raises(data, "ask.duration", "unexpected", "{items}")


def test_malformed_placeholder_is_named() -> None:
    data = real_data()
    data["ack"]["ok"] = ["Okay {"]
    _raises(data, "ack.ok")


def test_empty_variant_list_is_named() -> None:
    data = real_data()
    data["ack"]["good"] = []
    _raises(data, "ack.good")


def test_empty_variant_is_named() -> None:
    data = real_data()
    data["ack"]["good"] = ["Good.", "  "]
    _raises(data, "ack.good", "variant 2")


def test_too_many_variants_is_named() -> None:
    data = real_data()
    data["ack"]["good"] = ["Good.", "Fine.", "Great.", "Lovely."]
    _raises(data, "ack.good", "4 variants")


def test_a_bare_string_instead_of_a_list_is_named() -> None:
    data = real_data()
    data["command"]["stop"] = "Goodbye."
    _raises(data, "command.stop")


def test_unknown_key_is_named() -> None:
    data = real_data()
    data["advice"]["maybe"] = ["Perhaps."]
    _raises(data, "advice.maybe", "unknown key")


def test_non_text_yaml_key_is_refused() -> None:
    data = real_data()
    data["ack"][True] = ["Yes."]  # what YAML makes of an unquoted `yes:` key
    _raises(data, "ack")


@pytest.mark.parametrize("step, needle", [
    ({"say": "Hold it.", "pause": -1}, "pause"),
    ({"say": "Hold it.", "pause": "long"}, "pause"),
    ({"say": "Hold it.", "pause": True}, "pause"),
    ({"say": "", "pause": 3}, "say"),
    ({"say": "Hold it."}, "steps[1]"),
    ({"say": "Hold it.", "pause": 3, "extra": 1}, "steps[1]"),
    ({"say": "Hold for {seconds} seconds.", "pause": 3}, "{seconds}"),
    ({"say": "Hold for {minutes} minutes.", "pause": "hold"}, "minutes"),
])
def test_bad_step_is_named(step: dict, needle: str) -> None:
    data = real_data()
    data["guides"]["calf_stretch"]["steps"] = [step]
    _raises(data, "guides.calf_stretch", needle)


def test_missing_routine_is_named() -> None:
    data = real_data()
    del data["guides"]["quad_stretch"]
    _raises(data, "guides.quad_stretch")


def test_routine_without_steps_is_named() -> None:
    data = real_data()
    data["guides"]["foot_stretch"] = {"steps": []}
    _raises(data, "guides.foot_stretch")


def test_unknown_routine_is_named() -> None:
    data = real_data()
    data["guides"]["yoga"] = {"steps": [{"say": "Breathe.", "pause": 3}]}
    _raises(data, "guides.yoga", "unknown routine")


def test_every_problem_is_reported_at_once() -> None:
    data = real_data()
    del data["advice"]["urgent"]
    del data["ack"]["ok"]
    error = _raises(data, "advice.urgent", "ack.ok")
    assert len(error.problems) == 2


def test_load_names_the_file_and_refuses_a_key_defined_twice(tmp_path: Path) -> None:
    for path in DIALOGS.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "zz_extra.yaml").write_text('ack:\n  ok: ["Fine."]\n', encoding="utf-8")
    with pytest.raises(PhrasebookError) as info:
        Phrasebook.load(tmp_path)
    assert "ack.ok" in str(info.value) and "zz_extra.yaml" in str(info.value)


def test_load_names_the_file_of_a_bad_placeholder(tmp_path: Path) -> None:
    for path in DIALOGS.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if path.name == "commands.yaml":
            text = text.replace('"Good."', '"Good {name}."')
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    with pytest.raises(PhrasebookError) as info:
        Phrasebook.load(tmp_path)
    assert "ack.good (in commands.yaml)" in str(info.value)


def test_load_refuses_an_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(PhrasebookError):
        Phrasebook.load(tmp_path)


# -- speaking ---------------------------------------------------------------------------------
def test_say_rotates_variants_modulo(book: Phrasebook) -> None:
    n = book.variants("ask.duration")
    assert n >= 2
    assert book.say("ask.duration", 0) == book.say("ask.duration", n)
    assert book.say("ask.duration", 0) != book.say("ask.duration", 1)


def test_say_refuses_missing_or_extra_params(book: Phrasebook) -> None:
    with pytest.raises(PhrasebookError, match="advice.emergency"):
        book.say("advice.emergency")
    with pytest.raises(PhrasebookError, match="ack.ok"):
        book.say("ack.ok", number="one")
    with pytest.raises(PhrasebookError, match="no.such"):
        book.say("no.such")


def test_emergency_advice_says_the_number(book: Phrasebook) -> None:
    text = book.say("advice.emergency", number=spell_digits("112"))
    assert "one one two" in text
    assert "drive" in text and "unlock" in text and ("lie down" in text or "sit" in text)


def test_join_items(book: Phrasebook) -> None:
    assert book.join_items(["a"]) == "a"
    assert book.join_items(["a", "b"]) == "a or b"
    assert book.join_items(["a", "b", "c"]) == "a, b, or c"
    assert book.join_items(["a", "b", "c"], conjunction="and") == "a, b, and c"
    assert book.join_items(["x, y or z", "w"]) == "x, y or z, or w"
    assert book.join_items(["x or y", "w"]) == "x or y, or w"
    assert book.join_items(["x and y", "w"]) == "x and y or w"
    with pytest.raises(ValueError):
        book.join_items([])


def test_steps_render_the_hold_time(book: Phrasebook) -> None:
    holds = [s for s in book.steps("calf_stretch") if s.pause is None]
    assert holds, "calf_stretch has no hold"
    assert any("thirty seconds" in s.render(30) for s in holds)
    assert all("{" not in s.render(45) for s in book.steps("calf_stretch"))
    assert GuideStep("Hold.", None).pause_s(30) == 30
    assert GuideStep("Relax.", 3.0).pause_s(30) == 3.0


def test_steps_of_an_unknown_routine(book: Phrasebook) -> None:
    with pytest.raises(PhrasebookError, match="yoga"):
        book.steps("yoga")


@pytest.mark.parametrize("n, words", [
    (0, "zero"), (7, "seven"), (13, "thirteen"), (20, "twenty"), (30, "thirty"), (45, "forty five"),
    (99, "ninety nine"), (100, "one hundred"), (105, "one hundred and five"),
    (999, "nine hundred and ninety nine"),
])
def test_number_words(n: int, words: str) -> None:
    assert number_words(n) == words


def test_number_words_range() -> None:
    for bad in (-1, 1000):
        with pytest.raises(ValueError):
            number_words(bad)
    with pytest.raises(TypeError):
        number_words(True)


def test_spell_digits() -> None:
    assert spell_digits("911") == "nine one one"
    assert spell_digits("112") == "one one two"
    assert spell_digits("999") == "nine nine nine"
    assert spell_digits(" 1 1 2 ") == "one one two"
    assert spell_digits("+44 999") == "plus four four nine nine nine"
    for bad in ("", "9a1", "+", "1-1-2", "+44 (0) 999 ext", "44+1", "(999)", "1" * 16, "１１２"):
        with pytest.raises(ValueError):
            spell_digits(bad)


COUNTED_KEYS = ("reason.D2_diary_many", "diary.count.week", "diary.count.month",
                "diary.when.days_ago", "diary.when.weeks_ago", "diary.leg.most")


@pytest.mark.parametrize("key", COUNTED_KEYS)
def test_every_spoken_count_agrees_with_its_noun(book: Phrasebook, key: str) -> None:
    """Counts are numbers in words that keep their value: "one cramp", never "one cramps"."""
    for n in (1, 2, 21):
        values = {**fill(key), **{p: number_words(n) for p in ("count", "total") if p in CONTRACT[key]}}
        for v in range(book.variants(key)):
            text = book.say(key, v, **values)
            if n == 1:
                assert not re.search(r"\bone (cramps|days|weeks|times|seconds)\b", text), text
            else:
                assert not re.search(r"\b(two|twenty one) (cramp|day|week|time|second)\b", text), text


def test_a_hold_of_one_second_is_one_second(book: Phrasebook) -> None:
    holds = [s for r in ROUTINES for s in book.steps(r) if s.pause is None]
    assert holds
    for step in holds:
        assert "one seconds" not in step.render(1) and "one second" in step.render(1), step.say
        assert "twenty seconds" in step.render(20)


def test_a_plural_spec_is_all_a_placeholder_may_carry() -> None:
    from skill.dialog.phrasebook import placeholders

    assert placeholders("{total:cramp|cramps} and {leg}") == {"total", "leg"}
    for bad in ("{total:>10}", "{total!r}", "{total:cramp}", "{total:Cramp|Cramps}"):
        with pytest.raises(ValueError):
            placeholders(bad)


# -- lint for the ear -------------------------------------------------------------------------
def test_every_variant_and_step_reads_well_aloud(book: Phrasebook) -> None:
    failures = []
    for where, text in every_plain_text(book):
        clause = where.startswith("reason.")
        failures += [f"{where}: {p}" for p in ear_problems(text, clause=clause)]
    assert not failures, "\n".join(failures)


def test_every_reason_completes_the_because_sentence(book: Phrasebook) -> None:
    failures = []
    for rule in RULE_IDS:
        key = f"reason.{rule}"
        for v in range(book.variants(key)):
            reason = book.say(key, v)
            if not reason[0].islower():
                failures.append(f"{key}: should start lower case: {reason!r}")
            if reason[-1] in ".?!,;: ":
                failures.append(f"{key}: should not end with punctuation: {reason!r}")
            for bv in range(book.variants("advice.because")):
                text = book.say("advice.because", bv, reasons=reason)
                failures += [f"{key} in advice.because: {p}" for p in ear_problems(text)]
    # The manager may cite two reasons of one level; any two must still make one short sentence.
    # D8 and S stand alone: each applies only when no other rule matches.
    levels = [[r for r in RULE_IDS if r.startswith(p) and r not in ("D8", "S")] for p in "EUD"]
    for a, b in (pair for level in levels for pair in combinations(level, 2)):
        pair = book.join_items([book.say(f"reason.{a}"), book.say(f"reason.{b}")], conjunction="and")
        for bv in range(book.variants("advice.because")):
            text = book.say("advice.because", bv, reasons=pair)
            failures += [f"reason.{a} and reason.{b} in advice.because: {p}" for p in ear_problems(text)]
    assert not failures, "\n".join(failures)


def test_every_item_phrase_fits_mid_sentence(book: Phrasebook) -> None:
    failures = []
    for qid, findings in MULTI.items():
        for f in findings:
            key = f"item.{qid}.{f}"
            for v in range(book.variants(key)):
                text = book.say(key, v)
                if text[0].isupper() or text[-1] in ".?!,;: ":
                    failures.append(f"{key}: item phrases start lower case, no end punctuation: {text!r}")
    assert not failures, "\n".join(failures)


def test_every_item_subset_renders_and_reads_well(book: Phrasebook) -> None:
    failures = []
    count = 0
    for key, v, subset, text in list_renderings(book):
        count += 1
        where = f"{key} variant {v + 1} with {list(subset)}"
        if "{" in text or "}" in text:
            failures.append(f"{where}: placeholder left: {text!r}")
        failures += [f"{where}: {p}" for p in ear_problems(text)]
        if not text.endswith("?"):
            failures.append(f"{where}: a question should end with a question mark")
    assert count > 150  # every subset of every question of several things, in every key
    assert not failures, "\n".join(failures[:40]) + f"\n({len(failures)} problems)"


def test_questions_end_with_a_question(book: Phrasebook) -> None:
    keys = [f"{kind}.{qid}" for qid in QUESTION_FINDINGS for kind in ("ask", "reprompt")]
    keys += [f"check.{f}" for f in CHECKABLE]
    failures = []
    for key in keys:
        for v in range(book.variants(key)):
            text = book.template(key, v)
            if not text.endswith("?"):
                failures.append(f"{key} variant {v + 1}: should end with a question: {text!r}")
    assert not failures, "\n".join(failures)


def test_cramp_safety_starts_before_the_stretch(book: Phrasebook) -> None:
    for v in range(book.variants("ask.cramp_safety")):
        assert book.template("ask.cramp_safety", v).startswith("Before we stretch"), v


# -- what must never be said, and what must always go with a word ----------------------------
NEGATION = re.compile(r"\b(don't|do not|never|not|avoid|no)\b", re.IGNORECASE)


def test_quinine_is_never_recommended(book: Phrasebook) -> None:
    failures, mentions = [], 0
    for where, text in every_plain_text(book):
        for s in sentences(text):
            if "quinine" in s.lower():
                mentions += 1
                if not NEGATION.search(s):
                    failures.append(f"{where}: mentions quinine without warning against it: {s!r}")
    assert mentions, "remedies.quinine should name quinine to warn against it"
    assert not failures, "\n".join(failures)


def test_magnesium_only_with_ask_a_doctor(book: Phrasebook) -> None:
    failures = []
    for where, text in every_plain_text(book):
        if "magnesium" in text.lower() and not re.search(r"\bask (your|a) doctor\b", text, re.IGNORECASE):
            failures.append(f"{where}: mentions magnesium without advice to ask a doctor: {text!r}")
    assert not failures, "\n".join(failures)


def test_spoken_numbers_not_hardcoded_emergency_numbers(book: Phrasebook) -> None:
    failures = [f"{where}: {text!r}" for where, text in every_plain_text(book)
                if re.search(r"\b(nine one one|nine nine nine|one one two|one one one)\b", text)
                and "number" not in CONTRACT[where.split(" variant")[0]]]
    assert not failures, "say 'the emergency number'; the number itself comes from {number}:\n" + "\n".join(failures)


def test_urgent_advice_forbids_stretching_and_gives_the_emergency_fallback(book: Phrasebook) -> None:
    text = book.say("advice.urgent")
    assert "today" in text and "stretch" in text and "massage" in text and "emergency number" in text


def test_safety_net_covers_the_warning_signs(book: Phrasebook) -> None:
    for v in range(book.variants("safety_net")):
        text = book.say("safety_net", v).lower()
        for word in ("swollen", "red", "warm", "breath", "chest", "emergency number"):
            assert word in text, f"safety_net variant {v + 1} lacks {word!r}"


def test_giving_up_without_a_complaint_ends_with_the_red_flags(book: Phrasebook) -> None:
    """Invariant 8: with no complaint heard, a give_up line is followed by the red flags, which
    together say when to call for help."""
    for key in ("misunderstood.give_up", "silence.give_up", "command.stop"):
        for v in range(book.variants(key)):
            together = f"{book.say(key, v)} {book.say('red_flags', number='nine one one')}".lower()
            for word in ("breathing", "chest pain", "nine one one", "swollen"):
                assert word in together, (key, word)


def test_unanswered_lines_say_what_is_counted_as_possible(book: Phrasebook) -> None:
    for key in ("misunderstood.unsure", "silence.unsure", "command.stop_unsure"):
        for v in range(book.variants(key)):
            text = book.say(key, v, items="chest pain")
            assert "chest pain" in text and "safe" in text, key


def test_the_shell_fallback_is_safe_on_its_own(book: Phrasebook) -> None:
    text = book.say("error.fallback").lower()
    for word in ("swollen", "medical help", "chest pain", "emergency number"):
        assert word in text, f"error.fallback lacks {word!r}"


# -- guided routines --------------------------------------------------------------------------
def test_every_routine_ends_with_aftercare(book: Phrasebook) -> None:
    for routine in ROUTINES:
        last = book.steps(routine)[-1].render(HOLD_S).lower()
        assert "warm" in last and "water" in last, f"guides.{routine}: last step should be aftercare: {last!r}"


def test_stretch_routines_hold_for_the_configured_time(book: Phrasebook) -> None:
    for routine in ROUTINES:
        steps = book.steps(routine)
        if routine == "bedtime_routine":
            continue
        holds = [s for s in steps if s.pause is None]
        assert holds, f"guides.{routine}: no hold step"
        for s in holds:
            assert "{seconds" in s.say, f"guides.{routine}: a hold step should say how long: {s.say!r}"


def test_calf_stretch_repeats_once(book: Phrasebook) -> None:
    assert sum(s.pause is None for s in book.steps("calf_stretch")) == 2


def test_bedtime_routine_is_three_ten_second_holds_per_stretch_and_leg(book: Phrasebook) -> None:
    steps = book.steps("bedtime_routine")
    holds = [s for s in steps if s.pause == 10]
    assert len(holds) == 3 * 2 * 2, "calf and hamstring, both legs, three holds each"
    assert all("ten seconds" in s.say for s in holds)
    assert not any(s.pause is None for s in steps), "bedtime holds are fixed at ten seconds"


def test_steps_are_short(book: Phrasebook) -> None:
    """One action per step: a step of more than three sentences is several steps."""
    failures = [f"guides.{r} step {i + 1}: {len(sentences(s.say))} sentences: {s.say!r}"
                for r in ROUTINES for i, s in enumerate(book.steps(r)) if len(sentences(s.say)) > 3]
    assert not failures, "\n".join(failures)


# -- words a listener (and the simulated patient) recognises ---------------------------------
def _keywords() -> dict[str, list[str]]:
    if not PATIENT.exists():
        pytest.skip("tests/data/patient.py not present")
    spec = importlib.util.spec_from_file_location("patient_for_keywords", PATIENT)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module.KEYWORDS


def test_questions_carry_natural_keywords(book: Phrasebook) -> None:
    keywords = _keywords()
    failures = []

    def has(text: str, finding: str) -> bool:
        return any(w in text.lower() for w in keywords[finding])

    for qid, (finding,) in SINGLE.items():
        for kind in ("ask", "reprompt"):
            key = f"{kind}.{qid}"
            for v in range(book.variants(key)):
                if not has(book.say(key, v), finding):
                    failures.append(f"{key} variant {v + 1}: no keyword for {finding} {keywords[finding]}")
    for qid, findings in MULTI.items():
        for f in findings:
            key = f"item.{qid}.{f}"
            if not has(book.say(key), f):
                failures.append(f"{key}: no keyword for {f} {keywords[f]}")
    for f in CHECKABLE:
        last = sentences(book.say(f"check.{f}"))[-1]
        if not has(last, f):
            failures.append(f"check.{f}: the final question has no keyword for {f} {keywords[f]}")
    assert not failures, "\n".join(failures)


# -- our own words ----------------------------------------------------------------------------
def _shingles(text: str, n: int = 7) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z']+", text.lower().replace("\u2019", "'"))
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def test_no_sentence_copied_from_the_seed_articles(book: Phrasebook) -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    seed = set()
    for path in SEEDS.glob("*.txt"):
        seed |= _shingles(path.read_text(encoding="utf-8", errors="replace"))
    failures = []
    texts = list(every_plain_text(book)) + [(f"{k} variant {v + 1}", t) for k, v, _, t in list_renderings(book)]
    for where, text in texts:
        copied = _shingles(text) & seed
        if copied:
            failures.append(f"{where}: seven words in a row from a seed article: {sorted(copied)[0]}")
    assert not failures, "\n".join(sorted(set(failures)))
