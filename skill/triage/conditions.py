"""A tiny condition language for the rule and question tables, in three-valued logic.

Why three values: during a conversation most findings are still absent, and the core must tell
"this rule cannot match any more" (False) from "it might, depending on what we ask" (None).
An absent finding in `closed` (at the end: every finding, `EVERY`; during a conversation: those
no question can ask any more) makes its leaf False: nothing is assumed present that nobody
reported, and nothing is assumed reassuring (self-care needs its facts confirmed).

Conditions are frozen dataclasses, so a rule table is data a clinician can read and a test can
walk (`findings` lists what a condition depends on).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Container, Optional, Protocol

from .findings import UNKNOWN, Findings, Value

Tri = Optional[bool]
"""True, False, or None for "not decided yet"."""


class _Every:
    """A container holding every finding id: the `closed` set of a final verdict."""

    def __contains__(self, item: object) -> bool:
        return True


EVERY: Container[str] = _Every()
OPEN: Container[str] = frozenset()


class Condition(Protocol):
    def eval(self, findings: Findings, closed: Container[str] = OPEN) -> Tri: ...

    @property
    def findings(self) -> frozenset[str]: ...


def _same(a: object, b: object) -> bool:
    """Equality that keeps True apart from 1 (a bool finding is never an int one)."""
    return type(a) is type(b) and a == b


@dataclass(frozen=True)
class Is:
    """The finding has one of `values` (`"unknown"` must be listed to count)."""

    finding: str
    values: tuple[Value, ...]

    def eval(self, findings: Findings, closed: Container[str] = OPEN) -> Tri:
        if self.finding not in findings:
            return False if self.finding in closed else None
        value = findings[self.finding]
        return any(_same(value, v) for v in self.values)

    @property
    def findings(self) -> frozenset[str]:
        return frozenset({self.finding})


@dataclass(frozen=True)
class AtLeast:
    """An int finding is at least `n`; `unknown` counts as matching (it can only raise urgency)."""

    finding: str
    n: int

    def eval(self, findings: Findings, closed: Container[str] = OPEN) -> Tri:
        if self.finding not in findings:
            return False if self.finding in closed else None
        value = findings[self.finding]
        if value == UNKNOWN:
            return True
        return isinstance(value, int) and not isinstance(value, bool) and value >= self.n

    @property
    def findings(self) -> frozenset[str]:
        return frozenset({self.finding})


@dataclass(frozen=True)
class Any_:
    """At least one part holds (Kleene OR)."""

    parts: tuple[Condition, ...]

    def eval(self, findings: Findings, closed: Container[str] = OPEN) -> Tri:
        results = [p.eval(findings, closed) for p in self.parts]
        if True in results:
            return True
        return None if None in results else False

    @property
    def findings(self) -> frozenset[str]:
        return frozenset().union(*(p.findings for p in self.parts))


@dataclass(frozen=True)
class All_:
    """Every part holds (Kleene AND)."""

    parts: tuple[Condition, ...]

    def eval(self, findings: Findings, closed: Container[str] = OPEN) -> Tri:
        results = [p.eval(findings, closed) for p in self.parts]
        if False in results:
            return False
        return None if None in results else True

    @property
    def findings(self) -> frozenset[str]:
        return frozenset().union(*(p.findings for p in self.parts))


@dataclass(frozen=True)
class Not_:
    """The part does not hold."""

    part: Condition

    def eval(self, findings: Findings, closed: Container[str] = OPEN) -> Tri:
        result = self.part.eval(findings, closed)
        return None if result is None else not result

    @property
    def findings(self) -> frozenset[str]:
        return self.part.findings


# Short constructors, so that a table row reads like the clinical text.

def is_(finding: str, *values: Value) -> Is:
    return Is(finding, tuple(values))


def present(finding: str) -> Is:
    """A sign or risk factor that is there, or that the person does not know: unknown counts."""
    return Is(finding, (True, UNKNOWN))


def any_(*parts: Condition) -> Any_:
    return Any_(tuple(parts))


def all_(*parts: Condition) -> All_:
    return All_(tuple(parts))


def not_(part: Condition) -> Not_:
    return Not_(part)
