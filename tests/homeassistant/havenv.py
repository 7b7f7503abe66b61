"""The Home Assistant venv for the integration tests: built once, cached, like the Rhasspy one.

Home Assistant pins its whole world and needs a newer Python than ours may be, so it lives in
a venv of its own under the e2e cache (~/.cache/legcramp-e2e/ha-venv-<hash>, or
$LEGCRAMP_E2E_CACHE), on a Python 3.13 found on the machine ($LEGCRAMP_HA_PYTHON, uv's, pyenv's
or the system's; uv downloads none). Cold: about two minutes; warm: one stat of a marker file.

Pinned: pytest-homeassistant-custom-component 0.13.236, which pins Home Assistant 2025.4.4
(the newest whose Python floor, 3.13.0, the machines here meet; hacs.json says 2025.4.0), and
wyoming 1.5.4, the client Home Assistant 2025.4 itself installs for its Wyoming integration.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import platform
import shutil
import subprocess
import time
from pathlib import Path
from typing import Iterator, Optional

from tests.e2e.stack import cache_root

HA_REQUIREMENTS: tuple[str, ...] = (
    "pytest-homeassistant-custom-component==0.13.236",
    "wyoming==1.5.4",
)
HA_PYTHON = (3, 13)
MARKER = ".legcramp-ha-ready.json"
_SCHEMA = 1


class VenvUnavailable(RuntimeError):
    """No Python Home Assistant supports, or the venv could not be built; says why."""


def find_python() -> Optional[str]:
    """A Python 3.13 interpreter, or None."""
    candidates = [os.environ.get("LEGCRAMP_HA_PYTHON")]
    uv = shutil.which("uv")
    if uv:
        found = subprocess.run([uv, "python", "find", "--system", "--no-python-downloads",
                                "%d.%d" % HA_PYTHON], capture_output=True, text=True)
        candidates.append(found.stdout.strip() if found.returncode == 0 else None)
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates += sorted(str(p) for p in pyenv.glob("%d.%d.*/bin/python3" % HA_PYTHON))
    candidates.append(shutil.which("python%d.%d" % HA_PYTHON))
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK) and _version(candidate) == HA_PYTHON:
            return candidate
    return None


def _version(python: str) -> Optional[tuple[int, int]]:
    try:
        out = subprocess.run([python, "-c", "import sys; print(*sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=20).stdout.split()
        return (int(out[0]), int(out[1]))
    except (OSError, subprocess.TimeoutExpired, ValueError, IndexError):
        return None


def _hash(python_version: str) -> str:
    key = json.dumps({"schema": _SCHEMA, "requirements": sorted(HA_REQUIREMENTS),
                      "python": python_version,
                      "platform": f"{platform.system()}-{platform.machine()}"}, sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()[:16]


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_ha_venv() -> Path:
    """The venv's python, built on first use; VenvUnavailable says why not."""
    python = find_python()
    if python is None:
        raise VenvUnavailable("no Python %d.%d on this machine (Home Assistant 2025.4 needs it; "
                              "set LEGCRAMP_HA_PYTHON to one)" % HA_PYTHON)
    uv = shutil.which("uv")
    if uv is None:
        raise VenvUnavailable("uv is not on PATH")
    root = cache_root()
    name = f"ha-venv-{_hash('%d.%d' % HA_PYTHON)}"
    path, venv_python = root / name, root / name / "bin" / "python"
    if (path / MARKER).is_file():
        return venv_python
    with _lock(root / f"{name}.lock"):
        if (path / MARKER).is_file():
            return venv_python
        started, log_path = time.monotonic(), root / f"{name}.install.log"
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
        with open(log_path, "w", encoding="utf-8") as log:
            def run(cmd: list[str]) -> bool:
                log.write(f"$ {' '.join(cmd)}\n")
                log.flush()
                try:
                    return subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                                          stdin=subprocess.DEVNULL, timeout=1200).returncode == 0
                except subprocess.TimeoutExpired:
                    return False

            shutil.rmtree(path, ignore_errors=True)
            ok = (run([uv, "venv", "--no-project", "--no-config", "--quiet", "--python", python,
                       str(path)])
                  and run([uv, "pip", "install", "--no-config", "--python", str(venv_python),
                           *HA_REQUIREMENTS])
                  and run([str(venv_python), "-c", "import homeassistant.components.conversation, "
                           "pytest_homeassistant_custom_component, wyoming.client"]))
        if not ok:
            tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-30:])
            raise VenvUnavailable(f"could not build the Home Assistant venv {path}:\n{tail}")
        (path / MARKER).write_text(json.dumps({
            "requirements": list(HA_REQUIREMENTS), "python": python,
            "seconds": round(time.monotonic() - started, 1),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S")}, indent=1), encoding="utf-8")
    return venv_python
