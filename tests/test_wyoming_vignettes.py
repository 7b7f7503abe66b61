"""The public vignettes through `legcramp wyoming` reach the dispositions they reach through
`chat --jsonl`: the same simulated patient (tests/data/patient.py) answers both, one Wyoming
connection a turn, one conversation id a vignette."""
from __future__ import annotations

import shlex
import sys
import uuid
from pathlib import Path
from types import SimpleNamespace

from tests.wyoming_client import WyomingProcess

DATA = Path(__file__).parent / "data"
sys.path.insert(0, str(DATA))
import patient  # noqa: E402


class WyomingSkill:
    """patient.py's Skill (say -> JSON lines) over the Wyoming service: a reply is one text,
    and its context says what chat's last line would (asking, disposition, end)."""

    def __init__(self, service: WyomingProcess) -> None:
        self.service = service
        self.conversation = uuid.uuid4().hex

    def say(self, text: str) -> list[dict]:
        reply = self.service.turn(text, self.conversation, continue_conversation=True)
        context = reply.context
        end = reply.type != "handled" or bool(context.get("end"))
        if end:
            self.conversation = uuid.uuid4().hex
        return [{"say": reply.text, "asking": context.get("asking") or [],
                 "disposition": context.get("disposition"), "guide": None,
                 "expects_reply": bool(context.get("expects_reply")), "end": end}]

    def restart(self) -> None:
        self.conversation = uuid.uuid4().hex


def test_public_vignettes_reach_the_same_dispositions_as_chat_jsonl():
    args = SimpleNamespace(file=str(DATA / "vignettes_public.yaml"),
                           cmd=f"{shlex.quote(sys.executable)} -m skill.cli chat --jsonl",
                           phrasings=str(DATA / "phrasings.yaml"), verbose=False)
    schema = patient.load_yaml(DATA / "findings.yaml")
    _, through_chat = patient.run_vignettes(args, schema)
    data = patient.load_yaml(args.file)
    oracle = patient.Oracle(patient.load_yaml(args.phrasings), schema)
    with WyomingProcess() as service:
        skill = WyomingSkill(service)
        through_wyoming = [patient.play(skill, oracle, case, data.get("defaults") or {})
                           for case in data["vignettes"]]
        warnings = service.warnings()
    chat = {r["id"]: r["got"] for r in through_chat}
    wyoming = {r["id"]: r["got"] for r in through_wyoming}
    assert len(wyoming) == len(data["vignettes"]) == 30
    differ = {case: (chat[case], wyoming[case]) for case in chat if chat[case] != wyoming[case]}
    assert not differ, f"(chat, wyoming) where they differ: {differ}"
    assert "error" not in wyoming.values() and "no_end" not in wyoming.values()
    assert not warnings, warnings
