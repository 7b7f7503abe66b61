"""Figure 7: how much the skill says, over the public vignettes, played through `chat --jsonl`.

    uv run python -m benchmarks.spoken [-v]

Each public vignette is played by the simulated patient (tests/data/patient.py: its `play`, its
Oracle, the same answers) against one `legcramp chat --jsonl` process (`python -m skill.cli`),
and every JSON line the skill prints is kept. Measured per conversation:
- words the skill says outside guided routines (lines whose `guide` is null), and the seconds
  that is at 150 words a minute; shown as median and max by the vignette's expected disposition;
- for an emergency case, the words said from the reply to the user line in which an emergency
  sign was first heard (the first line after which `findings` holds breathless, chest_pain,
  coughing_blood, fainting, cold_pale_leg, numb_or_weak_leg or
  saddle_numbness_or_incontinence as true or unknown, or fever with redness or warmth) up to and
  including the first word "call" the skill says.
Goals: a self-care night under 90 s of speech outside the stretch (every self-care case); the
emergency instruction within the first 25 words after the sign is heard (every emergency case).
No baseline: these are counts of what is said, not timings.
"""
from __future__ import annotations

import argparse
import json
import queue
import re
import subprocess
import sys
import threading
from typing import Any, Optional

import yaml

from .conversations import VIGNETTES, load_patient, oracle
from .procs import PYTHON, ROOT
from .report import Figure, check, goals, median, table

SECTION = "7 words spoken (public vignettes, chat --jsonl)"
WORDS_PER_MINUTE = 150
SELF_CARE_GOAL_S = 90.0
CALL_GOAL_WORDS = 25
LEVELS = ("emergency", "urgent", "doctor", "self_care")
EMERGENCY_SIGNS = ("breathless", "chest_pain", "coughing_blood", "fainting", "cold_pale_leg",
                   "numb_or_weak_leg", "saddle_numbness_or_incontinence")
CMD = [PYTHON, "-m", "skill.cli", "chat", "--jsonl"]
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def words(text: Optional[str]) -> list[str]:
    return WORD.findall((text or "").lower())


def seconds(n_words: int) -> float:
    return round(n_words * 60 / WORDS_PER_MINUTE, 1)


def emergency_sign(findings: dict[str, Any]) -> bool:
    present = lambda f: findings.get(f) in (True, "unknown")  # noqa: E731
    return any(present(f) for f in EMERGENCY_SIGNS) or (
        present("fever") and (present("redness") or present("warmth")))


class Recorder:
    """The `Skill` patient.play talks to: one chat --jsonl process (patient.Skill, started in the
    repository root), every user line and the skill lines it got kept in `log`."""

    def __init__(self, patient: Any) -> None:
        class Skill(patient.Skill):
            def start(self) -> None:
                self.proc = subprocess.Popen(CMD, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                             stderr=subprocess.DEVNULL, text=True, bufsize=1, cwd=ROOT)
                self.lines = queue.Queue()
                threading.Thread(target=self._pump, args=(self.proc, self.lines), daemon=True).start()

        self.skill = Skill(" ".join(CMD))
        self.log: list[tuple[str, list[dict[str, Any]]]] = []

    def say(self, text: str) -> list[dict[str, Any]]:
        lines = self.skill.say(text)
        self.log.append((text, lines))
        return lines

    def restart(self) -> None:
        self.skill.restart()

    def close(self) -> None:
        self.skill.close()


def count(case: dict[str, Any], got: str, log: list[tuple[str, list[dict[str, Any]]]]) -> dict[str, Any]:
    """The words of one played conversation."""
    outside = sum(len(words(o.get("say"))) for _, lines in log for o in lines if not o.get("guide"))
    guided = sum(len(words(o.get("say"))) for _, lines in log for o in lines if o.get("guide"))
    before = 0  # outside routines, before the first line that gives the advice
    for o in (o for _, lines in log for o in lines):
        if o.get("disposition"):
            break
        if not o.get("guide"):
            before += len(words(o.get("say")))
    r: dict[str, Any] = {"id": case["id"], "expected": case["expected"], "got": got,
                         "words_outside_guide": outside, "seconds_outside_guide": seconds(outside),
                         "words_before_advice": before,
                         "words_in_guide": guided, "user_lines": len(log)}
    if case["expected"] == "emergency":
        sign_turn = next((i for i, (_, lines) in enumerate(log)
                          if any(emergency_sign(o.get("findings") or {}) for o in lines)), None)
        to_call = None
        if sign_turn is not None:
            said = 0
            for _, lines in log[sign_turn:]:
                for o in lines:
                    for w in words(o.get("say")):
                        said += 1
                        if w == "call":
                            to_call = said
                            break
                    if to_call is not None:
                        break
                if to_call is not None:
                    break
        r.update({"sign_heard_at_user_line": None if sign_turn is None else sign_turn + 1,
                  "words_sign_to_call": to_call})
    return r


def measure(verbose: bool = False) -> dict[str, Any]:
    patient = load_patient()
    answerer = oracle()
    data = yaml.safe_load(VIGNETTES.read_text(encoding="utf-8"))
    base = data.get("defaults") or {}
    rec = Recorder(patient)
    results = []
    try:
        for case in data["vignettes"]:
            for attempt in (1, 2):  # the skill may be mid-edit: one retry in a fresh process
                rec.log = []
                try:
                    played = patient.play(rec, answerer, case, base)
                    break
                except RuntimeError as err:
                    rec.restart()
                    played = {"got": "error", "error": str(err)}
            r = count(case, played["got"], rec.log)
            if "error" in played:
                r["error"] = played["error"]
            results.append(r)
            if verbose:
                extra = f", sign->call {r['words_sign_to_call']} words" if "words_sign_to_call" in r else ""
                print(f"{r['id']}: {r['expected']} -> {r['got']}, {r['words_outside_guide']} words "
                      f"({r['seconds_outside_guide']} s) outside routines{extra}", file=sys.stderr)
    finally:
        rec.close()
    by: dict[str, dict[str, Any]] = {}
    for level in LEVELS:
        ws = [r["words_outside_guide"] for r in results if r["expected"] == level and r["got"] != "error"]
        if ws:
            pre = [r["words_before_advice"] for r in results if r["expected"] == level and r["got"] != "error"]
            by[level] = {"cases": len(ws), "words_median": median(ws), "words_max": max(ws),
                         "words_before_advice_median": median(pre),
                         "seconds_median": seconds(int(median(ws))), "seconds_max": seconds(max(ws))}
    em = [r for r in results if r["expected"] == "emergency"]
    reached = [r["words_sign_to_call"] for r in em if r.get("words_sign_to_call") is not None]
    return {
        "cases": len(results), "errors": sum(r["got"] == "error" for r in results),
        "words_per_minute": WORDS_PER_MINUTE, "by_disposition": by,
        "emergency": {"cases": len(em), "reached_call": len(reached),
                      "words_sign_to_call_median": median(reached) if reached else None,
                      "words_sign_to_call_max": max(reached) if reached else None,
                      "words_sign_to_call": {r["id"]: r.get("words_sign_to_call") for r in em}},
        "results": results,
    }


def figures(d: dict[str, Any]) -> list[Figure]:
    out = []
    for level, s in d.get("by_disposition", {}).items():
        f = Figure(SECTION, f"{level}: s of speech outside routines, max (median {s['seconds_median']} s, "
                            f"{s['words_median']:.0f}/{s['words_max']} words, {s['cases']} cases)",
                   s["seconds_max"], "s")
        if level == "self_care":
            f.goal = f"< {SELF_CARE_GOAL_S:.0f} s"
            f.holds = check(f.value, lambda v: v < SELF_CARE_GOAL_S)
        out.append(f)
    em = d.get("emergency", {})
    if em.get("cases"):
        f = Figure(SECTION, f"emergency: words from sign heard to 'call', max (median "
                            f"{em.get('words_sign_to_call_median')}; {em.get('reached_call')} of "
                            f"{em.get('cases')} said 'call')",
                   em.get("words_sign_to_call_max"), "words", goal=f"<= {CALL_GOAL_WORDS} words")
        f.holds = check(f.value, lambda v: v <= CALL_GOAL_WORDS)
        if em.get("reached_call", 0) < em["cases"]:
            f.holds = False  # an emergency case never told to call
        out.append(f)
    return out


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.spoken", description=__doc__.splitlines()[0])
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per vignette on stderr")
    ap.add_argument("--json", help="also write the measured numbers to this JSON file")
    args = ap.parse_args(argv)
    d = measure(args.verbose)
    figs = figures(d)
    print(table(figs))
    print(f"\n{d['cases']} vignettes, {d['errors']} failed; words at {WORDS_PER_MINUTE} a minute.")
    print("Words outside routines, median before the advice / in all: " + ", ".join(
        f"{level} {s['words_before_advice_median']:.0f}/{s['words_median']:.0f}"
        for level, s in d["by_disposition"].items()))
    print(f"Emergency, words from sign to 'call': {d['emergency']['words_sign_to_call']}")
    print("Goals:")
    print("\n".join(f"  {line}" for line in goals(figs)))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(d, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
