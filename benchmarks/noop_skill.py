"""The baseline: a Hermes skill that does nothing but answer every intent with endSession.

Why: turn latency through mosquitto is mostly the broker, the sockets and paho; this plain paho
client pays all of that and nothing else, so the skill's figures divided by this one's show what
legcramp itself adds, on the same broker in the same run. It takes the same traffic as the skill
(every hermes/intent/# and hermes/dialogueManager/intentNotRecognized) and, like the skill,
prints a readiness line on stderr once its subscriptions are acknowledged.

Run as a plain script (`python benchmarks/noop_skill.py --host H --port P`): it imports only
paho and the standard library, so its start-up and memory are a floor, not another program.

It turns off Nagle's algorithm on its socket (paho 1.5 leaves it on): with it on, a client that
writes two messages in a row waits for the broker's delayed ACK, up to 40 ms on Linux, and the
floor would measure that timer instead of the broker. `--nagle` keeps paho's default, to show
the difference.
"""
from __future__ import annotations

import argparse
import json
import socket
import sys
from typing import Any

import paho.mqtt.client as mqtt

from skill.shells.mqtt_loop import new_client

TOPICS = ["hermes/intent/#", "hermes/dialogueManager/intentNotRecognized"]
END = "hermes/dialogueManager/endSession"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1883)
    parser.add_argument("--nagle", action="store_true", help="leave Nagle's algorithm on (paho's default)")
    args = parser.parse_args()
    client = new_client()
    if not args.nagle:
        client.on_socket_open = lambda c, u, sock: sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    ready: dict[str, Any] = {}

    def on_connect(c: mqtt.Client, userdata: Any, flags: Any, rc: int) -> None:
        _, ready["mid"] = c.subscribe([(topic, 0) for topic in TOPICS])

    def on_subscribe(c: mqtt.Client, userdata: Any, mid: int, granted: Any) -> None:
        if mid == ready.get("mid"):
            print("noop skill: ready", file=sys.stderr, flush=True)

    def on_message(c: mqtt.Client, userdata: Any, msg: mqtt.MQTTMessage) -> None:
        try:
            session_id = json.loads(msg.payload)["sessionId"]
        except (ValueError, KeyError, TypeError):
            return
        c.publish(END, json.dumps({"sessionId": session_id}))

    client.on_connect, client.on_subscribe, client.on_message = on_connect, on_subscribe, on_message
    client.connect(args.host, args.port)
    try:
        client.loop_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
