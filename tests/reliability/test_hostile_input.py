"""Hostile input on every topic `legcramp hermes` subscribes to, through a real mosquitto.

Anyone on the broker can publish anything on hermes/intent/<ours> and the dialogue manager's
topics. Each message here is built with its expected effect known by construction (from the
Hermes message shapes, not from the skill's parser):
- malformed (not JSON, not an object, a field of the wrong type, a missing session id):
  exactly one WARNING line, never the payload;
- tagged customData that is ours but corrupt: exactly one WARNING line;
- anything else, however odd (1 MB strings, unknown intents and slots, odd unicode, unknown or
  reused session ids, foreign customData): no WARNING line;
- never an ERROR or a traceback;
- a reply (continueSession or endSession, with words) whenever the session can be answered: it
  is one of ours (a conversation in progress), even when the message in it is malformed, or it
  is new and opens with one of our opening intents;
- and meanwhile a witness conversation on another site is answered, turn after turn, with
  exactly the words recorded for it.
After each message a barrier (a known malformed message) marks the end of its log lines.
"""
from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rhasspyhermes.dialogue import DialogueContinueSession, DialogueEndSession

from benchmarks.conversations import Conversation
from skill.dialog.codec import decode
from skill.nlu.contract import INTENTS
from skill.shells.hermes import OPENING_INTENTS
from skill.shells.rhasspy_names import TO_RHASSPY, our_name, rhasspy_names
from tests.e2e.stack import Mosquitto
from tests.reliability.harness import (
    CONTINUE,
    END,
    ENDED,
    NOT_RECOGNIZED,
    START,
    STARTED,
    Player,
    Skill,
    Talk,
    report,
)

INTENT_NAMES = sorted(rhasspy_names(INTENTS))  # as Rhasspy names them
INTENT = "hermes/intent/"
NLU_NOT_RECOGNIZED = "hermes/nlu/intentNotRecognized"  # an opening Rhasspy could not match
TOPICS = [*(INTENT + name for name in INTENT_NAMES), NOT_RECOGNIZED, NLU_NOT_RECOGNIZED, STARTED,
          ENDED]
CANARY = "quokkaCANARY"  # in every hostile string: it must never reach the log
MB = 1 << 20
BARRIER = b"barrier: not json"

# Hermes field types (the spec's, not the parser's): str, number, object, list.
FIELDS: dict[str, dict[str, str]] = {
    "intent": {"input": "str", "rawInput": "str", "sessionId": "str", "siteId": "str",
               "customData": "str", "lang": "str", "id": "str", "intent": "object",
               "intent.intentName": "str", "intent.confidenceScore": "number", "slots": "list",
               "asrConfidence": "number"},
    NOT_RECOGNIZED: {"sessionId": "str", "siteId": "str", "input": "str", "customData": "str"},
    STARTED: {"sessionId": "str", "siteId": "str", "customData": "str", "lang": "str"},
    ENDED: {"sessionId": "str", "siteId": "str", "customData": "str"},
}

# customData that says it is ours ({"legcramp": ...}) but cannot be trusted.
CORRUPT = [json.dumps(body) for body in (
    {"legcramp": 2},
    {"legcramp": 1, "findings": {"no_such_finding": True}},
    {"legcramp": 1, "findings": {"swelling": "purple" + CANARY}},
    {"legcramp": 1, "findings": "swollen"},
    {"legcramp": 1, "pending": ["question", "no_such_question"]},
    {"legcramp": 1, "pending": ["interrogation", "duration"]},
    {"legcramp": 1, "asking": ["no_such_finding"]},
    {"legcramp": 1, "turn": "seven"},
    {"legcramp": 1, "misses": [1]},
    {"legcramp": 1, "want_guide": "tap_dance"},
    {"legcramp": 1, "last": 5},
    # A finding where a question id goes: it once decoded, then failed inside the turn.
    {"legcramp": 1, "pending": ["question", "swelling"], "asking": ["swelling"]},
    {"legcramp": 1, "pending": ["check", "duration"], "asking": ["duration"]},
)] + ['{"legcramp":1,"turn":Infinity}', '{"legcramp":1,"turn":1e400}']
# customData that is not ours at all: Rhasspy's wake word id, another skill's, junk.
FOREIGN = ["default", "porcupine", '{"other_skill": 1}', "[1, 2, 3]", "{not json " + CANARY,
           '{"legcramp_step": [1]}', '{"legcramp_step": {"a": 1}}', "\ud800" + CANARY]
# Well-formed and ours as far as anyone can tell (customData is not signed): taken as the state.
FORGED = [json.dumps({"legcramp": 1, "findings": {"swelling": "one_leg"}}),
          json.dumps({"legcramp": 1})]
HUGE_CUSTOM = json.dumps({"legcramp": 1, "pad": CANARY * (MB // len(CANARY))})

ODD = ["\u202eevil" + CANARY, "Z\u0336\u0335a\u0337l\u0338g\u0334o" + CANARY,
       "\U0001f9b5\U0001f4a5" + CANARY,
       "\x00nul" + CANARY, "\ufeffbom" + CANARY, "\ud800" + CANARY, CANARY + "\udfff",
       "a\u0301\u0301\u0301" + CANARY, "\u2028line\u2029" + CANARY, "\u65e5\u672c\u8a9e" + CANARY,
       "my calf \u0000 hurts " + CANARY, "MY CALF IS SWOLLEN " + CANARY]


# --- the rig: one broker, one skill, one client that plays everything ------------------------------


@dataclass
class Expect:
    """What one hostile message must cause."""

    warnings: int
    reply: Optional[str] = None  # the session that must be answered


@dataclass
class Rig:
    skill: Skill
    player: Player
    opener: Conversation              # its first turn opens a conversation that goes on
    witnesses: Iterator[Conversation]
    witness: Optional[Talk] = None
    tried: Counter = field(default_factory=Counter)
    intent_topics: set = field(default_factory=set)
    malformed: int = 0
    barriers: int = 0
    warnings: int = 0
    answered: int = 0
    witness_turns: int = 0

    # -- sessions ---------------------------------------------------------------------------

    def live(self, site: str = "hostile-live") -> tuple[str, str]:
        """A conversation of ours in progress: its session id and the customData we returned."""
        talk = self.player.begin(self.opener, site)
        reply = self.player.turn(talk)
        assert reply.topic == CONTINUE
        return talk.session, talk.custom or ""

    def end(self, session: str, site: str = "hostile-live") -> None:
        self.player.client.publish_raw(ENDED, {"sessionId": session, "siteId": site,
                                               "termination": {"reason": "nominal"}})

    def step_witness(self) -> None:
        """One turn of a conversation on another site, answered with the recorded words."""
        if self.witness is None or self.witness.done:
            self.witness = self.player.begin(next(self.witnesses), "witness")
        self.player.turn(self.witness)
        self.witness_turns += 1

    # -- one hostile message ----------------------------------------------------------------

    def send(self, topic: str, payload: bytes, expect: Expect) -> None:
        log_mark, record_mark = self.skill.mark(), self.player.client.mark()
        self.player.client.publish_raw(topic, payload)
        self.tried[topic.split("/")[1] if topic.startswith(INTENT) else topic.rsplit("/", 1)[1]] += 1
        if topic.startswith(INTENT):
            self.intent_topics.add(topic)
        self.malformed += expect.warnings
        self.step_witness()
        self.player.client.publish_raw(NOT_RECOGNIZED, BARRIER)
        self.barriers += 1
        self._barrier(log_mark, expect.warnings + 1, payload)
        if expect.reply is not None:
            self._replied(expect.reply, record_mark, payload)

    def _barrier(self, mark: int, want: int, payload: bytes) -> None:
        """Wait for the barrier's warning; then exactly `want` warnings since `mark`, no error."""
        deadline = time.monotonic() + 10
        got = self.skill.warnings(mark)
        while not (len(got) >= want and "intentNotRecognized (not JSON)" in got[-1]):
            if time.monotonic() > deadline:
                break
            time.sleep(0.005)
            got = self.skill.warnings(mark)
        assert len(got) == want, (f"{len(got) - 1} warnings for one message, want {want - 1}: "
                                  f"{got} for {payload[:200]!r}")
        assert not self.skill.errors(mark), "".join(self.skill.since(mark))
        assert not any(CANARY in line for line in self.skill.since(mark)), self.skill.since(mark)
        self.warnings += want - 1

    def check_totals(self) -> None:
        """Over the whole log: one warning per malformed message and per barrier, no more."""
        assert len(self.skill.warnings()) == self.malformed + self.barriers
        # An intent's name says what was heard: never in a warning.
        assert not [w for w in self.skill.warnings() if "hermes/intent/" in w
                    and "hermes/intent/#" not in w], "an intent topic named in a warning"
        assert not self.skill.errors() and self.skill.proc.poll() is None

    def _replied(self, session: str, mark: int, payload: bytes) -> None:
        """An answer in `session`: a question, or an end with words; an end without words only
        when a guided routine follows at once, spoken in sessions of its own (hermes_plan)."""
        client = self.player.client
        reply = client.wait_for(lambda r: r.topic in (CONTINUE, END) and r.get("sessionId") == session,
                                10, after=mark, what=f"an answer to {payload[:300]!r}")
        body = reply.json or {}
        if reply.topic == CONTINUE:
            DialogueContinueSession.from_dict(body)
            assert decode(body.get("customData")) is not None, body.get("customData")
        else:
            DialogueEndSession.from_dict(body)
        if not (body.get("text") or "").strip():
            assert reply.topic == END, (body, payload[:300])
            site = (json.loads(payload) or {}).get("siteId")
            site = site if isinstance(site, str) and site else "default"
            client.wait_for(lambda r: r.topic == START and r.get("siteId") == site
                            and bool((r.get("init") or {}).get("text")), 10, after=reply.index,
                            what=f"the routine after a silent end, for {payload[:300]!r}")
        self.answered += 1


@pytest.fixture(scope="module")
def rig(mosquitto: Mosquitto, conversations: list[Conversation],
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    host, port = mosquitto.address
    skill = Skill(host, port, log_dir=tmp_path_factory.mktemp("hostile")).start()
    assert f"listening for {len(TOPICS)} topics" in skill.log(), skill.log()
    player = Player(host, port, name="hostile")
    opener = next(c for c in conversations if len(c.turns) >= 3 and c.turns[0].reply == "continue")
    long = [c for c in conversations if len(c.turns) >= 3 and not c.id.endswith("+after")]

    def cycle() -> Iterator[Conversation]:
        while True:
            yield from long

    rig = Rig(skill, player, opener, cycle())
    try:
        yield rig
    finally:
        player.close()
        skill.stop()
        report("hostile_input", payloads=sum(rig.tried.values()), per_topic=dict(rig.tried),
               intent_topics=f"{len(rig.intent_topics)}/{len(INTENT_NAMES)}", malformed=rig.malformed,
               warning_lines=rig.warnings, answered=rig.answered, witness_turns=rig.witness_turns,
               errors=len(skill.errors()))


# --- building messages --------------------------------------------------------------------------


def slot(name: Any, value: Any) -> dict[str, Any]:
    return {"entity": name, "slotName": name, "value": {"kind": "Unknown", "value": value},
            "rawValue": str(value)[:50], "confidence": 1.0}


def intent_body(name: str, session: Optional[str], site: str = "hostile", text: str = "my calf hurts",
                slots: tuple = (), custom: Optional[str] = None) -> dict[str, Any]:
    name = TO_RHASSPY.get(name, name) if isinstance(name, str) else name  # ours, as Rhasspy names it
    body = {"input": text, "rawInput": text, "intent": {"intentName": name, "confidenceScore": 1.0},
            "slots": list(slots), "siteId": site, "customData": custom, "id": None, "lang": None,
            "asrConfidence": None, "asrTokens": [], "wakewordId": None}
    if session is not None:
        body["sessionId"] = session
    return body


def dumps(body: Any) -> bytes:
    """JSON as a client would send it (lone surrogates escaped, as Python and JS do)."""
    return json.dumps(body).encode()


def fresh() -> str:
    return f"hostile-{uuid.uuid4().hex}"


def set_path(body: dict, path: str, value: Any) -> None:
    head, _, rest = path.partition(".")
    if rest:
        if not isinstance(body.get(head), dict):
            body[head] = {}
        set_path(body[head], rest, value)
    else:
        body[head] = value


# --- hand-picked ----------------------------------------------------------------------------------


def hand_picked(rig: Rig) -> Iterator[tuple[str, str, bytes, Expect]]:
    """(what, topic, payload, expectation), built lazily: some need a live session first."""
    pain = INTENT + "LegcrampReportPain"
    garbage = [b"", b"not json " + CANARY.encode(), b"\xff\xfe\x00\x81", b"[" * 100_000,
               b"null", b"42", b'"' + CANARY.encode() + b'"', b"[]", b'{"input": "' + CANARY.encode(),
               b"x" * MB, b"{" * 50 + b"}" * 50, b"NaN"]
    for topic in TOPICS:
        for payload in garbage:
            yield f"garbage {payload[:12]!r}", topic, payload, Expect(1)
    for topic in (NOT_RECOGNIZED, STARTED, ENDED):
        yield "no sessionId", topic, dumps({"siteId": "hostile", "input": CANARY}), Expect(1)
    yield "no sessionId", pain, dumps(intent_body("ReportPain", None, text=CANARY)), Expect(1)
    yield "empty sessionId", pain, dumps(intent_body("ReportPain", "", text=CANARY)), Expect(1)
    yield "empty sessionId", NOT_RECOGNIZED, dumps({"sessionId": "", "input": CANARY}), Expect(1)
    yield "sessionId a number", pain, dumps(intent_body("ReportPain", 7)), Expect(1)  # type: ignore
    for name in ([], {}, 0, False, ["ReportPain"]):  # no name, however falsy, is a missing one
        yield f"intentName {name!r}", pain, dumps(intent_body(name, fresh())), Expect(1)  # type: ignore

    # Malformed answers in a conversation of ours: one warning, and asked again (never silence).
    for path, value in [("slots", "calf " + CANARY), ("intent", "ReportPain"), ("input", [CANARY]),
                        ("intent.intentName", 5), ("intent.confidenceScore", "high"),
                        ("siteId", {"a": CANARY}), ("customData", 12), ("rawInput", 1.5),
                        ("asrConfidence", "sure"), ("lang", ["en"])]:
        session, custom = rig.live()
        body = intent_body("ReportLegSigns", session, site="hostile-live", text=CANARY, custom=custom)
        set_path(body, path, value)
        yield f"live, {path} wrong type", pain, dumps(body), Expect(1, session)
    for custom in (CORRUPT[1], CORRUPT[-2]):
        session, _ = rig.live()
        body = intent_body("ReportLegSigns", session, site="hostile-live", text=CANARY, custom=custom)
        body["slots"] = CANARY
        yield "live, malformed and corrupt customData", pain, dumps(body), Expect(1, session)
    session, custom = rig.live()
    yield ("live, notRecognized with a wrong type", NOT_RECOGNIZED,
           dumps({"sessionId": session, "siteId": "hostile-live", "input": 5, "customData": custom}),
           Expect(1, session))

    # Numbers no float can hold (400 digits): one warning, read as absent, and answered.
    huge = 10 ** 400
    for path in ("intent.confidenceScore", "asrConfidence", "slots"):
        body = intent_body("ReportPain", fresh(), slots=(slot("pain_location", "calf"),))
        if path == "slots":
            body["slots"][0]["confidence"] = huge
        else:
            set_path(body, path, huge)
        yield f"fresh, {path} of 400 digits", pain, dumps(body), Expect(1, "")
        session, custom = rig.live()
        body.update(sessionId=session, siteId="hostile-live", customData=custom)
        yield f"live, {path} of 400 digits", pain, dumps(body), Expect(1, session)

    # Well-formed but odd: no warning; answered when it opens or lands in a conversation of ours.
    yield "1 MB utterance", pain, dumps(intent_body("ReportPain", fresh(), text=CANARY * (MB // 12))), \
        Expect(0, "")
    yield "1 MB slot value", pain, dumps(intent_body("ReportPain", fresh(), slots=(
        slot("pain_location", CANARY * (MB // 12)),))), Expect(0, "")
    big_session = "s" * MB
    yield "1 MB session id", pain, dumps(intent_body("ReportPain", big_session)), Expect(0, big_session)
    yield "1 MB site id", pain, dumps(intent_body("ReportPain", fresh(), site="h" * MB)), Expect(0, "")
    yield "20,000 slots", pain, dumps(intent_body("ReportPain", fresh(), slots=tuple(
        slot("pain_location", "calf") for _ in range(20_000)))), Expect(0, "")
    yield "unknown slots", pain, dumps(intent_body("ReportPain", fresh(), slots=(
        slot("no_such_slot", CANARY), slot("swelling", "purple" + CANARY), slot(5, "x"),
        {"entity": "swelling", "value": "not an object"}, 7, None, [CANARY]))), Expect(0, "")
    for text in ODD:
        yield f"odd unicode {text[:8]!r}", pain, dumps(intent_body(
            "ReportPain", fresh(), text=text, slots=(slot("pain_location", text),))), Expect(0, "")
    for session in ("\udfff", "\ud800" + CANARY, "\u202e\U0001f9b5", "\x00", "a/b/#/+"):
        yield f"odd session id {session[:4]!r}", pain, dumps(intent_body("ReportPain", session)), \
            Expect(0, session)
    yield "odd site, routine", pain, dumps(intent_body("ReportPain", fresh(), site="\ud800site", slots=(
        slot("cramp_now", "true"), slot("pain_location", "calf")))), Expect(0, "")
    for custom in FOREIGN + FORGED + [HUGE_CUSTOM]:
        yield f"fresh, customData {custom[:16]!r}", pain, dumps(
            intent_body("ReportPain", fresh(), custom=custom)), Expect(0, "")
    for custom in CORRUPT:
        yield f"fresh, corrupt customData {custom[:24]!r}", pain, dumps(
            intent_body("ReportPain", fresh(), custom=custom)), Expect(1, "")
    for custom in FOREIGN + [HUGE_CUSTOM] + CORRUPT:
        session, _ = rig.live()
        yield f"live, customData {custom[:24]!r}", INTENT + "LegcrampDeny", dumps(intent_body(
            "Deny", session, site="hostile-live", text="no", custom=custom)), \
            Expect(1 if custom in CORRUPT else 0, session)
    for name in ("SelfDestruct", "", "reportpain", CANARY, "Report\u0000Pain"):
        session, custom = rig.live()
        yield f"live, unknown intent {name[:12]!r}", pain, dumps(intent_body(
            name, session, site="hostile-live", text=CANARY, custom=custom)), Expect(0, session)
        yield f"fresh, unknown intent {name[:12]!r}", pain, dumps(intent_body(
            name, fresh(), text=CANARY)), Expect(0, "" if name == "" else None)
    for custom_of in (lambda c: c, lambda c: None):
        session, custom = rig.live()
        for text in (CANARY * (MB // 12), "\ud800" + CANARY):
            yield "live, notRecognized", NOT_RECOGNIZED, dumps({
                "sessionId": session, "siteId": "hostile-live", "input": text,
                "customData": custom_of(custom)}), Expect(0, session)
    yield "fresh, notRecognized", NOT_RECOGNIZED, dumps({"sessionId": fresh(), "input": CANARY}), \
        Expect(0)

    # Reused session ids: a finished session's id opens a new conversation; one id on two sites.
    session, custom = rig.live()
    rig.end(session)
    yield "reused after its end", pain, dumps(intent_body("ReportPain", session)), Expect(0, session)
    shared = fresh()
    yield "one id, site a", pain, dumps(intent_body("ReportPain", shared, site="a")), Expect(0, shared)
    yield "one id, site b", pain, dumps(intent_body("ReportLegSigns", shared, site="b", slots=(
        slot("swelling", "one_leg"),))), Expect(0, shared)

    # The dialogue manager's own topics: odd but well-formed ones are no warning and no harm.
    for reason in (5, "bogus", None, ["timeout"], "timeout"):
        yield f"sessionEnded reason {reason!r}", ENDED, dumps({
            "sessionId": fresh(), "siteId": "hostile", "termination": {"reason": reason}}), Expect(0)
    for custom in FOREIGN + CORRUPT + [HUGE_CUSTOM, '{"legcramp_step": "' + CANARY + '"}']:
        for topic in (STARTED, ENDED):
            yield f"{topic.rsplit('/', 1)[1]} customData {custom[:16]!r}", topic, dumps({
                "sessionId": fresh(), "siteId": "hostile", "customData": custom,
                "termination": {"reason": "nominal"}}), Expect(0)
    # A conversation whose sessionEnded came early (the skill forgets it) carries on from customData.
    session, custom = rig.live()
    rig.end(session)
    yield "live after its sessionEnded", INTENT + "LegcrampDeny", dumps(intent_body(
        "Deny", session, site="hostile-live", text="no", custom=custom)), Expect(0, session)


def test_hand_picked_hostile_messages(rig: Rig) -> None:
    before = sum(rig.tried.values())
    for what, topic, payload, expect in hand_picked(rig):
        if expect.reply == "":  # a fresh session opened by this very message
            expect.reply = (json.loads(payload) or {}).get("sessionId")
        try:
            rig.send(topic, payload, expect)
        except AssertionError as err:
            raise AssertionError(f"{what} on {topic}: {err}") from None
    rig.check_totals()
    report("hostile_hand_picked", payloads=sum(rig.tried.values()) - before)


# --- generated with hypothesis ----------------------------------------------------------------------

small_text = st.text(max_size=40)
texts = st.one_of(small_text, st.sampled_from(ODD), st.integers(0, 5000).map(lambda n: "\u00e9" * n),
                  st.just(CANARY * (MB // len(CANARY))))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | small_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(small_text, inner, max_size=4),
    max_leaves=8)
KINDS: dict[str, Callable[[Any], bool]] = {
    "str": lambda v: isinstance(v, str),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "list": lambda v: isinstance(v, list),
}


def wrong(kind: str) -> st.SearchStrategy:
    return json_values.filter(lambda v: v is not None and not KINDS[kind](v))


def fields_of(topic: str) -> dict[str, str]:
    return FIELDS["intent"] if topic.startswith(INTENT) else FIELDS[topic]


def answerable(topic: str) -> bool:
    return topic.startswith(INTENT) or topic == NOT_RECOGNIZED


slots = st.lists(st.one_of(
    st.builds(slot, st.sampled_from(["pain_location", "swelling", "duration", "breathless", "cramp_now",
                                     "cramps_per_week", "no_such_slot"]) | small_text,
              json_values | texts),
    json_values), max_size=6)
customs = st.sampled_from(["none", "foreign", "forged", "corrupt", "huge", "ours"])


@dataclass
class Case:
    """A generated message: `build(session, custom)` makes its payload once a session exists."""

    topic: str
    kind: str               # raw | shape | content
    live: bool
    build: Callable[[str, str], bytes]
    warnings: int
    reply_if_fresh: bool = False


def custom_value(kind: str, ours: str, pick: int) -> Optional[str]:
    return {"none": None, "ours": ours or None, "huge": HUGE_CUSTOM,
            "foreign": FOREIGN[pick % len(FOREIGN)], "forged": FORGED[pick % len(FORGED)],
            "corrupt": CORRUPT[pick % len(CORRUPT)]}[kind]


@st.composite
def cases(draw: st.DrawFn) -> Case:
    family = draw(st.sampled_from([INTENT, INTENT, NOT_RECOGNIZED, STARTED, ENDED]))
    topic = family + draw(st.sampled_from(INTENT_NAMES)) if family == INTENT else family
    kind = draw(st.sampled_from(["raw", "shape", "content", "content"]))
    live = draw(st.booleans())
    if kind == "raw":
        payload = draw(st.binary(max_size=300) | small_text.map(str.encode)
                       | json_values.filter(lambda v: not isinstance(v, dict)).map(dumps))
        try:
            is_object = isinstance(json.loads(payload), dict)
        except (ValueError, RecursionError):
            is_object = False
        if is_object:
            payload = b"[" + payload + b"]"
        return Case(topic, "raw", False, lambda s, c: payload, 1)

    custom_kind, pick = draw(customs), draw(st.integers(0, 100))
    site = draw(small_text.filter(lambda s: "witness" not in s))
    if topic.startswith(INTENT):
        name = draw(st.sampled_from(INTENT_NAMES) | st.sampled_from(["", "SelfDestruct"]) | small_text)
        base: Callable[[str, str], dict] = lambda s, c: intent_body(  # noqa: E731
            name, s, site=site, text=CANARY + text, slots=tuple(slot_list), custom=c)
        text, slot_list = draw(texts), draw(slots)
        opens = our_name(name or topic[len(INTENT):]) in OPENING_INTENTS
    else:
        text = draw(texts)
        reason = draw(st.sampled_from(["nominal", "timeout", "error", "intentNotRecognized"])
                      | json_values)
        base = lambda s, c: {"sessionId": s, "siteId": site, "input": CANARY + text,  # noqa: E731
                             "customData": c, "termination": {"reason": reason}}
        opens = False

    if kind == "shape":
        path = draw(st.sampled_from(sorted(fields_of(topic))))
        missing = st.just(None) if path == "sessionId" else st.nothing()  # None: left out
        value = draw(wrong(fields_of(topic)[path]) | missing)

        def build(session: str, ours: str) -> bytes:
            body = base(session, custom_value(custom_kind, ours, pick))
            if value is None:
                body.pop("sessionId", None)
            else:
                set_path(body, path, value)
            return dumps(body)

        # Malformed in a conversation of ours: salvaged as "not understood", so asked again.
        return Case(topic, "shape", live and answerable(topic) and path != "sessionId", build, 1)

    def build_content(session: str, ours: str) -> bytes:
        return dumps(base(session, custom_value(custom_kind, ours, pick)))

    warnings = 1 if custom_kind == "corrupt" and answerable(topic) else 0
    return Case(topic, "content", live and answerable(topic), build_content, warnings,
                reply_if_fresh=opens or (custom_kind == "forged" and topic.startswith(INTENT)))


EXAMPLES = 400


@pytest.mark.slow
def test_generated_hostile_messages(rig: Rig) -> None:
    """EXAMPLES messages from hypothesis, each in a session of ours or a new one (some with
    odd ids); any failure is shrunk to the simplest message that still fails."""
    before = Counter(rig.tried)

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.filter_too_much, HealthCheck.large_base_example])
    @given(case=cases(),
           odd_id=st.sampled_from(["", "", "", "\udfff", "\ud800\u0301", "\u202e\U0001f9b5"]))
    def one(case: Case, odd_id: str) -> None:
        if case.live:
            session, ours = rig.live()
            reply: Optional[str] = session
        else:
            session, ours = odd_id + fresh(), ""
            reply = session if case.reply_if_fresh else None
        rig.send(case.topic, case.build(session, ours), Expect(case.warnings, reply))

    one()
    rig.check_totals()
    tried = rig.tried - before
    report("hostile_generated", payloads=sum(tried.values()), per_topic=dict(tried))
