"""`legcramp hermes` with the changes PROFILE.md proposes, patched in at run time, to measure them
before anyone edits skill/. Never used by `python -m benchmarks`; see `profiling.py whatif`.

    python benchmarks/whatif_skill.py [--nodelay] [--fast-json] hermes --host H --port P ...

--nodelay    TCP_NODELAY on the paho socket. paho 1.5 leaves Nagle's algorithm on; the skill
             writes endSession and then legcramp/outcome back to back, and the next reply on
             that socket waits for the broker's delayed ACK (~40 ms on Linux).
--fast-json  the four incoming Hermes messages built straight from json.loads output, and
             outgoing payloads serialised with a cached field -> camelCase table, instead of
             dataclasses_json's generic, type-hint-driven (de)serialisation.
--one-thread paho's socket driven by the asyncio loop (add_reader/add_writer) instead of
             loop_start()'s network thread: no GIL hand-over and no cross-thread wake-up per
             message between the thread that reads MQTT and the one that answers it.
--memo       the local grammar's recognise() memoised on the raw words (LRU of 4,096 texts):
             people repeat short answers ("no", "i'm not sure") all night.
--states N   the local grammar's automaton cache holds N states instead of hermes_grammar's
             MAX_STATES (8,192), which the public conversations alone overflow (11,688 states).
"""
from __future__ import annotations

import dataclasses
import enum
import json
import socket
import sys
from typing import Any, Optional


def nodelay() -> None:
    import paho.mqtt.client as mqtt

    original = mqtt.Client.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.on_socket_open = lambda c, u, sock: sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    mqtt.Client.__init__ = init  # type: ignore[method-assign]


_FIELDS: dict[type, list[tuple[str, str]]] = {}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def plain(value: Any) -> Any:
    """A dataclass tree as JSON-ready values, keys in camelCase (what to_dict gives)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS.get(type(value))
        if names is None:
            names = _FIELDS[type(value)] = [(f.name, _camel(f.name)) for f in dataclasses.fields(value)]
        return {camel: plain(getattr(value, name)) for name, camel in names}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def fast_json() -> None:
    from rhasspyhermes.base import Message
    from rhasspyhermes.dialogue import (DialogueIntentNotRecognized, DialogueSessionEnded,
                                        DialogueSessionStarted, DialogueSessionTermination,
                                        DialogueSessionTerminationReason)
    from rhasspyhermes.intent import Slot
    from rhasspyhermes.nlu import Intent, NluIntent

    def nlu(cls: Any, d: dict[str, Any], **_: Any) -> NluIntent:
        intent = d["intent"]
        slots = [Slot(entity=s["entity"], value=s["value"], slot_name=s.get("slotName"),
                      raw_value=s.get("rawValue"), confidence=s.get("confidence", 0.0))
                 for s in d.get("slots") or []]
        return NluIntent(input=d["input"], intent=Intent(intent["intentName"], intent.get("confidenceScore", 0.0)),
                         site_id=d.get("siteId", "default"), id=d.get("id"), slots=slots,
                         session_id=d.get("sessionId"), custom_data=d.get("customData"),
                         asr_confidence=d.get("asrConfidence"), raw_input=d.get("rawInput"),
                         wakeword_id=d.get("wakewordId"), lang=d.get("lang"))

    def started(cls: Any, d: dict[str, Any], **_: Any) -> DialogueSessionStarted:
        return DialogueSessionStarted(session_id=d["sessionId"], site_id=d.get("siteId", "default"),
                                      custom_data=d.get("customData"), lang=d.get("lang"))

    def ended(cls: Any, d: dict[str, Any], **_: Any) -> DialogueSessionEnded:
        reason = DialogueSessionTerminationReason(d["termination"]["reason"])
        return DialogueSessionEnded(termination=DialogueSessionTermination(reason=reason),
                                    session_id=d["sessionId"], site_id=d.get("siteId", "default"),
                                    custom_data=d.get("customData"))

    def not_recognized(cls: Any, d: dict[str, Any], **_: Any) -> DialogueIntentNotRecognized:
        return DialogueIntentNotRecognized(session_id=d["sessionId"], site_id=d.get("siteId", "default"),
                                           input=d.get("input"), custom_data=d.get("customData"))

    NluIntent.from_dict = classmethod(nlu)  # type: ignore[assignment]
    DialogueSessionStarted.from_dict = classmethod(started)  # type: ignore[assignment]
    DialogueSessionEnded.from_dict = classmethod(ended)  # type: ignore[assignment]
    DialogueIntentNotRecognized.from_dict = classmethod(not_recognized)  # type: ignore[assignment]
    Message.payload = lambda self: json.dumps(plain(self), ensure_ascii=False)  # type: ignore[assignment]


def one_thread() -> None:
    import asyncio

    import paho.mqtt.client as mqtt

    def loop_start(client: Any) -> None:
        loop = asyncio.get_running_loop()

        def misc() -> None:
            client.loop_misc()
            loop.call_later(1.0, misc)

        client.on_socket_open = lambda c, u, sock: loop.add_reader(sock, c.loop_read)
        client.on_socket_close = lambda c, u, sock: loop.remove_reader(sock)
        client.on_socket_register_write = lambda c, u, sock: loop.add_writer(sock, c.loop_write)
        client.on_socket_unregister_write = lambda c, u, sock: loop.remove_writer(sock)
        if client.socket() is not None:
            loop.add_reader(client.socket(), client.loop_read)
            if client.want_write():
                loop.add_writer(client.socket(), client.loop_write)
        loop.call_later(1.0, misc)

    mqtt.Client.loop_start = loop_start  # type: ignore[method-assign]
    mqtt.Client.loop_stop = lambda client, force=False: None  # type: ignore[method-assign]


def grammar(memo: bool, states: Optional[int]) -> None:
    import functools

    from skill.shells import hermes_grammar

    if states:
        hermes_grammar.MAX_STATES = states
    if memo:
        original = hermes_grammar.load_in_background

        def load_in_background(intents_dir: Any, ready: Any) -> Any:
            return original(intents_dir, lambda recognise: ready(functools.lru_cache(maxsize=4096)(recognise)))

        hermes_grammar.load_in_background = load_in_background


FLAGS = ("--nodelay", "--fast-json", "--one-thread", "--memo")


def main() -> int:
    args = sys.argv[1:]
    states = next((int(a.split("=", 1)[1]) for a in args if a.startswith("--states=")), None)
    if "--memo" in args or states:
        grammar("--memo" in args, states)
    if "--one-thread" in args:
        one_thread()
    if "--nodelay" in args:
        nodelay()
    if "--fast-json" in args:
        fast_json()
    from skill.cli import main as legcramp

    return legcramp([a for a in args if a not in FLAGS and not a.startswith("--states=")])


if __name__ == "__main__":
    sys.exit(main())
