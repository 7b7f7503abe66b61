"""skill/shells/mqtt_loop.py drives paho through its public API only.

Before: it replaced paho 1.5's private `_sock_recv` and its `_sockpairR` / `_sockpairW` wake-up
pair, which a paho upgrade may rename or change without notice."""
from __future__ import annotations

import ast
from pathlib import Path

import paho.mqtt.client as mqtt

SOURCE = Path(__file__).resolve().parents[1] / "skill" / "shells" / "mqtt_loop.py"
PAHO_CALLS = ("socket", "loop_read", "loop_write", "loop_misc", "want_write", "reconnect")
PAHO_CALLBACKS = ("on_socket_open", "on_socket_close", "on_socket_register_write",
                  "on_socket_unregister_write")


def attributes() -> list[ast.Attribute]:
    return [n for n in ast.walk(ast.parse(SOURCE.read_text(encoding="utf-8")))
            if isinstance(n, ast.Attribute)]


def test_no_private_attribute_of_anything_but_itself():
    private = [f"{ast.unparse(a)} (line {a.lineno})" for a in attributes()
               if a.attr.startswith("_") and not a.attr.startswith("__")
               and ast.unparse(a.value) not in ("self",)]
    assert private == []


def test_what_it_uses_of_paho_is_public_api():
    used = {a.attr for a in attributes() if ast.unparse(a.value) in ("client", "self.client")}
    assert used <= set(PAHO_CALLS) | set(PAHO_CALLBACKS), used
    client = mqtt.Client
    for name in PAHO_CALLS:
        assert callable(getattr(client, name)), name
    for name in PAHO_CALLBACKS:
        assert isinstance(getattr(client, name), property), name
