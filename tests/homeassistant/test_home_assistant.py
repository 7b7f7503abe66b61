"""custom_components/legcramp in real Home Assistant, talking to a real `legcramp wyoming`.

The tests in inner/ run in the cached Home Assistant venv (havenv.py) with
pytest-homeassistant-custom-component: the config flow, a whole conversation through
`conversation.async_converse` with `continue_conversation` on every question and not at the end,
and the `legcramp_outcome` event. This test starts the service, lays out a directory for them,
runs them, and keeps the conversation they record. It skips, saying why, only when no Python
3.13 is on the machine or the venv cannot be built here.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.homeassistant.havenv import VenvUnavailable, ensure_ha_venv
from tests.wyoming_client import ROOT, WyomingProcess

INNER = Path(__file__).resolve().parent / "inner"


@pytest.fixture(scope="module")
def ha_python() -> Path:
    try:
        return ensure_ha_venv()
    except VenvUnavailable as err:
        pytest.skip(f"Home Assistant cannot run here: {err}")


def lay_out(where: Path) -> Path:
    """inner/'s tests beside a custom_components package holding a link to ours."""
    for source in INNER.iterdir():
        if source.is_file():
            shutil.copy(source, where / source.name)
    package = where / "custom_components"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "legcramp").symlink_to(ROOT / "custom_components" / "legcramp")
    return where


def failure(out: str) -> str:
    """What the inner run says went wrong: its error lines and summary, not its INFO logs."""
    lines = [l for l in out.splitlines() if l.startswith(("E ", "FAILED", "ERROR", "___"))
             or " passed" in l or " failed" in l]
    return "\n".join(lines)[-8000:]


def test_the_integration_in_real_home_assistant(ha_python: Path, tmp_path: Path) -> None:
    where = lay_out(tmp_path)
    transcript = tmp_path / "ha-conversation.json"
    with WyomingProcess() as service:
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
        env.update(LEGCRAMP_WYOMING_PORT=str(service.port), LEGCRAMP_HA_TRANSCRIPT=str(transcript))
        run = subprocess.run([str(ha_python), "-m", "pytest", "-p", "no:cacheprovider", "-q",
                              "-o", "addopts=", str(where)], cwd=where, env=env,
                             capture_output=True, text=True, timeout=600)
        warnings = service.warnings()
    keep = os.environ.get("LEGCRAMP_HA_TRANSCRIPT_OUT")
    if keep and transcript.is_file():
        shutil.copy(transcript, keep)
    assert run.returncode == 0, failure(run.stdout) + run.stderr[-3000:] + "".join(warnings)
    assert "6 passed" in run.stdout, failure(run.stdout)
    recorded = json.loads(transcript.read_text(encoding="utf-8"))
    assert recorded["turns"][-1]["continue_conversation"] is False
    assert [o["disposition"] for o in recorded["outcomes"]] == ["urgent"]
    assert not [w for w in warnings if "ERROR" in w], warnings
