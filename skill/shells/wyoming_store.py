"""Conversations by id for `legcramp wyoming`: bounded, and forgotten after five idle minutes.

Home Assistant opens a new connection for every turn and names the conversation in the
transcript's context, so the dialog state cannot live in a connection. It lives here, one
Session per conversation id, for as long as a satellite keeps a conversation going (five
minutes, as Home Assistant does), and never more than `limit` of them: ids come from the
network, and a client inventing a new one every turn must not grow the process without end.
"""
from __future__ import annotations

import logging
import time
from collections import OrderedDict
from typing import Callable, Generic, Optional, TypeVar

log = logging.getLogger("legcramp.wyoming")

T = TypeVar("T")

EXPIRY_S = 300.0
MAX_CONVERSATIONS = 1024
"""About 4 KB each: a few MB at most, far more rooms than a house has."""


class Conversations(Generic[T]):
    """Least recently used first; `get` makes a new value for an unknown or expired id."""

    def __init__(self, make: Callable[[], T], limit: int = MAX_CONVERSATIONS,
                 expiry_s: float = EXPIRY_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.make = make
        self.limit = limit
        self.expiry_s = expiry_s
        self.clock = clock
        self._items: OrderedDict[str, tuple[float, T]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def peek(self, key: str) -> Optional[T]:
        """The live value for `key`, or None; does not count as use."""
        item = self._items.get(key)
        if item is None or self.clock() - item[0] > self.expiry_s:
            return None
        return item[1]

    def get(self, key: str) -> T:
        """The value for `key`, touched; a new one when there is none or it has expired."""
        now = self.clock()
        self._expire(now)
        item = self._items.pop(key, None)
        value = item[1] if item is not None else self.make()
        self._items[key] = (now, value)
        while len(self._items) > self.limit:
            dropped, _ = self._items.popitem(last=False)
            log.warning("more than %d conversations at once: forgot the one idle longest",
                        self.limit)
            log.debug("forgot conversation %r", dropped)
        return value

    def _expire(self, now: float) -> None:
        while self._items:
            key, (seen, _) = next(iter(self._items.items()))
            if now - seen <= self.expiry_s:
                return
            del self._items[key]
            log.debug("conversation %r expired after %.0f s", key, now - seen)
