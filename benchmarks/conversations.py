"""Record the public vignettes as the Hermes traffic Rhasspy would send the skill.

Why record first: the MQTT runs must replay real conversations (the questions the skill asks,
the answers a patient gives) at thousands of turns, and the load generator must stay cheap. So
each vignette is played once here, without MQTT, and every user turn is stored as the message
Rhasspy's NLU and dialogue manager would publish; the generator then only fills in sessionId,
siteId and the customData the live skill returned.

How a turn is made (the same path `legcramp hermes` takes, so the replay stays on script):
- the patient Oracle (tests/data/patient.py) answers the last question in words;
- our recogniser (skill/nlu) finds the segments in those words, as `chat` would;
- Rhasspy publishes ONE intent per utterance, so the segments become one NluIntent:
  if any segment is a report, the intent of the first report segment with the slots of every
  report segment merged (a later segment wins a clash); otherwise the first segment as it is.
  No segment at all becomes hermes/dialogueManager/intentNotRecognized.
- the dialog manager is stepped with what the skill makes of that intent (its own `understand`,
  which reads the raw words with our recogniser when the skill has one loaded, else
  `segment_of`), and the state is passed through the customData codec, as the skill does; the reply
  (continueSession or endSession, its text) is stored so the replay can check it got the same.
A guided routine ends the session and speaks its steps in notification sessions, with fixed
pauses between them (up to 15 s each, not scaled by --hold-seconds), then asks "has it eased?"
in a new action session. A replay that waited for that would leave a site idle for ~20 s per
routine, so a conversation is split there: the part up to the turn that starts the routine, and
a second part (id + "+after") that opens a new session with the customData of the skill's
action session, as if the person answered at once. The replayed skill still runs the routine in
the background; the generator plays the dialogue manager for its sessions.
"""
from __future__ import annotations

import importlib.util
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

import yaml
from rhasspyhermes.dialogue import DialogueAction, DialogueContinueSession, DialogueEndSession
from rhasspyhermes.intent import Slot, SlotRange
from rhasspyhermes.nlu import Intent, NluIntent

from skill.content import content_dir
from skill.dialog.codec import decode
from skill.dialog.events import Event, Heard, NotUnderstood, Segment, Utter
from skill.dialog.manager import DialogManager
from skill.dialog.phrasebook import Phrasebook
from skill.dialog.state import Config, State
from skill.nlu.contract import REPORT_INTENTS
from skill.nlu.normalize import tokens as normalize_tokens
from skill.shells import hermes
from skill.shells.hermes import segment_of
from skill.shells.hermes_plan import plan
from skill.shells.rhasspy_names import rhasspy_name

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
VIGNETTES = DATA / "vignettes_public.yaml"
NOT_RECOGNIZED = "hermes/dialogueManager/intentNotRecognized"
HOLD_S = 0.01  # the --test-hold-seconds the benchmarked skill runs with


@dataclass
class Turn:
    """One user turn as published, and what the skill must answer to it."""

    topic: str
    body: dict[str, Any]           # the message without sessionId, siteId, customData
    custom: Optional[str]          # the customData this turn carried when recorded
    new_session: bool              # the first turn of a Hermes session
    reply: str                     # "continue" or "end"
    text: Optional[str]            # the reply's text, to check the replay stayed on script
    routine: int = 0               # startSession messages the skill publishes after replying
    then_action: bool = False      # the last of them is an action session (the talk goes on)
    segments: int = 1              # segments the recogniser found (1 = no merging needed)


@dataclass
class Conversation:
    id: str
    turns: list[Turn] = field(default_factory=list)
    disposition: Optional[str] = None


def load_patient() -> Any:
    """tests/data/patient.py, which is a script, not a package module."""
    spec = importlib.util.spec_from_file_location("legcramp_patient", DATA / "patient.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def oracle() -> Any:
    patient = load_patient()
    return patient.Oracle(patient.load_yaml(DATA / "phrasings.yaml"),
                          patient.load_yaml(DATA / "findings.yaml"))


def merged(segments: tuple[Segment, ...]) -> Segment:
    """One segment for one Hermes intent (see the module docstring for the rule)."""
    reports = [s for s in segments if s.intent in REPORT_INTENTS]
    if not reports:
        return segments[0]
    slots: dict[str, str] = {}
    for segment in reports:
        slots.update(segment.slots)
    return Segment(reports[0].intent, slots, " ".join(s.text for s in reports))


def _slot_value(value: str) -> dict[str, Any]:
    return {"kind": "Number", "value": int(value)} if value.isdigit() else {"kind": "Unknown", "value": value}


def nlu_message(segment: Segment, text: str) -> tuple[str, dict[str, Any]]:
    """The topic and body rhasspy-nlu-hermes 0.5 would publish for this segment."""
    words = normalize_tokens(text)
    slots = [Slot(entity=name, slot_name=name, confidence=1.0, value=_slot_value(value),
                  raw_value=value, range=SlotRange(start=0, end=len(text), raw_start=0, raw_end=len(text)))
             for name, value in segment.slots.items()]
    name = rhasspy_name(segment.intent)  # as Rhasspy names it, from the installed grammar
    message = NluIntent(input=" ".join(words), intent=Intent(name, 1.0), slots=slots,
                        asr_tokens=[NluIntent.make_asr_tokens(words)], raw_input=text,
                        site_id="", session_id="")
    body = message.to_dict()
    for key in ("siteId", "sessionId", "customData"):
        body.pop(key, None)
    return NluIntent.topic(intent_name=name), body


def hears(intent: NluIntent, recognise: Callable[[str], tuple[Segment, ...]]) -> tuple[Segment, ...]:
    """What the Hermes skill makes of an intent: its own `understand` (which may run our
    recogniser over the raw words) when it has one, else the intent as one segment."""
    understand = getattr(hermes, "understand", None)
    if understand is not None:
        return tuple(understand(intent, recognise))
    return (segment_of(intent),)


def _event_and_message(segments: tuple[Segment, ...], text: str,
                       recognise: Callable[[str], tuple[Segment, ...]]) -> tuple[Event, str, dict[str, Any]]:
    if not segments:
        return NotUnderstood(text), NOT_RECOGNIZED, {"input": text}
    topic, body = nlu_message(merged(segments), text)
    parsed = NluIntent.from_dict({**body, "siteId": "s", "sessionId": "s"})
    heard = hears(parsed, recognise)
    return (Heard(heard, parsed.input or "") if heard else NotUnderstood(text)), topic, body


def _question(effects: list[Any]) -> tuple[list[str], str]:
    """The findings the last question asks about, and its words (what the Oracle answers)."""
    asks = [e for e in effects if isinstance(e, Utter) and e.expects_reply]
    last = asks[-1] if asks else next((e for e in reversed(effects) if isinstance(e, Utter)), None)
    return (list(last.asking), last.text) if last else ([], "")


def record(case: dict[str, Any], defaults: dict[str, Any], manager: DialogManager,
           recognise: Callable[[str], tuple[Segment, ...]], answer: Any,
           max_turns: int = 30) -> list[Conversation]:
    """Play one vignette the way `legcramp hermes` would hear it (split at each routine)."""
    facts = {**defaults, **(case.get("facts") or {})}
    conversation = Conversation(case["id"])
    parts = [conversation]
    custom: Optional[str] = None
    new_session, user = True, case["opening"]
    for _ in range(max_turns):
        segments = tuple(recognise(user))
        event, topic, body = _event_and_message(segments, user, recognise)
        state, effects = manager.step(decode(custom) or State(), event)
        turn = plan(effects, state, "recorded", "recorded")
        reply = turn.now[0]
        assert isinstance(reply, (DialogueContinueSession, DialogueEndSession))
        ended = isinstance(reply, DialogueEndSession)
        conversation.disposition = state.disposition or conversation.disposition
        then_action = bool(turn.then and isinstance(turn.then.init, DialogueAction))
        conversation.turns.append(Turn(
            topic=topic, body=body, custom=custom, new_session=new_session,
            reply="end" if ended else "continue", text=reply.text,
            routine=len(turn.steps) + (1 if turn.then else 0), then_action=then_action,
            segments=len(segments)))
        if ended and not then_action:
            return parts
        if ended:  # a routine: the talk goes on in the action session the skill starts after it
            conversation = Conversation(f"{case['id']}+after", disposition=conversation.disposition)
            parts.append(conversation)
        custom = turn.then.custom_data if ended and turn.then else reply.custom_data
        new_session = ended
        asking, say = _question(effects)
        user = answer(case["id"], facts, asking, say)
    raise RuntimeError(f"{case['id']}: no end after {max_turns} turns")


def record_public(recognise: Callable[[str], tuple[Segment, ...]]) -> list[Conversation]:
    """Every public vignette, recorded."""
    data = yaml.safe_load(VIGNETTES.read_text(encoding="utf-8"))
    book = Phrasebook.load(content_dir("dialogs", "en"))
    manager = DialogManager(book, Config(hold_seconds=HOLD_S))
    answer = oracle().answer
    return [part for case in data["vignettes"]
            for part in record(case, data.get("defaults") or {}, manager, recognise, answer)]


def summary(conversations: list[Conversation]) -> dict[str, Any]:
    turns = [t for c in conversations for t in c.turns]
    return {
        "conversations": len(conversations), "turns": len(turns),
        "multi_segment_turns": sum(1 for t in turns if t.segments > 1),
        "not_recognized_turns": sum(1 for t in turns if t.topic == NOT_RECOGNIZED),
        "routine_turns": sum(1 for t in turns if t.routine),
        "hermes_sessions": sum(1 for t in turns if t.new_session),
        "split_at_routine": sum(1 for c in conversations if c.id.endswith("+after")),
    }


def to_json(conversations: list[Conversation]) -> list[dict[str, Any]]:
    return [asdict(c) for c in conversations]


def from_json(raw: list[dict[str, Any]]) -> list[Conversation]:
    return [Conversation(c["id"], [Turn(**t) for t in c["turns"]], c.get("disposition")) for c in raw]
