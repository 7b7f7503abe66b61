"""The intents and slots our grammar may produce: the contract between intents/ and the dialog.

Intent names are PascalCase; slot names are finding ids from findings.yaml (values as that file
spells them, ints as digits, plus `unknown`) or one of EXTRA_SLOTS. A test checks that every intent
in intents/<lang>/sentences.ini is listed here with only these slots, and that every intent listed
here is tested.
"""
from __future__ import annotations

REPORT_INTENTS: dict[str, tuple[str, ...]] = {
    # Where and what the pain is.
    "ReportPain": (
        "pain_location", "pain_side", "cramp_now", "muscle_knot", "duration",
        "eased_by_stretching", "woke_from_sleep", "pain_walking_eased_by_rest",
        "back_pain_radiating", "bruising", "recent_injury", "thigh_part",
    ),
    # Signs of a clot or infection in the leg.
    "ReportLegSigns": ("swelling", "warmth", "redness", "fever", "pain_location", "pain_side"),
    # Signs that mean calling the emergency number.
    "ReportEmergency": (
        "breathless", "chest_pain", "coughing_blood", "fainting", "cold_pale_leg",
        "numb_or_weak_leg", "saddle_numbness_or_incontinence",
    ),
    # Clot risk factors.
    "ReportRisk": (
        "recent_surgery_or_bedrest", "long_travel", "previous_clot", "cancer",
        "pregnant_or_postpartum", "hormone_medication",
    ),
    # Cramp background: how often, medicines, conditions, exercise, fluids.
    "ReportBackground": (
        "cramps_per_week", "cramp_medication", "chronic_condition", "recent_exercise", "dehydration",
    ),
}

ANSWER_INTENTS: dict[str, tuple[str, ...]] = {
    "Affirm": (),          # yes, yeah, i think so
    "Deny": (),            # no, nope, not really
    "DontKnow": (),        # i don't know, i'm not sure, i can't tell
    "Hedge": (),           # maybe, a bit, sort of, i think so: a yes after one clarification
    "AnswerNumber": ("number",),  # a bare number: "three", "about five"
}

COMMAND_INTENTS: dict[str, tuple[str, ...]] = {
    "Repeat": (),          # say that again, pardon
    "Help": (),            # what can i say, help
    "Stop": (),            # stop, cancel, never mind, goodbye
    "WhatShouldIDo": (),   # what should i do, what do you think
    "Ready": (),           # ready, next, done, ok go on
    "Filler": (),          # um, er, hang on, let me look: take your time, then the question again
    "Distress": (),        # ow, help me, just help me: a cramp happening now
    "CallAmbulance": (),   # call an ambulance, i need an ambulance: the emergency advice at once
    "SuspectClot": (),     # i think it's a clot, is it a clot: answered briefly, then triaged
}

# Replies to the advice (invariant 12): answered without softening it.
AFTER_INTENTS: dict[str, tuple[str, ...]] = {
    "CanIWait": (),        # can i wait until the morning
    "CanISleep": (),       # can i go back to sleep
    "Refuse": (),          # i'm not going to hospital, i don't want an ambulance
}

KNOWLEDGE_INTENTS: dict[str, tuple[str, ...]] = {
    "AskCauses": (),          # what causes leg cramps
    "AskPrevention": (),      # how do i stop getting cramps
    "AskCrampOrClot": (),     # is it a cramp or a clot
    "AskClotSigns": (),       # what are the signs of a blood clot
    "AskWhenToSeeDoctor": (), # when should i see a doctor
    "AskRemedies": ("remedy",),  # does quinine / magnesium / tonic water / ibuprofen help
    "AskStretch": ("routine",),  # how do i stretch my calf; starts a guided routine
}

DIARY_INTENTS: dict[str, tuple[str, ...]] = {
    "AskDiaryCount": ("period",),  # how many cramps have i had this week / this month
    "AskDiaryLast": (),            # when was my last cramp
    "AskDiaryLeg": (),             # which leg gets cramps most often
    "ForgetDiary": (),             # forget my history (asks to confirm first)
}

INTENTS: dict[str, tuple[str, ...]] = {
    **REPORT_INTENTS, **ANSWER_INTENTS, **COMMAND_INTENTS, **KNOWLEDGE_INTENTS, **DIARY_INTENTS,
    **AFTER_INTENTS,
}

# Slots that are not findings, with their allowed values (None: digits).
EXTRA_SLOTS: dict[str, tuple[str, ...] | None] = {
    "thigh_part": ("front", "back"),
    "number": None,
    "remedy": ("quinine", "magnesium", "pain_relief", "other"),
    "period": ("week", "month"),
    "routine": ("calf_stretch", "foot_stretch", "hamstring_stretch", "quad_stretch", "bedtime_routine"),
}

# Intents the Hermes shell always accepts, whatever question is open.
ALWAYS_ACCEPTED: tuple[str, ...] = ("ReportEmergency", *COMMAND_INTENTS, *KNOWLEDGE_INTENTS,
                                    *DIARY_INTENTS, *AFTER_INTENTS)
