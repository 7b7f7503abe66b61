"""The built wheel carries intents/ and dialogs/ and holds a conversation from a fresh venv."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("uv") is None and shutil.which("pip") is None,
                    reason="needs uv to build the wheel")
def test_wheel_installs_and_talks(tmp_path):
    uv = shutil.which("uv")
    uv_cmd = [uv] if uv else [sys.executable, "-m", "uv"]
    dist = tmp_path / "dist"
    subprocess.run([*uv_cmd, "build", "--wheel", "--out-dir", str(dist), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    wheel = next(dist.glob("legcramp-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([*uv_cmd, "venv", "--quiet", "--python", sys.executable, str(venv)],
                   check=True, capture_output=True, timeout=120)
    env = {**os.environ, "VIRTUAL_ENV": str(venv)}
    env.pop("UV_PROJECT_ENVIRONMENT", None)
    subprocess.run([*uv_cmd, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"),
                    str(wheel)], check=True, capture_output=True, timeout=600, env=env)
    legcramp = venv / "bin" / "legcramp"
    proc = subprocess.run([str(legcramp), "chat", "--jsonl"], input="my calf is all puffy and hot\n",
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    first = json.loads(proc.stdout.splitlines()[0])
    assert first["findings"]["swelling"] == "one_leg"
    # The content came from inside the installed package, not from this checkout.
    where = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "from skill.content import content_dir; print(content_dir('intents', 'en'))"],
                           capture_output=True, text=True, check=True, cwd=tmp_path).stdout
    assert "_content" in where and str(venv) in where
