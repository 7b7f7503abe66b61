"""The triage rules of docs/triage-rules.md, one row each.

Read a row as: "if <when>, the disposition is <level>, because <reason>" (source: <source>).
Rows are checked most urgent first and the first that matches decides; `assess` still reports
every row that matched. `unknown` counts as present for every sign and risk factor (`present`),
except clot signs in a typical cramp that has already eased (`clot_sign`), per the spec's
Definitions and invariant 4.
"""
from __future__ import annotations

from dataclasses import dataclass

from .conditions import AtLeast, Condition, all_, any_, is_, not_, present
from .findings import CLOT_RISK_FACTORS, UNKNOWN, Disposition

EMERGENCY, URGENT, DOCTOR, SELF_CARE = (
    Disposition.EMERGENCY, Disposition.URGENT, Disposition.DOCTOR, Disposition.SELF_CARE,
)


@dataclass(frozen=True)
class Rule:
    """One row. A `fallback` row matches only when no ordinary row above it did (D8, S)."""

    id: str
    level: Disposition
    when: Condition
    reason: str
    source: str
    fallback: bool = False


SHORT = ("seconds", "minutes")
LONG = ("over_10_minutes", "hours", "days", UNKNOWN)
HOURS_OR_DAYS = ("hours", "days", UNKNOWN)

# A typical cramp that has already eased: brief, and stretching (or walking it off) helped.
EASED_CRAMP = all_(is_("duration", *SHORT), is_("eased_by_stretching", True))


def clot_sign(finding: str, *values: object) -> Condition:
    """A clot sign that is there, or unknown unless the episode is a cramp that has eased."""
    yes = values or (True,)
    return any_(is_(finding, *yes), all_(is_(finding, UNKNOWN), not_(EASED_CRAMP)))


# Spec "Self-care": brief, eased by stretching, in a cramp muscle, with no swelling, warmth or
# redness (unknown ones do not block it: the cramp has eased, invariant 4).
TYPICAL_CRAMP = all_(
    EASED_CRAMP,
    is_("pain_location", "calf", "foot", "toes", "thigh"),
    is_("swelling", "none", UNKNOWN),
    is_("warmth", False, UNKNOWN),
    is_("redness", False, UNKNOWN),
)

E1 = any_(present("breathless"), present("chest_pain"), present("coughing_blood"))
E2 = present("fainting")
E3 = any_(present("cold_pale_leg"), present("numb_or_weak_leg"))
E4 = present("saddle_numbness_or_incontinence")
E5 = all_(present("fever"), any_(clot_sign("redness"), clot_sign("warmth")))
ANY_EMERGENCY = any_(E1, E2, E3, E4, E5)

U1 = clot_sign("swelling", "one_leg")
U2 = any_(clot_sign("warmth"), clot_sign("redness"))
U3 = all_(is_("duration", *LONG), is_("eased_by_stretching", False, UNKNOWN))
U4 = present("bruising")
U5 = all_(
    is_("pain_side", "left", "right", UNKNOWN),
    is_("duration", *HOURS_OR_DAYS),
    any_(*(present(f) for f in CLOT_RISK_FACTORS)),
)
ANY_URGENT = any_(U1, U2, U3, U4, U5)

RULES: tuple[Rule, ...] = (
    Rule("E1", EMERGENCY, E1,
         "you are short of breath, have chest pain or are coughing blood, which can mean a clot in the lungs",
         "NHS DVT page (999 with breathlessness or chest pain); Mayo Clinic leg swelling; seed 000"),
    Rule("E2", EMERGENCY, E2,
         "you have fainted or feel faint, which with leg pain can mean a clot in the lungs",
         "Mayo Clinic leg swelling (fainting or dizziness with leg swelling: call 911)"),
    Rule("E3", EMERGENCY, E3,
         "your leg or foot is cold, pale, numb or weak, which can mean its blood supply is blocked",
         "acute limb ischaemia, the six Ps; sudden leg weakness can also be a stroke"),
    Rule("E4", EMERGENCY, E4,
         "numbness around your bottom or losing control of your bladder or bowel can mean a trapped nerve root that needs treatment now",
         "cauda equina syndrome; NHS sciatica page (999 or A&E)"),
    Rule("E5", EMERGENCY, E5,
         "a fever with red or warm skin can mean a spreading infection",
         "spreading infection or sepsis; NHS cellulitis page"),
    Rule("U1", URGENT, U1,
         "one leg is swollen, or we could not tell, which can be a sign of a clot",
         "NHS DVT page; seed 000 swelling in one leg; seed 001 (NHLBI); Schmitt-Thompson leg swelling"),
    Rule("U2", URGENT, U2,
         "the painful area is warm or red, which can be a clot or an infection",
         "NHS DVT page; seed 000; seed 001"),
    Rule("U3", URGENT, U3,
         "the pain has lasted more than ten minutes and stretching does not ease it, and a clot cannot be walked off",
         "NHS inform leg cramps; seed 000 persistent pain that does not improve with stretching; seed 001"),
    Rule("U4", URGENT, U4,
         "a bruise after sudden calf pain can be a torn muscle or a burst cyst, and a clot still has to be ruled out",
         "ruptured Baker's cyst or muscle tear, still needs a scan to exclude DVT"),
    Rule("U5", URGENT, U5,
         "pain in one leg for hours, with something that raises the chance of a clot",
         "Wells criteria; NICE NG158; seed 001 if you are at risk and have symptoms, suspect a clot"),
    Rule("D1", DOCTOR, present("pain_walking_eased_by_rest"),
         "pain that comes with walking and goes with rest can mean narrowed arteries",
         "claudication, peripheral artery disease; seeds 000, 002, 003; NICE claudication"),
    Rule("D2", DOCTOR, AtLeast("cramps_per_week", 3),
         "cramps three or more times a week deserve a check",
         "frequent cramps; NHS leg cramps; seed 002 if cramps are frequent or severe; seed 003"),
    Rule("D3", DOCTOR, all_(is_("swelling", "both_legs"), not_(ANY_EMERGENCY)),
         "both legs are swollen, which can come from the heart, kidneys or veins",
         "Mayo Clinic leg swelling"),
    Rule("D4", DOCTOR, all_(present("back_pain_radiating"), not_(E4)),
         "pain that runs down from your back can come from a trapped nerve",
         "sciatica, nerve root; seed 004 (L5 nerve)"),
    Rule("D5", DOCTOR, present("cramp_medication"),
         "some medicines can cause cramps, and a doctor can review them",
         "diuretics, statins, salbutamol, nifedipine; seeds 002, 003; NICE CKS leg cramps"),
    Rule("D6", DOCTOR, present("chronic_condition"),
         "cramps with a long term condition are worth checking with your doctor",
         "seed 003 if you have a chronic condition talk to your doctor; seed 002"),
    Rule("D7", DOCTOR, all_(present("recent_injury"), not_(ANY_URGENT)),
         "this sounds more like a strain or a tear than a cramp",
         "a strain or tear rather than a cramp"),
    Rule("D8", DOCTOR, not_(TYPICAL_CRAMP),
         "this does not sound like an ordinary cramp, so it is worth a check",
         "seeds 002, 003: if symptoms persist, consult", fallback=True),
    Rule("S", SELF_CARE, TYPICAL_CRAMP,
         "it was brief, eased with stretching, and there are no signs of a clot",
         "typical cramp; seeds 000, 002, 004; NHS leg cramps", fallback=True),
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
