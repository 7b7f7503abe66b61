"""`legcramp chat --jsonl` as outside tools drive it (docs/chat-jsonl.md)."""
import json
import subprocess
import sys

import pytest

FIELDS = {"say", "expects_reply", "asking", "findings", "disposition", "guide", "pause_s", "end"}


def chat(lines: list[str], *args: str) -> list[dict]:
    proc = subprocess.run(
        [sys.executable, "-m", "skill.cli", "chat", "--jsonl", *args],
        input="".join(line + "\n" for line in lines), capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_every_line_has_exactly_the_contract_fields_and_types():
    out = chat(["my calf is cramping right now", "no", "yes", "a couple of minutes"])
    assert out
    for obj in out:
        assert set(obj) == FIELDS
        assert isinstance(obj["say"], str) and obj["say"]
        assert isinstance(obj["expects_reply"], bool) and isinstance(obj["end"], bool)
        assert isinstance(obj["asking"], list) and isinstance(obj["findings"], dict)
        assert obj["disposition"] in (None, "emergency", "urgent", "doctor", "self_care")
        assert isinstance(obj["pause_s"], (int, float)) and obj["pause_s"] >= 0


def test_each_input_line_is_answered_up_to_a_reply_or_an_end():
    inputs = ["my calf is cramping right now", "no", "banana"]
    out = chat(inputs)
    stops = [o for o in out if o["expects_reply"] or o["end"]]
    assert len(stops) == len(inputs)


def test_a_guided_stretch_reports_pauses_and_its_routine():
    out = chat(["ow my calf is cramping right now", "no none of that"], "--hold-seconds", "20")
    guide = [o for o in out if o["guide"]]
    assert guide and {o["guide"] for o in guide} == {"calf_stretch"}
    assert 20 in [o["pause_s"] for o in guide]
    assert out[-1]["expects_reply"] and out[-1]["asking"] == ["eased_by_stretching"]


def test_an_emergency_ends_at_once_with_the_configured_number():
    out = chat(["my calf hurts and i can't catch my breath", "yes i will"], "--emergency-number", "112")
    advice = [o for o in out if o["disposition"]]
    assert advice[0] is out[0] and advice[0]["disposition"] == "emergency"
    assert "one one two" in advice[0]["say"]
    asked = [o for o in out if o["expects_reply"]]
    assert len(asked) == 1 and "call" in asked[0]["say"] and asked[0]["asking"] == []
    assert out[-1]["end"] and out[-1]["disposition"] == "emergency"
    assert out[0]["findings"]["breathless"] is True


def test_after_the_end_the_next_line_starts_a_new_conversation():
    out = chat(["i'm short of breath and my leg hurts", "okay", "my foot is cramping right now"])
    ends = [i for i, o in enumerate(out) if o["end"]]
    second = out[ends[0] + 1:]
    assert second and second[0]["disposition"] is None
    assert "breathless" not in second[0]["findings"]


def test_digits_and_punctuation_are_accepted():
    out = chat(["I got off a 9-hour flight yesterday, and my calf is swollen!"])
    assert out[0]["findings"].get("long_travel") is True
    assert out[0]["findings"].get("swelling") == "one_leg"


def test_end_of_input_exits_zero_with_nothing_else_on_stdout():
    assert chat([]) == []


def test_an_empty_line_is_silence_asked_once_more_then_advised():
    """Invariant 8: two silences after a complaint end with advice, never without it."""
    out = chat(["my calf hurts", "", ""])
    texts = [o["say"] for o in out]
    assert any("still there" in t for t in texts)
    advised = [o for o in out if o["disposition"]]
    assert advised and advised[0]["disposition"] == "emergency"  # breathing went unanswered
    assert advised[0]["findings"]["breathless"] == "unknown"
