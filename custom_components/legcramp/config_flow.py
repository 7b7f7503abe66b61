"""Config flow: the host and port of a `legcramp wyoming` service, checked with describe."""
from __future__ import annotations

from typing import Any

import voluptuous as vol

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_PORT

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
