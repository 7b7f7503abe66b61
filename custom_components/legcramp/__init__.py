"""legcramp: a conversation agent for Home Assistant's Assist, over `legcramp wyoming`.

legcramp tells an ordinary leg cramp from a possible blood clot or emergency, asks only the
questions that can still change the outcome, and guides a stretch. This integration forwards
each turn to the `legcramp wyoming` service and asks Assist to listen again whenever legcramp
expects a reply, so a satellite's microphone reopens for the answer: hands-free follow-ups.
"""
from __future__ import annotations

from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PORT, Platform
from homeassistant.core import HomeAssistant

PLATFORMS = [Platform.CONVERSATION]


@dataclass
class LegcrampService:
    """Where the service is."""

    host: str
    port: int


type LegcrampConfigEntry = ConfigEntry[LegcrampService]


async def async_setup_entry(hass: HomeAssistant, entry: LegcrampConfigEntry) -> bool:
    """Set up the conversation agent of one legcramp service."""
    entry.runtime_data = LegcrampService(entry.data[CONF_HOST], entry.data[CONF_PORT])
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: LegcrampConfigEntry) -> bool:
    """Unload it."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
