"""The Hermes shell's own copy of the grammar: loaded after start-up, never blocking it.

`legcramp hermes` must be ready in a fraction of a second and must not import rhasspy-nlu,
networkx or numpy. The compiled grammar (skill/nlu/compile.py) is a 2 MB file of flat arrays
that the pure runtime loads in milliseconds; when it is not cached yet, a child process compiles
it. Until it is loaded, the shell relies on Rhasspy's own intent alone (see hermes.understand).
"""
from __future__ import annotations

import logging
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable

from ..nlu.automaton import CompiledGrammarError, compiled_path

log = logging.getLogger("legcramp.hermes")

# States kept by the recogniser's cache: about 1.3 KB each, so some 10 MB at most.
MAX_STATES = 8192


def load(intents_dir: Path, ready: Callable[[Callable], None], timeout_s: float = 300.0) -> None:
    """Compile if needed (in a child process), load, then hand `recognize` to `ready`."""
    from ..nlu.compiled import CompiledRecognizer

    path = compiled_path(intents_dir)
    try:
        if not path.exists():
            subprocess.run([sys.executable, "-m", "skill.nlu.compile", str(intents_dir), str(path)],
                           check=True, timeout=timeout_s, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
        recogniser = CompiledRecognizer.from_compiled(path, max_states=MAX_STATES)
    except (OSError, subprocess.SubprocessError, CompiledGrammarError) as err:
        log.warning("carrying on with Rhasspy's intents alone: no local grammar (%s)", err)
        return
    ready(recogniser.recognize)
    log.info("local grammar loaded: every phrase of what is heard is read")


def load_in_background(intents_dir: Path, ready: Callable[[Callable], None]) -> threading.Thread:
    thread = threading.Thread(target=load, args=(intents_dir, ready), name="legcramp-grammar",
                              daemon=True)
    thread.start()
    return thread
