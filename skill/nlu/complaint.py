"""Is an utterance that nothing in the grammar matched still about a leg?

A nurse who cannot make out the words "my left calf's been acting up" still knows the call is
about a leg, and goes on to the questions instead of hanging up. So does the dialog manager: an
opening that names a part of the leg, a cramp or pain is a complaint (invariant 8), even when no
finding could be read from it.
"""
from __future__ import annotations

from .normalize import tokens

LEG_WORDS: frozenset[str] = frozenset(
    "leg legs leg's calf calves calf's calfs thigh thighs thigh's foot feet foot's toe toes "
    "knee knees ankle ankles shin shins hamstring hamstrings quad quads heel heels instep arch "
    "cramp cramps cramping cramped crampy spasm spasms charley horse".split()
)

# Words of pain or trouble, said of a body part the grammar may not know ("my cavs been
# botherin me"): on a leg line, a complaint all the same.
PAIN_WORDS: frozenset[str] = frozenset(
    "hurt hurts hurting hurted ache aches aching achy sore soreness pain pains painful "
    "throbbing throbs agony killing bothering botherin swollen swelling puffy tight stiff "
    "numb tingling burning balled knotted seized locked grabbing paining pained cramp cramps "
    "cramping cramped spasm hurting".split()
)


def mentions_leg(text: str) -> bool:
    """True when the words name a part of the leg, a cramp, or pain; a leg word misheard by one
    letter counts ("my lef caff's all balled up")."""
    return any(word in LEG_WORDS or word in PAIN_WORDS or _near_leg_word(word)
               for word in tokens(text))


def _near_leg_word(word: str) -> bool:
    word = word.removesuffix("'s")
    return (len(word) >= 4 and word not in _COMMON_NEIGHBOURS
            and any(_one_edit(word, leg) for leg in _LONG_LEG_WORDS))


# Everyday words one letter from a leg word ("half" / "calf", "goes" / "toes"): not a leg.
_COMMON_NEIGHBOURS = frozenset(
    "half goes does feel feels fees food fool look knew skin thin chin spin shine camp ramp "
    "clamp march heal here hell peel meet boot ties lets pegs toss fleet feed seed weed need "
    "shit ship shot host cost foul four your hour tour roes hoes woes heed peep hair kneel".split()
)


_LONG_LEG_WORDS = tuple(w for w in LEG_WORDS if len(w) >= 4 and "'" not in w)


def _one_edit(a: str, b: str) -> bool:
    """a and b differ by one substitution, insertion or deletion."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return a == b
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k in range(len(a)) if a[k] != b[k]), len(a))
    return a[i + (len(a) == len(b)):] == b[i + 1:]
