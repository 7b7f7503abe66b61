"""Compile intents/<lang>/ (sentences.ini and slots/) into the compact automaton file.

    python -m skill.nlu.compile INTENTS_DIR OUT

INTENTS_DIR is a language directory (the one holding sentences.ini); OUT is written atomically.
rhasspynlu parses the templates and builds its graph, exactly as a Rhasspy 2.5 trains from the
same files; that graph is then flattened into a `CompiledGrammar` (skill.nlu.automaton), which the
runtime loads in a few milliseconds without rhasspy-nlu, networkx or numpy.

`load_or_compile(lang_dir)` is what `Recognizer.from_dir` uses: the cached file from
`compiled_path(lang_dir)` when it is there and was compiled from these very files, else compile
and write the cache (a cache that cannot be written is only logged).
"""
from __future__ import annotations

import argparse
import array
import base64
import gc
import logging
import os
import sys
import tempfile
import time
import typing
from pathlib import Path

import networkx as nx
import rhasspynlu
from rhasspynlu.jsgf import Sentence, walk_expression
from rhasspynlu.jsgf_graph import get_start_end_nodes
from rhasspynlu.numbers import number_range_transform, number_to_words

from skill.nlu.automaton import (NO_HASH, SUFFIX, CompiledGrammar, compiled_path, grammar_hash,
                                 load_cached)

__all__ = ["compile_grammar", "compile_graph", "compile_text", "compiled_path", "grammar_graph",
           "load_or_compile", "main", "parse_grammar", "read_grammar_dir", "write_atomic"]

_LOGGER = logging.getLogger(__name__)
_KEEP_CACHED = 4  # compiled grammars of one language kept in the cache directory


def compile_graph(graph: nx.DiGraph, source_hash: bytes = NO_HASH) -> CompiledGrammar:
    """Flatten a rhasspynlu grammar graph: nodes renumbered 0..n-1 in the graph's order, each
    node's edges in the graph's order (the order decides ties between templates)."""
    start, final = get_start_end_nodes(graph)
    if start is None or final is None:
        raise ValueError("grammar graph has no start or final state")
    index = {node: i for i, node in enumerate(graph.nodes)}
    label_ids: dict[str, int] = {"": 0}
    offsets, targets, ilabels, olabels = array.array("I", [0]), array.array("I"), [], []
    for _node, nbrs in graph.adjacency():
        for nxt, data in nbrs.items():
            targets.append(index[nxt])
            ilabels.append(label_ids.setdefault(data.get("ilabel") or "", len(label_ids)))
            olabel = _unpack(data.get("olabel") or "")
            olabels.append(label_ids.setdefault(olabel, len(label_ids)))
        offsets.append(len(targets))
    code = "H" if len(label_ids) <= 0xFFFF else "I"
    return CompiledGrammar(labels=tuple(label_ids), offsets=offsets, targets=targets,
                           ilabels=array.array(code, ilabels), olabels=array.array(code, olabels),
                           start=index[start], final=index[final], source_hash=source_hash)


def compile_text(ini: str, slots: dict[str, list[str]] | None = None,
                 file_name: str = "<sentences.ini>",
                 source_hash: bytes = NO_HASH) -> CompiledGrammar:
    """The compiled form of the text of a sentences.ini and slot name -> lines of that list."""
    # Building the graph allocates some 10^6 small objects; collecting garbage while they are
    # all alive would scan them again and again. Collect once, after the graph is gone.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        graph = grammar_graph(ini, slots, file_name=file_name)
        grammar = compile_graph(graph, source_hash=source_hash)
        graph.clear()
        del graph
    finally:
        if was_enabled:
            gc.enable()
    return grammar


def compile_grammar(lang_dir: Path, out_path: Path) -> CompiledGrammar:
    """Compile <lang_dir>/sentences.ini and slots/ and write the result to `out_path`
    atomically. Returns what was written."""
    lang_dir = Path(lang_dir)
    digest = grammar_hash(lang_dir)
    ini, slots = read_grammar_dir(lang_dir)
    grammar = compile_text(ini, slots, file_name=str(lang_dir / "sentences.ini"),
                           source_hash=digest)
    write_atomic(grammar.to_bytes(), Path(out_path))
    return grammar


def load_or_compile(lang_dir: Path) -> CompiledGrammar:
    """The compiled grammar of `lang_dir`: from the cache when fresh, else compiled (and cached)."""
    lang_dir = Path(lang_dir)
    digest = grammar_hash(lang_dir)
    cached = load_cached(lang_dir, digest=digest)
    if cached is not None:
        return cached
    ini, slots = read_grammar_dir(lang_dir)
    grammar = compile_text(ini, slots, file_name=str(lang_dir / "sentences.ini"),
                           source_hash=digest)
    if grammar_hash(lang_dir) != digest:
        _LOGGER.debug("grammar changed while compiling: not cached")
        return grammar
    path = compiled_path(lang_dir, digest=digest)
    try:
        write_atomic(grammar.to_bytes(), path)
        _prune(path)
    except OSError as exc:
        _LOGGER.debug("could not cache the compiled grammar at %s: %s", path, exc)
    return grammar


def write_atomic(data: bytes, path: Path) -> None:
    """Write `data` to `path` so that a reader sees the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _prune(keep: Path) -> None:
    """Drop older compiled grammars of the same language from the cache directory."""
    prefix = keep.name[:keep.name.rindex("-") + 1]
    old = []
    for path in keep.parent.glob(f"{prefix}*{SUFFIX}"):
        try:
            old.append((path.stat().st_mtime, path))
        except OSError:
            continue
    for _, path in sorted(old, reverse=True)[_KEEP_CACHED:]:
        if path != keep:
            try:
                path.unlink()
            except OSError:
                pass


# -----------------------------------------------------------------------------------------------
# The grammar files, parsed and built by rhasspynlu.


def read_grammar_dir(lang_dir: Path) -> tuple[str, dict[str, list[str]]]:
    """The text of <lang_dir>/sentences.ini and the lines of each slot list in <lang_dir>/slots/."""
    lang_dir = Path(lang_dir)
    ini = (lang_dir / "sentences.ini").read_text(encoding="utf-8")
    slots: dict[str, list[str]] = {}
    slots_dir = lang_dir / "slots"
    if slots_dir.is_dir():
        for path in sorted(slots_dir.rglob("*")):
            if path.is_file():
                lines = path.read_text(encoding="utf-8").splitlines()
                slots[path.relative_to(slots_dir).as_posix()] = [ln.strip() for ln in lines if ln.strip()]
    return ini, slots


def grammar_graph(ini: str, slots: dict[str, list[str]] | None = None,
                  file_name: str = "<sentences.ini>") -> nx.DiGraph:
    """The rhasspynlu graph of a sentences.ini (what a Rhasspy 2.5 trains from the same files)."""
    intents, replacements = parse_grammar(ini, slots, file_name=file_name)
    graph = rhasspynlu.intents_to_graph(intents, replacements, add_intent_weights=False)
    _LOGGER.debug("grammar graph: %d nodes, %d edges", graph.number_of_nodes(), graph.number_of_edges())
    return graph


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


# -----------------------------------------------------------------------------------------------


def main(argv: typing.Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m skill.nlu.compile",
        description="Compile intents/<lang>/ (sentences.ini, slots/) into a compact automaton.")
    parser.add_argument("intents_dir", type=Path,
                        help="the language directory holding sentences.ini")
    parser.add_argument("out", type=Path, help="the file to write (atomically)")
    args = parser.parse_args(argv)
    if not (args.intents_dir / "sentences.ini").is_file():
        parser.error(f"{args.intents_dir}: no sentences.ini there")
    t0 = time.perf_counter()
    try:
        grammar = compile_grammar(args.intents_dir, args.out)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{args.out}: {grammar.n_nodes} states, {grammar.n_edges} edges, "
          f"{len(grammar.labels)} labels, {args.out.stat().st_size} bytes "
          f"in {time.perf_counter() - t0:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
