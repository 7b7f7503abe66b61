"""Figure 5: local recognition as `legcramp chat` does it, against rhasspynlu on the same grammar.

Baselines, measured here in the same process:
- load: rhasspynlu building its graph from the same sentences.ini (what Rhasspy's training does,
  and what our compiler starts from), with the garbage collector off, as our compiler runs.
  Ours is timed twice: the first `Recognizer.from_dir` compiles the grammar and writes its cache
  (what the first `chat` after a grammar change pays), the second loads that cache (every
  `chat` after). The benchmark points XDG_CACHE_HOME at a temporary directory, so the first
  load is really cold and the user's own cache is not touched.
- per utterance: rhasspynlu.recognize(fuzzy=False), Rhasspy's own whole-sentence matcher, on
  that graph, over the same utterances. It finds one intent per sentence; ours finds segments.
The first pass over the utterances is cold (the automaton is built state by state on first use,
which is what a chat user meets); the second pass is warm.
The sentence count is the number of start-to-final paths of the graph (each path is one
sentence with its tags, as Rhasspy would train it), by dynamic programming in topological order.
"""
from __future__ import annotations

import gc
import time
from typing import Any

import networkx as nx
import rhasspynlu
import yaml
from rhasspynlu.jsgf_graph import get_start_end_nodes

from skill.content import content_dir
from skill.nlu.recognizer import Recognizer, grammar_graph, read_grammar_dir

from .conversations import DATA
from .report import percentile

UTTERANCES = DATA / "utterances_public.yaml"


def count_sentences(graph: nx.DiGraph) -> int:
    """Start-to-final paths of an acyclic grammar graph."""
    start, final = get_start_end_nodes(graph)
    paths = {start: 1}
    for node in nx.topological_sort(graph):
        here = paths.get(node, 0)
        if here:
            for nxt in graph.successors(node):
                paths[nxt] = paths.get(nxt, 0) + here
    return paths.get(final, 0)


def _timed_ms(fn: Any, texts: list[str]) -> list[float]:
    out = []
    for text in texts:
        t0 = time.perf_counter()
        fn(text)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _quantiles(ms: list[float]) -> dict[str, float]:
    return {"p50_ms": percentile(ms, 50), "p99_ms": percentile(ms, 99), "max_ms": max(ms), "n": len(ms)}


def measure() -> tuple[dict[str, Any], Recognizer]:
    """Figure 5, and the loaded recogniser (warm) for the other offline work."""
    texts = [u["text"] for u in yaml.safe_load(UTTERANCES.read_text(encoding="utf-8"))["utterances"]]
    lang_dir = content_dir("intents", "en")
    ini, slots = read_grammar_dir(lang_dir)
    gc.collect()
    gc.disable()
    t0 = time.perf_counter()
    graph = grammar_graph(ini, slots)
    graph_s = time.perf_counter() - t0
    gc.enable()
    nodes, edges = graph.number_of_nodes(), graph.number_of_edges()
    t0 = time.perf_counter()
    sentences = count_sentences(graph)
    count_s = time.perf_counter() - t0
    baseline_ms = _timed_ms(lambda text, g=graph: rhasspynlu.recognize(text, g, fuzzy=False), texts)
    del graph
    gc.collect()
    t0 = time.perf_counter()
    Recognizer.from_dir(lang_dir)  # compiles, and caches when the code has a cache
    compile_s = time.perf_counter() - t0
    gc.collect()
    t0 = time.perf_counter()
    recognizer = Recognizer.from_dir(lang_dir)
    load_s = time.perf_counter() - t0
    cold_ms = _timed_ms(recognizer.recognize, texts)
    fsa = getattr(recognizer, "_fsa", None)  # a diagnostic only: how much of the automaton was built
    states_after_cold = fsa.states() if fsa is not None and hasattr(fsa, "states") else None
    warm_ms = _timed_ms(recognizer.recognize, texts)
    return {
        "utterances": len(texts), "graph_nodes": nodes, "graph_edges": edges,
        "sentences": sentences, "sentences_digits": len(str(sentences)), "count_s": count_s,
        "baseline_graph_s": graph_s, "compile_s": compile_s, "load_s": load_s,
        "cold": _quantiles(cold_ms), "warm": _quantiles(warm_ms), "baseline": _quantiles(baseline_ms),
        "automaton_states_after_first_pass": states_after_cold,
    }, recognizer
