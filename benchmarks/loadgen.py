"""The load generator: recorded conversations replayed over MQTT at N sites, closed loop.

Why closed loop: a site is a person, who answers only after the skill has spoken. Each site
plays one conversation at a time and sends its next turn when the reply for its session came
back, carrying the customData the skill returned (the skill keeps its state there). Latency is
publish-to-reply for that sessionId (continueSession or endSession).

It is also a tiny dialogue manager, because the skill expects one: it publishes sessionStarted
when a conversation starts and sessionEnded after every endSession (the skill frees a session's
memory on it), and it answers the skill's own startSession (the steps of a guided stretch, run in
the background; see conversations.py for why conversations are split there) with sessionStarted
+ sessionEnded at once, as if spoken instantly. The baseline gets the same intents and the same
sessionStarted/sessionEnded; its replies are all endSession, so it follows the recording's script
(continue or end) instead of its replies.

Why one paho client and no threads per site: all site logic runs in paho's network thread, in
the message callback, so the generator costs one json.loads and one json.dumps per turn. Its own
CPU use is reported for every run; the baseline's figures are the floor it can measure.
Messages are queued under the generator's lock and published after it is released: paho calls
on_message holding its own callback lock, and publish() takes that lock too, so publishing from
the main thread while holding ours would deadlock against the network thread.
"""
from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import paho.mqtt.client as mqtt

from skill.shells.mqtt_loop import new_client

from .conversations import Conversation, Turn

CONTINUE = "hermes/dialogueManager/continueSession"
END = "hermes/dialogueManager/endSession"
START = "hermes/dialogueManager/startSession"
STARTED = "hermes/dialogueManager/sessionStarted"
ENDED = "hermes/dialogueManager/sessionEnded"


@dataclass
class Site:
    """One room with one person in it, talking through one conversation at a time."""

    name: str
    conv: Optional[Conversation] = None
    index: int = 0
    session: str = ""
    custom: Optional[str] = None
    sent_ns: int = 0
    awaiting: bool = False      # a turn is out, its reply not back yet

    @property
    def turn(self) -> Turn:
        assert self.conv is not None
        return self.conv.turns[self.index]


@dataclass
class Phase:
    """What one run counts. Latencies are in nanoseconds, one per answered turn."""

    budget_turns: Optional[int]
    budget_sessions: Optional[int]
    record: bool
    latencies: list[int] = field(default_factory=list)
    turns_sent: int = 0
    turns_done: int = 0
    sessions_started: int = 0
    sessions_done: int = 0
    lost: int = 0
    mismatches: int = 0
    examples: list[str] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)

    def more(self) -> bool:
        if self.budget_sessions is not None:
            return self.sessions_started < self.budget_sessions
        return self.turns_sent < (self.budget_turns or 0)


def _nodelay(client: Any, userdata: Any, sock: Any) -> None:
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class Replay:
    """One connection to the broker, reused for every phase against one target process."""

    def __init__(self, host: str, port: int, conversations: list[Conversation], *, skill_mode: bool,
                 timeout_s: float = 10.0) -> None:
        self.conversations = conversations
        self.skill_mode = skill_mode  # the target starts routines and returns live customData
        self.timeout_ns = int(timeout_s * 1e9)
        self.lock = threading.Lock()
        self.sites: dict[str, Site] = {}
        self.by_session: dict[str, Site] = {}
        self.phase: Optional[Phase] = None
        self.next_conv = 0
        self.sessions_total = 0  # conversations finished since the target started
        self.checkpoints: dict[int, Callable[[], None]] = {}
        self.outbox: list[tuple[str, str, Optional[Site]]] = []
        self.client = new_client(client_id=f"legcramp-bench-{uuid.uuid4().hex[:8]}")
        self.client.on_socket_open = _nodelay
        self.client.on_message = self._on_message
        subscribed = threading.Event()
        self.client.on_subscribe = lambda *_: subscribed.set()
        self.client.connect(host, port)
        self.client.subscribe([(CONTINUE, 0), (END, 0), (START, 0)])
        self.client.loop_start()
        if not subscribed.wait(10):
            raise RuntimeError("the load generator could not subscribe")

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    # --- running a phase -------------------------------------------------------------------

    def run(self, sites: int, *, turns: Optional[int] = None, sessions: Optional[int] = None,
            record: bool = True, deadline_s: float = 120.0) -> Phase:
        """Play until `turns` turns were sent (conversations finish) or `sessions` conversations."""
        phase = Phase(turns, sessions, record)
        with self.lock:
            self.phase = phase
            self.sites = {f"bench{i:03d}": Site(f"bench{i:03d}") for i in range(sites)}
            for site in self.sites.values():
                self._start_conversation(site)
            self._check_done()
        self._flush()
        end = time.monotonic() + deadline_s
        while not phase.done.wait(0.2):
            self._watchdog()
            if time.monotonic() > end:
                with self.lock:
                    phase.examples.append(f"phase stopped at its {deadline_s:.0f} s deadline")
                    for site in self.sites.values():
                        site.conv, site.awaiting = None, False
                    phase.done.set()
        with self.lock:
            self.phase = None
            self.by_session.clear()
        return phase

    def _start_conversation(self, site: Site) -> None:
        phase = self.phase
        site.conv, site.awaiting = None, False
        if phase is None or not phase.more():
            return
        site.conv = self.conversations[self.next_conv % len(self.conversations)]
        self.next_conv += 1
        phase.sessions_started += 1
        site.index = 0
        self._new_session(site, uuid.uuid4().hex, site.turn.custom)
        self._send(site)

    def _new_session(self, site: Site, session: str, custom: Optional[str]) -> None:
        """What Rhasspy's dialogue manager says when it opens a session."""
        site.session, site.custom = session, custom
        self.by_session[session] = site
        self.outbox.append((STARTED, json.dumps({"sessionId": session, "siteId": site.name,
                                                 "customData": custom, "lang": None}), None))

    def _end_session(self, site: Site, session: str, custom: Optional[str] = None) -> None:
        self.by_session.pop(session, None)
        self.outbox.append((ENDED, json.dumps({"termination": {"reason": "nominal"}, "sessionId": session,
                                               "siteId": site.name, "customData": custom}), None))

    def _flush(self) -> None:
        """Publish what was queued, outside the lock; a turn is timed from its publish."""
        with self.lock:
            out, self.outbox = self.outbox, []
        for topic, payload, site in out:
            if site is not None:
                site.sent_ns = time.perf_counter_ns()
            self.client.publish(topic, payload)

    def _send(self, site: Site) -> None:
        turn = site.turn
        body = dict(turn.body)
        body["sessionId"], body["siteId"] = site.session, site.name
        body["customData"] = site.custom if self.skill_mode else turn.custom
        payload = json.dumps(body)
        assert self.phase is not None
        self.phase.turns_sent += 1
        site.awaiting = True
        site.sent_ns = time.perf_counter_ns()  # again at publish; this covers the watchdog
        self.outbox.append((turn.topic, payload, site))

    def _finish(self, site: Site) -> None:
        """The conversation is over: count it, then start the next one on this site."""
        assert self.phase is not None
        self.phase.sessions_done += 1
        self.sessions_total += 1
        hook = self.checkpoints.pop(self.sessions_total, None)
        if hook:
            hook()
        self._start_conversation(site)
        self._check_done()

    def _check_done(self) -> None:
        if self.phase and all(s.conv is None for s in self.sites.values()):
            self.phase.done.set()

    # --- what comes back -------------------------------------------------------------------

    def _on_message(self, client: Any, userdata: Any, msg: Any) -> None:
        now = time.perf_counter_ns()
        body = json.loads(msg.payload)
        if msg.topic == START:  # answered between phases too, or a routine step would hang
            self._on_start(body)
            return
        with self.lock:
            if self.phase is not None:
                self._on_reply(body, msg.topic == END, now)
        self._flush()

    def _on_reply(self, body: dict[str, Any], ended: bool, now: int) -> None:
        site = self.by_session.get(body.get("sessionId", ""))
        if site is None or not site.awaiting or site.conv is None:
            return
        phase = self.phase
        assert phase is not None
        turn = site.turn
        site.awaiting = False
        phase.turns_done += 1
        if phase.record:
            phase.latencies.append(now - site.sent_ns)
        if self.skill_mode and (ended != (turn.reply == "end") or body.get("text") != turn.text):
            phase.mismatches += 1
            if len(phase.examples) < 5:
                phase.examples.append(f"{site.conv.id} turn {site.index}: got {body.get('text')!r}, "
                                      f"recorded {turn.text!r}")
            self._end_session(site, site.session)
            self._finish(site)
            return
        if self.skill_mode:
            site.custom = body.get("customData")
        else:
            ended = turn.reply == "end"  # the baseline ends everything: follow the script
        if not ended and site.index + 1 < len(site.conv.turns):
            site.index += 1
            self._send(site)
            return
        self._end_session(site, site.session, site.custom)
        self._finish(site)

    def _on_start(self, body: dict[str, Any]) -> None:
        """The skill starts a session (a routine step, or the question after it): the dialogue
        manager opens it, speaks it and closes it at once."""
        custom = body.get("customData")
        session = uuid.uuid4().hex
        site = body.get("siteId", "")
        self.client.publish(STARTED, json.dumps({"sessionId": session, "siteId": site,
                                                 "customData": custom, "lang": None}))
        self.client.publish(ENDED, json.dumps({"termination": {"reason": "nominal"}, "sessionId": session,
                                               "siteId": site, "customData": custom}))

    def _watchdog(self) -> None:
        """A turn with no reply within the timeout is lost; the site moves on to its next conversation."""
        now = time.perf_counter_ns()
        with self.lock:
            phase = self.phase
            if phase is None:
                return
            for site in self.sites.values():
                if site.conv is not None and now - site.sent_ns > self.timeout_ns:
                    phase.lost += 1
                    if len(phase.examples) < 5:
                        phase.examples.append(f"{site.conv.id} turn {site.index}: no reply")
                    self._end_session(site, site.session)
                    self._finish(site)
        self._flush()
