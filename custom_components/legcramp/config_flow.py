"""Config flow: the host and port of a `legcramp wyoming` service, checked with describe.

Also from discovery: `legcramp wyoming --zeroconf` announces `_wyoming._tcp.local.`, which every
Wyoming service announces, so a discovered service is described first and offered only if it
is legcramp; Home Assistant's own Wyoming integration is offered it too, and either may be
chosen (this one reopens the microphone after a question).
"""
from __future__ import annotations

from typing import Any

import voluptuous as vol

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo

from .const import DEFAULT_HOST, DEFAULT_PORT, DOMAIN
from .wyoming_link import LinkError, describe


def _schema(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> vol.Schema:
    return vol.Schema({
        vol.Required(CONF_HOST, default=host): str,
        vol.Required(CONF_PORT, default=port): vol.All(vol.Coerce(int), vol.Range(1, 65535)),
    })


class LegcrampConfigFlow(ConfigFlow, domain=DOMAIN):
    """Asks where `legcramp wyoming` runs, and checks that legcramp answers there."""

    VERSION = 1

    def __init__(self) -> None:
        self._found: dict[str, Any] = {}

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            host, port = user_input[CONF_HOST], user_input[CONF_PORT]
            await self.async_set_unique_id(f"{host}:{port}")
            self._abort_if_unique_id_configured()
            try:
                version = await describe(host, port)
            except LinkError as err:
                errors["base"] = "not_legcramp" if "not a legcramp" in str(err) else "cannot_connect"
            else:
                return self.async_create_entry(title=f"legcramp {version} at {host}:{port}",
                                               data={CONF_HOST: host, CONF_PORT: port})
            return self.async_show_form(step_id="user", data_schema=_schema(host, port),
                                        errors=errors)
        return self.async_show_form(step_id="user", data_schema=_schema(), errors=errors)

    async def async_step_zeroconf(self, discovery_info: ZeroconfServiceInfo) -> ConfigFlowResult:
        """A Wyoming service announced itself: offer it if it is legcramp."""
        if discovery_info.port is None:
            return self.async_abort(reason="not_legcramp")
        host, port = discovery_info.host, discovery_info.port
        try:
            version = await describe(host, port)
        except LinkError:
            return self.async_abort(reason="not_legcramp")
        await self.async_set_unique_id(f"{host}:{port}")
        self._abort_if_unique_id_configured(updates={CONF_HOST: host, CONF_PORT: port})
        self._found = {"title": f"legcramp {version} at {host}:{port}",
                       "data": {CONF_HOST: host, CONF_PORT: port}}
        self.context["title_placeholders"] = {"name": f"legcramp at {host}:{port}"}
        return await self.async_step_zeroconf_confirm()

    async def async_step_zeroconf_confirm(self, user_input: dict[str, Any] | None = None
                                          ) -> ConfigFlowResult:
        """Ask before adding a discovered service."""
        if user_input is None:
            return self.async_show_form(step_id="zeroconf_confirm",
                                        description_placeholders={"name": self._found["title"]})
        return self.async_create_entry(title=self._found["title"], data=self._found["data"])
