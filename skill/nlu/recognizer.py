"""Find the phrases of the intent grammar inside what a person says.

A Rhasspy grammar (intents/<lang>/sentences.ini) describes short phrases: "my left calf is all
puffy and hot", "i'm on the pill", "no chest pain". A frightened person at 3 a.m. says several of
them in one breath, with filler in between. So instead of matching the whole sentence against the
grammar (what Rhasspy does), the recogniser finds every span of words that some template matches
and keeps the set of non-overlapping spans that covers the most words (then the fewest segments,
then the leftmost, longest). A sentence that the grammar matches as a whole is one segment.

How: rhasspynlu turns the templates into a networkx graph (words on edges, tags and substitutions
as output labels, epsilon edges between). That graph is compiled once into an epsilon-free
automaton of plain dicts: for every state, word -> [(next state, output labels on the way)], plus
the output labels of the epsilon path to the final state. Recognition runs that automaton from
every word position (an NFA: a dict of live states), then a dynamic programme picks the spans, and
each span's output labels are decoded into an intent and slots exactly as rhasspynlu would.

Filler words ("really", "um", "just", ...) may be skipped inside a span, so that "my calf is really
really swollen" still matches "my calf is swollen"; they are never skipped at a span's edge.
"""
from __future__ import annotations

import base64
import logging
import random
import typing
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import rhasspynlu
from rhasspynlu.jsgf import Sentence, walk_expression
from rhasspynlu.jsgf_graph import get_start_end_nodes
from rhasspynlu.numbers import number_range_transform, number_to_words

from skill.dialog.events import Segment
from skill.nlu.contract import REPORT_INTENTS
from skill.nlu.normalize import tokens as normalize_tokens

__all__ = ["Recognizer", "FILLERS"]

_LOGGER = logging.getLogger(__name__)

# Words a person puts anywhere without changing what a phrase states. Skipped only inside a span.
FILLERS: frozenset[str] = frozenset(
    "um umm uh uhh er erm ah ahh oh ow owww ouch hmm well really very so quite pretty just "
    "actually honestly basically literally totally absolutely super all now still also too "
    "definitely completely".split()
)
_MAX_SKIPS = 3  # filler words skipped inside one span, at most

Outs = tuple[str, ...]
Chain = typing.Optional[tuple["Chain", Outs]]  # a reversed linked list of output label tuples


@dataclass(frozen=True)
class _Automaton:
    """The grammar as an epsilon-free NFA: state -> word -> [(state, outputs)], state -> outputs."""

    start: int
    trans: dict[int, dict[str, tuple[tuple[int, Outs], ...]]]
    finals: dict[int, Outs]


class Recognizer:
    """Recognise the segments (intent + slots) of one utterance. Pure after construction."""

    def __init__(self, graph: nx.DiGraph, intents: typing.Any = None, replacements: typing.Any = None):
        self.graph = graph
        self.intents = intents
        self.replacements = replacements
        self._fsa = _compile(graph)

    # -- loading -------------------------------------------------------------------------------

    @classmethod
    def from_dir(cls, lang_dir: Path) -> "Recognizer":
        """Load <lang_dir>/sentences.ini and the slot lists in <lang_dir>/slots/."""
        lang_dir = Path(lang_dir)
        ini = (lang_dir / "sentences.ini").read_text(encoding="utf-8")
        slots: dict[str, list[str]] = {}
        slots_dir = lang_dir / "slots"
        if slots_dir.is_dir():
            for path in sorted(slots_dir.rglob("*")):
                if path.is_file():
                    name = path.relative_to(slots_dir).as_posix()
                    lines = path.read_text(encoding="utf-8").splitlines()
                    slots[name] = [line.strip() for line in lines if line.strip()]
        return cls.from_text(ini, slots, file_name=str(lang_dir / "sentences.ini"))

    @classmethod
    def from_text(cls, ini: str, slots: dict[str, list[str]] | None = None,
                  file_name: str = "<sentences.ini>") -> "Recognizer":
        """Build from the text of a sentences.ini and slot name -> lines of that slot list."""
        intents, replacements = parse_grammar(ini, slots, file_name=file_name)
        graph = rhasspynlu.intents_to_graph(intents, replacements, add_intent_weights=False)
        _LOGGER.debug("grammar graph: %d nodes, %d edges", graph.number_of_nodes(), graph.number_of_edges())
        return cls(graph, intents, replacements)

    # -- recognition ---------------------------------------------------------------------------

    def recognize(self, text: str) -> tuple[Segment, ...]:
        """The segments found in `text`, left to right; () when nothing is understood."""
        toks = normalize_tokens(text)
        spans = self._spans(toks)
        chosen = _choose(len(toks), spans)
        segments = []
        for i, j, chain in chosen:
            intent, slots = _decode(chain)
            if intent in REPORT_INTENTS and not slots:
                continue  # a phrase that only absorbs words ("my mum had a clot")
            segments.append(Segment(intent=intent, slots=slots, text=" ".join(toks[i:j])))
        _LOGGER.debug("recognised %d segment(s) in %d word(s)", len(segments), len(toks))
        return tuple(segments)

    def _spans(self, toks: list[str]) -> dict[int, dict[int, Chain]]:
        """start -> end -> outputs of the preferred match of toks[start:end] (fewest skips, first)."""
        trans, finals = self._fsa.trans, self._fsa.finals
        first = trans[self._fsa.start]
        found: dict[int, dict[int, Chain]] = {}
        for i, word in enumerate(toks):
            starts = first.get(word)
            if not starts:
                continue
            ends: dict[int, tuple[int, Chain]] = {}
            moved: dict[int, tuple[Chain, int]] = {}
            for state, outs in starts:
                moved.setdefault(state, ((None, outs), 0))
            active = moved
            j = i
            while active:
                for state, (chain, skips) in moved.items():
                    fin = finals.get(state)
                    if fin is not None:
                        best = ends.get(j + 1)
                        if best is None or skips < best[0]:
                            ends[j + 1] = (skips, (chain, fin))
                j += 1
                if j >= len(toks):
                    break
                word = toks[j]
                moved = {}
                for state, (chain, skips) in active.items():
                    for nxt, outs in trans[state].get(word, ()):
                        if nxt not in moved:
                            moved[nxt] = ((chain, outs), skips)
                nxt_active = dict(moved)
                if word in FILLERS:
                    for state, (chain, skips) in active.items():
                        if skips < _MAX_SKIPS and state not in nxt_active:
                            nxt_active[state] = (chain, skips + 1)
                active = nxt_active
            if ends:
                found[i] = {end: chain for end, (_, chain) in ends.items()}
        return found


# -----------------------------------------------------------------------------------------------


def parse_grammar(ini: str, slots: dict[str, list[str]] | None = None,
                  file_name: str = "<sentences.ini>") -> tuple[typing.Any, dict]:
    """Parse a sentences.ini into rhasspynlu intents and replacements (slot lists, number ranges)."""
    intents = rhasspynlu.parse_ini(ini, file_name=file_name)
    for exprs in intents.values():
        for expr in exprs:
            walk_expression(expr, number_range_transform)
    replacements: dict[str, list] = {}
    for name, lines in (slots or {}).items():
        replacements[f"${name}"] = [Sentence.parse(line) for line in lines]
    for name in _slot_names(intents):
        if name.startswith("rhasspy/number,"):
            replacements[f"${name}"] = _number_range(name)
        elif f"${name}" not in replacements:
            raise ValueError(f"{file_name}: no slot list for ${name}")
    return intents, replacements


def _slot_names(intents: typing.Any) -> set[str]:
    names: set[str] = set()
    for exprs in intents.values():
        for expr in exprs:
            for name in rhasspynlu.slots.get_slot_names(expr):
                names.add(name)
    return names


def _number_range(slot: str) -> list:
    """Values of Rhasspy's built-in $rhasspy/number,low,high,step slot: words -> digits."""
    _, low, high, step = slot.split(",")
    return [Sentence.parse(f"({' '.join(number_to_words(n))}):{n}")
            for n in range(int(low), int(high) + 1, int(step))]


def _unpack(label: str) -> str:
    if label.startswith("__unpack__"):
        return base64.decodebytes(label[10:].encode()).decode()
    return label


def _compile(graph: nx.DiGraph) -> _Automaton:
    """Remove epsilon edges: for every state a word leads to, what each next word leads to."""
    start, final = get_start_end_nodes(graph)
    if start is None or final is None:
        raise ValueError("grammar graph has no start or final state")
    adj: dict[int, list[tuple[int, str, str]]] = {
        node: [(nxt, data.get("ilabel") or "", _unpack(data.get("olabel") or "")) for nxt, data in nbrs.items()]
        for node, nbrs in graph.adjacency()
    }
    sources = {start} | {nxt for edges in adj.values() for nxt, ilabel, _ in edges if ilabel}
    trans: dict[int, dict[str, tuple[tuple[int, Outs], ...]]] = {}
    finals: dict[int, Outs] = {}
    for source in sources:
        closure = _closure(adj, source)
        words: dict[str, list[tuple[int, Outs]]] = {}
        for node, outs in closure.items():
            for nxt, ilabel, olabel in adj[node]:
                if ilabel:
                    words.setdefault(ilabel, []).append((nxt, outs + (olabel,) if olabel else outs))
        trans[source] = {word: tuple(targets) for word, targets in words.items()}
        if final in closure:
            finals[source] = closure[final]
    return _Automaton(start=start, trans=trans, finals=finals)


def _closure(adj: dict[int, list[tuple[int, str, str]]], source: int) -> dict[int, Outs]:
    """States reachable from `source` by epsilon edges, with the output labels of the first path."""
    seen: dict[int, Outs] = {source: ()}
    queue = [source]
    for node in queue:
        outs = seen[node]
        for nxt, ilabel, olabel in adj[node]:
            if not ilabel and nxt not in seen:
                seen[nxt] = outs + (olabel,) if olabel else outs
                queue.append(nxt)
    return seen


def _choose(n: int, spans: dict[int, dict[int, Chain]]) -> list[tuple[int, int, Chain]]:
    """Non-overlapping spans covering the most words, then the fewest spans; leftmost, longest."""
    best: list[tuple[int, int]] = [(0, 0)] * (n + 1)  # (words covered, -segments) from i on
    pick: list[typing.Optional[int]] = [None] * (n + 1)
    for i in range(n - 1, -1, -1):
        score, choice = best[i + 1], None
        for end in sorted(spans.get(i, {}), reverse=True):
            covered, neg_segments = best[end]
            candidate = (covered + end - i, neg_segments - 1)
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


def sample_sentences(graph: nx.DiGraph, rng: random.Random, count: int) -> list[str]:
    """Random sentences of a (small) grammar graph, by random walks from start to final."""
    start, final = get_start_end_nodes(graph)
    out = []
    for _ in range(count):
        node, words = start, []
        while node != final:
            nxt = rng.choice(list(graph.successors(node)))
            ilabel = graph.edges[node, nxt].get("ilabel")
            if ilabel:
                words.append(ilabel)
            node = nxt
        out.append(" ".join(words))
    return out
