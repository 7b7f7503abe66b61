"""Figures, their baselines and goals; the printed table and the JSON file.

Why a Figure carries its baseline: the issue asks for every figure as a ratio to something
measured in the same run, so the two travel together and the table cannot print one without
the other. A figure with no meaningful baseline (a count) says so instead of inventing one.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of unsorted values; NaN for none."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return float(ordered[rank - 1])


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


@dataclass
class Figure:
    """One measured number next to its baseline; `holds` is None when no goal applies."""

    section: str
    name: str
    value: Optional[float]
    unit: str
    baseline: Optional[float] = None
    baseline_name: str = ""
    goal: str = ""
    holds: Optional[bool] = None

    @property
    def ratio(self) -> Optional[float]:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio}


def check(value: Optional[float], test: Callable[[float], bool]) -> Optional[bool]:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else bool(test(value))


def _num(value: Optional[float], unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    magnitude = abs(value)
    text = (f"{value:.3g}" if magnitude < 10 else f"{value:,.0f}" if magnitude >= 1000
            else f"{value:.1f}")
    if magnitude >= 1e7:
        text = f"{value:.3g}"
    return f"{text} {unit}".strip()


def table(figures: Sequence[Figure]) -> str:
    """A plain-text table, one row per figure, grouped by section."""
    head = ("figure", "value", "baseline", "ratio", "goal", "holds")
    rows: list[tuple[str, ...]] = []
    section = None
    for f in figures:
        if f.section != section:
            section = f.section
            rows.append((f"[{section}]", "", "", "", "", ""))
        base = f"{_num(f.baseline, f.unit)} ({f.baseline_name})" if f.baseline_name else "n/a"
        ratio = f"{f.ratio:.3g}x" if f.ratio is not None else "-"
        holds = ("YES" if f.holds else "NO") if f.holds is not None else ("?" if f.goal else "")
        rows.append((f"  {f.name}", _num(f.value, f.unit), base, ratio, f.goal, holds))
    widths = [max(len(r[i]) for r in (head, *rows)) for i in range(len(head))]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([line(head), line(tuple("-" * w for w in widths)), *map(line, rows)])


def goals(figures: Sequence[Figure]) -> list[str]:
    """One line per goal: which hold and which do not."""
    verdict = {True: "HOLDS   ", False: "FAILS   ", None: "UNKNOWN "}  # None: not measured
    return [f"{verdict[f.holds]} {f.section}: {f.name} — {_num(f.value, f.unit)} (goal {f.goal})"
            for f in figures if f.goal]


def write_json(path: Path, figures: Sequence[Figure], details: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"figures": [f.to_dict() for f in figures], "details": details}
    path.write_text(json.dumps(body, indent=1, default=_jsonable) + "\n", encoding="utf-8")


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)
