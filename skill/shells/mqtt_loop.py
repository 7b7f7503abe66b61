"""paho's MQTT client driven by the asyncio loop: one thread for MQTT and the dialog.

Why not paho's own `loop_start()` thread: every reply then crosses threads twice (the message
is queued into the asyncio loop, the reply is written back through paho's wake-up socket), and
the GIL hand-overs cost more than the turn itself at 50 sites (benchmarks/PROFILE.md). A turn is
pure CPU on bounded input, so it is answered inside the message callback, on this one thread.

What paho's thread did that this must do instead: read and write the socket when it is ready
(add_reader / add_writer), keepalive pings (loop_misc once a second), and reconnecting after a
lost connection, with backoff from `min_delay` to `max_delay` seconds, never in a tight loop.
Nagle's algorithm is switched off on every socket: a reply followed by the outcome message
otherwise waits for the broker's delayed ACK (~40 ms).
"""
from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any, Optional

import paho.mqtt.client as mqtt

log = logging.getLogger("legcramp.hermes")


class LoopDriver:
    """Runs `client`'s network I/O on `loop`. Call `connected()` / `lost()` from the client's
    on_connect / on_disconnect callbacks (the owner keeps those callbacks for itself)."""

    def __init__(self, client: mqtt.Client, loop: asyncio.AbstractEventLoop,
                 min_delay: float = 1.0, max_delay: float = 30.0) -> None:
        self.client = client
        self.loop = loop
        self.min_delay = min_delay
        self.max_delay = max_delay
        self.delay = min_delay
        self.stopping = False
        self._misc: Optional[asyncio.TimerHandle] = None
        self._retry: Optional[asyncio.TimerHandle] = None
        client.on_socket_open = self._opened
        client.on_socket_close = self._closed
        client.on_socket_register_write = self._want_write
        client.on_socket_unregister_write = self._written
        # paho writes a wake-up byte to its own socket pair on every publish, for a network
        # thread that does not exist here: drain it so it never fills.
        wake = getattr(client, "_sockpairR", None)
        if wake is not None:
            loop.add_reader(wake, self._drain, wake)

    def start(self) -> None:
        """After a successful `connect()`: watch the socket and start the keepalive timer."""
        sock = self.client.socket()
        if sock is not None:
            self._opened(self.client, None, sock)
            if self.client.want_write():
                self._want_write(self.client, None, sock)
        self._tick()

    def stop(self) -> None:
        self.stopping = True
        for handle in (self._misc, self._retry):
            if handle is not None:
                handle.cancel()
        wake = getattr(self.client, "_sockpairR", None)
        if wake is not None:
            self.loop.remove_reader(wake)

    def connected(self) -> None:
        self.delay = self.min_delay

    def lost(self) -> None:
        """The connection dropped: try again after the current backoff."""
        if not self.stopping and self._retry is None:
            log.info("reconnecting to the MQTT broker in %.0f s", self.delay)
            self._retry = self.loop.call_later(self.delay, self._reconnect)

    # --- paho's socket callbacks ------------------------------------------------------------

    def _opened(self, client: Any, userdata: Any, sock: Any) -> None:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except (OSError, AttributeError):  # not a TCP socket (a websocket wrapper)
            pass
        self.loop.add_reader(sock, self._read)

    def _closed(self, client: Any, userdata: Any, sock: Any) -> None:
        self.loop.remove_reader(sock)
        self.loop.remove_writer(sock)

    def _want_write(self, client: Any, userdata: Any, sock: Any) -> None:
        self.loop.add_writer(sock, self._write)

    def _written(self, client: Any, userdata: Any, sock: Any) -> None:
        self.loop.remove_writer(sock)

    @staticmethod
    def _drain(wake: socket.socket) -> None:
        try:
            wake.recv(4096)
        except (BlockingIOError, InterruptedError):
            pass

    # --- the work paho's thread would do ----------------------------------------------------

    def _read(self) -> None:
        # One packet, then its reply goes out at once: reading a batch first would hold the
        # first message's reply until the whole batch was answered. The reader is level-
        # triggered, so the loop calls back while more is waiting.
        self.client.loop_read(max_packets=1)
        if self.client.want_write():
            self.client.loop_write()

    def _write(self) -> None:
        self.client.loop_write()

    def _tick(self) -> None:
        if self.stopping:
            return
        self.client.loop_misc()
        self._misc = self.loop.call_later(1.0, self._tick)

    def _reconnect(self) -> None:
        self._retry = None
        if self.stopping:
            return
        try:
            self.client.reconnect()
        except (OSError, ValueError) as err:
            self.delay = min(self.delay * 2, self.max_delay)
            log.warning("the MQTT broker is still unreachable (%s); next try in %.0f s",
                        type(err).__name__, self.delay)
            self._retry = self.loop.call_later(self.delay, self._reconnect)
            return
        self.delay = min(self.delay * 2, self.max_delay)  # reset by connected() on CONNACK
