"""A replayable player for "awkward conversations": hard night-time callers written by hand.

    uv run python -m tests.awkward FILE.yaml... [--report OUT.json] [--cmd "..."] [-v]

One YAML file per writer (the format of the writers' brief, FORMAT.md):

    writer: NAME
    conversations:
      - id: NAME-01                  # unique
        caller: "who calls, how they talk"
        kinds: [hedge, part_answer]  # misheard, filler, what, dark, refusal, silence, ...
        truth: {pain_location: calf, swelling: one_leg, breathless: unknown}  # findings.yaml ids;
                                     # anything not listed is the default of vignettes_public.yaml
        expected: urgent             # emergency | urgent | doctor | self_care: the answer key
        opening: "first thing the caller says"
        answers:                     # optional, by finding: one line per time it is asked
          swelling: ["um hang on let me look", "i think it's a bit bigger"]
        turns: {2: "what should i do", 4: ""}   # optional, by reply number; "" is silence
        after_advice: "can i not just wait till the morning"   # optional
        note: "why a nurse lands on this disposition"

Each conversation is played against one running `legcramp chat --jsonl` (docs/chat-jsonl.md)
with the Skill and Oracle of the simulated patient (tests/data/patient.py). The caller:
- says `opening`;
- after every skill turn that expects a reply, reply number n (1-based) is
  1. `turns[n]` when the writer gave one ("" is silence: an empty line is sent);
  2. once advice has been given (a disposition seen, the conversation still open): `after_advice`
     the first time, if set; after that the Oracle's plain answer;
  3. when the last line asks about findings: the next unused scripted line (`answers`) of the
     first asked finding that still has one;
  4. else the Oracle's plain answer from `truth` laid over the `defaults` of
     tests/data/vignettes_public.yaml.
- stops at `end`, or after 40 user lines (then got = "no_end", and the chat process is restarted
  so the next conversation starts clean).

Scored per conversation: the disposition got (the first non-null one; "none" when the
conversation ended without one; "error" when the process failed), serious under-triage
(expected emergency/urgent, got less), ended_without_advice, stretch_before_screen (a line of a
guided routine before both `breathless` and `chest_pain` are among the findings),
questions_over_three (a line asking about more than 3 findings), the number of user lines, and
the transcript. The summary is printed as JSON, per writer and overall; misses as ids only.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shlex
import subprocess
import sys
import threading
import queue
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
LEVELS = ["self_care", "doctor", "urgent", "emergency"]  # least to most urgent
SERIOUS = ("emergency", "urgent")
MAX_TURNS = 40
SCREEN = ("breathless", "chest_pain")  # to be asked before any stretch is guided
NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
DEFAULT_CMD = [sys.executable, "-m", "skill.cli", "chat", "--jsonl"]


def _load_patient():
    """tests/data/patient.py is a script, not a package module: load it from its path."""
    spec = importlib.util.spec_from_file_location("legcramp_awkward_patient", DATA / "patient.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


patient = _load_patient()
_ORACLE = None
_DEFAULTS = None


def oracle():
    global _ORACLE
    if _ORACLE is None:
        _ORACLE = patient.Oracle(patient.load_yaml(DATA / "phrasings.yaml"),
                                 patient.load_yaml(DATA / "findings.yaml"))
    return _ORACLE


def defaults() -> dict:
    global _DEFAULTS
    if _DEFAULTS is None:
        _DEFAULTS = dict(patient.load_yaml(DATA / "vignettes_public.yaml").get("defaults") or {})
    return _DEFAULTS


class Skill(patient.Skill):
    """patient.Skill, started in the project root (so `-m skill.cli` is found from anywhere);
    `cmd` may be a string (split as a shell would) or a list."""

    def __init__(self, cmd: "str | list[str] | None" = None, timeout: float = 20.0):
        if cmd is None:
            cmd = os.environ.get("LEGCRAMP_CHAT_CMD") or DEFAULT_CMD
        self.argv = shlex.split(cmd) if isinstance(cmd, str) else list(cmd)
        super().__init__(" ".join(map(shlex.quote, self.argv)), timeout)

    def start(self):
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, bufsize=1, cwd=ROOT)
        self.lines = queue.Queue()
        threading.Thread(target=self._pump, args=(self.proc, self.lines), daemon=True).start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# --- loading ----------------------------------------------------------------------------------

def _value(v: Any) -> Any:
    """A truth value as findings.yaml spells it (writers may write "yes", "True", "three")."""
    if isinstance(v, str):
        s = v.strip().lower()
        if s in ("yes", "true", "y"):
            return True
        if s in ("no", "false", "n"):
            return False
        if s.isdigit():
            return int(s)
        if s in NUMBER_WORDS:
            return NUMBER_WORDS[s]
        return s.replace(" ", "_")
    return v


def load(path: "str | Path") -> list[dict]:
    """One writer's file -> its conversations, normalised: every one has `writer`, `id`,
    `expected`, `opening`, `truth` (dict), `answers` (finding -> list of lines), `turns`
    (int -> line, "" for silence) and `after_advice` (str or None)."""
    path = Path(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    writer = str(data.get("writer") or path.stem)
    out, seen = [], set()
    for i, c in enumerate(data.get("conversations") or [], 1):
        cid = str(c.get("id") or f"{writer}-{i:02d}")
        if cid in seen:
            raise ValueError(f"{path}: duplicate id {cid}")
        seen.add(cid)
        expected = str(c.get("expected") or "").strip().lower()
        if expected not in LEVELS:
            raise ValueError(f"{path}: {cid}: expected must be one of {LEVELS}, got {c.get('expected')!r}")
        if not isinstance(c.get("opening"), str):
            raise ValueError(f"{path}: {cid}: no opening line")
        answers = {}
        for finding, lines in (c.get("answers") or {}).items():
            if lines is None:
                continue
            lines = [lines] if isinstance(lines, str) else list(lines)
            answers[str(finding)] = ["" if x is None else str(x) for x in lines]
        turns = {}
        for n, line in (c.get("turns") or {}).items():
            turns[int(n)] = "" if line is None else str(line)  # `3:` with nothing is silence too
        after = c.get("after_advice")
        out.append({
            "writer": writer, "id": cid, "expected": expected, "opening": c["opening"],
            "truth": {str(k): _value(v) for k, v in (c.get("truth") or {}).items()},
            "answers": answers, "turns": turns,
            "after_advice": None if after is None else str(after),
            "kinds": list(c.get("kinds") or []), "caller": c.get("caller"), "note": c.get("note"),
        })
    return out


# --- playing ----------------------------------------------------------------------------------

def rank(d: str) -> int:
    return LEVELS.index(d) if d in LEVELS else -1


def play(skill: Skill, convo: dict, *, the_oracle=None, base: Optional[dict] = None,
         max_turns: int = MAX_TURNS) -> dict:
    """Play one conversation to its end (or `max_turns` user lines) and score it."""
    answerer = the_oracle or oracle()
    facts = {**(defaults() if base is None else base), **convo["truth"]}
    scripted = {f: list(lines) for f, lines in convo["answers"].items()}
    transcript: list[dict] = []
    disposition = None
    known: set[str] = set()
    stretch_before_screen = questions_over_three = False
    after_said, ended = False, False
    user, n = convo["opening"], 0
    try:
        while True:
            transcript.append({"user": user})
            lines = skill.say(user)
            for obj in lines:
                known.update((obj.get("findings") or {}).keys())
                transcript.append({"skill": obj.get("say"), "asking": obj.get("asking"),
                                   "findings": obj.get("findings"), "disposition": obj.get("disposition"),
                                   "guide": obj.get("guide"), "expects_reply": obj.get("expects_reply"),
                                   "end": obj.get("end")})
                if obj.get("guide") and not all(f in known for f in SCREEN):
                    stretch_before_screen = True
                if len(obj.get("asking") or []) > 3:
                    questions_over_three = True
                if obj.get("disposition") and disposition is None:
                    disposition = obj["disposition"]
            last = lines[-1]
            if last.get("end"):
                ended = True
                break
            if n + 1 >= max_turns:  # the opening and n replies sent: no room for another
                break
            n += 1
            asking = [a for a in (last.get("asking") or []) if isinstance(a, str)]
            if n in convo["turns"]:
                user = convo["turns"][n]
            elif disposition is not None and convo["after_advice"] is not None and not after_said:
                user, after_said = convo["after_advice"], True
            elif disposition is None and any(scripted.get(f) for f in asking):
                first = next(f for f in asking if scripted.get(f))
                user = scripted[first].pop(0)
            else:
                user = answerer.answer(convo["id"], facts, asking, last.get("say") or "")
    except RuntimeError as err:
        skill.restart()
        return _result(convo, "error", transcript, n + 1, stretch_before_screen, questions_over_three,
                       error=str(err))
    if not ended:
        skill.restart()  # leave no half-finished conversation for the next one
        got = "no_end"
    else:
        got = disposition or "none"
    return _result(convo, got, transcript, n + 1, stretch_before_screen, questions_over_three)


def _result(convo, got, transcript, turns, stretch, over_three, error=None) -> dict:
    expected = convo["expected"]
    r = {
        "writer": convo["writer"], "id": convo["id"], "expected": expected, "got": got,
        "serious_under_triage": expected in SERIOUS and rank(got) < rank(expected),
        "ended_without_advice": got == "none",  # every awkward conversation is a leg complaint
        "stretch_before_screen": stretch, "questions_over_three": over_three,
        "turns": turns, "transcript": transcript,
    }
    if error:
        r["error"] = error
    return r


def play_all(convos: Iterable[dict], cmd=None, verbose: bool = False) -> list[dict]:
    results = []
    with Skill(cmd) as skill:
        for c in convos:
            r = play(skill, c)
            results.append(r)
            if verbose:
                print(f"{r['id']}: expected {r['expected']}, got {r['got']}, turns {r['turns']}", file=sys.stderr)
    return results


# --- scoring ----------------------------------------------------------------------------------

def score(results: list[dict]) -> dict:
    exact = [r for r in results if r["got"] == r["expected"]]
    return {
        "cases": len(results),
        "exact": len(exact),
        "serious_under_triage": sum(r["serious_under_triage"] for r in results),
        "under_triage": sum(rank(r["got"]) < rank(r["expected"]) for r in results),
        "over_triage": sum(rank(r["got"]) > rank(r["expected"]) for r in results),
        "ended_without_advice": sum(r["ended_without_advice"] for r in results),
        "stretch_before_screen": sum(r["stretch_before_screen"] for r in results),
        "questions_over_three": sum(r["questions_over_three"] for r in results),
        "no_end": sum(r["got"] == "no_end" for r in results),
        "errors": sum(r["got"] == "error" for r in results),
        "misses": [f"{r['id']}: expected {r['expected']}, got {r['got']}" for r in results if r not in exact],
    }


def summary(results: list[dict]) -> dict:
    by = defaultdict(list)
    for r in results:
        by[r["writer"]].append(r)
    return {"writers": {w: score(rs) for w, rs in by.items()}, "overall": score(results)}


def one_line(s: dict) -> str:
    keys = ("cases", "exact", "serious_under_triage", "under_triage", "over_triage",
            "ended_without_advice", "stretch_before_screen", "questions_over_three", "no_end", "errors")
    return "AWKWARD: " + " ".join(f"{k}={s[k]}" for k in keys)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.awkward", description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", metavar="FILE")
    ap.add_argument("--cmd", help="the chat command (default: this Python -m skill.cli chat --jsonl, "
                                  "or $LEGCRAMP_CHAT_CMD)")
    ap.add_argument("--report", help="write the summary and every result, with transcripts, to this JSON file")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print each conversation's result, and the transcripts of the misses, to stderr")
    args = ap.parse_args(argv)
    convos = [c for f in args.files for c in load(f)]
    results = play_all(convos, args.cmd, args.verbose)
    s = summary(results)
    if args.verbose:
        for r in results:
            if r["got"] != r["expected"] or r["stretch_before_screen"] or r["questions_over_three"]:
                print(f"\n--- {r['id']} (expected {r['expected']}, got {r['got']})", file=sys.stderr)
                for t in r["transcript"]:
                    print(f"  > {t['user']}" if "user" in t else
                          f"  < {t['skill']}  {t['asking'] or ''} {t['disposition'] or ''}".rstrip(),
                          file=sys.stderr)
    if args.report:
        Path(args.report).write_text(json.dumps({"summary": s, "results": results}, indent=1), encoding="utf-8")
    print(json.dumps(s, indent=1))
    print(one_line(s["overall"]), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
