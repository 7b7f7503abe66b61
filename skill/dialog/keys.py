"""Every dialog key the dialog manager can speak, with the placeholders each must carry.

The phrasebook (skill/dialog/phrasebook.py) checks dialogs/<lang>/*.yaml against this at load
time: a missing key, a missing or unexpected placeholder is an error before anyone is spoken to,
not a silent gap at 3 a.m.
"""
from __future__ import annotations

# Questions: id -> the findings each asks about, in the order they are listed when spoken.
# The triage core's question table (skill/triage/questions.py) uses the same ids.
QUESTION_FINDINGS: dict[str, tuple[str, ...]] = {
    "cramp_safety": ("breathless", "chest_pain", "coughing_blood", "fainting", "cold_pale_leg",
                     "numb_or_weak_leg", "swelling", "redness", "warmth", "bruising"),
    "emergency_screen": ("breathless", "chest_pain", "coughing_blood", "fainting", "fever",
                         "cold_pale_leg", "numb_or_weak_leg"),
    "saddle": ("saddle_numbness_or_incontinence",),
    "leg_signs": ("swelling", "redness", "warmth", "bruising"),
    "fever": ("fever",),
    "duration": ("duration",),
    "eased": ("eased_by_stretching",),
    "eased_after_guide": ("eased_by_stretching",),
    "location": ("pain_location",),
    "side": ("pain_side",),
    "recent_risks": ("recent_surgery_or_bedrest", "long_travel", "pregnant_or_postpartum"),
    "clot_history": ("previous_clot", "cancer", "hormone_medication"),
    "frequency": ("cramps_per_week",),
    "medicines": ("cramp_medication", "chronic_condition"),
    "pain_pattern": ("pain_walking_eased_by_rest", "back_pain_radiating", "recent_injury"),
}

RULE_IDS: tuple[str, ...] = (
    "E1", "E2", "E3", "E4", "E5", "U1", "U2", "U3", "U4", "U5",
    "D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "S",
)

# Findings for which the skill can help the person find out, once, after "I don't know".
CHECKABLE: tuple[str, ...] = (
    "swelling", "warmth", "redness", "bruising", "cold_pale_leg", "numb_or_weak_leg", "breathless",
)

ROUTINES: tuple[str, ...] = (
    "calf_stretch", "foot_stretch", "hamstring_stretch", "quad_stretch", "bedtime_routine",
)


# Ordinal words the dialogs spell ("your fourth cramp this week"); past these, digits.
ORDINALS: tuple[int, ...] = tuple(range(3, 15))


def _required() -> dict[str, frozenset[str]]:
    keys: dict[str, frozenset[str]] = {}
    none: frozenset[str] = frozenset()
    items = frozenset({"items"})
    for qid, findings in QUESTION_FINDINGS.items():
        many = len(findings) > 1
        keys[f"ask.{qid}"] = items if many else none
        keys[f"reprompt.{qid}"] = items if many else none
        if many:
            for finding in findings:
                keys[f"item.{qid}.{finding}"] = none
    keys["which.cramp_safety"] = items
    for finding in CHECKABLE:
        keys[f"check.{finding}"] = none
    for rule in RULE_IDS:
        keys[f"reason.{rule}"] = none
    keys.update({
        "advice.emergency": frozenset({"number"}),
        "advice.urgent": none,
        "advice.doctor": none,
        "advice.self_care": none,
        "advice.because": frozenset({"reasons"}),
        "advice.medicines_note": none,
        "safety_net": none,
        "self_care.after": none,
        "self_care.prevention": none,
        "self_care.offer_routine": none,
        "knowledge.causes": none,
        "knowledge.prevention": none,
        "knowledge.cramp_or_clot": none,
        "knowledge.clot_signs": none,
        "knowledge.when_to_see_doctor": none,
        "remedies.quinine": none,
        "remedies.magnesium": none,
        "remedies.other": none,
        "guide.refused": none,
        "guide.withheld": none,
        "guide.finish": none,
        "command.help": none,
        "error.fallback": none,
        "command.nothing_to_repeat": none,
        "command.stop": none,
        "command.so_far": none,
        "command.carry_on": none,
        "misunderstood.again": none,
        "misunderstood.give_up": none,
        "silence.give_up": none,
        "greeting.welcome": none,
        "ack.ok": none,
        # Joining words for spoken lists ("a, b, or c"): a translator may need "a, b oder c".
        "grammar.or_pair": frozenset({"first", "last"}),
        "grammar.or_series": frozenset({"rest", "last"}),
        "grammar.and_pair": frozenset({"first", "last"}),
        "grammar.and_series": frozenset({"rest", "last"}),
        "grammar.separator": none,
        "ack.good": none,
    })
    for routine in ROUTINES:
        keys[f"guide.{routine}.intro"] = none
    count = frozenset({"count"})
    keys.update({
        # The cramp diary (skill/triage/history.py, skill/diary).
        "reason.D2_diary": count,             # {count}: an ordinal word, "fourth"
        "reason.D2_diary_many": count,        # {count}: digits, past the ordinal words
        "diary.disabled": none,
        "diary.empty": none,
        "diary.count.week": count,
        "diary.count.week_one": none,
        "diary.count.week_none": none,
        "diary.count.month": count,
        "diary.count.month_one": none,
        "diary.count.month_none": none,
        "diary.last": frozenset({"when", "leg"}),
        "diary.last_no_leg": frozenset({"when"}),
        "diary.when.today": none,
        "diary.when.yesterday": none,
        "diary.when.days_ago": frozenset({"count", "weekday"}),
        "diary.when.weeks_ago": count,
        "diary.leg.most": frozenset({"leg", "count", "total"}),
        "diary.leg.even": none,
        "diary.forget.confirm": none,
        "diary.forget.done": none,
        "diary.forget.kept": none,
        "diary.forget.unsure": none,
    })
    for side in ("left", "right", "both"):
        keys[f"diary.side.{side}"] = none
    for day in range(7):
        keys[f"weekday.{day}"] = none
    for n in ORDINALS:
        keys[f"ordinal.{n}"] = none
    return keys


REQUIRED: dict[str, frozenset[str]] = _required()
