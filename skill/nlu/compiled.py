"""Find the phrases of the intent grammar inside what a person says: the runtime.

A Rhasspy grammar (intents/<lang>/sentences.ini) describes short phrases: "my left calf is all
puffy and hot", "i'm on the pill", "no chest pain". A frightened person at 3 a.m. says several of
them in one breath, with filler in between. So instead of matching the whole sentence against the
grammar (what Rhasspy does), the recogniser finds every span of words that some template matches
and keeps the non-overlapping spans that cover the most words (then the fewest segments, then the
most words in statements rather than bare answers; leftmost, longest). A sentence that the grammar
matches as a whole is one segment.

How: rhasspynlu turns the templates into a graph (words on edges, tags and substitutions as output
labels, epsilon edges between); `skill.nlu.compile` stores that graph as flat arrays in one file,
and `skill.nlu.automaton` runs it as an epsilon-free automaton built state by state on first use.
Recognition runs that automaton from every word position (an NFA: a dict of live states), a
dynamic programme picks the spans, and each span's output labels are decoded into an intent and
slots as rhasspynlu would.

This module and `skill.nlu.automaton` import neither rhasspy-nlu nor networkx nor numpy: the
Hermes service loads a compiled grammar with `CompiledRecognizer.from_compiled(path)`.
`skill.nlu.recognizer.Recognizer` adds building from the grammar files.

Around the grammar, a few rules that a template cannot express:
- filler words ("really", "um", "just", ...) may be skipped inside a span, never at its edge;
- a short answer (Affirm, Deny, DontKnow, AnswerNumber) counts only where the utterance opens, and
  a command (Stop, Ready, Repeat, Help) only when it is all that was said;
- uncovered words right before a report can negate it ("i don't think it's swollen") or make it
  uncertain ("i'm not sure it's swollen"); "or" continues a denial ("no swelling or ... redness");
- a time phrase right after a risk factor, a background fact or an emergency sign says when that
  happened ("i've been sick all day"), not how long the leg has hurt;
- a report template that tags nothing only absorbs words ("my mum had a clot") and is dropped.
"""
from __future__ import annotations

import logging
import typing
from dataclasses import dataclass
from pathlib import Path

from skill.nlu.segment import Segment
from skill.nlu.complaint import PAIN_WORDS
from skill.nlu.concepts import PART, ConceptReader, Found, not_since
from skill.nlu.automaton import DEFAULT_MAX_STATES, Automaton, CompiledGrammar, State
from skill.nlu.contract import ANSWER_INTENTS, EXTRA_SLOTS, REPORT_INTENTS
from skill.nlu.history import in_the_past, in_the_past_before, without_the_past
from skill.nlu.others import (FIRST_PERSON, HISTORY_INTENTS, OTHER_PEOPLE, OWN_EVEN_WITH_OTHERS,
                               about_someone_else, speaks_for)
from skill.nlu.normalize import tokens as normalize_tokens
from skill.triage.findings import SCHEMA

__all__ = ["FILLERS", "CompiledRecognizer"]

_LOGGER = logging.getLogger(__name__)

# Words a person puts anywhere without changing what a phrase states. Skipped only inside a span.
FILLERS: frozenset[str] = frozenset(
    "um umm uh uhh er erm ah ahh oh ow owww ouch hmm well really very so quite pretty just "
    "actually honestly basically literally totally absolutely super all now still also too "
    "definitely completely suddenly already like real pure hella wicked awful awfully terribly "
    "mad bare proper".split()
)
_MAX_SKIPS = 3  # filler words skipped inside one span, at most

Outs = tuple[str, ...]
Chain = typing.Optional[tuple["Chain", Outs]]  # a reversed linked list of output label tuples


class _StateSource(typing.Protocol):
    """What the span search needs of an automaton (skill.nlu.automaton.Automaton)."""

    start: int

    def state(self, state: int) -> State: ...

    def states(self) -> int: ...


class CompiledRecognizer:
    """Recognise the segments (intent + slots) of one utterance. Pure after construction: what
    it finds depends on the text alone.

    Holds the compiled grammar (about 2 MB of flat arrays) and a cache of automaton states that
    `max_states` bounds (see skill.nlu.automaton.Automaton); the cache only saves time.
    """

    def __init__(self, grammar: CompiledGrammar, max_states: int = DEFAULT_MAX_STATES,
                 concepts: typing.Optional[ConceptReader] = None):
        self._fsa: _StateSource = Automaton(grammar, max_states=max_states)
        self.concepts = concepts

    @classmethod
    def from_compiled(cls, path: Path, max_states: int = DEFAULT_MAX_STATES,
                      concepts: typing.Optional[ConceptReader] = None) -> "CompiledRecognizer":
        """Load a grammar compiled by `python -m skill.nlu.compile` (or by Recognizer.from_dir),
        with the second reader of intents/<lang>/concepts.yaml when given (concepts.py).

        Raises CompiledGrammarError when the file is not a sound compiled grammar of this format.
        """
        return cls(CompiledGrammar.load(Path(path)), max_states=max_states, concepts=concepts)

    # -- recognition ---------------------------------------------------------------------------

    def recognize(self, text: str) -> tuple[Segment, ...]:
        """The segments found in `text`, left to right; () when nothing is understood."""
        toks = normalize_tokens(text)
        spans = self._spans(toks)
        chosen = _choose(len(toks), spans)
        placed = _postprocess(toks, chosen)
        if self.concepts is not None:
            placed = _with_concepts(self.concepts, toks, placed)
        placed = _ever_since(toks, _not_mine(toks, _foot_colour(toks, _one_event(toks, placed))))
        _LOGGER.debug("recognised %d segment(s) in %d word(s)", len(placed), len(toks))
        return tuple(segment for _, _, segment in placed)

    def _spans(self, toks: list[str]) -> dict[int, dict[int, _Match]]:
        """start -> end -> the preferred match of toks[start:end] that may stand there.

        Each live state carries its automaton entry, looked up once when it is reached (this
        loop is most of the cost of reading a sentence, so the lookup is written inline)."""
        state_of = self._fsa.state
        here: dict[int, State] = {}  # the states of this utterance, looked up once each
        first = state_of(self._fsa.start)[0]
        lead = _leading_fillers(toks)
        n = len(toks)
        found: dict[int, dict[int, _Match]] = {}
        for i, word in enumerate(toks):
            starts = first.get(word)
            if not starts:
                continue
            ends: dict[int, list[tuple[int, Chain]]] = {}
            # state -> (output chain, fillers skipped, entry); `moved` holds the states reached
            # by a word, which may end a span; `active` those and the ones a filler skipped.
            moved: dict[int, tuple[Chain, int, State]] = {}
            for state, outs in starts:
                if state not in moved:
                    entry = here.get(state)
                    if entry is None:
                        entry = here[state] = state_of(state)
                    moved[state] = ((None, outs), 0, entry)
            active = moved
            j = i
            while active:
                for chain, skips, entry in moved.values():
                    if entry[1] is not None:
                        ends.setdefault(j + 1, []).append((skips, (chain, entry[1])))
                j += 1
                if j >= n:
                    break
                word = toks[j]
                moved = {}
                for chain, skips, entry in active.values():
                    for nxt, outs in entry[0].get(word, ()):
                        if nxt not in moved:
                            reached = here.get(nxt)
                            if reached is None:
                                reached = here[nxt] = state_of(nxt)
                            moved[nxt] = ((chain, outs), skips, reached)
                if word in FILLERS:  # a filler may also be skipped: the states stay live
                    skipped = dict(moved)
                    for state, (chain, skips, entry) in active.items():
                        if skips < _MAX_SKIPS and state not in skipped:
                            skipped[state] = (chain, skips + 1, entry)
                    active = skipped
                else:
                    active = moved
            for end, candidates in ends.items():
                match = _first_allowed(candidates, i, end, lead)
                if match is not None:
                    found.setdefault(i, {})[end] = match
        return found


# -----------------------------------------------------------------------------------------------
# Where a segment may stand, and what the words around it do to it.

# Short answers ("no", "i'm not sure", "three") answer the open question only when they open the
# utterance: "i have to stop" holds neither an Affirm nor a Stop.
_ANSWERS = frozenset(ANSWER_INTENTS)
# Commands stand alone (fillers around them aside): "make it stop" is not "stop".
_COMMANDS = frozenset(("Stop", "Ready", "Repeat", "Help"))
# Findings that a time phrase right after them describes ("i've been sick all day"), so that the
# phrase is not the duration of the pain.
_OWN_TIME = frozenset(("ReportRisk", "ReportBackground", "ReportEmergency"))
# Uncovered words right before a report that negate it ("i don't think it's swollen", "i'm not
# having any chest pain") or make it uncertain ("i'm not sure it's swollen").
_NEGATORS = (("not",), ("never",), ("no",), ("nor",), ("without",), ("don't", "think"),
             ("don't", "believe"), ("wouldn't", "say"), ("doubt",), ("haven't", "been"),
             ("hasn't", "been"), ("isn't",), ("wasn't",), ("aren't",), ("not", "that"),
             ("don't", "think", "that"), ("no", "sign", "of"), ("haven't", "had"), ("haven't", "got"),
             ("hasn't", "got"), ("didn't", "have"), ("don't", "have"), ("don't", "get"),
             ("haven't", "noticed"), ("not", "noticed"), ("haven't",), ("hasn't",), ("didn't",),
             ("don't",), ("doesn't",), ("never", "had"), ("never", "been"))
_NEGATION_WORDS = frozenset("not no never nor without haven't hasn't hadn't don't doesn't didn't "
                            "isn't aren't wasn't weren't".split())
_NEGATED_VERBS = frozenset("take use have get feel drink do need see notice remember think".split())
_DOUBTERS = (("not", "sure"), ("not", "sure", "if"), ("not", "sure", "whether"), ("don't", "know"),
             ("don't", "know", "if"), ("don't", "know", "whether"), ("can't", "tell"),
             ("can't", "tell", "if"), ("unsure",), ("no", "idea", "if"), ("wondering", "if"),
             ("not", "certain"), ("might",), ("maybe",), ("possibly",), ("perhaps",),
             ("can't", "rightly", "say", "if"), ("can't", "say", "if"), ("couldn't", "say", "if"))
_DOUBT_INTENTS = frozenset(("DontKnow",))


@dataclass(frozen=True)
class _Match:
    intent: str
    slots: dict[str, str]
    skips: int


# Words that may come before an answer: "no i'm not sure", "okay yes", "well three".
_ANSWER_LEAD = frozenset("yes yeah yep yup no nope nah okay well oh um so sorry right".split())


def _leading_fillers(toks: list[str]) -> int:
    """How many tokens at the start are fillers or answer words (an answer may start after them)."""
    n = 0
    while n < len(toks) and (toks[n] in FILLERS or toks[n] in _ANSWER_LEAD):
        n += 1
    return n


def _first_allowed(candidates: list[tuple[int, Chain]], start: int, end: int,
                   lead: int) -> typing.Optional[_Match]:
    """The match that may stand at start:end: fewest skipped fillers, then the most slots (the
    more specific template), then grammar order."""
    allowed = []
    for order, (skips, chain) in enumerate(candidates):
        intent, slots = _decode(chain)
        if (intent in _ANSWERS or intent in _COMMANDS) and start > lead:
            continue  # an answer or a command opens the utterance
        allowed.append((skips, -len(slots), order, _Match(intent, slots, skips)))
    return min(allowed, key=lambda a: a[:3])[3] if allowed else None


Placed = list[tuple[int, int, Segment]]  # each segment with the span of words it was read from


def _with_concepts(concepts: ConceptReader, toks: list[str], placed: Placed) -> Placed:
    """The grammar's segments, plus what the second reader finds that they do not state. A
    concept that owns its time ("it comes on when i walk and goes after i sit a few minutes")
    takes the duration read inside it, or overlapping it ("seven months along"), away from the
    pain."""
    stated = {name for _, _, segment in placed for name in segment.slots}
    found = concepts.read(toks, stated, [(i, j) for i, j, _ in placed])
    if not found:
        return placed
    for f in found:
        if f.rule.claims_time:  # a time just after it too: "settles if i sit for a few minutes"
            placed = [(i, j, _without(seg, ("duration",)) if j > f.start and i <= f.end + 4 else seg)
                      for i, j, seg in placed]
        claimed = f.rule.claims
        if claimed:
            placed = [(i, j, _without(seg, claimed) if _within(f, toks, i, j) else seg)
                      for i, j, seg in placed]
    added = [(f.start, f.end, seg) for f, seg in concepts.segments(toks, found)]
    kept = [(i, j, seg) for i, j, seg in placed
            if any(name in SCHEMA or name in EXTRA_SLOTS for name in seg.slots)]
    return sorted([*kept, *added], key=lambda p: p[0])


def _within(found: Found, toks: list[str], i: int, j: int) -> bool:
    """toks[i:j] is part of the concept: inside it (or just before), or the range or part that
    follows it ("my leg's all mottled and cold from the knee down", "operation of the knee")."""
    ranged = (found.end < len(toks) and toks[found.end] in ("from", "on", "of")) or (
        toks[found.end - 1] in ("of", "on"))  # "an operation of the knee", "surgery on my hip"
    return (found.start - 3 <= i and j <= found.end) or (ranged and found.end <= i <= found.end + 2)


def _without(segment: Segment, names: tuple[str, ...]) -> Segment:
    slots = {k: v for k, v in segment.slots.items() if k not in names}
    return Segment(segment.intent, slots, segment.text, segment.cue)


def _postprocess(toks: list[str], chosen: list[tuple[int, int, _Match]]) -> Placed:
    """Apply the words around each segment, then drop what says nothing."""
    out: list[Segment] = []
    where: list[tuple[int, int]] = []
    prev_end, kept_end = 0, -1
    for i, j, match in chosen:
        intent, slots = match.intent, dict(match.slots)
        gap = [t for t in toks[prev_end:i] if t not in FILLERS]
        opens = prev_end == 0  # nothing was read before this segment's gap
        after = [t for t in toks[j:] if t not in FILLERS]
        adjacent = kept_end == prev_end
        own_time = bool(out) and adjacent and not gap and _has_own_time(out[-1])
        prev_end = j
        if intent in _COMMANDS and after:
            continue  # a command stands alone: "make it stop", "i have to stop"
        cue = ""
        if intent in REPORT_INTENTS:
            if intent == "ReportPain" and set(slots) == {"duration"} and own_time:
                continue  # "i've been throwing up all day": not how long the pain has lasted
            if out and out[-1].intent in _DOUBT_INTENTS and adjacent and gap in ([], ["if"], ["whether"]):
                cue = f"unsure: {out.pop().text}"  # "i'm not sure (if) it's swollen"
                where.pop()
                slots = _recast(slots, "unknown")
            elif _ends_with(gap, _DOUBTERS):
                slots, cue = _recast(slots, "unknown"), f"unsure: {' '.join(gap[-3:])}"
            elif _negated(gap) or (gap[:1] in (["or"], ["nor"]) and out and adjacent and _is_negative(out[-1])):
                slots = _recast(slots, "false")  # "i haven't been sick or had diarrhoea"
                cue = f"denied: {' '.join(gap[-3:])}"
            past_after = in_the_past(after)
            if past_after or (in_the_past_before(gap) and (opens or gap[:1] in _NEW_CLAUSE)):
                now = without_the_past(slots)  # "i fainted once as a teenager"
                if not_since(after):  # "... but nothing like that tonight": denied now
                    now.update({k: "false" for k, v in slots.items()
                                if k not in now and v == "true" and SCHEMA[k].type == "bool"})
                slots = now
                said = after[:4] if past_after else gap[-4:]
                cue = f"{cue}; past: {' '.join(said)}" if cue else f"past: {' '.join(said)}"
            if (intent in HISTORY_INTENTS and not _own_even_with_others(slots, gap, toks[i:j])
                    and about_someone_else(gap, toks[i:j]) and not speaks_for(toks)):
                continue  # "my wife is on statins", "my husband's the one on statins"
            if (intent == "ReportPain" and set(slots) <= {"pain_side", "pain_location"}
                    and gap == ["from"] and out and adjacent and _of_the_leg(out[-1])):
                continue  # "numb from the knee down": how far the sign goes, not where it hurts
            if (intent == "ReportPain" and set(slots) <= {"pain_side", "pain_location"}
                    and _their_history(toks, i, j)):
                continue  # "my mum had clots in her legs": her legs, not the caller's side
            if (intent == "ReportBackground" and slots == {"cramps_per_week": "0"}
                    and _bare(toks[i:j]) in (["never"], ["never", "before"])
                    and len(toks) > j - i + 1
                    and not _CRAMP_WORDS & set(toks)):
                continue  # "that's never happened me before": no answer about cramps
            if (slots == {"cramps_per_week": "0"} and "cramp" not in " ".join(toks)
                    and (about_someone_else(toks[:i], []) or _CONDITIONS & set(toks))):
                continue  # "my dad had cancer but i've never had it myself": not cramps
            if (intent == "ReportPain" and set(slots) == {"duration"} and toks[j - 1] == "ago"
                    and out and out[-1].intent in _OWN_TIME):
                continue  # "i nearly passed out about an hour ago": when that happened
            if (set(slots) == {"pain_side"} and toks[j - 1] in ("left", "right")
                    and toks[j:j + 1] and _not_the_leg(toks[j])):
                continue  # "going to my left arm": the side of another part
            if set(slots) == {"pain_side"} and (
                    "between" in toks[max(0, i - 1):j] or toks[j:j + 2] in _GAVE_WAY
                    or toks[j:j + 1] == ["buckled"]):
                continue  # "between the legs", "my legs went from under me": no side
            if (set(slots) == {"numb_or_weak_leg"} and slots["numb_or_weak_leg"] == "true"
                    and any(_not_the_leg(t) for t in gap[-3:])):
                continue  # "my hand is numb": not the leg
            if (slots.get("numb_or_weak_leg") == "false"
                    and any(_not_the_leg(t) for t in toks[j:j + 3])):
                continue  # "i can feel it in my neck": no answer about the leg
            if intent == "ReportPain" and set(slots) == {"duration"} and _a_rate(toks, i, j):
                continue  # "twelve tablets a day", "ten hours a day": how often, not how long
            if (slots == {"warmth": "true"} and toks[i:i + 2] == ["it", "was"]
                    and not ({"touch"} | _LEG_WORDS) & set(toks[i:j + 3])):
                slots = {**{k: v for k, v in slots.items() if k != "warmth"}, "dehydration": "true"}
                cue = "weather"  # "it was very hot and i didn't drink much": a hot day
            if _LIKENED & {k for k, v in slots.items() if v == "true"} and _a_likeness(toks, i):
                slots = {k: v for k, v in slots.items() if k not in _LIKENED}
                cue = "likeness"  # "like someone kicked me", "like i was running": no event
            if slots.get("muscle_knot") == "true" and toks[j:j + 2] in _HARD_TO:
                slots = {k: v for k, v in slots.items() if k != "muscle_knot"}  # "hard to tell"
            if (set(slots) == {"duration"} and toks[i - 1:i] == ["in"]
                    and toks[i] in _NUMBER_WORDS | {"a", "an"}
                    and (toks[max(0, i - 2):i - 1] == ["now"] or _FUTURE & set(toks[max(0, i - 8):i]))):
                continue  # "i'll get up now in a minute": a time to come, not how long
            if set(slots) == {"pain_side"} and toks[j - 1] == "right" and toks[j:j + 1] == ["now"]:
                continue  # "right now" is no side
            if set(slots) <= set(PART) and _operated_on(toks, i):
                continue  # "an operation on my knee": the part operated on, not where it hurts
            if not any(name in SCHEMA or name in EXTRA_SLOTS for name in slots):
                continue  # a phrase that only absorbs words ("my mum had a clot", "right now")
        if not cue and "pain_location" in slots:
            if _CORRECTIONS & set(toks[max(0, i - 4):i]):
                cue = "correction"  # "it's in my thigh, no wait, actually the back of my knee"
            elif PAIN_WORDS & set(toks[j:j + 4]) and not {"and", "but"} & set(toks[j:j + 2]):
                cue = f"pain: {' '.join(toks[j:j + 4])}"  # "and now my calf is kinda killing me"
        out.append(Segment(intent=intent, slots=slots, text=" ".join(toks[i:j]), cue=cue))
        where.append((i, j))
        kept_end = j
    placed = [(i, j, segment) for (i, j), segment in zip(where, out)]
    return _habitual(toks, placed)


def _own_even_with_others(slots: dict[str, str], gap: list[str], words: list[str]) -> bool:
    """A birth said through the baby is the caller's ("my son is nine days old"), and so is a
    pregnancy said as "she's" by a carer; a pregnancy said of a named relative is theirs ("my
    sister is pregnant, she told me to call")."""
    if not OWN_EVEN_WITH_OTHERS & set(slots):
        return False
    named = {w for w in [*gap, *words] if w in OTHER_PEOPLE} - _PRONOUNS
    return not ({"pregnant", "expecting"} & set(words) and named)


_PRONOUNS = frozenset("she she's he he's her his".split())


def _ever_since(toks: list[str], placed: Placed) -> Placed:
    """ "flew back on saturday and my calf's been aching ever since": the pain has lasted since
    that day, so days, when no other duration was said."""
    if any("duration" in seg.slots for _, _, seg in placed):
        return placed
    for k in range(len(toks) - 1):
        if (toks[k:k + 2] in (["ever", "since"], ["since", "then"]) and _DAY_WORDS & set(toks[:k])
                and not about_someone_else(toks[:k], [])):
            added = (k, k + 2, Segment("ReportPain", {"duration": "days"}, " ".join(toks[k:k + 2]),
                                       "since that day"))
            return sorted([*placed, added], key=lambda p: p[0])
    return placed


_DAY_WORDS = frozenset("yesterday monday tuesday wednesday thursday friday saturday sunday "
                       "weekend days".split())


def _foot_colour(toks: list[str], placed: Placed) -> Placed:
    """A foot or toes said to be pink, or a normal colour, are well supplied with blood: no cold,
    pale leg, and no redness or warmth of a clot ("the toes are numb but the foot is warm and
    pink", "my foot's a normal colour and not cold")."""
    said_cold = any("cold_pale_leg" in seg.slots for _, _, seg in placed)
    out: Placed = []
    for i, j, seg in placed:
        words = set(toks[max(0, i - 3):j])
        if (_FOOT_WORDS & words and ("pink" in words or {"normal", "colour"} <= words)
                and not _RED_WORDS & words and {"redness", "warmth"} & set(seg.slots)):
            seg = _without(seg, ("redness", "warmth", "pain_location"))
            if not said_cold:
                seg = Segment("ReportEmergency", {**seg.slots, "cold_pale_leg": "false"},
                              seg.text, "foot colour")
                said_cold = True
            if not seg.slots:
                continue
        out.append((i, j, seg))
    return out


_FOOT_WORDS = frozenset("foot foot's feet toes toe".split())
# Conditions said of another person, with "but i never had one" of oneself.
_CONDITIONS = frozenset("clot clots dvt cancer diabetes sugar operation surgery".split())
_MINE_DENIED = {"clot": "previous_clot", "clots": "previous_clot", "dvt": "previous_clot",
                "cancer": "cancer", "sugar": "chronic_condition", "diabetes": "chronic_condition"}


def _not_mine(toks: list[str], placed: Placed) -> Placed:
    """ "my mother had clots in her legs but i never have": someone else's history, and the
    caller's own denied."""
    if "but" not in toks:
        return placed
    k = toks.index("but")
    before, after = toks[:k], toks[k + 1:k + 8]
    if not (OTHER_PEOPLE & set(before) and {"never", "haven't"} & set(after)
            and FIRST_PERSON & set(after)):
        return placed
    denied = {_MINE_DENIED[w] for w in before if w in _MINE_DENIED}
    said = {name for _, _, seg in placed for name in seg.slots}
    added = [(k, len(toks), Segment("ReportRisk", {name: "false"}, " ".join(after), "denied: never"))
             for name in sorted(denied - said)]
    return sorted([*placed, *added], key=lambda p: p[0])


def _bare(words: list[str]) -> list[str]:
    """A phrase without the conjunction it opens with ("and never")."""
    return words[1:] if words[:1] in (["and"], ["but"]) else words


# Words that start a statement afresh: a past said after them is said of what follows ("and
# years ago i had sciatica"); without them, of what came before ("i fainted last year").
_NEW_CLAUSE = (["and"], ["but"], ["so"], ["then"], ["though"])
_LIKENED = frozenset(("recent_injury", "recent_exercise"))
_FUTURE = frozenset("i'll will gonna going shall".split())
_OPERATED = frozenset("operation surgery op operated".split())


def _operated_on(toks: list[str], i: int) -> bool:
    """The part at toks[i] is the one operated on: "an operation on my knee", read as "on my
    knee" or as "my knee"."""
    return ((toks[i:i + 1] in (["on"], ["of"]) and toks[i - 1:i] and toks[i - 1] in _OPERATED)
            or (toks[i - 1:i] in (["on"], ["of"]) and i >= 2 and toks[i - 2] in _OPERATED))
_HARD_TO = (["to", "tell"], ["to", "say"], ["to", "see"], ["to", "know"], ["to", "find"])


def _a_likeness(toks: list[str], i: int) -> bool:
    """The words just before position i compare ("like someone kicked me", "as if i'd been
    hit"): what follows describes a feeling, not an event."""
    return toks[i - 1:i] == ["like"] or toks[max(0, i - 2):i] in (["as", "if"], ["as", "though"])


def _one_event(toks: list[str], placed: Placed) -> Placed:
    """Findings that one event says twice over, read once:
    - a fall in a faint ("i went down in the kitchen, blacked right out") is the faint, not an
      injury;
    - the colour of a cold leg ("mottled and blotchy and stone cold") is ischaemia, not the
      redness of a clot, unless red is said;
    - the part gone cold or numb (or said not to be) is not where or which side it hurts,
      unless pain is said (CONVENTIONS);
    - the path of pain from the back ("shoots down the back of my leg into my foot") is not
      where it hurts, and the red of coughed blood no redness of the leg;
    - numbness the grammar read as the saddle's ("my bum's gone numb and my leg's killing me")
      is not read again by the second reader as the leg's."""
    said = {(name, value) for _, _, seg in placed for name, value in seg.slots.items()}
    words = set(toks)
    cold_or_numb = any(name in ("cold_pale_leg", "numb_or_weak_leg") for name, _ in said)
    drops = [name for name, applies in (
        ("recent_injury", ("fainting", "true") in said),
        ("redness", ("cold_pale_leg", "true") in said and not _RED_WORDS & words),
        ("pain_location", (cold_or_numb or ("swelling", "both_legs") in said)
         and not _HURT_WORDS & words),
        ("pain_side", cold_or_numb and not _HURT_WORDS & words),
        ("cramps_per_week", ("cramps_per_week", "0") in said and len(said) > 1
         and not _CRAMPED & words)) if applies]
    saddle = [(i, j) for i, j, seg in placed
              if seg.slots.get("saddle_numbness_or_incontinence") == "true"]
    back = min((i for i, _, seg in placed if seg.slots.get("back_pain_radiating") == "true"),
               default=None)
    coughed = ("coughing_blood", "true") in said
    if not drops and not saddle and back is None and not coughed:
        return placed
    out = []
    for i, j, seg in placed:
        if (seg.slots.get("numb_or_weak_leg") == "true" and seg.cue.startswith("concept")
                and any(a <= i < b for a, b in saddle)):
            continue
        gone = tuple(name for name in drops if name in seg.slots
                     and seg.slots[name] not in ("false", "none", "unknown")
                     and (name != "recent_injury" or set(seg.text.split()) <= _FALL_WORDS))
        if back is not None and i > back and "pain_location" in seg.slots and set(seg.slots) <= set(PART):
            gone += ("pain_location", "pain_side")  # "from my lower back right down into my foot"
        if coughed and seg.slots.get("redness") == "true" and not _LEG_WORDS & set(seg.text.split()):
            gone += ("redness",)  # "i coughed up blood, bright red it was"
        if gone:
            seg = _without(seg, gone)
            if not any(name in SCHEMA for name in seg.slots):
                continue
        out.append((i, j, seg))
    return out


_LEG_WORDS = frozenset(
    "leg legs leg's calf calf's calves thigh thigh's knee knee's ankle ankle's foot foot's feet "
    "shin skin toes".split())
# Words of pain itself, not of the signs a complaint may also be ("puffy", "numb").
_HURT_WORDS = PAIN_WORDS - frozenset(
    "puffy swelling swollen numb tingling stiff tight knotted locked seized balled".split())
_CRAMPED = frozenset("cramp cramps cramping cramped charley one ones them".split())
_FALL_WORDS = frozenset(
    "i i've and then just nearly almost went fell fall had a down over flying floor on the to "
    "hit collapsed".split())
_RED_WORDS = frozenset("red reddish redder redness inflamed flushed angry".split())


def _habitual(toks: list[str], placed: list) -> list:
    """How often cramps come is said of cramps in general: "i've got cramps in my calf like four
    times this week" is no cramp happening now, unless now is said. So is a cramp said with a
    habit of time ("my feet are cramping every night these days")."""
    if _NOW & set(toks) or not any("cramp_now" in seg.slots for _, _, seg in placed):
        return placed
    placed = [(i, j, _without(seg, ("cramp_now",))
               if seg.slots.get("cramp_now") == "true" and _KEPT_OR_PAST & set(seg.text.split())
               else seg) for i, j, seg in placed]  # "my foot was cramping so bad but ..."
    habit = any(
        tuple(toks[k:k + len(m)]) == m for m in _HABIT_TIMES for k in range(len(toks)))
    if not habit and not any("cramps_per_week" in seg.slots for _, _, seg in placed):
        return placed
    return [(i, j, _without(seg, ("cramp_now",)) if seg.slots.get("cramp_now") == "true"
             and (habit or _HABIT & set(seg.text.split())) else seg) for i, j, seg in placed]


_NOW = frozenset("now tonight currently still".split())
_KEPT_OR_PAST = frozenset("was were".split())  # "keeps cramping" is now (the grammar's reading)
_HABIT = frozenset("cramps been keep every".split())  # "i've got cramps", "been cramping"
_HABIT_TIMES = (("every", "night"), ("at", "night"), ("at", "nights"), ("these", "days"),
                ("most", "nights"), ("each", "night"), ("every", "evening"), ("ever", "since"),
                ("most", "evenings"), ("night", "after", "night"))


# "a day" after a count is a rate ("twelve tablets a day"), never how long the pain has lasted.
_RATE_UNITS = frozenset({("a", "day"), ("a", "week"), ("a", "night"), ("a", "month"), ("day",),
                         ("an", "hour"), ("per", "hour"),
                         ("per", "day"), ("per", "week"), ("each", "day"), ("every", "day")})
_COUNTED = frozenset(
    "times time tablets pills hours nights days so shifts cups glasses miles beats".split())


def _a_rate(toks: list[str], i: int, j: int) -> bool:
    """The duration toks[i:j] is the unit of a rate: a count or a number just before it."""
    return (tuple(toks[i:j]) in _RATE_UNITS and i > 0
            and (toks[i - 1] in _COUNTED or toks[i - 1] in _NUMBER_WORDS))


_NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty few couple several".split())


def _of_the_leg(segment: Segment) -> bool:
    """A cold, pale, numb or weak leg: signs whose extent is no pain location."""
    return any(segment.slots.get(f) == "true" for f in ("cold_pale_leg", "numb_or_weak_leg"))


_GAVE_WAY = (["went", "from"], ["gave", "way"], ["gave", "out"], ["buckled", "under"],
             ["went", "under"], ["just", "buckled"])
_NOT_THE_LEG = frozenset(
    "arm arms hand hands shoulder shoulders eye eyes ear ears wrist elbow breast chest lung "
    "kidney neck jaw cheek temple finger fingers thumb".split())


def _not_the_leg(word: str) -> bool:
    """An arm, a hand, an eye: a part whose side or numbness is no finding about the leg."""
    return word.removesuffix("'s") in _NOT_THE_LEG


_CORRECTIONS = frozenset("wait actually sorry mean rather correction".split())
_CRAMP_WORDS = frozenset("cramp cramps cramping them one ones these get got".split())
_HAD = frozenset("had has got gets suffers suffered died".split())


def _their_history(toks: list[str], i: int, j: int) -> bool:
    """ "in her legs", "in both legs" after "my mum had clots": a part of someone else's
    history."""
    own = toks[i:j]
    lead = own[1:2] if own[:1] in (["in"], ["on"]) else own[:1]
    return (lead in (["her"], ["his"], ["their"], ["both"], ["the"]) and bool(_HAD & set(toks[:i]))
            and about_someone_else(toks[:i], own))


def _negated(gap: list[str]) -> bool:
    """The words just before a report deny it."""
    if _ends_with(gap, _NEGATORS):
        return True
    # "i don't take" statins, "i haven't noticed" any swelling
    if len(gap) >= 2 and gap[-2] in _NEGATION_WORDS and gap[-1] in _NEGATED_VERBS:
        return True
    # "i haven't got any", "there isn't any": a negation shortly before "any"
    return bool(gap) and gap[-1] == "any" and any(t in _NEGATION_WORDS for t in gap[-4:])


def _is_negative(segment: Segment) -> bool:
    """A report that denies something ("no swelling", "i haven't been sick")."""
    return segment.intent in REPORT_INTENTS and any(
        value in ("false", "none") for name, value in segment.slots.items() if name in SCHEMA)


def _has_own_time(segment: Segment) -> bool:
    """A time phrase right after this segment says when or how long *it* happened."""
    findings = {name for name in segment.slots if name in SCHEMA}
    if segment.intent in _OWN_TIME:
        return not findings <= {"cold_pale_leg", "numb_or_weak_leg"}  # signs of the leg itself
    return bool(findings) and findings <= {"fever", "back_pain_radiating"}


def _ends_with(gap: list[str], cues: tuple[tuple[str, ...], ...]) -> bool:
    return any(len(gap) >= len(cue) and tuple(gap[-len(cue):]) == cue for cue in cues)


def _recast(slots: dict[str, str], how: str) -> dict[str, str]:
    """Deny ("false") or make uncertain ("unknown") the yes/no findings of a segment.

    A denial never turns a finding positive, and drops what a denied phrase says about where and
    how long ("i don't think my calf is swollen" says nothing about the calf hurting).
    """
    out = {}
    for name, value in slots.items():
        spec = SCHEMA.get(name)
        positive = value == "true" or (name == "swelling" and value in ("one_leg", "both_legs"))
        if spec is not None and (spec.type == "bool" or name == "swelling") and positive:
            out[name] = "unknown" if how == "unknown" else ("none" if name == "swelling" else "false")
        elif how == "false" and (spec is None or spec.type != "bool") and name != "swelling":
            continue
        else:
            out[name] = value
    return out


# -----------------------------------------------------------------------------------------------
# Choosing the spans, and what a span says.


def _choose(n: int, spans: dict[int, dict[int, "_Match"]]) -> list[tuple[int, int, "_Match"]]:
    """Non-overlapping spans: the most words covered, then the fewest spans, then the most words
    in statements rather than short answers ("no" + "i haven't coughed up blood" beats "no i
    haven't" + "coughed up blood"); ties go to the leftmost, longest span."""
    best: list[tuple[int, int, int]] = [(0, 0, 0)] * (n + 1)  # (covered, -segments, content)
    pick: list[typing.Optional[int]] = [None] * (n + 1)
    for i in range(n - 1, -1, -1):
        score, choice = best[i + 1], None
        for end in sorted(spans.get(i, {}), reverse=True):
            covered, neg_segments, content = best[end]
            words = end - i
            is_content = spans[i][end].intent not in _ANSWERS
            candidate = (covered + words, neg_segments - 1, content + (words if is_content else 0))
            if candidate > score or (candidate == score and choice is None):
                score, choice = candidate, end
        best[i], pick[i] = score, choice
    chosen, i = [], 0
    while i < n:
        end = pick[i]
        if end is None:
            i += 1
        else:
            chosen.append((i, end, spans[i][end]))
            i = end
    return chosen


def _decode(chain: Chain) -> tuple[str, dict[str, str]]:
    """Output labels -> (intent, slots), as rhasspynlu.fsticuffs.path_to_recognition reads them."""
    parts: list[Outs] = []
    while chain is not None:
        chain, outs = chain
        parts.append(outs)
    intent, slots = "", {}
    stack: list[tuple[str, list[str]]] = []
    for outs in reversed(parts):
        for label in outs:
            if label.startswith("__label__"):
                intent = label[9:]
            elif label.startswith("__begin__"):
                stack.append((label[9:], []))
            elif label.startswith("__end__"):
                name, words = stack.pop()
                slots[name] = " ".join(words)
            elif label.startswith("__"):
                continue  # __source__, __convert__, __converted__
            elif stack:
                stack[-1][1].append(label)
    return intent, slots
