"""Why an episode got its advice, and what the person answered: the report's per-episode line.

Why the words spoken, not the rule table's notes: the doctor reading the report should see the
reason the person heard ("one swollen leg can mean a blood clot"), from dialogs/<lang>. The
rules are the ones that matched when the advice was given (kept with the episode); an episode
recorded before they were kept has them worked out again from its findings. The labels say only
what was asked ("water pills or statins or a new medicine"), not more.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Optional

from ..triage.findings import UNKNOWN, InvalidFinding, parse_value
from ..triage.rules import RULES_BY_ID
from .store import Episode

log = logging.getLogger(__name__)

SPOKEN_REASONS = 2
"""The advice names the first two deciding reasons (skill/dialog/speech.py, `because`)."""
NOT_ANSWERS = frozenset({"pain_side", "pain_location", "duration", "cramp_now", "cramps_per_week"})
"""Findings the report shows elsewhere (its own columns, the frequency), not as a yes."""
NO_VALUES = frozenset({"none", "no"})


@dataclass(frozen=True)
class Why:
    reasons: tuple[str, ...]
    yes: tuple[str, ...]
    not_known: tuple[str, ...]


def deciding(episode: Episode) -> tuple[str, ...]:
    """The rules that decided the advice (those at its level), most urgent first."""
    rules = episode.rules or _assessed(episode)
    return tuple(r for r in rules
                 if r in RULES_BY_ID and RULES_BY_ID[r].level.id == episode.disposition)


def _assessed(episode: Episode) -> tuple[str, ...]:
    from ..triage.engine import assess

    try:
        findings = {k: parse_value(k, v) for k, v in episode.findings.items()}
        return tuple(assess(findings).rules)
    except (InvalidFinding, KeyError, TypeError, ValueError):
        return ()


@lru_cache(maxsize=4)
def _reason_words(lang: str) -> Callable[[str], Optional[str]]:
    """The spoken reason of a rule in `lang`, or None when the dialogs cannot be loaded."""
    from ..content import content_dir
    from ..dialog.phrasebook import Phrasebook, PhrasebookError

    try:
        book = Phrasebook.load(content_dir("dialogs", lang))
    except (PhrasebookError, OSError) as err:
        log.warning("the report gives the rule table's reasons: the dialogs did not load (%s)",
                    type(err).__name__)
        return lambda rule: None

    def say(rule: str) -> Optional[str]:
        try:
            return book.say(f"reason.{rule}")
        except KeyError:
            return None

    return say


def reasons(episode: Episode, lang: str = "en") -> tuple[str, ...]:
    words = _reason_words(lang)
    return tuple(words(r) or RULES_BY_ID[r].reason for r in deciding(episode)[:SPOKEN_REASONS])


def why(episode: Episode, label: Callable[[str, object], str], lang: str = "en") -> Why:
    """The reasons spoken, the findings answered yes (or a kind of yes: swelling of one leg),
    and the ones the person did not know."""
    yes, unknown = [], []
    for ident, value in sorted(episode.findings.items()):
        if ident in NOT_ANSWERS:
            continue
        if value == UNKNOWN:
            unknown.append(label(ident, True))
        elif value is True or (isinstance(value, str) and value not in NO_VALUES):
            yes.append(label(ident, value))
    return Why(reasons(episode, lang), tuple(yes), tuple(unknown))
