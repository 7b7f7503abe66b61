"""Running `legcramp hermes`: flags, the MQTT connection and its lifecycle.

The standard Rhasspy flags come from rhasspyhermes.cli.add_hermes_args. paho runs on the asyncio
loop (mqtt_loop.LoopDriver), which reconnects with exponential backoff (1 s to 30 s), not
HermesClient's immediate retry. A refused login, an untrusted certificate, a password without a
user name, or a first connection closed unanswered (plain MQTT to a TLS port) is one clear error
and exit status 1, not a retry loop. A readiness line goes to stderr once every subscription is
acknowledged.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import ssl
import sys
from pathlib import Path
from typing import Any, Optional

import paho.mqtt.client as mqtt
from rhasspyhermes.cli import connect

from .hermes import LegcrampHermes
from .hermes_args import PASSWORD_ENV, add_arguments  # noqa: F401 - the flags live there
from .mqtt_loop import LoopDriver, new_client

log = logging.getLogger("legcramp.hermes")


def password(args: argparse.Namespace) -> Optional[str]:
    """--password, else --password-file, else $LEGCRAMP_MQTT_PASSWORD (never shown in ps)."""
    if args.password:
        return args.password
    if args.password_file:
        return Path(args.password_file).read_text(encoding="utf-8").strip()
    return os.environ.get(PASSWORD_ENV)


class Service(LegcrampHermes):
    """The Hermes skill plus its connection lifecycle."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refused: Optional[str] = None
        self.acknowledged = False  # the broker has accepted a connection at least once
        self.ready_mid: Optional[int] = None
        self.ready_once = False
        self.driver: Optional[LoopDriver] = None
        self.address = "the MQTT broker"
        self.stopped: Optional[asyncio.Event] = None
        self.mqtt_client.on_subscribe = self.mqtt_on_subscribe

    def mqtt_on_connect(self, client: Any, userdata: Any, flags: Any, rc: int) -> None:
        if rc != 0:
            # run() prints it as the one line of the exit, so it is not logged here too.
            self.refused = f"the MQTT broker refused the connection: {mqtt.connack_string(rc)}"
            client.disconnect()
            self.stop()
            return
        self.is_connected = True
        self.acknowledged = True
        if self.driver is not None:
            self.driver.connected()
        topics = sorted(self.all_mqtt_topics | self.pending_mqtt_topics)
        self.all_mqtt_topics.update(topics)
        self.pending_mqtt_topics.clear()
        self.subscribed_topics = set(topics)
        _, self.ready_mid = client.subscribe([(topic, 0) for topic in topics])

    def mqtt_on_subscribe(self, client: Any, userdata: Any, mid: int, granted_qos: Any) -> None:
        if mid != self.ready_mid:
            return
        if not self.ready_once:
            self.ready_once = True
            print(f"legcramp hermes: ready, listening for {len(self.subscribed_topics)} topics",
                  file=sys.stderr, flush=True)
        else:
            log.info("reconnected to the MQTT broker and subscribed again")

    def mqtt_on_disconnect(self, client: Any, userdata: Any, rc: int) -> None:
        self.is_connected = False
        if rc != 0 and not self.refused and not self.acknowledged:
            # Closed before any answer to the first CONNECT: no broker here will ever answer
            # this client (plain MQTT sent to a TLS port, or not a broker). Retrying is a loop.
            self.refused = (f"{self.address} closed the connection without answering; if it is "
                            f"a TLS port, add --tls")
            self.stop()
            return
        if rc != 0 and not self.refused:
            log.warning("lost the MQTT broker; reconnecting with backoff")
            if self.driver is not None:
                self.driver.lost()

    def stop(self) -> None:
        """Stop serving (safe from any thread)."""
        if self.loop and self.stopped is not None:
            self.loop.call_soon_threadsafe(self.stopped.set)


def run(args: argparse.Namespace, build_manager: Any, fallback: str,
        intents_dir: Optional[Path] = None, diary: Any = None) -> int:
    """Connect, serve until stopped, and return the exit status."""
    client = new_client()
    try:
        args.password = password(args)
    except OSError as err:
        print(f"legcramp hermes: cannot read the password file {args.password_file}: "
              f"{err.strerror or err}", file=sys.stderr)
        return 1
    if args.password and not args.username:
        print("legcramp hermes: a password was given without --username; the broker would "
              "never see it", file=sys.stderr)
        return 1
    service = Service(client, build_manager(), fallback=fallback, site_ids=args.site_id,
                      outcome_topic=args.outcome_topic, lang=args.lang, diary=diary)
    if intents_dir is not None and not args.no_local_grammar:
        from .hermes_grammar import start

        start(intents_dir, lambda recognise: setattr(service, "recognise", recognise))

    async def serve() -> None:
        service.loop = asyncio.get_running_loop()
        service.stopped = asyncio.Event()
        service.driver = LoopDriver(client, service.loop)
        service.address = f"{args.host}:{args.port}"
        try:
            connect(client, args)
        except ssl.SSLError as err:
            service.refused = f"TLS failed: {err.reason or err}"
        except (OSError, ValueError) as err:
            service.refused = f"cannot reach {args.host}:{args.port}: {err}"
        if service.refused:
            service.driver.stop()
            return
        service.driver.start()
        try:
            await service.stopped.wait()
        finally:
            service.driver.stop()
            client.disconnect()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        return 0
    finally:
        if diary is not None:
            diary.close()
    if service.refused:
        print(f"legcramp hermes: {service.refused}", file=sys.stderr)
        return 1
    return 0
