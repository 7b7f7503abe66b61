"""skill/legcramp.service: a unit systemd accepts, whose service can keep its diary and cache.

ProtectSystem=strict and ProtectHome=true leave a service no writable directory of its own
unless the unit asks for one. Before: no StateDirectory or CacheDirectory, so the service kept
no diary and compiled the grammar again at every start."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UNIT = ROOT / "skill" / "legcramp.service"
# The specifiers of the unit, as systemd expands them for a system service.
SPECIFIERS = {"%S": "/var/lib", "%C": "/var/cache"}


def service() -> dict[str, list[str]]:
    """The [Service] section, each key with every value it is given (Environment= repeats)."""
    values: dict[str, list[str]] = {}
    section = None
    for line in UNIT.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
        elif section == "Service":
            key, _, value = line.partition("=")
            values.setdefault(key.strip(), []).append(value.strip())
    return values


def environment() -> dict[str, str]:
    env = {}
    for item in service()["Environment"]:
        key, _, value = item.partition("=")
        for spec, path in SPECIFIERS.items():
            value = value.replace(spec, path)
        env[key] = value
    return env


def test_the_unit_asks_for_a_state_and_a_cache_directory():
    unit = service()
    assert unit["StateDirectory"] == ["legcramp"] and unit["CacheDirectory"] == ["legcramp"]
    assert unit["StateDirectoryMode"] == ["0700"]  # the diary is health data
    assert unit["ProtectSystem"] == ["strict"] and unit["ProtectHome"] == ["true"]


def test_the_diary_and_the_caches_land_in_those_directories():
    """What the skill itself computes under the unit's environment (no systemd needed)."""
    env = {**os.environ, **environment()}
    code = ("from skill.diary.store import default_path; from skill.nlu.automaton import cache_dir; "
            "print(default_path()); print(cache_dir())")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["/var/lib/legcramp/diary.sqlite3", "/var/cache/legcramp"]


def test_systemd_accepts_the_unit(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (no systemd on this machine)")
    # The unit names /usr/local/bin/legcramp, where `uv tool install` or pip put it on a
    # target machine; verify checks that it is executable, so point it at this one.
    here = shutil.which("legcramp") or str(Path(sys.executable).with_name("legcramp"))
    if not Path(here).is_file():
        pytest.skip("no legcramp executable in this environment to stand for /usr/local/bin's")
    copy = tmp_path / "legcramp.service"
    copy.write_text(UNIT.read_text().replace("/usr/local/bin/legcramp", here))
    proc = subprocess.run([analyze, "verify", str(copy)], capture_output=True, text=True,
                          timeout=60)
    problems = [line for line in (proc.stdout + proc.stderr).splitlines()
                if "legcramp.service" in line]
    assert proc.returncode == 0 and not problems, proc.stdout + proc.stderr
