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
    "nan's nana nana's grandma's grandpa's granny's cousin's niece's nephew's man's mate mate's "
    "pal pal's buddy buddy's colleague colleague's workmate workmate's mam mam's mammy mammy's "
    "da da's daddy daddy's mummy mummy's lola lolo mama mama's momma momma's mommy mommy's "
    "roommate roommate's flatmate flatmate's housemate housemate's coworker coworker's "
    "teammate teammate's classmate classmate's "
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


def _company(words: list[str], k: int) -> bool:
    """ "with my son", "me and my mates": someone who was there, not the subject."""
    lead = words[max(0, k - 2):k]
    return bool(lead) and (lead[-1] == "with" or lead == ["with", "my"] or lead == ["with", "the"]
                           or lead == ["and", "my"] and k >= 3 and words[k - 3] == "me")


def about_someone_else(before: list[str], own: list[str]) -> bool:
    """The words before a statement (since the last one) and its own words name another person
    as its subject, who is not reporting on the caller."""
    words = [*before, *own]
    last = max((k for k, w in enumerate(words) if w in OTHER_PEOPLE and not _company(words, k)),
               default=None)
    if last is None:
        return False
    after = words[last + 1:]
    if after[:1] and after[0] in REPORTING:
        return False  # "my wife says ..." reports on the caller
    return not any(w in FIRST_PERSON for w in after)


# A leg part said of "her" or "him" as it is now, or "she's hurting": the caller speaks for the
# patient ("my wife had our baby three weeks back and now her left leg is swollen"), so the
# patient's risks are the patient's own. "my mum had clots in her legs" is history, not now.
_THEIR = frozenset("her his their".split())
_PARTS = frozenset(
    "leg legs calf calves thigh thighs knee knees ankle ankles foot feet shin shins".split())
_NOW_WORDS = frozenset(
    "is are looks feels swollen hurting hurts sore aching paining puffy red hot killing cramping "
    "throbbing".split())
_THEY_NOW = frozenset("she's he's".split())
_PRESENT = frozenset("is are looks feels hurts aches".split())
_PAST = frozenset("was were had".split())


def speaks_for(toks: list[str]) -> bool:
    """The utterance describes another person's leg as it is now: a carer calling about the
    patient, whose history is then the patient's own. Said in the present ("her leg is
    swollen", "his calf's red", "she's hurting"), never of the past ("her leg was swollen")."""
    for k, word in enumerate(toks):
        if word in _THEIR:
            for m in range(k + 1, min(k + 4, len(toks))):
                part = toks[m].removesuffix("'s")
                after = set(toks[m + 1:m + 4])
                if part in _PARTS and not _PAST & after and (
                        toks[m] != part or _PRESENT & after):
                    return True
        if word in _THEY_NOW and _NOW_WORDS & set(toks[k + 1:k + 3]):
            return True
    return False
