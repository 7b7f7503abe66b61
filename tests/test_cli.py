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


def _run(*argv: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "skill.cli", *argv], input=stdin,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("number", ["+44 (0) 999 ext", "1-1-2", "999#", "112 or 999", "+", "",
                                    "44+1", "1" * 16])
def test_an_emergency_number_that_cannot_be_said_exactly_stops_the_start(number):
    """Before: "+44 (0) 999 ext" was silently spoken as "four four zero nine nine nine"."""
    proc = _run("chat", "--jsonl", "--no-diary", "--emergency-number", number, stdin="help\n")
    assert proc.returncode != 0 and not proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "--emergency-number" in lines[0] and "digits" in lines[0], lines


@pytest.mark.parametrize("number, spoken", [("112", "one one two"), ("+44 999", "plus four four nine nine nine"),
                                            (" 1 1 2 ", "one one two")])
def test_an_emergency_number_is_spoken_digit_by_digit(number, spoken):
    proc = _run("chat", "--jsonl", "--no-diary", "--emergency-number", number,
                stdin="my calf hurts and i can't catch my breath\n")
    assert proc.returncode == 0, proc.stderr
    assert spoken in proc.stdout


@pytest.mark.parametrize("hold", ["0", "0.4", "4", "121", "300", "-3", "20.5", "ten"])
def test_a_hold_outside_whole_seconds_from_5_to_120_is_refused_with_the_range(hold):
    """Before: 0.4 was taken and spoken as "zero seconds", and 0 was refused as "between 0 and
    300"."""
    proc = _run("chat", "--jsonl", "--no-diary", "--hold-seconds", hold, stdin="help\n")
    assert proc.returncode != 0 and not proc.stdout
    assert "--hold-seconds" in proc.stderr and "from 5 to 120" in proc.stderr


@pytest.mark.parametrize("hold", ["5", "120"])
def test_the_ends_of_the_hold_range_are_taken(hold):
    proc = _run("chat", "--jsonl", "--no-diary", "--hold-seconds", hold, stdin="help\n")
    assert proc.returncode == 0, proc.stderr


def test_version():
    proc = _run("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("legcramp ")
    from importlib.metadata import version

    assert version("legcramp") in proc.stdout


def _help(*path: str) -> str:
    parser = build_parser()
    if not path:
        return parser.format_help()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[path[0]].format_help()


@pytest.mark.parametrize("command", ["chat", "hermes", "sentences", "install"])
def test_every_command_with_lang_says_what_it_is(command):
    text = " ".join(_help(command).split())
    assert "--lang LANG language" in text and "(default: en" in text


def test_help_names_the_environment_variables_of_each_command():
    assert "$LEGCRAMP_DIARY" in _help("chat") and "$LEGCRAMP_DIARY" in _help("hermes")
    assert "$LEGCRAMP_DIARY" in _help("diary")
    assert "$LEGCRAMP_MQTT_PASSWORD" in " ".join(_help("hermes").split())


def test_chat_jsonl_help_says_input_is_plain_text_lines():
    text = " ".join(_help("chat").split())
    assert "input is plain text, one utterance a line" in text


PROPER = ("Python", "Rhasspy's", "Rhasspy")


def test_help_text_is_one_style():
    """Every flag's help starts in lower case and has no closing full stop."""
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in sub.choices.items():
        for action in command._actions:
            words = action.help
            if not words or words == argparse.SUPPRESS or action.dest == "help":
                continue
            first = words.split()[0]
            # Lower case, or a name: MQTT, TLS, Python, Rhasspy's.
            assert not (first[0].isupper() and first[1:].islower()) or first in PROPER, \
                f"{name} {action.option_strings}: {words}"
            assert not words.endswith("."), f"{name} {action.option_strings}: {words}"
