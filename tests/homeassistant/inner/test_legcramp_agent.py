"""Run inside the Home Assistant venv (see ../test_home_assistant.py), against real Home
Assistant (pytest-homeassistant-custom-component) and a real `legcramp wyoming` whose port is
in $LEGCRAMP_WYOMING_PORT. Each conversation's turns are written to $LEGCRAMP_HA_TRANSCRIPT.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from homeassistant.components import conversation
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import Context, HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import async_capture_events

DOMAIN = "legcramp"
PORT = int(os.environ["LEGCRAMP_WYOMING_PORT"])
TRANSCRIPT = Path(os.environ.get("LEGCRAMP_HA_TRANSCRIPT", "ha-transcript.json"))
CLOT = "i got off a nine hour flight yesterday and now my calf is sore and a bit swollen"
OUTCOME_FIELDS = {"siteId", "sessionId", "disposition", "rules", "findings", "time"}


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations, socket_enabled):
    """Our integration loaded; real sockets (to legcramp on 127.0.0.1) allowed."""
    yield


async def set_up(hass: HomeAssistant, port: int = PORT) -> str:
    """The config flow as a person fills it in; the agent's entity id."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: port})
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()
    entries = er.async_entries_for_config_entry(er.async_get(hass), result["result"].entry_id)
    [entity] = [e for e in entries if e.domain == "conversation"]
    return entity.entity_id


async def test_a_conversation_through_assist_continues_on_every_question(hass: HomeAssistant):
    agent = await set_up(hass)
    outcomes = async_capture_events(hass, "legcramp_outcome")
    turns, conversation_id, text = [], None, CLOT
    for _ in range(20):
        result = await conversation.async_converse(
            hass, text, conversation_id, Context(), language="en", agent_id=agent)
        speech = result.response.speech["plain"]["speech"]
        turns.append({"said": text, "speech": speech, "conversation_id": result.conversation_id,
                      "continue_conversation": result.continue_conversation,
                      "response_type": result.response.response_type.value})
        conversation_id = result.conversation_id
        if not result.continue_conversation:
            break
        text = "thank you" if outcomes else "no"
    TRANSCRIPT.write_text(json.dumps({"turns": turns, "outcomes": [e.data for e in outcomes]},
                                     indent=1), encoding="utf-8")
    assert len({t["conversation_id"] for t in turns}) == 1, "one conversation throughout"
    assert all(t["response_type"] == "action_done" for t in turns), turns
    *questions, last = turns
    assert len(questions) >= 2 and all(t["continue_conversation"] for t in questions)
    assert all("?" in t["speech"] and "wake word" not in t["speech"] for t in questions)
    assert last["continue_conversation"] is False
    assert len(outcomes) == 1
    assert set(outcomes[0].data) == OUTCOME_FIELDS
    assert outcomes[0].data["disposition"] == "urgent"
    assert outcomes[0].data["sessionId"] == conversation_id
    assert outcomes[0].data["siteId"] == "assist"


async def test_words_not_for_legcramp_get_an_error_response_and_no_follow_up(hass: HomeAssistant):
    agent = await set_up(hass)
    result = await conversation.async_converse(
        hass, "turn on the kitchen lights", None, Context(), language="en", agent_id=agent)
    assert result.response.response_type.value == "error"
    assert "leg" in result.response.speech["plain"]["speech"]
    assert result.continue_conversation is False


async def test_the_config_flow_refuses_a_port_where_nothing_listens(hass: HomeAssistant):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free = sock.getsockname()[1]
    assert await async_setup_component(hass, "homeassistant", {})
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: free})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}


async def test_an_emergency_said_in_passing_fires_the_outcome_and_listens_once_more(
        hass: HomeAssistant):
    agent = await set_up(hass)
    outcomes = async_capture_events(hass, "legcramp_outcome")
    first = await conversation.async_converse(hass, "my calf hurts", None, Context(),
                                              language="en", agent_id=agent)
    assert first.continue_conversation
    advice = await conversation.async_converse(
        hass, "no, but i am a bit short of breath actually", first.conversation_id, Context(),
        language="en", agent_id=agent)
    assert "call" in advice.response.speech["plain"]["speech"]
    assert advice.continue_conversation, "the one reply after the advice is listened for"
    assert [e.data["disposition"] for e in outcomes] == ["emergency"]
    last = await conversation.async_converse(hass, "yes", advice.conversation_id, Context(),
                                             language="en", agent_id=agent)
    assert last.continue_conversation is False


async def test_zeroconf_discovery_offers_legcramp_and_nothing_else(hass: HomeAssistant):
    from ipaddress import ip_address

    from homeassistant.config_entries import SOURCE_ZEROCONF
    from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo

    assert await async_setup_component(hass, "homeassistant", {})

    def found(port: int) -> ZeroconfServiceInfo:
        return ZeroconfServiceInfo(ip_address=ip_address("127.0.0.1"),
                                   ip_addresses=[ip_address("127.0.0.1")], hostname="x.local.",
                                   name="legcramp._wyoming._tcp.local.", port=port,
                                   type="_wyoming._tcp.local.", properties={})

    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=found(PORT))
    assert result["type"] is FlowResultType.FORM and result["step_id"] == "zeroconf_confirm"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_HOST: "127.0.0.1", CONF_PORT: PORT}
    await hass.async_block_till_done()

    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        nothing = sock.getsockname()[1]
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=found(nothing))
    assert result["type"] is FlowResultType.ABORT and result["reason"] == "not_legcramp"


async def test_home_assistants_own_wyoming_integration_gets_the_answer_hint(hass: HomeAssistant):
    """The stock agent: no continue_conversation, so each question says how to answer; and no
    conversation id reaches legcramp (wyoming 1.5.4 drops it), so it follows on by client."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    result = await hass.config_entries.flow.async_init("wyoming", context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: PORT})
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()
    entries = er.async_entries_for_config_entry(er.async_get(hass), result["result"].entry_id)
    [agent] = [e.entity_id for e in entries if e.domain == "conversation"]
    first = await conversation.async_converse(hass, CLOT, None, Context(), language="en",
                                              agent_id=agent)
    speech = first.response.speech["plain"]["speech"]
    assert speech.endswith("say the wake word again, then your answer."), speech
    assert first.continue_conversation is False
    second = await conversation.async_converse(hass, "no", first.conversation_id, Context(),
                                               language="en", agent_id=agent)
    follow = second.response.speech["plain"]["speech"]
    assert second.response.response_type.value == "action_done" and follow != speech, follow
    stop = await conversation.async_converse(hass, "stop", first.conversation_id, Context(),
                                             language="en", agent_id=agent)
    assert stop.response.response_type.value == "action_done"
