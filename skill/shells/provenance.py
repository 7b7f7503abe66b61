"""Where each finding of a turn came from: the words, and the context that changed them.

Precision is safety too: a false sign changes the advice. So every finding a turn adds or
changes can be traced to the words it was read from (a segment's text, with the negation,
doubt or history cue around it), or to an answer given to the question that was asked ("no"
to "trouble breathing or chest pain?"). Shells log this at debug level (it is health data), and
`legcramp chat --jsonl --explain` adds it to the first line of each turn, for a clinician
auditing a transcript. Pure: no I/O.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence

from ..nlu.segment import Segment
from ..triage.findings import SCHEMA, InvalidFinding, Value, parse_value


def explain(before: Mapping[str, Value], after: Mapping[str, Value],
            segments: Sequence[Segment], text: str,
            asked: Optional[Sequence[str]] = None) -> list[dict[str, Any]]:
    """One entry per finding the turn added or changed, in the order of `after`.

    Each names the finding and its value, and either the words of the segment that stated it
    (`words`, `intent`, and `cue` when context changed it), or, for a finding no segment
    named, the answer it was read from (`answer`: the whole utterance, and `asked`: the
    findings the open question asked about).
    """
    stated = _stated(segments)
    out: list[dict[str, Any]] = []
    for finding, value in after.items():
        if finding in before and before[finding] == value:
            continue
        entry: dict[str, Any] = {"finding": finding, "value": value}
        segment = stated.get((finding, value))
        if segment is not None:
            entry.update(words=segment.text, intent=segment.intent)
            if segment.cue:
                entry["cue"] = segment.cue
        else:
            entry["answer"] = text
            if asked:
                entry["asked"] = list(asked)
        out.append(entry)
    return out


def _stated(segments: Sequence[Segment]) -> dict[tuple[str, Value], Segment]:
    """(finding, value) -> the last segment that stated it (later statements win)."""
    found: dict[tuple[str, Value], Segment] = {}
    for segment in segments:
        for name, raw in segment.slots.items():
            if name not in SCHEMA:
                continue
            try:
                found[(name, parse_value(name, raw))] = segment
            except InvalidFinding:
                continue
    return found
