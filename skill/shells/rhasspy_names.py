"""Our intent names as Rhasspy knows them: every one prefixed, mapped here and nowhere else.

Why a prefix: a Rhasspy profile is shared by every skill on it, and intent names are global in
it. `Stop`, `Help`, `Affirm` or `Repeat` would clash with another skill's, and a "help" meant
for that skill would start a leg-pain conversation. So what leaves the skill for Rhasspy (the
grammar written by `legcramp install` and `legcramp sentences`, the topics subscribed to, the
intent filters sent) says `LegcrampStop`, and what comes back is mapped to the names of
skill/nlu/contract.py on the way in, before anything else reads it. Inside the skill, in
intents/<lang>/sentences.ini and in `legcramp chat`, the names stay short.
"""
from __future__ import annotations

import re
from typing import Iterable, Optional

from ..nlu.contract import INTENTS

PREFIX = "Legcramp"
TO_RHASSPY: dict[str, str] = {name: PREFIX + name for name in INTENTS}
FROM_RHASSPY: dict[str, str] = {rhasspy: name for name, rhasspy in TO_RHASSPY.items()}
# A section header `[Name]`, or a rule reference `<Name.rule>`, of a Rhasspy sentences file.
_SECTION = re.compile(r"^(\s*\[)([^\]]+)(\]\s*)$", re.MULTILINE)
_REFERENCE = re.compile(r"<([A-Za-z][A-Za-z0-9_]*)\.")


def rhasspy_name(name: str) -> str:
    """Our intent `name` (skill/nlu/contract.py) as it is named in Rhasspy."""
    return TO_RHASSPY[name]


def rhasspy_names(names: Iterable[str]) -> list[str]:
    return [TO_RHASSPY[name] for name in names]


def our_name(rhasspy: Optional[str]) -> Optional[str]:
    """The intent of ours that Rhasspy calls `rhasspy`, or None: a name without our prefix
    (`Stop`) is another skill's, even when it is spelled like one of ours."""
    return FROM_RHASSPY.get(rhasspy or "")


def prefixed_grammar(ini: str) -> str:
    """A sentences file with every intent of ours renamed for Rhasspy, in its section headers
    and in the rule references between intents (`<ReportPain.rule>`)."""
    unknown = sorted({m.group(2) for m in _SECTION.finditer(ini)} - set(TO_RHASSPY))
    if unknown:
        raise ValueError(f"intents not in skill/nlu/contract.py: {', '.join(unknown)}")
    ini = _SECTION.sub(lambda m: f"{m.group(1)}{TO_RHASSPY[m.group(2)]}{m.group(3)}", ini)
    return _REFERENCE.sub(
        lambda m: f"<{TO_RHASSPY.get(m.group(1), m.group(1))}.", ini)
