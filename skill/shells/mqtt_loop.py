"""paho's MQTT client driven by the asyncio loop: one thread for MQTT and the dialog.

Why not paho's own `loop_start()` thread: every reply then crosses threads twice (the message
is queued into the asyncio loop, the reply is written back through paho's wake-up socket), and
a turn is pure CPU on bounded input, so it is answered inside the message callback, on this one
thread.

What paho's thread did that this must do instead: read and write the socket when it is ready
(add_reader / add_writer), keepalive pings (loop_misc once a second), and reconnecting after a
lost connection, with backoff from `min_delay` to `max_delay` seconds, never in a tight loop.
Nagle's algorithm is switched off on every socket: a reply followed by the outcome message
otherwise waits for the broker's delayed ACK (~40 ms).

It works with paho 1.5 and 2.x (the project overrides rhasspy-hermes' pin to take 2.x; see
`new_client`). Only paho's public API for an external event loop is used (`socket`, `loop_read`,
`loop_write`, `loop_misc`, `want_write` and the `on_socket_*` callbacks), so that an upgrade
of paho cannot silently break it. An earlier version reached into paho 1.5's private reads and
wake-up socket pair to save system calls; a turn costs under a millisecond of the skill's own
time while speech takes seconds, so that saving is not worth the fragility
(benchmarks/PROFILE.md has the figures of both).
"""
from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any, Optional

import paho.mqtt.client as mqtt

log = logging.getLogger("legcramp.hermes")


def new_client(**kwargs: Any) -> mqtt.Client:
    """A paho client with the callback signatures of paho 1.x, under paho 1.5 and 2.x alike
    (rhasspyhermes' HermesClient and our overrides of its callbacks use those)."""
    version = getattr(mqtt, "CallbackAPIVersion", None)
    if version is None:
        return mqtt.Client(**kwargs)
    return mqtt.Client(version.VERSION1, **kwargs)


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
        self._watching = False     # the socket is watched for writing
        client.on_socket_open = self._opened
        client.on_socket_close = self._closed
        client.on_socket_register_write = self._want_write
        client.on_socket_unregister_write = self._written

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
        if self._watching:
            self._watching = False
            self.loop.remove_writer(sock)

    def _want_write(self, client: Any, userdata: Any, sock: Any) -> None:
        if not self._watching:
            self._watching = True
            self.loop.add_writer(sock, self._write)

    def _written(self, client: Any, userdata: Any, sock: Any) -> None:
        if self._watching:
            self._watching = False
            self.loop.remove_writer(sock)

    # --- the work paho's thread would do ----------------------------------------------------

    def _read(self) -> None:
        # A reply published inside a message callback is queued by paho and the socket watched
        # for writing (on_socket_register_write), so it goes out as soon as the kernel takes it.
        self.client.loop_read()
        sock = self.client.socket()
        while sock is not None and _tls_pending(sock):  # decrypted bytes epoll cannot see
            self.client.loop_read()
            sock = self.client.socket()

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


def _tls_pending(sock: Any) -> int:
    """Bytes TLS has decrypted but not handed over: epoll cannot see them, so read them now."""
    pending = getattr(sock, "pending", None)
    return pending() if pending is not None else 0
