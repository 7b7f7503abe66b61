"""The multi-segment recogniser, built from the grammar files: the public entry point.

    Recognizer.from_dir(intents/<lang>)        # the cached compiled grammar, or compile and cache
    Recognizer.from_text(ini, slots)           # compile from text, nothing cached
    Recognizer.from_compiled(path)             # a file written by `python -m skill.nlu.compile`
    recognizer.recognize(text) -> tuple[Segment, ...]

The layout:
- skill.nlu.compiled   the runtime: span search, choice of spans, the rules around the grammar,
                       decoding output labels (CompiledRecognizer, FILLERS);
- skill.nlu.automaton  the compact grammar file, the epsilon-free automaton run over it, and the
                       cache of compiled grammars (compiled_path, load_cached);
- skill.nlu.concepts   the second reader: concepts of intents/<lang>/concepts.yaml spotted
                       anywhere, with negation, hypothesis and history context;
- skill.nlu.compile    the compiler: sentences.ini -> rhasspynlu graph -> compact file; the CLI.
Only the compiler imports rhasspy-nlu and networkx, and this module imports the compiler only
when it has to compile: `from_dir` with a fresh cache (and `from_compiled`) stays light, so
`legcramp chat` starts in a tenth of a second. The grammar helpers of the compiler
(parse_grammar, read_grammar_dir, grammar_graph, ...) are importable from here as before.
"""
from __future__ import annotations

import typing
from pathlib import Path

from skill.nlu.automaton import CompiledGrammar, CompiledGrammarError, compiled_path, load_cached
from skill.nlu.compiled import FILLERS, CompiledRecognizer
from skill.nlu.concepts import ConceptReader

if typing.TYPE_CHECKING:
    import networkx as nx

    from skill.nlu.compile import (compile_grammar, compile_graph, compile_text, grammar_graph,
                                   load_or_compile, parse_grammar, read_grammar_dir)

__all__ = ["FILLERS", "CompiledGrammarError", "Recognizer", "compile_grammar", "compile_graph",
           "compile_text", "compiled_path", "grammar_graph", "load_or_compile", "parse_grammar",
           "read_grammar_dir"]

# Automaton states kept built (see skill.nlu.automaton.Automaton): more than the Hermes service
# keeps (DEFAULT_MAX_STATES), as `legcramp chat` and the tests are not held to its memory budget.
_MAX_STATES = 32768

# Names of skill.nlu.compile served from here, imported on first use (PEP 562).
_FROM_COMPILER = frozenset(("compile_grammar", "compile_graph", "compile_text", "grammar_graph",
                            "load_or_compile", "parse_grammar", "read_grammar_dir"))


def __getattr__(name: str) -> typing.Any:
    if name in _FROM_COMPILER:
        from skill.nlu import compile as compiler
        return getattr(compiler, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Recognizer(CompiledRecognizer):
    """Recognise the segments (intent + slots) of one utterance. Pure after construction.

    Only the compiled grammar is kept: the networkx graph and the parsed templates are millions
    of small objects that would make every garbage collection pause for a tenth of a second.
    """

    def __init__(self, grammar: CompiledGrammar | nx.DiGraph, max_states: int = _MAX_STATES,
                 concepts: ConceptReader | None = None):
        if not isinstance(grammar, CompiledGrammar):
            from skill.nlu.compile import compile_graph
            grammar = compile_graph(grammar)
        super().__init__(grammar, max_states=max_states, concepts=concepts)

    @classmethod
    def from_dir(cls, lang_dir: Path, use_cache: bool = True) -> Recognizer:
        """Load <lang_dir>/sentences.ini and the slot lists in <lang_dir>/slots/: from the
        compiled cache (skill.nlu.automaton.compiled_path) when it was compiled from these very
        files, else compile them and write the cache (a cache that cannot be written is only
        logged)."""
        lang_dir = Path(lang_dir)
        concepts = ConceptReader.from_dir(lang_dir)
        if use_cache:
            cached = load_cached(lang_dir)
            if cached is not None:
                return cls(cached, concepts=concepts)
            from skill.nlu.compile import load_or_compile
            return cls(load_or_compile(lang_dir), concepts=concepts)
        from skill.nlu.compile import read_grammar_dir, compile_text
        ini, slots = read_grammar_dir(lang_dir)
        return cls(compile_text(ini, slots, file_name=str(lang_dir / "sentences.ini")),
                   concepts=concepts)

    @classmethod
    def from_text(cls, ini: str, slots: dict[str, list[str]] | None = None,
                  file_name: str = "<sentences.ini>") -> Recognizer:
        """Build from the text of a sentences.ini and slot name -> lines of that slot list."""
        from skill.nlu.compile import compile_text
        return cls(compile_text(ini, slots, file_name=file_name))
