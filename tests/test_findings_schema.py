"""The core's findings vocabulary is exactly the public contract (tests/data/findings.yaml)."""
from pathlib import Path

import pytest
import yaml

from skill.triage.findings import SCHEMA, UNKNOWN, Disposition, InvalidFinding, parse_value

SPEC = yaml.safe_load((Path(__file__).parent / "data" / "findings.yaml").read_text())


def test_same_finding_ids_in_the_same_order():
    assert list(SCHEMA) == list(SPEC["findings"])


@pytest.mark.parametrize("finding", list(SPEC["findings"]))
def test_same_type_and_values(finding):
    spec = SPEC["findings"][finding]
    ours = SCHEMA[finding]
    assert ours.type == spec["type"]
    assert list(ours.values) == list(spec.get("values", []))


def test_dispositions_match_and_are_ordered_most_urgent_first():
    assert [d.id for d in sorted(Disposition, reverse=True)] == list(SPEC["dispositions"])


@pytest.mark.parametrize("finding,raw,value", [
    ("cramp_now", "true", True), ("cramp_now", "false", False), ("cramp_now", "unknown", UNKNOWN),
    ("swelling", "one_leg", "one_leg"), ("cramps_per_week", "3", 3), ("duration", "DAYS", "days"),
    ("warmth", True, True),
])
def test_parse_value_accepts_schema_values(finding, raw, value):
    assert parse_value(finding, raw) == value
    assert type(parse_value(finding, raw)) is type(value)


@pytest.mark.parametrize("finding,raw", [
    ("nope", "true"), ("cramp_now", "yes"), ("swelling", "huge"), ("cramps_per_week", "-1"),
    ("cramps_per_week", True), ("duration", 5), ("pain_side", ""),
])
def test_parse_value_refuses_what_the_schema_does_not_allow(finding, raw):
    with pytest.raises(InvalidFinding):
        parse_value(finding, raw)
