"""The compiled grammar: a compact automaton file, and the epsilon-free automaton run over it.

Import-light on purpose (standard library only): the Hermes service loads a compiled grammar
without rhasspy-nlu, networkx or numpy. `skill.nlu.compile` writes the file from the rhasspynlu
graph of intents/<lang>/sentences.ini.

The graph is kept as it is (words on edges, output labels on edges, epsilon edges between), in
CSR form: `offsets[node]:offsets[node + 1]` are the node's edges, in the graph's own order, and
per edge the next node, the input label id and the output label id. Label id 0 is the empty label
(an epsilon edge, no output). Every label (input word or output label) is stored once.

File layout (all integers little-endian in the header; arrays in the byte order named there):

    header   magic, format version, byte order, node/edge/label counts, start, final,
             grammar hash (what it was compiled from), byte length of the label table,
             typecode of each array, CRC-32 of everything after the header
    labels   UTF-8, NUL-separated

The checksum catches a damaged or truncated file, not a forged one: the arrays are trusted.
    offsets  n_nodes + 1 items
    targets, ilabels, olabels   n_edges items each

The epsilon-free automaton is built from that state by state on first use, and only a bounded
number of built states is kept (an LRU), so that memory does not grow with traffic: a state
dropped is rebuilt, identically, when next needed.
"""
from __future__ import annotations

import array
import hashlib
import logging
import os
import struct
import sys
import typing
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_MAX_STATES", "FORMAT_VERSION", "NO_HASH", "Automaton", "CompiledGrammar",
           "CompiledGrammarError", "cache_dir", "compiled_path", "content_hash", "grammar_hash",
           "load_cached"]

_LOGGER = logging.getLogger(__name__)

# Bump whenever the file layout or what the compiler puts in it changes: the hash of a grammar
# (and so its cache file name) includes it.
FORMAT_VERSION = 1
MAGIC = b"LCGRAMMR"
SUFFIX = ".lcg"
_HEADER = struct.Struct("<8sIcxxxIIIII32sI4sI")
_ITEMSIZE = {"H": 2, "I": 4}
# Epsilon-free states kept built. About 1.3 KB of memory each; an utterance touches about a
# thousand (up to four thousand), many of them shared with other utterances.
DEFAULT_MAX_STATES = 8192
NO_HASH = bytes(32)  # the source hash of a grammar compiled from text, not from a directory

Outs = tuple[str, ...]
Trans = dict[str, tuple[tuple[int, Outs], ...]]
State = tuple[Trans, typing.Optional[Outs]]  # word -> targets; outputs on the way to final


class CompiledGrammarError(ValueError):
    """A compiled grammar file that cannot be used: not one, damaged, or of another version."""


@dataclass(frozen=True)
class CompiledGrammar:
    """The grammar graph as flat arrays (see the module docstring)."""

    labels: tuple[str, ...]
    offsets: array.array
    targets: array.array
    ilabels: array.array
    olabels: array.array
    start: int
    final: int
    source_hash: bytes = NO_HASH

    @property
    def n_nodes(self) -> int:
        return len(self.offsets) - 1

    @property
    def n_edges(self) -> int:
        return len(self.targets)

    # -- serialisation -------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        if any("\0" in label for label in self.labels):
            raise ValueError("a grammar label contains a NUL character")
        table = "\0".join(self.labels).encode("utf-8")
        arrays = (self.offsets, self.targets, self.ilabels, self.olabels)
        payload = b"".join([table] + [a.tobytes() for a in arrays])
        if len(self.source_hash) != len(NO_HASH):
            raise ValueError("the source hash of a compiled grammar is 32 bytes (SHA-256)")
        header = _HEADER.pack(
            MAGIC, FORMAT_VERSION, b"<" if sys.byteorder == "little" else b">",
            self.n_nodes, self.n_edges, len(self.labels), self.start, self.final,
            self.source_hash, len(table), "".join(a.typecode for a in arrays).encode("ascii"),
            zlib.crc32(payload))
        return header + payload

    @classmethod
    def from_bytes(cls, data: bytes, name: str = "<compiled grammar>") -> "CompiledGrammar":
        """Parse a compiled grammar file; CompiledGrammarError if it is not a sound one."""
        def fail(why: str) -> typing.NoReturn:
            raise CompiledGrammarError(f"{name}: {why}")

        if len(data) < _HEADER.size or not data.startswith(MAGIC):
            fail("not a compiled legcramp grammar (bad magic or too short)")
        (_, version, order, n_nodes, n_edges, n_labels, start, final, source_hash, table_len,
         codes, crc) = _HEADER.unpack_from(data)
        if version != FORMAT_VERSION:
            fail(f"format version {version}, this program reads version {FORMAT_VERSION}")
        payload = memoryview(data)[_HEADER.size:]
        if zlib.crc32(payload) != crc:
            fail("checksum mismatch (truncated or damaged file)")
        try:
            typecodes = codes.decode("ascii")
            sizes = [_ITEMSIZE[c] for c in typecodes]
        except (UnicodeDecodeError, KeyError):
            fail(f"unknown array typecodes {codes!r}")
        counts = (n_nodes + 1, n_edges, n_edges, n_edges)
        if len(payload) != table_len + sum(n * s for n, s in zip(counts, sizes, strict=True)):
            fail("array sizes do not match the file length")
        try:
            labels = tuple(sys.intern(s) for s in
                           bytes(payload[:table_len]).decode("utf-8").split("\0"))
        except UnicodeDecodeError:
            fail("label table is not UTF-8")
        if order not in (b"<", b">"):
            fail(f"unknown byte order {order!r}")
        swap = order != (b"<" if sys.byteorder == "little" else b">")
        arrays = []
        pos = table_len
        for code, size, count in zip(typecodes, sizes, counts, strict=True):
            arr = array.array(code)
            if arr.itemsize != size:
                fail(f"array typecode {code!r} has another size on this platform")
            arr.frombytes(payload[pos:pos + count * size])
            if swap:
                arr.byteswap()
            arrays.append(arr)
            pos += count * size
        offsets = arrays[0]
        if len(labels) != n_labels or labels[0] != "":
            fail("label table does not match the header")
        if offsets[0] != 0 or offsets[-1] != n_edges or not (start < n_nodes and final < n_nodes):
            fail("node offsets or start/final state out of range")
        return cls(labels, offsets, arrays[1], arrays[2], arrays[3], start, final, source_hash)

    @classmethod
    def load(cls, path: Path) -> "CompiledGrammar":
        path = Path(path)
        return cls.from_bytes(path.read_bytes(), name=str(path))


class Automaton:
    """The grammar as an epsilon-free NFA over a CompiledGrammar, built state by state on use.

    `state(s)` gives (word -> ((next state, output labels on the way), ...), the output labels of
    the epsilon path to the final state or None). The start state (the phrases' first words, by
    far the biggest) is built on first use and then always kept; of the other states the
    `max_states` used last are kept (an LRU), so memory is bounded whatever the traffic. A
    dropped state is rebuilt, identically, when needed again. Safe to share between threads:
    each cache operation is atomic under the GIL, and a state built twice is built the same.
    """

    def __init__(self, grammar: CompiledGrammar, max_states: int = DEFAULT_MAX_STATES):
        self.grammar = grammar
        self.start = grammar.start
        self.max_states = max(1, max_states)
        self._cache: OrderedDict[int, State] = OrderedDict()
        self._start_state: typing.Optional[State] = None
        self._full = False  # the cache has reached max_states: from then on, kept in LRU order
        self._built = 0
        # Output label tuples of one label, shared: most transitions carry exactly one.
        self._single: tuple[Outs, ...] = tuple((label,) for label in grammar.labels)

    def state(self, state: int) -> State:
        cache = self._cache
        entry = cache.get(state)
        if entry is not None:
            # Below the cap nothing is evicted, so the order need not be kept; the first
            # evictions then follow the order states were built in, and a hot state dropped
            # early is rebuilt once. Kept in LRU order from then on.
            if self._full:
                try:
                    cache.move_to_end(state)
                except KeyError:  # dropped by another thread meanwhile
                    pass
            return entry
        if state == self.start:
            entry = self._start_state
            if entry is None:
                entry = self._start_state = self._build(state)
            return entry
        entry = self._build(state)
        cache[state] = entry
        if len(cache) >= self.max_states:
            self._full = True
        if len(cache) > self.max_states:
            try:
                cache.popitem(last=False)
            except KeyError:
                pass
        return entry

    def step(self, state: int) -> Trans:
        return self.state(state)[0]

    def final(self, state: int) -> typing.Optional[Outs]:
        return self.state(state)[1]

    def states(self) -> int:
        """How many states are held now, the start state included (for diagnostics)."""
        return len(self._cache) + (self._start_state is not None)

    def built(self) -> int:
        """How many states have been built so far, rebuilt ones counted again (diagnostics)."""
        return self._built

    def _build(self, state: int) -> State:
        g = self.grammar
        offsets, targets, ilabels, olabels, labels, single = (
            g.offsets, g.targets, g.ilabels, g.olabels, g.labels, self._single)
        # States reachable by epsilon edges, with the output labels of the first path (BFS).
        seen: dict[int, Outs] = {state: ()}
        queue = [state]
        for node in queue:
            outs = seen[node]
            for e in range(offsets[node], offsets[node + 1]):
                if not ilabels[e]:
                    nxt = targets[e]
                    if nxt not in seen:
                        olabel = olabels[e]
                        if olabel:
                            seen[nxt] = outs + single[olabel] if outs else single[olabel]
                        else:
                            seen[nxt] = outs
                        queue.append(nxt)
        words: dict[str, list[tuple[int, Outs]]] = {}
        for node, outs in seen.items():
            for e in range(offsets[node], offsets[node + 1]):
                ilabel = ilabels[e]
                if ilabel:
                    olabel = olabels[e]
                    if olabel:
                        on_way = outs + single[olabel] if outs else single[olabel]
                    else:
                        on_way = outs
                    words.setdefault(labels[ilabel], []).append((targets[e], on_way))
        self._built += 1
        return {word: tuple(found) for word, found in words.items()}, seen.get(g.final)


# -----------------------------------------------------------------------------------------------
# Where a compiled grammar is cached.


def grammar_hash(lang_dir: Path) -> bytes:
    """SHA-256 over <lang_dir>/sentences.ini, every file under <lang_dir>/slots/ (by relative
    path) and the compiled format version: what a compiled grammar was made from."""
    lang_dir = Path(lang_dir)
    files = [lang_dir / "sentences.ini"]
    slots_dir = lang_dir / "slots"
    if slots_dir.is_dir():
        files += sorted(p for p in slots_dir.rglob("*") if p.is_file())
    return content_hash(f"legcramp-grammar-format-{FORMAT_VERSION}",
                        ((p.relative_to(lang_dir).as_posix(), p.read_bytes()) for p in files))


def content_hash(tag: str, sources: typing.Iterable[typing.Tuple[str, bytes]]) -> bytes:
    """SHA-256 over a format tag and each (name, contents): a renamed, changed, added or
    removed file gives another hash, so a cache named by it is never stale."""
    digest = hashlib.sha256(f"{tag}\0".encode())
    for name, data in sources:
        digest.update(name.encode() + b"\0")
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.digest()


def cache_dir() -> Path:
    """$XDG_CACHE_HOME/legcramp, or ~/.cache/legcramp."""
    base = os.environ.get("XDG_CACHE_HOME") or ""
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return root / "legcramp"


def compiled_path(lang_dir: Path, digest: typing.Optional[bytes] = None) -> Path:
    """Where the compiled form of the grammar in `lang_dir` is cached: the name holds the
    language and the grammar hash (`digest`, computed when not given), so a changed grammar (or
    format) gets a new file."""
    lang = Path(lang_dir).resolve().name or "grammar"
    digest = grammar_hash(lang_dir) if digest is None else digest
    return cache_dir() / f"grammar-{lang}-{digest.hex()[:24]}{SUFFIX}"


def load_cached(lang_dir: Path,
                digest: typing.Optional[bytes] = None) -> typing.Optional[CompiledGrammar]:
    """The cached compiled grammar of `lang_dir` if it is there, sound, and was compiled from
    these very files (`digest`: their grammar_hash, computed when not given); else None."""
    digest = grammar_hash(lang_dir) if digest is None else digest
    path = compiled_path(lang_dir, digest=digest)
    try:
        grammar = CompiledGrammar.load(path)
    except FileNotFoundError:
        return None
    except (OSError, CompiledGrammarError) as exc:
        _LOGGER.warning("ignoring the cached grammar: %s", exc)
        return None
    if grammar.source_hash != digest:
        _LOGGER.warning("ignoring the cached grammar %s: compiled from other files", path)
        return None
    _LOGGER.debug("grammar loaded from %s", path)
    return grammar
