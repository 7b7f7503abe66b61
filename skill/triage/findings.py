"""The findings vocabulary of docs/findings.yaml, as Python data.

Why a copy and not a YAML load: the triage core does no I/O and no parsing at decision time.
A test (tests/test_findings_schema.py) holds this module equal to the public contract, so the two
cannot drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Mapping, Union

UNKNOWN = "unknown"

Value = Union[bool, str, int]
"""A finding's value: True/False/"unknown" for booleans, an enum string, or an int."""

Findings = Mapping[str, Value]
"""Finding id -> value. A finding not known yet is absent."""


class Disposition(IntEnum):
    """The four outcomes, ordered so that a larger value is more urgent."""

    SELF_CARE = 0
    DOCTOR = 1
    URGENT = 2
    EMERGENCY = 3

    @property
    def id(self) -> str:
        """The disposition's id in findings.yaml (`self_care`, `doctor`, ...)."""
        return self.name.lower()

    @classmethod
    def from_id(cls, ident: str) -> "Disposition":
        return cls[ident.upper()]


@dataclass(frozen=True)
class FindingSpec:
    """One finding's type and allowed values (bools and ints list no values)."""

    id: str
    type: str  # "bool" | "enum" | "int"
    values: tuple[str, ...] = ()

    def accepts(self, value: object) -> bool:
        """True when `value` is a legal value of this finding (`unknown` always is)."""
        if value == UNKNOWN:
            return True
        if self.type == "bool":
            return isinstance(value, bool)
        if self.type == "int":
            return isinstance(value, int) and not isinstance(value, bool) and value >= 0
        return value in self.values


def _bool(ident: str) -> FindingSpec:
    return FindingSpec(ident, "bool")


def _enum(ident: str, *values: str) -> FindingSpec:
    return FindingSpec(ident, "enum", values)


SCHEMA: dict[str, FindingSpec] = {
    spec.id: spec
    for spec in (
        _enum("pain_location", "calf", "thigh", "foot", "toes", "knee", "shin", "ankle", "whole_leg"),
        _enum("pain_side", "left", "right", "both"),
        _bool("cramp_now"),
        _bool("muscle_knot"),
        _enum("duration", "seconds", "minutes", "over_10_minutes", "hours", "days"),
        _bool("eased_by_stretching"),
        _bool("woke_from_sleep"),
        _bool("pain_walking_eased_by_rest"),
        _bool("back_pain_radiating"),
        _bool("bruising"),
        _bool("recent_injury"),
        _enum("swelling", "none", "one_leg", "both_legs", "unknown"),
        _bool("warmth"),
        _bool("redness"),
        _bool("fever"),
        _bool("breathless"),
        _bool("chest_pain"),
        _bool("coughing_blood"),
        _bool("fainting"),
        _bool("cold_pale_leg"),
        _bool("numb_or_weak_leg"),
        _bool("saddle_numbness_or_incontinence"),
        _bool("recent_surgery_or_bedrest"),
        _bool("long_travel"),
        _bool("previous_clot"),
        _bool("cancer"),
        _bool("pregnant_or_postpartum"),
        _bool("hormone_medication"),
        FindingSpec("cramps_per_week", "int"),
        _bool("cramp_medication"),
        _bool("chronic_condition"),
        _bool("recent_exercise"),
        _bool("dehydration"),
    )
}

CLOT_RISK_FACTORS: tuple[str, ...] = (
    "recent_surgery_or_bedrest",
    "long_travel",
    "previous_clot",
    "cancer",
    "pregnant_or_postpartum",
    "hormone_medication",
)

EMERGENCY_SIGNS: tuple[str, ...] = (
    "breathless",
    "chest_pain",
    "coughing_blood",
    "fainting",
    "cold_pale_leg",
    "numb_or_weak_leg",
    "saddle_numbness_or_incontinence",
)


class InvalidFinding(ValueError):
    """A finding id or value that findings.yaml does not define."""


def parse_value(finding: str, raw: object) -> Value:
    """Turn a slot value (a string from a grammar, or a JSON value) into a finding value.

    Raises InvalidFinding for an unknown id or a value the schema does not allow, so that a bad
    slot is refused at the edge instead of silently changing a triage decision.
    """
    spec = SCHEMA.get(finding)
    if spec is None:
        raise InvalidFinding(f"unknown finding {finding!r}")
    value: object = raw
    if isinstance(raw, str):
        text = raw.strip().lower()
        if text == UNKNOWN:
            value = UNKNOWN
        elif spec.type == "bool" and text in ("true", "false"):
            value = text == "true"
        elif spec.type == "int" and text.isdigit():
            value = int(text)
        else:
            value = text
    if not spec.accepts(value):
        raise InvalidFinding(f"{finding} cannot be {raw!r}")
    return value  # type: ignore[return-value]
