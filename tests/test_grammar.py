"""The intent grammar, tested like code (in the style of home-assistant/intents).

(a) Every sentence template of every intent is sampled (seeded random walks through its own
    rhasspynlu graph); each sample must survive text normalisation unchanged, be recognised by
    rhasspynlu itself and, as exactly one segment with the same intent and slots, by our
    Recognizer over the whole grammar (a template that tags nothing must give no segment),
    without the second reader of concepts.yaml (tests/test_concepts.py tests that one).
(b) tests/data/phrasings_en.yaml: real phrasings, each with the exact segments expected (intent and
    slots, none missing, none extra). Known failures are listed there and fail when they pass.
(c) The grammar keeps to skill/nlu/contract.py: its intents and slots, and values that
    parse_value (or EXTRA_SLOTS) accepts; every intent of the contract is tested in the table;
    the ini holds only what a Rhasspy 2.5 parses (no indented lines, no %, a line that starts
    with an optional escaped with a backslash).
"""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import rhasspynlu
import yaml
from rhasspynlu.fsticuffs import path_to_recognition
from rhasspynlu.ini_jsgf import split_rules
from rhasspynlu.jsgf import RuleReference, Sequence, SlotReference, Taggable, Word
from rhasspynlu.jsgf_graph import get_start_end_nodes

from skill.content import content_dir
from skill.nlu.normalize import normalize
from skill.nlu.contract import EXTRA_SLOTS, INTENTS, REPORT_INTENTS
from skill.nlu.recognizer import Recognizer, parse_grammar, read_grammar_dir
from skill.triage.findings import SCHEMA, InvalidFinding, parse_value

LANG_DIR = content_dir("intents", "en")
SENTENCES = LANG_DIR / "sentences.ini"
TABLE_PATH = Path(__file__).parent / "data" / "phrasings_en.yaml"
TABLE = yaml.safe_load(TABLE_PATH.read_text(encoding="utf-8"))["phrasings"]
SAMPLES_PER_TEMPLATE = 4
SEED = 20240601

_INI, _SLOTS = read_grammar_dir(LANG_DIR)
_INTENTS, _REPLACEMENTS = parse_grammar(_INI, _SLOTS, file_name=str(SENTENCES))
_TEMPLATES, _RULES = split_rules(_INTENTS, dict(_REPLACEMENTS))
TEMPLATES = [(intent, n, sentence) for intent, sentences in _TEMPLATES.items()
             for n, sentence in enumerate(sentences)]


@pytest.fixture(scope="module")
def recognizer() -> Recognizer:
    return Recognizer.from_dir(LANG_DIR)


@pytest.fixture(scope="module")
def grammar_only(recognizer) -> Recognizer:
    """The grammar without the second reader (concepts.py): (a) tests the templates alone."""
    alone = object.__new__(Recognizer)
    alone.__dict__.update(recognizer.__dict__, concepts=None)
    return alone


# -- (a) every template ----------------------------------------------------------------------


def _sample_paths(graph, rng: random.Random, count: int) -> list[list[int]]:
    """Random walks from start to final through a template's graph (a DAG)."""
    start, final = get_start_end_nodes(graph)
    paths = []
    for _ in range(count):
        node, path = start, [start]
        while node != final:
            node = rng.choice(sorted(graph.successors(node)))
            path.append(node)
        paths.append(path)
    return paths


def _words(graph, path: list[int]) -> str:
    return " ".join(graph.edges[a, b]["ilabel"] for a, b in zip(path, path[1:]) if graph.edges[a, b]["ilabel"])


def _slots(recognition) -> dict[str, str]:
    return {e.entity: str(e.value) for e in recognition.entities}


@pytest.mark.parametrize("intent,n,template", TEMPLATES,
                         ids=[f"{i}:{n}" for i, n, _ in TEMPLATES])
def test_every_template_is_recognised(grammar_only, intent, n, template):
    recognizer = grammar_only
    graph = rhasspynlu.sentences_to_graph({intent: [template]}, replacements=_RULES, add_intent_weights=False)
    rng = random.Random(f"{SEED}:{intent}:{n}")
    for path in _sample_paths(graph, rng, SAMPLES_PER_TEMPLATE):
        text = _words(graph, path)
        _, walked = path_to_recognition(path, graph)
        where = f"{SENTENCES.name} [{intent}] template {n}: {template.text!r}\n  sample {text!r}"
        normal = normalize(text)  # what our reader matches; a rewrite must stay in the template
        assert normal == text or rhasspynlu.recognize(normal, graph, fuzzy=False), \
            f"the normaliser rewrites {text!r} as {normal!r}, which the template does not hold: {where}"
        theirs = rhasspynlu.recognize(text, graph, fuzzy=False)
        assert theirs and all(r.intent.name == intent for r in theirs), f"rhasspynlu: {where}"
        allowed = [_slots(r) for r in theirs] + [_slots(walked)]
        ours = recognizer.recognize(text)
        if intent in REPORT_INTENTS and not any(allowed):
            assert ours == (), f"a phrase that only absorbs words gave {ours}: {where}"
            continue
        assert len(ours) == 1, f"expected one segment, got {ours}: {where}"
        assert ours[0].intent == intent, f"got {ours[0].intent}: {where}"
        assert dict(ours[0].slots) in allowed, f"got {dict(ours[0].slots)}, rhasspynlu {allowed}: {where}"


# -- (b) the table of real phrasings ------------------------------------------------------------


def _expected(entry: dict) -> list[tuple[str, dict[str, str]]]:
    return [(seg["intent"], {k: str(v) for k, v in (seg.get("slots") or {}).items()})
            for seg in entry.get("segments") or []]


def _table_params():
    for entry in TABLE:
        marks = []
        if entry.get("known_failure"):
            marks.append(pytest.mark.xfail(reason=entry["known_failure"], strict=True))
        yield pytest.param(entry, marks=marks, id=entry["text"])


@pytest.mark.parametrize("entry", list(_table_params()))
def test_phrasing(recognizer, entry):
    got = [(s.intent, dict(s.slots)) for s in recognizer.recognize(entry["text"])]
    assert got == _expected(entry), f"{TABLE_PATH.name}: {entry['text']!r}"


def test_table_has_no_duplicates():
    texts = [entry["text"] for entry in TABLE]
    assert len(texts) == len(set(texts)), [t for t in texts if texts.count(t) > 1]


def test_every_intent_of_the_contract_is_in_the_table():
    tested = {intent for entry in TABLE for intent, _ in _expected(entry)}
    assert set(INTENTS) - tested == set(), f"untested intents in {TABLE_PATH.name}"


def test_table_slots_keep_to_the_contract():
    for entry in TABLE:
        for intent, slots in _expected(entry):
            assert intent in INTENTS, f"{entry['text']!r}: unknown intent {intent}"
            for name, value in slots.items():
                assert name in INTENTS[intent], f"{entry['text']!r}: {intent} has no slot {name}"
                _check_value(name, value, f"{TABLE_PATH.name}: {entry['text']!r}")


# -- (c) the grammar keeps to the contract ------------------------------------------------------


def _check_value(name: str, value: str, where: str) -> None:
    if name in SCHEMA:
        try:
            parse_value(name, value)
        except InvalidFinding as err:
            pytest.fail(f"{where}: {err}")
    else:
        allowed = EXTRA_SLOTS[name]
        assert (value.isdigit() if allowed is None else value in allowed), f"{where}: {name}={value!r}"


def _tags(expr, seen_rules: tuple[str, ...] = ()):
    """(slot, values) for every tag under expr, following rule references."""
    if isinstance(expr, Taggable) and expr.tag is not None:
        sub = expr.tag.substitution
        if sub:
            yield expr.tag.tag_text, [" ".join(sub) if isinstance(sub, list) else sub]
        else:
            yield expr.tag.tag_text, list(_word_outputs(expr, seen_rules))
    if isinstance(expr, Sequence):
        for item in expr.items:
            yield from _tags(item, seen_rules)
    elif isinstance(expr, RuleReference):
        key = f"<{expr.full_rule_name}>"
        if key not in seen_rules:
            yield from _tags(_RULES[key][0], seen_rules + (key,))
    elif isinstance(expr, SlotReference):
        for value in _RULES.get(f"${expr.slot_name}", []):
            yield from _tags(value, seen_rules)


def _word_outputs(expr, seen_rules):
    """What the words under an untagged-value tag output (each word is one value)."""
    if isinstance(expr, Word) and expr.text:
        sub = expr.substitution
        yield (" ".join(sub) if isinstance(sub, list) else sub) if sub else expr.text
    elif isinstance(expr, Sequence):
        for item in expr.items:
            yield from _word_outputs(item, seen_rules)
    elif isinstance(expr, RuleReference):
        key = f"<{expr.full_rule_name}>"
        if key not in seen_rules:
            yield from _word_outputs(_RULES[key][0], seen_rules + (key,))


def test_grammar_intents_are_the_contract():
    assert set(_TEMPLATES) == set(INTENTS), "sections of sentences.ini vs contract.py"
    for intent, sentences in _TEMPLATES.items():
        assert sentences, f"[{intent}] has no sentence template"


@pytest.mark.parametrize("intent", sorted(INTENTS))
def test_grammar_slots_and_values_keep_to_the_contract(intent):
    for n, template in enumerate(_TEMPLATES.get(intent, [])):
        for name, values in _tags(template):
            where = f"{SENTENCES.name} [{intent}] template {n}: {template.text[:80]!r}"
            assert name in INTENTS[intent], f"{where}: slot {name} is not allowed for {intent}"
            assert values, f"{where}: tag {{{name}}} has no value"
            for value in values:
                _check_value(name, value, where)


def test_slot_lists_exist_for_every_slot_reference():
    for name in _SLOTS:
        assert _SLOTS[name], f"slots/{name} is empty"


def test_ini_is_plain_rhasspy_syntax():
    """Template lines only use what Rhasspy 2.5 parses; a line starting with [ must be escaped."""
    for number, line in enumerate(_INI.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        assert line == line.lstrip(), f"{SENTENCES.name}:{number}: indented (an ini continuation line)"
        assert "%" not in line, f"{SENTENCES.name}:{number}: % breaks ini interpolation"
        assert not re.search(r"(^|[\s(\[|])'", line), \
            f"{SENTENCES.name}:{number}: a word starting with an apostrophe is never said on its own"
        words = re.sub(r"<[^>]+>", "", stripped)
        assert words == words.lower() or stripped.startswith("["), \
            f"{SENTENCES.name}:{number}: upper case outside a section header or rule reference"
        if stripped.startswith("[") and not re.fullmatch(r"\[[A-Z][A-Za-z]*\]", stripped):
            pytest.fail(f"{SENTENCES.name}:{number}: a line starting with [ reads as a section; write \\[")
