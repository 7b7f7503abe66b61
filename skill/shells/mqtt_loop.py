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

Three of paho 1.5's habits cost system calls on every turn, and are worked around here without
changing what goes over the wire (benchmarks/PROFILE.md, section 0):
- it reads a packet a few bytes at a time (the command byte, each length byte, the body): its
  `_sock_recv` is given a buffer that fills with one `recv` of up to 64 KiB;
- it writes a wake-up byte to a socket pair on every publish, for a network thread that does
  not exist here: the pair is replaced by a no-op;
- it asks for the socket to be watched for writing on every publish (two `epoll_ctl` calls):
  while a message is being handled the reply is written straight after, and the socket is
  watched only if the kernel did not take all of it.
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
        self._reading = False      # inside _read: replies are written when it returns
        self._watching = False     # the socket is watched for writing
        self._buffer = b""
        self._at = 0               # how much of _buffer paho has taken
        self._recv = client._sock_recv
        client._sock_recv = self._buffered_recv  # type: ignore[method-assign]
        client.on_socket_open = self._opened
        client.on_socket_close = self._closed
        client.on_socket_register_write = self._want_write
        client.on_socket_unregister_write = self._written
        _silence_wakeups(client)

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
        self._buffer, self._at = b"", 0  # nothing read on an old connection belongs here
        self.loop.add_reader(sock, self._read)

    def _closed(self, client: Any, userdata: Any, sock: Any) -> None:
        self._buffer, self._at = b"", 0
        self.loop.remove_reader(sock)
        if self._watching:
            self._watching = False
            self.loop.remove_writer(sock)

    def _want_write(self, client: Any, userdata: Any, sock: Any) -> None:
        if self._reading:
            return  # _read writes it before it returns, and watches only what is left
        self._watch(sock)

    def _written(self, client: Any, userdata: Any, sock: Any) -> None:
        if self._watching:
            self._watching = False
            self.loop.remove_writer(sock)

    def _watch(self, sock: Any) -> None:
        if not self._watching:
            self._watching = True
            self.loop.add_writer(sock, self._write)

    def _buffered_recv(self, size: int) -> bytes:
        """paho's `_sock_recv`, served from one large read (paho asks for a byte at a time).
        An offset, not re-slicing: a byte taken off 64 KiB would copy the rest each time."""
        start = self._at
        if start >= len(self._buffer):
            self._buffer = self._recv(65536)  # paho's own errors: WouldBlockError, OSError
            start = self._at = 0
            if not self._buffer:
                return b""  # the broker closed the connection
        self._at = start + size
        return self._buffer[start:start + size]

    @property
    def _buffered(self) -> bool:
        return self._at < len(self._buffer)

    # --- the work paho's thread would do ----------------------------------------------------

    def _read(self) -> None:
        # One packet, then its reply goes out at once: reading a batch first would hold the
        # first message's reply until the whole batch was answered. Then the next packet
        # already in the buffer; the reader is level-triggered for what is still in the kernel.
        client = self.client
        while True:
            self._reading = True
            try:
                client.loop_read(max_packets=1)
            finally:
                self._reading = False
            if client.want_write():
                client.loop_write()
            sock = client.socket()
            if sock is None:
                return
            if client.want_write():
                self._watch(sock)  # the kernel took only part: finish when writable
            if not self._buffered and not _tls_pending(sock):
                return

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


class _NoWakeup:
    """Stands in for paho's wake-up socket pair, which only its own network thread reads."""

    @staticmethod
    def send(data: bytes) -> int:
        return len(data)

    @staticmethod
    def recv(size: int) -> bytes:
        return b""

    def close(self) -> None:
        pass


def _silence_wakeups(client: mqtt.Client) -> None:
    for name in ("_sockpairR", "_sockpairW"):
        pair = getattr(client, name, None)
        if pair is not None and not isinstance(pair, _NoWakeup):
            pair.close()
        setattr(client, name, _NoWakeup())
