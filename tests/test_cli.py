"""The `legcramp` command line: what it imports, how it refuses bad flags, what its help says."""
from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from skill.cli import build_parser

# Run in a child: Python 3.13 without audioop is simulated by making `import audioop` fail, and
# paho and rhasspyhermes are recorded if anything imports them.
PROBE = r"""
import io, sys
sys.modules["audioop"] = None  # as on Python 3.13 without audioop-lts
from skill.cli import main
argv = sys.argv[1:]
if argv[:1] == ["chat"]:
    sys.stdin = io.StringIO("my calf is cramping\nstop\n")
try:
    main(argv)
except SystemExit:
    pass
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("rhasspyhermes", "paho"))
print("HEAVY", heavy, file=sys.stderr)
"""


def _probe(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("argv", [
    ["--help"], ["chat", "--help"], ["hermes", "--help"], ["diary", "--help"],
    ["chat", "--jsonl", "--no-diary"], ["sentences"],
])
def test_no_command_but_hermes_imports_the_hermes_stack(argv):
    proc = _probe(*argv)
    assert "HEAVY []" in proc.stderr, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]


def test_chat_works_where_audioop_is_missing():
    proc = _probe("chat", "--jsonl", "--no-diary")
    assert '"say"' in proc.stdout, proc.stderr[-2000:]


def _flags(parser: argparse.ArgumentParser) -> dict[str, tuple]:
    return {a.option_strings[0]: (a.dest, a.default, tuple(a.choices or ()), type(a).__name__,
                                  a.type)
            for a in parser._actions if a.option_strings and a.dest != "help"}


def test_hermes_flags_are_rhasspys_own():
    """The flags declared without rhasspyhermes are the ones its add_hermes_args gives."""
    from rhasspyhermes.cli import add_hermes_args as theirs

    from skill.shells.hermes_args import add_hermes_args as ours

    a, b = argparse.ArgumentParser(), argparse.ArgumentParser()
    theirs(a)
    ours(b)
    assert _flags(b) == _flags(a)
