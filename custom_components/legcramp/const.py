"""Constants of the legcramp integration."""

DOMAIN = "legcramp"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 10600
EVENT_OUTCOME = "legcramp_outcome"
"""Fired after every piece of advice, with the fields of the MQTT outcome topic."""
TIMEOUT_S = 10.0
"""A turn of legcramp takes milliseconds; longer means the service is gone."""
PROGRAM = "legcramp"
"""The handle program `legcramp wyoming` describes itself as."""

# Said when the service cannot be reached: never silence, and never less than safe.
UNREACHABLE = (
    "I can't reach the leg help service right now. If you are worried, or you have trouble "
    "breathing or chest pain, call your emergency number."
)
