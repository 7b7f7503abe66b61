"""Other-person context (ConText, Harkema 2009): someone else's history is nothing about the
caller. "My wife is on statins", "my husband's the one on statins", "my mum had clots": no
finding (triage-rules.md, Definitions). Only risk factors and background are dropped: signs
said of another person are kept, because a carer calls about the patient ("my dad's calf is
swollen, he can't get his breath"). A relative who reports on the caller ("my wife says i'm on
too many tablets") and what the caller says of themself after naming someone ("my wife's asleep
and i take statins") stay the caller's.
"""
from __future__ import annotations

OTHER_PEOPLE = frozenset(
    "wife wife's husband husband's partner partner's mum mum's mom mom's mother mother's dad "
    "dad's father father's brother brother's sister sister's son son's daughter daughter's "
    "friend friend's neighbour neighbour's neighbor neighbor's aunt aunt's auntie aunty uncle "
    "uncle's gran granny grandma grandmother grandad grandpa grandfather cousin niece nephew "
    "boyfriend boyfriend's girlfriend girlfriend's missus missus' hubby hubby's tita tito nan "
    "nan's nana nana's grandma's grandpa's granny's cousin's niece's nephew's man's "
    "she she's he he's her his".split()
)
REPORTING = frozenset(
    "says said thinks thought reckons noticed told tells saw sees made makes wants wanted "
    "worries worried".split()
)
FIRST_PERSON = frozenset("i i'm i've i'd i'll me myself my".split())


# Findings that are a person's history or treatment: a relative's are family history. Not a
# birth: "my son is nine days old" is the caller's own postpartum weeks.
HISTORY_INTENTS = frozenset({"ReportRisk", "ReportBackground"})
OWN_EVEN_WITH_OTHERS = frozenset({"pregnant_or_postpartum"})


def about_someone_else(before: list[str], own: list[str]) -> bool:
    """The words before a statement (since the last one) and its own words name another person
    as its subject, who is not reporting on the caller."""
    words = [*before, *own]
    last = max((k for k, w in enumerate(words) if w in OTHER_PEOPLE), default=None)
    if last is None:
        return False
    after = words[last + 1:]
    if after[:1] and after[0] in REPORTING:
        return False  # "my wife says ..." reports on the caller
    return not any(w in FIRST_PERSON for w in after)
