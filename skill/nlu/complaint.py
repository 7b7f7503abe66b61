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
    "numb tingling burning".split()
)


def mentions_leg(text: str) -> bool:
    """True when the words name a part of the leg, a cramp, or pain."""
    return any(word in LEG_WORDS or word in PAIN_WORDS for word in tokens(text))
