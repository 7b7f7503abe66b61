"""The Hermes shell's own copy of the grammar: loaded after start-up, never blocking it.

`legcramp hermes` must be ready in a fraction of a second and must not import rhasspy-nlu,
networkx or numpy. The compiled grammar (skill/nlu/compile.py) is a 2 MB file of flat arrays
that the pure runtime loads in milliseconds, so a cached one is loaded before connecting; when
it is not cached yet, a child process compiles it in the background, and until it is loaded
the shell relies on Rhasspy's own intent alone (see hermes.understand).
"""
from __future__ import annotations

import gc
import logging
import subprocess
import sys
import threading
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Optional

from ..dialog.events import Segment

from ..nlu.automaton import CompiledGrammarError, compiled_path

log = logging.getLogger("legcramp.hermes")

# States kept by the recogniser's cache: about 1.3 KB each, so some 10 MB at most.
MAX_STATES = 8192
# Utterances remembered with what was recognised in them: a few hundred bytes each.
MEMO_TEXTS = 4096


def load(intents_dir: Path, ready: Callable[[Callable], None], timeout_s: float = 300.0) -> None:
    """Compile if needed (in a child process), load, then hand `recognize` to `ready`."""
    from ..nlu.compiled import CompiledRecognizer
    from ..nlu.concepts import ConceptReader

    path = compiled_path(intents_dir)
    try:
        if not path.exists():
            subprocess.run([sys.executable, "-m", "skill.nlu.compile", str(intents_dir), str(path)],
                           check=True, timeout=timeout_s, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
        recogniser = CompiledRecognizer.from_compiled(
            path, max_states=MAX_STATES, concepts=ConceptReader.from_dir(intents_dir))
    except (OSError, subprocess.SubprocessError, CompiledGrammarError, ValueError) as err:
        log.warning("carrying on with Rhasspy's intents alone: no local grammar (%s)", err)
        return
    ready(memoised(recogniser.recognize))
    # What is alive now (modules, dialogs, the grammar's arrays) lives as long as the process:
    # moved out of the collector's sight, so a full collection no longer walks it (~20 ms).
    gc.freeze()
    log.info("local grammar loaded: every phrase of what is heard is read")


def memoised(recognize: Callable[[str], tuple[Segment, ...]],
             maxsize: int = MEMO_TEXTS) -> Callable[[str], tuple[Segment, ...]]:
    """`recognize` remembered by the words heard, with read-only slots (results are shared).

    People answer with the same few words all night ("no", "i'm not sure", "yes it has"), and
    a cached answer costs microseconds where a walk of the grammar costs a millisecond or more.
    """
    @lru_cache(maxsize=maxsize)
    def cached(text: str) -> tuple[Segment, ...]:
        return tuple(Segment(s.intent, MappingProxyType(dict(s.slots)), s.text, s.cue)
                     for s in recognize(text))

    return cached


def start(intents_dir: Path, ready: Callable[[Callable], None]) -> Optional[threading.Thread]:
    """Load now when the compiled grammar is cached (a few milliseconds, so the first turns are
    read like every later one); otherwise compile and load it in the background."""
    if compiled_path(intents_dir).exists():
        load(intents_dir, ready)
        return None
    return load_in_background(intents_dir, ready)


def load_in_background(intents_dir: Path, ready: Callable[[Callable], None]) -> threading.Thread:
    thread = threading.Thread(target=load, args=(intents_dir, ready), name="legcramp-grammar",
                              daemon=True)
    thread.start()
    return thread
