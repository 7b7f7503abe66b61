"""One recognised piece of an utterance, the recogniser's output and the dialog's input.

It lives in nlu (and skill.dialog.events re-exports it) so that recognition needs nothing from
the dialog: nlu imports nothing from dialog.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping


@dataclass(frozen=True)
class Segment:
    """One recognised piece of an utterance: an intent and its slots.

    A local recogniser may find several segments in one sentence ("my calf is swollen and i flew
    back yesterday"); a Hermes intent message is exactly one. Slot names are finding ids (values as
    strings, as a grammar tags them) or one of the extra slots listed in skill/nlu/contract.py.
    `text` is the words the segment was read from; `cue` the words around them that changed
    what it says ("i don't think" before "it's swollen"), so a clinician auditing a transcript
    can see why a finding is there (`legcramp chat --jsonl --explain`).
    """

    intent: str
    slots: Mapping[str, str] = field(default_factory=dict)
    text: str = ""
    cue: str = ""
