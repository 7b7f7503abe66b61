"""Intent names at the Rhasspy boundary: prefixed in the grammar, the topics and the filters,
mapped back in one place; only a complaint or a question of ours opens a session."""
from __future__ import annotations

import json
import re

import pytest

from skill.content import content_dir
from skill.nlu.contract import (ANSWER_INTENTS, COMMAND_INTENTS, DIARY_INTENTS, INTENTS,
                                KNOWLEDGE_INTENTS, REPORT_INTENTS)
from skill.shells.install import Grammar, InstallError, install_profile
from skill.shells.rhasspy_names import our_name, prefixed_grammar, rhasspy_name
from tests.hermes_stub import hermes

GRAMMAR = Grammar.from_dir(content_dir("intents", "en"))


@pytest.fixture
def skill():
    return hermes()


def test_the_installed_grammar_names_every_intent_with_the_prefix():
    sections = re.findall(r"^\s*\[([^\]]+)\]\s*$", GRAMMAR.ini, re.MULTILINE)
    assert sorted(sections) == sorted(rhasspy_name(n) for n in INTENTS)
    assert GRAMMAR.intents == {rhasspy_name(n) for n in INTENTS}
    references = set(re.findall(r"<([A-Za-z]+)\.", GRAMMAR.ini))
    assert references and all(r.startswith("Legcramp") for r in references)


def test_the_mapping_goes_both_ways_and_knows_no_other_names():
    for name in INTENTS:
        assert our_name(rhasspy_name(name)) == name
        assert our_name(name) is None  # "Stop" is another skill's
    assert our_name("LegcrampSelfDestruct") is None and our_name(None) is None


def test_an_intent_of_ours_never_named_in_the_contract_is_refused():
    with pytest.raises(ValueError, match="Nope"):
        prefixed_grammar("[Nope]\nhello\n")


def test_a_users_own_stop_or_help_intent_is_no_clash(tmp_path):
    """Before: a profile with its own [Stop] or [Help] could not take ours."""
    (tmp_path / "sentences.ini").write_text("[Stop]\nstop\n[Help]\nhelp me\n")
    done = install_profile(GRAMMAR, tmp_path)
    assert done.written
    (tmp_path / "sentences.ini").write_text("[LegcrampStop]\nstop\n")
    with pytest.raises(InstallError, match="LegcrampStop"):
        install_profile(GRAMMAR, tmp_path)


def test_the_skill_subscribes_to_prefixed_topics_only(skill):
    hermes, _ = skill
    intents = {t for t in hermes.all_mqtt_topics | hermes.pending_mqtt_topics
               if t.startswith("hermes/intent/")}
    assert intents == {f"hermes/intent/{rhasspy_name(n)}" for n in INTENTS}


def _say(hermes, name: str, session: str, text: str, topic_name: str | None = None) -> None:
    body = {"input": text, "rawInput": text, "siteId": "bedroom", "sessionId": session,
            "intent": {"intentName": name, "confidenceScore": 1.0}, "slots": []}
    hermes.receive(f"hermes/intent/{topic_name or name}", json.dumps(body).encode())


@pytest.mark.parametrize("name, text", [
    *((n, "help") for n in COMMAND_INTENTS), *((n, "yes") for n in ANSWER_INTENTS)])
def test_a_command_or_an_answer_never_opens_a_session(skill, name, text):
    """Before: "help" (Help) opened a legcramp conversation in another skill's session."""
    hermes, wire = skill
    _say(hermes, rhasspy_name(name), "new-session", text)
    assert wire.out == []


@pytest.mark.parametrize("name", [*REPORT_INTENTS, *KNOWLEDGE_INTENTS, *DIARY_INTENTS])
def test_a_complaint_or_a_question_of_ours_opens_one(skill, name):
    hermes, wire = skill
    _say(hermes, rhasspy_name(name), "new-session", "my calf hurts")
    assert any(body.get("sessionId") == "new-session" for _, body in wire.out)


def test_an_unprefixed_name_is_another_skills(skill):
    hermes, wire = skill
    _say(hermes, "ReportPain", "other", "my calf hurts", topic_name="ReportPain")
    assert wire.out == []


def test_the_intent_filter_names_what_rhasspy_knows(skill):
    hermes, wire = skill
    _say(hermes, rhasspy_name("ReportPain"), "s1", "my calf hurts")
    [(topic, body)] = wire.out
    assert topic.endswith("continueSession")
    assert body["intentFilter"] and all(our_name(n) for n in body["intentFilter"])
