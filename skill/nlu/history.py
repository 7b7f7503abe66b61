"""History context (ConText, Harkema 2009): a sign said of the distant past is not a sign now.

"I fainted once as a teenager" is not `fainting` (triage-rules.md, Definitions), and "I had
sciatica in my forties" is not back pain tonight. The markers are specific to the distant past,
never "an hour ago" or "earlier": a recent sign must never be dropped. Findings that are history
by nature (a previous clot, the pill, how often cramps come, medicines and conditions)
keep their value: the past is what they ask about. Risk factors that count only when recent (an
operation, a journey, a birth, cancer treated in the last six months) are dropped like signs:
"after my caesarean ten years ago", "i had cancer as a kid".
"""
from __future__ import annotations

# Phrases that place what was just said in the distant past.
HISTORY_MARKERS: tuple[tuple[str, ...], ...] = (
    ("years", "ago"), ("years", "back"), ("decades", "ago"), ("ages", "ago"),
    ("a", "long", "time", "ago"), ("long", "ago"), ("as", "a", "teenager"), ("as", "a", "kid"),
    ("as", "a", "child"), ("as", "a", "boy"), ("as", "a", "girl"), ("as", "a", "youngster"),
    ("when", "i", "was", "young"), ("when", "i", "was", "younger"), ("when", "i", "was", "a"),
    ("when", "i", "was", "little"), ("when", "i", "was", "at", "school"),
    # "back in" with a time long gone, not "three weeks back in the hospital".
    ("back", "in", "the", "day"), ("back", "in", "twenty"),
    ("back", "in", "nineteen"), ("back", "in", "school"),
    ("back", "in", "college"), ("back", "in", "the", "eighties"), ("back", "in", "the", "nineties"),
    ("in", "my", "teens"), ("in", "my", "twenties"), ("in", "my", "thirties"),
    ("in", "my", "forties"), ("in", "my", "fifties"), ("in", "my", "sixties"),
    ("in", "my", "seventies"), ("in", "nineteen"), ("at", "school"), ("once", "before"),
    ("last", "year"), ("a", "year", "ago"), ("the", "year", "before"),
    ("in", "high", "school"), ("in", "college"), ("at", "college"), ("at", "university"),
    ("at", "uni"), ("as", "a", "student"), ("when", "i", "was", "small"),
    ("as", "a", "small"), ("when", "i", "was", "in", "school"),
    ("in", "school"), ("as", "a", "teen"),
    # Years said as a recogniser writes them, up to last year: "back in twenty nineteen".
    *(("in", "twenty", y) for y in (
        "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split())),
    *(("in", "twenty", "twenty", y) for y in ("one", "two", "three", "four", "five")),
    ("in", "two", "thousand"), ("year", "ago"), ("year", "back"),
    # An age said in words: "when i was sixteen", "when i was twenty".
    *(("when", "i", "was", age) for age in (
        "five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty thirty forty fifty".split())),
)

# Words that end the scope of a marker: what follows is about now again.
TERMINATORS = frozenset(
    "but though although now tonight today this currently however lately recently".split())

WINDOW = 14  # words after a statement in which a marker still belongs to it


def in_the_past(after: list[str]) -> bool:
    """The words following a statement place it in the distant past."""
    scope: list[str] = []
    for k, word in enumerate(after[:WINDOW]):
        if word == "but" and (after[k + 1:k + 3] in (["that", "was"], ["it", "was"])
                              or after[k + 1:k + 2] == ["that's"]):
            continue  # "an operation, but that was back in twenty nineteen": said of it
        if word in TERMINATORS:
            break
        scope.append(word)
    return _marked(scope)


def in_the_past_before(before: list[str]) -> bool:
    """The words just before a statement, in its clause, place it in the distant past ("when i
    was a teenager i fainted once", "years ago i had sciatica")."""
    scope: list[str] = []
    for word in reversed(before[-WINDOW:]):
        if word in TERMINATORS or word in ("and", "so"):
            break
        scope.insert(0, word)
    return _marked(scope)


def _marked(scope: list[str]) -> bool:
    """A history marker stands somewhere in `scope`; only the markers that begin with a word
    of the scope are tried."""
    return any(tuple(scope[i:i + len(m)]) == m
               for i, word in enumerate(scope) for m in _MARKERS_BY_FIRST.get(word, ()))


_MARKERS_BY_FIRST: dict[str, tuple[tuple[str, ...], ...]] = {}
for _m in HISTORY_MARKERS:
    _MARKERS_BY_FIRST[_m[0]] = (*_MARKERS_BY_FIRST.get(_m[0], ()), _m)


def is_current(finding: str) -> bool:
    """A finding about now (a sign, the pain, a recent risk), which the distant past cancels;
    any other finding is history by nature ("i had a clot back in twenty nineteen")."""
    return finding in _CURRENT


def without_the_past(slots: dict[str, str]) -> dict[str, str]:
    """The slots that still say something about now. A denial stays: "no operations lately,
    the last one was years ago" denies an operation now."""
    return {name: value for name, value in slots.items()
            if name not in _CURRENT or value in ("false", "none")}


# Signs and features of the pain now, and risk factors that count only when recent. Everything
# else (a previous clot, cancer, the pill, how often cramps come, medicines, conditions) is
# history by nature and keeps its value.
_CURRENT = frozenset({
    "breathless", "chest_pain", "coughing_blood", "fainting", "cold_pale_leg", "numb_or_weak_leg",
    "saddle_numbness_or_incontinence", "back_pain_radiating", "pain_walking_eased_by_rest",
    "swelling", "warmth", "redness", "fever", "bruising", "cramp_now", "muscle_knot",
    "pain_location", "pain_side", "duration", "eased_by_stretching", "woke_from_sleep",
    # Recent by definition (triage-rules.md: the last weeks): an operation, a journey, a birth,
    # an injury or exercise years ago is no risk tonight.
    "recent_surgery_or_bedrest", "long_travel", "pregnant_or_postpartum", "recent_injury",
    "recent_exercise",
    # Cancer counts now or treated in the last six months (findings.yaml): "i had cancer as a
    # kid" is no cancer tonight.
    "cancer",
})
