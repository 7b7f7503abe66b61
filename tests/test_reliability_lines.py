"""The RELIABILITY: lines of tests/reliability print what was measured, never a constant.

Before: `info_leaks=0`, `outcome_off_published=0`, `exit_status=1` (literals) and
`faults_injected=faults, survived=faults` (one number under two names) read as results."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

RELIABILITY = Path(__file__).resolve().parent / "reliability"


def report_calls() -> list[tuple[str, ast.Call]]:
    calls = []
    for path in sorted(RELIABILITY.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "report":
                calls.append((path.name, node))
    return calls


def test_there_are_lines_to_check():
    assert len(report_calls()) >= 8


@pytest.mark.parametrize("where, call", report_calls(),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_no_figure_is_a_literal_or_the_same_number_twice(where, call):
    name = ast.unparse(call.args[0]) if call.args else "?"
    seen: dict[str, str] = {}
    for keyword in call.keywords:
        text = ast.unparse(keyword.value)
        assert not isinstance(keyword.value, ast.Constant), \
            f"{where} {name}: {keyword.arg}={text} is a constant, not a measurement"
        assert text not in seen, f"{where} {name}: {keyword.arg} and {seen.get(text)} print {text}"
        seen[text] = keyword.arg or "?"
