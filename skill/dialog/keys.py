"""Every dialog key the dialog manager can speak, with the placeholders each must carry.

The phrasebook (skill/dialog/phrasebook.py) checks dialogs/<lang>/*.yaml against this at load
time: a missing key, a missing or unexpected placeholder is an error before anyone is spoken to,
not a silent gap at 3 a.m.
"""
from __future__ import annotations

from ..triage.questions import CHECKABLE, QUESTION_FINDINGS  # noqa: F401 (re-exported)

RULE_IDS: tuple[str, ...] = (
    "E1", "E2", "E3", "E4", "E5", "U1", "U2", "U3", "U4", "U5",
    "D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "S",
)

DISPOSITIONS: tuple[str, ...] = ("emergency", "urgent", "doctor", "self_care")

# What the person may say after the advice; each is answered per disposition.
AFTER_REPLIES: tuple[str, ...] = ("Refuse", "CanIWait", "CanISleep", "pain_relief", "yes", "close")

ROUTINES: tuple[str, ...] = (
    "calf_stretch", "foot_stretch", "hamstring_stretch", "quad_stretch", "bedtime_routine",
)


# Ordinal words the dialogs spell ("your fourth cramp this week"); past these, digits.
ORDINALS: tuple[int, ...] = tuple(range(3, 15))


def _required() -> dict[str, frozenset[str]]:
    keys: dict[str, frozenset[str]] = {}
    none: frozenset[str] = frozenset()
    items = frozenset({"items"})
    number = frozenset({"number"})
    for qid, findings in QUESTION_FINDINGS.items():
        many = len(findings) > 1
        keys[f"ask.{qid}"] = items if many else none
        keys[f"reprompt.{qid}"] = items if many else none
        if many:
            keys[f"which.{qid}"] = items
            for finding in findings:
                keys[f"item.{qid}.{finding}"] = none
    keys["clarify.lead"] = none
    keys["clarify.one"] = none
    keys["clarify.eased"] = none
    # Nouns for what could not be ruled out ("I couldn't rule out chest pain").
    for finding in sorted({f for fs in QUESTION_FINDINGS.values() for f in fs}):
        keys[f"sign.{finding}"] = none
    for finding in CHECKABLE:
        keys[f"check.{finding}"] = none
    # An answer ruling out emergency signs, heard with low confidence, asked again (issue 14).
    keys["heard.confirm"] = none
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
        "misunderstood.unsure": items,
        "silence.give_up": none,
        "silence.again": none,
        "silence.unsure": items,
        "command.stop_unsure": items,
        "command.before_advice": none,
        "filler.wait": none,
        "complaint.unclear": none,
        "red_flags": number,
        "red_flags_first": number,
        "request.cannot_call": none,
        "reason.asked_ambulance": none,
        "knowledge.suspect_clot": none,
        "advice.ten_minutes": none,
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
    # The one reply after the advice (invariant 12), per disposition.
    for level in DISPOSITIONS:
        keys[f"after.ask.{level}"] = number if level == "emergency" else none
        for reply in AFTER_REPLIES:
            if (reply, level) != ("yes", "self_care"):  # a yes to the tips offer gets the tips
                keys[f"after.{reply}.{level}"] = number
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
