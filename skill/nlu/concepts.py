"""The second reader: concepts spotted anywhere in a sentence, with NegEx/ConText context.

The grammar (sentences.ini) reads phrases: "i can't catch my breath", "my chest is tight". People
say the same things in words no template foresaw: "breathing is hard tonight", "my foot on the
right side gone cold and it looking kind of blue", "i do be puffing going up the stairs". So
after the grammar, this reader looks for concepts: a rule names groups of words (a breathing
word and a word of difficulty; a foot and a cold or blue word) that must all occur within a few
words of each other, in one clause. Then context, the way clinical NLP does it (NegEx, Chapman
et al. 2001; ConText, Harkema et al. 2009):

- negation: a trigger ("no", "don't", "never", "without") shortly before the concept, or inside
  it ("my chest doesn't hurt"), denies it; its scope ends at "but", "though", "apart from";
- hypothetical: "if", "what if", "in case", "worried about" make it a question, not a sign;
- history: "years ago", "as a teenager" (skill/nlu/history.py) place it in the past;
- exceptions: words that turn the concept into something else ("ice pack", "blood pressure",
  "breathing is fine").

It only ever adds what the grammar did not read at all: a finding the grammar stated, true or
false, is left as the grammar read it, so the second reader can add a sign but never remove one
(issue 13). What it knows is data, in intents/<lang>/concepts.yaml, one rule a line, for a
clinician to review; tests/test_concepts.py checks that every word of it is a word of the grammar,
so a Rhasspy speech recogniser trained on the grammar can write it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Optional, Sequence

from skill.nlu.history import in_the_past, in_the_past_before, is_current
from skill.nlu.normalize import tokens
from skill.nlu.others import HISTORY_INTENTS, about_someone_else, speaks_for
from skill.nlu.segment import Segment

Phrase = tuple[str, ...]
FILE = "concepts.yaml"
PART = ("pain_location", "pain_side", "thigh_part")  # what `claims_part: true` claims


def _load(path: Path) -> dict:
    """The rules as data. `legcramp hermes` must be ready within half a second, and importing
    PyYAML and parsing this file costs a fifth of that: the parsed data is kept as JSON in the
    cache, named by a hash of the file, as the phrasebook keeps its dialogs."""
    import json
    import os

    from skill.nlu.automaton import cache_dir, content_hash

    raw = path.read_bytes()
    lang = path.parent.resolve().name or "concepts"
    kept = cache_dir() / f"concepts-{lang}-{content_hash('concepts-1', [(FILE, raw)]).hex()[:24]}.json"
    try:
        data = json.loads(kept.read_bytes())
        if isinstance(data, dict):
            return data
    except (OSError, ValueError):
        pass
    import yaml

    data = yaml.load(raw.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    try:  # best effort: a read-only disk only means parsing again next time
        kept.parent.mkdir(parents=True, exist_ok=True)
        partial = kept.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(data), encoding="utf-8")
        os.replace(partial, kept)
    except OSError:
        pass
    return data


def intent_of(report_intents: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """finding -> the first report intent that carries it (skill/nlu/contract.py)."""
    out: dict[str, str] = {}
    for intent, slots in report_intents.items():
        for slot in slots:
            out.setdefault(slot, intent)
    return out


@dataclass(frozen=True)
class Rule:
    """One concept: a finding and value, read when a phrase of every group occurs."""

    finding: str
    value: str
    intent: str
    groups: tuple[tuple[Phrase, ...], ...]
    window: int = 6          # words from the first group's phrase to the end of the last
    ordered: bool = False    # the groups in the order given
    unless: tuple[Phrase, ...] = ()
    claims_time: bool = False  # a duration inside the concept belongs to it, not to the pain
    one_subject: bool = True   # no "i" between its words: "my leg hurts and i feel cold"
    # Slots read inside it that are its own: "pink" phlegm is no redness; with `claims_part:
    # true` in the file, the part of a foot that has gone cold is not where it hurts.
    claims: tuple[str, ...] = ()
    why: str = ""

    @property
    def firsts(self) -> tuple[frozenset[str], ...]:
        """Each group's first words: a sentence without one of them cannot hold the concept.
        Worked out once per rule (the rules are frozen), so reading a sentence skips most rules
        with one set intersection each."""
        cached = self.__dict__.get("_firsts")
        if cached is None:
            cached = tuple(frozenset(p[0] for p in group) for group in self.groups)
            object.__setattr__(self, "_firsts", cached)
        return cached

    @property
    def absorbs(self) -> bool:
        """A concept with no finding only claims its time ("i worked a sixteen hour shift")."""
        return not self.finding


@dataclass(frozen=True)
class Context:
    """The triggers of negation, hypothesis and the end of a trigger's scope."""

    negation: tuple[Phrase, ...]
    pseudo: tuple[Phrase, ...]    # look like negation but are not ("never felt this", "not only")
    hypothetical: tuple[Phrase, ...]
    terminators: frozenset[str]
    answers: frozenset[str]       # "no" followed by one of these is an answer, not a negation
    scope: int = 4                # words a trigger reaches forward


@dataclass(frozen=True)
class Found:
    """A concept read in the words toks[start:end]; `value` the rule's, or "false" when the
    sign was said of the past and denied now ("i fainted once as a teenager but nothing like
    that tonight")."""

    rule: Rule
    start: int
    end: int
    value: str = ""


class ConceptReader:
    """Reads concepts out of the tokens of one utterance. Pure after construction."""

    def __init__(self, rules: Sequence[Rule], context: Context) -> None:
        self.rules = tuple(rules)
        self.context = context

    @classmethod
    def from_dir(cls, lang_dir: Path) -> Optional["ConceptReader"]:
        """intents/<lang>/concepts.yaml, or None when the language has none."""
        path = Path(lang_dir) / FILE
        if not path.exists():
            return None
        from skill.nlu.contract import REPORT_INTENTS
        return cls.from_data(_load(path), intent_of(REPORT_INTENTS))

    @classmethod
    def from_data(cls, data: dict, intent_of: Mapping[str, str]) -> "ConceptReader":
        ctx = data["context"]
        context = Context(
            negation=_phrases(ctx["negation"]), pseudo=_phrases(ctx.get("pseudo", ())),
            hypothetical=_phrases(ctx["hypothetical"]),
            terminators=frozenset(ctx["terminators"]), answers=frozenset(ctx["answers"]),
            scope=int(ctx.get("scope", 4)))
        rules = []
        for raw in data["rules"]:
            finding = raw.get("finding") or ""
            if finding and finding not in intent_of:
                raise ValueError(f"{FILE}: {finding!r} is no finding a report intent carries")
            rules.append(Rule(
                finding=finding, value=str(raw.get("value", "true")).lower(),
                intent=intent_of.get(finding, ""),
                claims=(*raw.get("claims", ()), *(PART if raw.get("claims_part") else ())),
                groups=tuple(_phrases(group) for group in raw["all"]),
                window=int(raw.get("window", 6)), ordered=bool(raw.get("ordered", False)),
                unless=_phrases(raw.get("unless", ())), claims_time=bool(raw.get("claims_time")),
                one_subject=bool(raw.get("one_subject", True)),
                why=str(raw.get("why", ""))))
        return cls(rules, context)

    def words(self) -> set[str]:
        """Every word the rules and triggers use (checked against the grammar's vocabulary)."""
        phrases = [p for r in self.rules for g in r.groups for p in g]
        phrases += [p for r in self.rules for p in r.unless]
        phrases += [*self.context.negation, *self.context.pseudo, *self.context.hypothetical]
        return {w for p in phrases for w in p} | set(self.context.terminators)

    # -- reading --------------------------------------------------------------------------

    def read(self, toks: Sequence[str], stated: Iterable[str],
             read: Sequence[tuple[int, int]] = ()) -> list[Found]:
        """The concepts in `toks` whose finding is not in `stated`, each once, leftmost. A
        concept whose words all lie inside one phrase the grammar read (`read`: its spans) is
        not looked at: the phrase is the better reading of those words ("my chest feels tight
        and heavy with every breath" is chest pain, not breathlessness)."""
        known = set(stated)
        out: list[Found] = []
        words = set(toks)
        where: dict[str, list[int]] = {}
        for k, word in enumerate(toks):
            where.setdefault(word, []).append(k)
        for rule in self.rules:
            if rule.finding in known or not all(firsts & words for firsts in rule.firsts):
                continue  # a group none of whose phrases can start here: the rule cannot match
            found = self._first(rule, toks, read, where)
            if found is not None:
                out.append(found)
                if not rule.absorbs:
                    known.add(rule.finding)
        return sorted(out, key=lambda f: f.start)

    def segments(self, toks: Sequence[str], found: Sequence[Found]) -> list[tuple[Found, Segment]]:
        """The findings read, as segments (an absorbing concept adds none)."""
        return [(f, Segment(f.rule.intent, {f.rule.finding: f.value or f.rule.value},
                            " ".join(toks[f.start:f.end]), cue=f"concept: {f.rule.why}"))
                for f in found if not f.rule.absorbs]

    def _first(self, rule: Rule, toks: Sequence[str], read: Sequence[tuple[int, int]],
               where: Mapping[str, list[int]]) -> Optional[Found]:
        for start, end, gaps in _matches(rule, toks, where):
            if any(i <= start and end <= j for i, j in read):
                continue
            # A past said before the concept counts back to the last phrase the grammar read.
            lo = max((j for _, j in read if j <= start), default=0)
            if (self._excepted(rule, toks, start, end)
                    or (rule.intent in HISTORY_INTENTS
                        and about_someone_else(list(toks[:start]), list(toks[start:end]))
                        and not speaks_for(list(toks)))):
                continue
            after = list(toks[end:])
            if not self._in_context(rule, toks, start, end, gaps, lo):
                return Found(rule, start, end)
            if (rule.value == "true" and rule.intent == "ReportEmergency" and in_the_past(after)
                    and not_since(after)):
                return Found(rule, start, end, "false")
        return None

    def _excepted(self, rule: Rule, toks: Sequence[str], start: int, end: int) -> bool:
        """An exception phrase inside the concept or just around it ("ice pack", "is fine")."""
        around = toks[max(0, start - 1):min(len(toks), end + 3)]
        return any(_at(around, p) is not None for p in rule.unless)

    def _in_context(self, rule: Rule, toks: Sequence[str], start: int, end: int,
                    gaps: tuple[str, ...], lo: int = 0) -> bool:
        """Denied (before the concept, or between its words: "my chest doesn't hurt"),
        hypothetical, or in the past (for a finding about now: a clot "back in twenty nineteen"
        is history by nature). The concept's own words never deny it ("no feeling")."""
        ctx = self.context
        before = self._scope_before(toks, start)
        if any(_at(before, p) is not None for p in ctx.hypothetical):
            return True
        if not any(_at(before, p) is not None for p in ctx.pseudo):
            for phrase in ctx.negation:
                at = _at(before, phrase)
                if at is not None and not self._is_answer(before, at, phrase):
                    return True
                if _at(gaps, phrase) is not None:
                    return True
        return (not rule.finding or is_current(rule.finding)) and (
            in_the_past(list(toks[end:])) or in_the_past_before(list(toks[lo:start])))

    def _scope_before(self, toks: Sequence[str], start: int) -> list[str]:
        """The words before the concept a trigger may reach from, back to a terminator."""
        scope: list[str] = []
        for word in reversed(toks[max(0, start - self.context.scope):start]):
            if word in self.context.terminators:
                break
            scope.insert(0, word)
        return scope

    def _is_answer(self, before: list[str], at: int, phrase: Phrase) -> bool:
        """ "no, i can't breathe": a bare no that answers, then a new statement."""
        nxt = before[at + len(phrase):at + len(phrase) + 1]
        return phrase in (("no",), ("nope",), ("nah",)) and bool(nxt) and nxt[0] in self.context.answers


_NOT_SINCE = (("nothing", "like", "that"), ("nothing", "like", "it"), ("not", "since"),
              ("done", "it", "since"), ("had", "one", "since"), ("happened", "since"),
              ("never", "since"), ("nothing", "since"), ("none", "since"), ("not", "again"))


def not_since(after: Sequence[str]) -> bool:
    """After a sign of the past, "but nothing like that tonight" denies it now."""
    words = list(after[:18])
    return "but" in words and any(
        tuple(words[k:k + len(m)]) == m for m in _NOT_SINCE for k in range(len(words)))


def _matches(rule: Rule, toks: Sequence[str],
             where: Mapping[str, list[int]]) -> list[tuple[int, int, tuple[str, ...]]]:
    """(start, end, the words between the concept's phrases) of each way every group occurs
    within the window, in one clause, leftmost and shortest first. `where` holds the positions
    of each word of the sentence, so a phrase is only tried where its first word stands."""
    places = [[(i, i + len(p)) for p in group for i in where.get(p[0], ())
               if tuple(toks[i:i + len(p)]) == p] for group in rule.groups]
    if any(not p for p in places):
        return []
    results: list[tuple[int, int, tuple[str, ...]]] = []
    _combine(places, 0, [], rule, toks, results)
    return sorted(set(results), key=lambda r: (r[0], r[1]))


def _combine(places, k: int, chosen: list[tuple[int, int]], rule: Rule, toks: Sequence[str],
             out: list) -> None:
    if k == len(places):
        start = min(s for s, _ in chosen)
        end = max(e for _, e in chosen)
        spans = sorted(chosen)
        if end - start > rule.window or any(a[1] > b[0] for a, b in zip(spans, spans[1:])):
            return
        gaps = tuple(toks[i] for a, b in zip(spans, spans[1:]) for i in range(a[1], b[0]))
        if not ((_CLAUSE_ENDS | _SUBJECTS) if rule.one_subject else _CLAUSE_ENDS) & set(gaps):
            out.append((start, end, gaps))
        return
    for span in places[k]:
        if rule.ordered and chosen and span[0] < chosen[-1][1]:
            continue
        _combine(places, k + 1, [*chosen, span], rule, toks, out)


def _all_at(toks: Sequence[str], phrase: Phrase) -> list[int]:
    n = len(phrase)
    return [i for i in range(len(toks) - n + 1) if tuple(toks[i:i + n]) == phrase]


def _at(words: Sequence[str], phrase: Phrase) -> Optional[int]:
    found = _all_at(words, phrase)
    return found[0] if found else None


# Words that end a clause: a concept's words never reach across them.
_CLAUSE_ENDS = frozenset("but though although however except whereas".split())
# A new subject between a concept's words starts another statement ("my leg hurts and i feel
# cold" is no cold leg).
_SUBJECTS = frozenset("i i'm i've i'd i'll".split())


def _phrases(items: Iterable[str]) -> tuple[Phrase, ...]:
    """Each phrase as the recogniser's tokens (normalize.py: "is not" is "isn't" there)."""
    return tuple(tuple(tokens(str(item))) for item in items)
