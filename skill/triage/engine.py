"""Decisions: the disposition for a set of findings, and the next question worth asking.

Everything here is a pure function of findings (and the tables in rules.py and questions.py),
so a test can drive it without a dialog, a grammar or a broker.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Container, Iterable, Optional

from .conditions import EVERY, Tri
from .findings import SCHEMA, UNKNOWN, Disposition, Findings, Value
from .questions import DIALOG_ONLY, QUESTION_FINDINGS, QUESTIONS, QUESTIONS_BY_ID, Question
from .rules import LONG, RULES, Rule

GUIDE_SCREEN: tuple[str, ...] = QUESTION_FINDINGS["cramp_safety"]
"""The findings one combined question screens before a stretch is guided (invariant 3)."""


@dataclass(frozen=True)
class Assessment:
    """A disposition with every rule that matched (most urgent first) and the deciding reasons."""

    disposition: Disposition
    rules: tuple[str, ...]
    reasons: tuple[str, ...]
    deciding: tuple[str, ...]


def askable(findings: Findings) -> frozenset[str]:
    """Findings some question may still ask: its `when` holds or is not decided yet."""
    return frozenset(
        f
        for q in QUESTIONS
        if q.id not in DIALOG_ONLY and (q.when is None or q.when.eval(findings) is not False)
        for f in q.findings
    )


def closed_now(findings: Findings) -> frozenset[str]:
    """Absent findings that no question can ask now: they count as not present."""
    return frozenset(SCHEMA) - askable(findings)


def evaluate(findings: Findings, closed: Optional[Container[str]] = None) -> dict[str, Tri]:
    """Each rule's verdict. Fallback rows (D8, S) are False once an ordinary row holds.

    `closed` defaults to the findings no question can ask any more (see closed_now).
    """
    if closed is None:
        closed = closed_now(findings)
    verdicts: dict[str, Tri] = {}
    ordinary: list[Tri] = []
    for rule in RULES:
        verdict = rule.when.eval(findings, closed)
        if rule.fallback:
            # A fallback row's level holds even while ordinary rows are open: whichever row
            # ends up deciding, the outcome is at least this urgent.
            if True in ordinary:
                verdict = False
        else:
            ordinary.append(verdict)
        verdicts[rule.id] = verdict
    return verdicts


def assess(findings: Findings) -> Assessment:
    """The disposition now, treating anything not reported as absent (the final word)."""
    return _assess(frozenset(findings.items()))


@lru_cache(maxsize=4096)
def _assess(items: frozenset) -> Assessment:
    """Memoised on the findings, like _next_question: a turn asks about the same findings
    several times (emergency check, next question, guide gate), and Assessment is frozen."""
    verdicts = evaluate(dict(items), EVERY)
    matched = [rule for rule in RULES if verdicts[rule.id]]
    if not matched:  # cannot happen: D8 and S are complements; kept as a safe floor
        matched = [next(r for r in RULES if r.id == "D8")]
    level = max(rule.level for rule in matched)
    deciding = [rule for rule in matched if rule.level == level]
    return Assessment(
        disposition=level,
        rules=tuple(rule.id for rule in matched),
        reasons=tuple(rule.reason for rule in deciding),
        deciding=tuple(rule.id for rule in deciding),
    )


def _held(verdicts: dict[str, Tri]) -> Optional[Disposition]:
    held = [rule.level for rule in RULES if verdicts[rule.id] is True]
    return max(held) if held else None


def settled_level(findings: Findings) -> Optional[Disposition]:
    """The most urgent level some rule already holds at, or None while none holds yet."""
    return _settled_level(frozenset(findings.items()))


@lru_cache(maxsize=4096)
def _settled_level(items: frozenset) -> Optional[Disposition]:
    return _held(evaluate(dict(items)))


def open_rules(findings: Findings) -> list[Rule]:
    """Rules still undecided that would make the outcome more urgent than what already holds."""
    verdicts = evaluate(findings)
    floor = _held(verdicts)
    return [
        rule for rule in RULES
        if verdicts[rule.id] is None and (floor is None or rule.level > floor)
    ]


def _candidate_values(finding: str) -> tuple[Value, ...]:
    spec = SCHEMA[finding]
    if spec.type == "bool":
        return (True, False, UNKNOWN)
    if spec.type == "int":
        return (0, 3, UNKNOWN)
    return (*spec.values, UNKNOWN)


def _relevant(rule: Rule) -> frozenset[str]:
    """Findings whose answer can decide `rule`: its own, and the gates of questions asking them."""
    own = rule.when.findings
    gates = [q.when.findings for q in QUESTIONS if q.when is not None and own & set(q.findings)]
    return own.union(*gates)


RELEVANT: dict[str, frozenset[str]] = {rule.id: _relevant(rule) for rule in RULES}


def _decides(rule: Rule, finding: str, findings: Findings) -> bool:
    """Would some answer about `finding` alone decide `rule` (now undecided)?

    Directly, or by closing a gate: "no back pain" settles that the saddle question (and so
    rule E4) will never be asked.
    """
    if finding not in RELEVANT[rule.id]:
        return False
    for value in _candidate_values(finding):
        answered = {**findings, finding: value}
        if rule.when.eval(answered, closed_now(answered)) is not None:
            return True
    return False


def _no_to_all(question: Question, absent: list[str], findings: Findings) -> dict:
    """The findings after a plain "no" to every part of a question."""
    answered = dict(findings)
    for f in absent:
        no = question.no_value(f)
        answered[f] = no if no is not None else 0 if SCHEMA[f].type == "int" else UNKNOWN
    return answered


def _worth(question: Question, findings: Findings, rules: list[Rule]) -> Optional[Disposition]:
    """The most urgent open rule this question could decide, or None when it decides none.

    An answer decides a rule if one part of it does, or if "no to all" does (no red skin and
    no warmth together close the fever question, and with it rule E5).
    """
    absent = [f for f in question.findings if f not in findings]
    if not absent:
        return None
    if question.when is not None and question.when.eval(findings) is not True:
        return None
    no = _no_to_all(question, absent, findings)
    closed = closed_now(no)
    levels = [
        rule.level for rule in rules
        if any(_decides(rule, f, findings) for f in absent)
        or rule.when.eval(no, closed) is not None
    ]
    return max(levels) if levels else None


def next_question(findings: Findings, skip: Iterable[str] = ()) -> Optional[Question]:
    """The most urgent question whose answer could still change the disposition (invariant 7).

    None means no answer can change the outcome any more: time to advise.
    """
    return _next_question(frozenset(findings.items()), frozenset(skip))


@lru_cache(maxsize=4096)
def _next_question(items: frozenset, skip: frozenset[str]) -> Optional[Question]:
    """Memoised on the findings: conversations pass through the same states again and again."""
    findings = dict(items)
    rules = open_rules(findings)
    if not rules:
        return None
    skipped = set(skip) | DIALOG_ONLY
    best: Optional[tuple[Disposition, int, Question]] = None
    for index, question in enumerate(QUESTIONS):
        if question.id in skipped:
            continue
        level = _worth(question, findings, rules)
        if level is not None and (best is None or level > best[0]):
            best = (level, index, question)
    return best[2] if best else None


def worth_asking(question_id: str, findings: Findings) -> bool:
    """Could the question (or what is left of it) still change the disposition?"""
    question = QUESTIONS_BY_ID[question_id]
    return _worth(question, findings, open_rules(findings)) is not None


def could_change(findings: Findings, finding: str, value: object) -> bool:
    """Would setting `finding` to `value` give a different final disposition than now?"""
    other = dict(findings)
    other[finding] = value
    return assess(other).disposition != assess(findings).disposition


def unscreened_for_guide(findings: Findings) -> tuple[str, ...]:
    """The safety-screen findings not yet known, before a stretch may be guided."""
    return tuple(f for f in GUIDE_SCREEN if f not in findings)


def unsure_for_guide(findings: Findings) -> tuple[str, ...]:
    """Screened signs the person could not tell, even after the help to check.

    Invariant 4: a clot sign still unknown counts as present unless the cramp has already
    eased, and a cramp happening now has not, so it blocks the stretch like a "yes" would.
    """
    return tuple(f for f in GUIDE_SCREEN if findings.get(f) == UNKNOWN)


def guide_allowed(findings: Findings) -> bool:
    """Invariant 3: stretch only when screened, with no sign left unknown, and no urgent or
    emergency rule holds or may hold for a long-lasting pain (a cramp of hours is not a cramp)."""
    if unscreened_for_guide(findings) or unsure_for_guide(findings):
        return False
    level = settled_level(findings)
    if level is not None and level >= Disposition.URGENT:
        return False
    # An unknown clot sign outside the screen (redness the person could not see) counts as
    # present while the cramp has not eased (invariant 4): the assessment is then urgent, and
    # a stretch would contradict the advice not to stretch.
    if assess(findings).disposition >= Disposition.URGENT:
        return False
    return findings.get("duration") not in LONG
