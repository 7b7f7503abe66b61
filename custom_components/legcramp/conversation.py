"""The legcramp conversation agent: each turn to `legcramp wyoming`, the answer back to Assist.

`continue_conversation` is true whenever legcramp expects a reply (a question, or the one reply
after the advice), so an ESPHome satellite or the Voice PE reopens its microphone for the answer
without the wake word. After advice it fires `legcramp_outcome` with the fields of the MQTT
outcome topic (siteId is the satellite's area, or its device id, or "assist").
"""
from __future__ import annotations

import logging
from typing import Literal

from homeassistant.components import conversation
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, intent
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from . import LegcrampConfigEntry
from .const import DOMAIN, EVENT_OUTCOME, UNREACHABLE
from .wyoming_link import LinkError, send_turn

_LOGGER = logging.getLogger(__name__)


async def async_setup_entry(hass: HomeAssistant, entry: LegcrampConfigEntry,
                            async_add_entities: AddEntitiesCallback) -> None:
    """One agent per service."""
    async_add_entities([LegcrampConversationEntity(entry)])


class LegcrampConversationEntity(conversation.ConversationEntity,
                                 conversation.AbstractConversationAgent):
    """Forwards every turn to legcramp, keyed by Assist's conversation id."""

    _attr_has_entity_name = True
    _attr_name = "Leg help"

    def __init__(self, entry: LegcrampConfigEntry) -> None:
        self.entry = entry
        self._attr_unique_id = f"{entry.entry_id}-conversation"
        self._attr_device_info = dr.DeviceInfo(identifiers={(DOMAIN, entry.entry_id)},
                                               name=entry.title, manufacturer="legcramp",
                                               entry_type=dr.DeviceEntryType.SERVICE)

    @property
    def supported_languages(self) -> list[str] | Literal["*"]:
        return ["en"]

    async def _async_handle_message(self, user_input: conversation.ConversationInput,
                                    chat_log: conversation.ChatLog) -> conversation.ConversationResult:
        service = self.entry.runtime_data
        response = intent.IntentResponse(language=user_input.language)
        context = {"conversation_id": chat_log.conversation_id, "continue_conversation": True,
                   "site": self._site(user_input.device_id)}
        try:
            turn = await send_turn(service.host, service.port, user_input.text,
                                   user_input.language, context)
        except LinkError as err:
            _LOGGER.warning("legcramp at %s:%s: %s", service.host, service.port, err)
            response.async_set_error(intent.IntentResponseErrorCode.UNKNOWN, UNREACHABLE)
            return conversation.ConversationResult(response=response,
                                                   conversation_id=chat_log.conversation_id)
        if turn.handled:
            response.async_set_speech(turn.text)
        else:
            response.async_set_error(intent.IntentResponseErrorCode.FAILED_TO_HANDLE, turn.text)
        chat_log.async_add_assistant_content_without_tools(
            conversation.AssistantContent(agent_id=user_input.agent_id, content=turn.text))
        if turn.outcome is not None:
            self.hass.bus.async_fire(EVENT_OUTCOME, turn.outcome, context=user_input.context)
        return conversation.ConversationResult(response=response,
                                               conversation_id=chat_log.conversation_id,
                                               continue_conversation=turn.expects_reply)

    def _site(self, device_id: str | None) -> str:
        """The satellite's area id, else its device id, else "assist"."""
        if not device_id:
            return "assist"
        device = dr.async_get(self.hass).async_get(device_id)
        return (device.area_id if device and device.area_id else None) or device_id
