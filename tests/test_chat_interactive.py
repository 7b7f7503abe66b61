"""`legcramp chat` for a person at a terminal: a welcome, replies, a clear word about --speak."""
import os
import subprocess
import sys


def run(stdin: str, *args: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "skill.cli", "chat", *args], input=stdin,
                          capture_output=True, text=True, timeout=60, env=env)


def test_a_person_types_and_is_answered():
    proc = run("i'm short of breath and my calf hurts\nyes\n")
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("legcramp:")
    assert any("emergency" in line.lower() or "nine one one" in line for line in lines)
    assert "conversation ended" in proc.stdout


def test_speak_without_espeak_says_so_clearly_and_carries_on():
    env = {**os.environ, "PATH": "/nonexistent"}
    proc = run("stop\n", "--speak", env=env)
    assert proc.returncode == 0
    assert "espeak-ng is not installed" in proc.stderr
    assert "legcramp:" in proc.stdout


def test_bad_options_give_a_clear_message():
    proc = run("", "--hold-seconds", "-3")
    assert proc.returncode != 0 and "--hold-seconds" in proc.stderr
