"""The compiled grammar: same segments as the recogniser over the rhasspynlu graph, light to load,
cached by grammar hash, and refused clearly when damaged.

The reference is the epsilon-free automaton built straight from the networkx graph with dicts, as
the recogniser did before the grammar was compiled into flat arrays (`_GraphAutomaton` below);
it shares the span search and the rules with the compiled one, so any difference comes from the
compact form, its loading or the bounded state cache.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from skill.nlu.concepts import ConceptReader
import yaml
from rhasspynlu.jsgf_graph import get_start_end_nodes

from skill.content import content_dir
from skill.nlu import automaton
from skill.nlu import compile as compiler
from skill.nlu.automaton import CompiledGrammar, CompiledGrammarError, compiled_path, grammar_hash
from skill.nlu.compiled import CompiledRecognizer
from skill.nlu.recognizer import Recognizer, grammar_graph, read_grammar_dir

LANG_DIR = content_dir("intents", "en")
DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parent.parent


def _texts() -> list[str]:
    texts = []
    for name, key in (("utterances_public.yaml", "utterances"),
                      ("utterances_heldout.yaml", "utterances"), ("phrasings_en.yaml", "phrasings")):
        texts += [row["text"] for row in yaml.safe_load((DATA / name).read_text(encoding="utf-8"))[key]]
    return texts


TEXTS = _texts()


class _GraphAutomaton:
    """The epsilon-free automaton over the networkx graph itself (the pre-compilation code)."""

    def __init__(self, graph):
        self.start, self._final = get_start_end_nodes(graph)
        unpack = compiler._unpack  # noqa: SLF001 - base64-packed output labels
        self._adj = {node: tuple((nxt, data.get("ilabel") or "", unpack(data.get("olabel") or ""))
                                 for nxt, data in nbrs.items())
                     for node, nbrs in graph.adjacency()}
        self._states: dict[int, typing.Any] = {}

    def state(self, state: int):
        if state not in self._states:
            seen, queue = {state: ()}, [state]
            for node in queue:
                for nxt, ilabel, olabel in self._adj[node]:
                    if not ilabel and nxt not in seen:
                        seen[nxt] = seen[node] + (olabel,) if olabel else seen[node]
                        queue.append(nxt)
            words: dict[str, list] = {}
            for node, outs in seen.items():
                for nxt, ilabel, olabel in self._adj[node]:
                    if ilabel:
                        words.setdefault(ilabel, []).append((nxt, outs + (olabel,) if olabel else outs))
            self._states[state] = ({w: tuple(t) for w, t in words.items()}, seen.get(self._final))
        return self._states[state]

    def states(self) -> int:
        return len(self._states)


@pytest.fixture(scope="module")
def compiled_file(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("compiled") / "en.lcg"
    compiler.compile_grammar(LANG_DIR, out)
    return out


@pytest.fixture(scope="module")
def graph_recognizer() -> CompiledRecognizer:
    ini, slots = read_grammar_dir(LANG_DIR)
    graph = grammar_graph(ini, slots)
    recognizer = object.__new__(CompiledRecognizer)
    recognizer._fsa = _GraphAutomaton(graph)  # noqa: SLF001 - the reference, see the docstring
    recognizer.concepts = ConceptReader.from_dir(LANG_DIR)  # the same second reader
    return recognizer


def _segments(recognizer, text):
    return [(s.intent, dict(s.slots), s.text) for s in recognizer.recognize(text)]


def test_compiled_gives_the_same_segments_as_the_graph(compiled_file, graph_recognizer):
    compiled = CompiledRecognizer.from_compiled(compiled_file, max_states=1 << 16,
                                                concepts=ConceptReader.from_dir(LANG_DIR))
    built = Recognizer.from_dir(LANG_DIR, use_cache=False)
    assert len(TEXTS) > 1500
    differ = []
    for text in TEXTS:
        want = _segments(graph_recognizer, text)
        if _segments(compiled, text) != want or _segments(built, text) != want:
            differ.append(text)
    assert not differ, f"{len(differ)} sentence(s) differ, e.g. {differ[:5]}"


def test_a_tiny_state_cache_changes_nothing(compiled_file, graph_recognizer):
    tiny = CompiledRecognizer.from_compiled(compiled_file, max_states=64,
                                            concepts=ConceptReader.from_dir(LANG_DIR))
    for text in TEXTS[::7]:
        assert _segments(tiny, text) == _segments(graph_recognizer, text), text
    assert tiny._fsa.states() <= 64 + 1  # noqa: SLF001 - the cap, plus the start state


_HEAVY = ("rhasspynlu", "networkx", "numpy")


def _run_light(code: str, env: dict[str, str] | None = None) -> dict:
    """Run `code` (which sets `segs`) in a fresh interpreter; the heavy modules it imported."""
    code += ("\nimport json, sys\n"
             f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {_HEAVY!r})\n"
             "print(json.dumps({'heavy': heavy, 'intents': [s.intent for s in segs]}))\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=True, env=env)
    return json.loads(proc.stdout)


def test_loading_a_compiled_grammar_imports_nothing_heavy(compiled_file):
    result = _run_light(
        "from skill.nlu.compiled import CompiledRecognizer\n"
        f"r = CompiledRecognizer.from_compiled({str(compiled_file)!r})\n"
        "segs = r.recognize('my left calf is all puffy and hot')\n")
    assert result == {"heavy": [], "intents": ["ReportLegSigns"]}


def test_from_dir_with_a_fresh_cache_imports_nothing_heavy(compiled_file, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cached = compiled_path(LANG_DIR)
    cached.parent.mkdir(parents=True)
    cached.write_bytes(compiled_file.read_bytes())
    result = _run_light(
        "from skill.content import content_dir\n"
        "from skill.nlu.recognizer import Recognizer\n"
        "r = Recognizer.from_dir(content_dir('intents', 'en'))\n"
        "segs = r.recognize('no chest pain')\n", env=dict(os.environ))
    assert result["heavy"] == [] and result["intents"]


def test_round_trip_keeps_the_arrays(compiled_file):
    grammar = CompiledGrammar.load(compiled_file)
    again = CompiledGrammar.from_bytes(grammar.to_bytes())
    assert again == grammar
    assert grammar.source_hash == grammar_hash(LANG_DIR)
    assert grammar.labels[0] == "" and len(set(grammar.labels)) == len(grammar.labels)
    from_text = compiler.compile_text("[Greet]\nhello ($who){who}\n", {"who": ["there", "you"]})
    assert CompiledGrammar.from_bytes(from_text.to_bytes()) == from_text


# -- the cache ----------------------------------------------------------------------------------


def _grammar_dir(root: Path, ini: str, slots: dict[str, str] | None = None) -> Path:
    lang = root / "intents" / "xx"
    (lang / "slots").mkdir(parents=True, exist_ok=True)
    (lang / "sentences.ini").write_text(ini, encoding="utf-8")
    for name, text in (slots or {}).items():
        (lang / "slots" / name).write_text(text, encoding="utf-8")
    return lang


def _intents(recognizer, text):
    return [(s.intent, dict(s.slots)) for s in recognizer.recognize(text)]


def test_cache_path_follows_xdg_and_home(tmp_path, monkeypatch):
    lang = _grammar_dir(tmp_path, "[Greet]\nhello there\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert compiled_path(lang).parent == tmp_path / "xdg" / "legcramp"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert compiled_path(lang).parent == tmp_path / "home" / ".cache" / "legcramp"
    assert compiled_path(lang).name.startswith("grammar-xx-")


def test_from_dir_writes_the_cache_then_uses_it(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    lang = _grammar_dir(tmp_path, "[Greet]\nhello ($who){who}\n", {"who": "there\nyou\n"})
    assert _intents(Recognizer.from_dir(lang), "hello you") == [("Greet", {"who": "you"})]
    cached = compiled_path(lang)
    assert cached.is_file() and CompiledGrammar.load(cached).source_hash == grammar_hash(lang)
    assert not [p for p in cached.parent.iterdir() if p.name.endswith(".tmp")]

    def no_compiling(*args, **kwargs):
        raise AssertionError("compiled although the cache is fresh")

    monkeypatch.setattr(compiler, "compile_text", no_compiling)
    assert _intents(Recognizer.from_dir(lang), "hello there") == [("Greet", {"who": "there"})]


def test_a_changed_grammar_is_recompiled(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    lang = _grammar_dir(tmp_path, "[Greet]\nhello ($who){who}\n", {"who": "there\n"})
    Recognizer.from_dir(lang)
    old = compiled_path(lang)

    (lang / "slots" / "who").write_text("there\neverybody\n", encoding="utf-8")  # a slot list
    assert compiled_path(lang) != old
    assert _intents(Recognizer.from_dir(lang), "hello everybody") == [("Greet", {"who": "everybody"})]

    (lang / "sentences.ini").write_text("[Greet]\ngood morning\n", encoding="utf-8")
    # A stale file where the fresh one should be (its header names the grammar it came from).
    compiled_path(lang).write_bytes(old.read_bytes())
    assert _intents(Recognizer.from_dir(lang), "good morning") == [("Greet", {})]
    assert CompiledGrammar.load(compiled_path(lang)).source_hash == grammar_hash(lang)


def test_the_format_version_is_part_of_the_hash(tmp_path, monkeypatch):
    lang = _grammar_dir(tmp_path, "[Greet]\nhello\n")
    before = grammar_hash(lang)
    monkeypatch.setattr(automaton, "FORMAT_VERSION", automaton.FORMAT_VERSION + 1)
    assert grammar_hash(lang) != before


def test_an_unwritable_cache_is_ignored(tmp_path, monkeypatch):
    (tmp_path / "blocked").write_text("a file, not a directory", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "blocked"))
    lang = _grammar_dir(tmp_path, "[Greet]\nhello\n")
    assert _intents(Recognizer.from_dir(lang), "hello") == [("Greet", {})]


# -- damaged files ------------------------------------------------------------------------------


def _damaged(data: bytes) -> dict[str, bytes]:
    header = automaton._HEADER.size  # noqa: SLF001
    flipped = bytearray(data)
    flipped[header + len(flipped[header:]) // 2] ^= 0xFF
    version = bytearray(data)
    version[8] += 1
    return {"not one": b"hello, world\n" * 10, "empty": b"", "truncated": data[:len(data) // 2],
            "flipped byte": bytes(flipped), "other version": bytes(version),
            "header only": data[:header]}


def test_a_damaged_file_raises_a_named_error(tmp_path):
    lang = _grammar_dir(tmp_path, "[Greet]\nhello ($who){who}\n", {"who": "there\nyou\n"})
    good = tmp_path / "good.lcg"
    compiler.compile_grammar(lang, good)
    for what, data in _damaged(good.read_bytes()).items():
        path = tmp_path / f"{what.replace(' ', '_')}.lcg"
        path.write_bytes(data)
        with pytest.raises(CompiledGrammarError, match=str(path.name)):
            CompiledRecognizer.from_compiled(path)
    assert issubclass(CompiledGrammarError, ValueError)


def test_from_dir_replaces_a_damaged_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    lang = _grammar_dir(tmp_path, "[Greet]\nhello\n")
    cached = compiled_path(lang)
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"garbage")
    assert _intents(Recognizer.from_dir(lang), "hello") == [("Greet", {})]
    CompiledGrammar.load(cached)  # rewritten, sound


# -- the command line ---------------------------------------------------------------------------


def test_cli_compiles_a_grammar_dir(tmp_path, capsys):
    lang = _grammar_dir(tmp_path, "[Greet]\nhello ($who){who}\n", {"who": "there\nyou\n"})
    out = tmp_path / "out" / "xx.lcg"
    assert compiler.main([str(lang), str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    assert _intents(Recognizer.from_compiled(out), "hello there") == [("Greet", {"who": "there"})]
    assert [p.name for p in out.parent.iterdir()] == ["xx.lcg"]  # no temporary file left


def test_cli_refuses_a_dir_without_sentences(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "skill.nlu.compile", str(tmp_path), str(tmp_path / "o")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2 and "no sentences.ini" in proc.stderr
    assert not (tmp_path / "o").exists()
