"""Start `legcramp wyoming`: build the service once, serve the URI, announce it, stop cleanly.

The readiness line on stderr names the address actually bound (so `tcp://127.0.0.1:0`, a free
port, can be used by tests and scripts). SIGTERM and SIGINT stop it; the diary is closed last.
"""
from __future__ import annotations

import asyncio
import logging
import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, Callable, Optional
from urllib.parse import urlparse

from wyoming.server import AsyncServer, AsyncStdioServer, AsyncTcpServer, AsyncUnixServer

from .session import Recognise, Session
from .wyoming import Handler, Service, build_info
from .wyoming_store import EXPIRY_S, Conversations

log = logging.getLogger("legcramp.wyoming")

URI_SCHEMES = ("tcp", "unix", "stdio")


def check_uri(uri: str) -> str:
    """The URI if the wyoming package can serve it; else SystemExit with one line."""
    parsed = urlparse(uri)
    if parsed.scheme not in URI_SCHEMES:
        raise SystemExit(f"legcramp wyoming: --uri must be tcp://HOST:PORT, unix://PATH or "
                         f"stdio://, got {uri!r}")
    if parsed.scheme == "tcp":
        try:
            port = parsed.port
        except ValueError:
            port = None
        if not parsed.hostname or port is None:
            raise SystemExit(f"legcramp wyoming: --uri tcp:// needs a host and a port, got {uri!r}")
    if parsed.scheme == "unix" and not parsed.path:
        raise SystemExit(f"legcramp wyoming: --uri unix:// needs a socket path, got {uri!r}")
    return uri


def run(args: Any, make_session: Callable[[], Session], recognise: Recognise, service_words: Any,
        fallback: str, welcome: str, version: str) -> int:
    """Serve until stopped. Exit status 1, in one line, when the address cannot be bound."""
    expiry = getattr(args, "test_expiry_seconds", None) or EXPIRY_S
    service = Service(make_session, recognise, service_words, args.lang, fallback, welcome,
                      Conversations(make_session, expiry_s=expiry))
    info = build_info(args.lang, version).event()
    try:
        asyncio.run(_serve(args, service, info))
    except OSError as err:
        print(f"legcramp wyoming: cannot serve {args.uri}: {err.strerror or err}", file=sys.stderr)
        return 1
    return 0


async def _serve(args: Any, service: Service, info: Any) -> None:
    server = AsyncServer.from_uri(args.uri)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="legcramp-turn") as worker:
        factory = partial(Handler, service=service, info=info, worker=worker)
        if isinstance(server, AsyncStdioServer):
            _ready("stdio://", args.lang)
            await server.run(factory)
            return
        await server.start(factory)
        address = _bound(server, args.uri)
        zeroconf = await _announce(args, server) if getattr(args, "zeroconf", None) else None
        _ready(address, args.lang)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        try:
            await stop.wait()
        finally:
            log.info("stopping")
            if zeroconf is not None:
                await zeroconf.close()
            await server.stop()


def _bound(server: AsyncServer, uri: str) -> str:
    """The address served, with the port the system chose for port 0."""
    if isinstance(server, AsyncTcpServer):
        sockets = getattr(getattr(server, "_server", None), "sockets", None) or ()
        if sockets:
            host, port = sockets[0].getsockname()[:2]
            return f"tcp://{server.host}:{port}" if server.host else f"tcp://{host}:{port}"
    if isinstance(server, AsyncUnixServer):
        return f"unix://{server.socket_path}"
    return uri


def _ready(address: str, lang: str) -> None:
    print(f"legcramp wyoming: ready on {address} (language {lang})", file=sys.stderr, flush=True)


async def _announce(args: Any, server: AsyncServer) -> Optional[Any]:
    """Announce a TCP service over mDNS for Home Assistant's discovery; a failure is a warning
    (the service is still reachable by address)."""
    if not isinstance(server, AsyncTcpServer):
        log.warning("--zeroconf announces tcp:// services only; not announced")
        return None
    port = _bound(server, args.uri).rsplit(":", 1)[-1]
    host = None if server.host in ("0.0.0.0", "", "::") else server.host
    try:
        from wyoming.zeroconf import HomeAssistantZeroconf

        zeroconf = HomeAssistantZeroconf(name=args.zeroconf, port=int(port), host=host)
        await zeroconf.register_server()
    except Exception as err:  # no multicast route, no interface: serve unannounced
        log.warning("could not announce over zeroconf (%s); Home Assistant can still be "
                    "given the address", type(err).__name__)
        log.debug("the failure was", exc_info=err)
        return None
    log.info("announced over zeroconf as %s on port %s", args.zeroconf, port)
    return _Closer(zeroconf)


class _Closer:
    """Unregisters the announcement at stop."""

    def __init__(self, zeroconf: Any) -> None:
        self.zeroconf = zeroconf

    async def close(self) -> None:
        aiozc = getattr(self.zeroconf, "_aiozc", None)
        if aiozc is not None:
            await aiozc.async_close()
