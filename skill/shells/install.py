"""`legcramp sentences` and `legcramp install`: our grammar into a Rhasspy 2.5 profile.

Rhasspy 2.5 reads `sentences.ini` and every `intents/*.ini` of a profile, so the skill installs
its grammar as its own file, `intents/legcramp.ini`, and its slot lists under `slots/`, and never
edits the user's sentences. Before anything is written, the files it will replace are backed up,
and an intent of ours that the user already defines elsewhere stops the install with a message.
`--rhasspy-url` does the same through Rhasspy's HTTP API (sentences, slots, train).
"""
from __future__ import annotations

import json
import re
import shutil
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

OUR_INI = "intents/legcramp.ini"
SECTION = re.compile(r"^\s*\[([^\]]+)\]\s*$", re.MULTILINE)


class InstallError(RuntimeError):
    """The install would clobber the user's grammar, or Rhasspy refused it."""


@dataclass(frozen=True)
class Grammar:
    ini: str
    slots: dict[str, list[str]]

    @classmethod
    def from_dir(cls, intents_dir: Path) -> "Grammar":
        slots_dir = intents_dir / "slots"
        slots = {}
        if slots_dir.is_dir():
            for path in sorted(slots_dir.iterdir()):
                if path.is_file():
                    slots[path.name] = [ln.strip() for ln in path.read_text().splitlines() if ln.strip()]
        header = "# legcramp: leg cramp or clot triage. Installed by `legcramp install`; edits are overwritten.\n"
        return cls(header + (intents_dir / "sentences.ini").read_text(encoding="utf-8"), slots)

    @property
    def intents(self) -> set[str]:
        return set(SECTION.findall(self.ini))


def conflicts(ours: Grammar, theirs: dict[str, str]) -> list[str]:
    """Our intent names that the user's other sentence files already define."""
    found = []
    for path, text in sorted(theirs.items()):
        if Path(path).as_posix() == OUR_INI:
            continue
        for name in sorted(ours.intents & set(SECTION.findall(text))):
            found.append(f"{path} already defines [{name}]")
    return found


def install_profile(grammar: Grammar, profile: Path, now: Optional[float] = None) -> list[Path]:
    """Write our ini and slots into a profile directory; returns the files written."""
    if not profile.is_dir():
        raise InstallError(f"no Rhasspy profile at {profile}")
    theirs = {str(p.relative_to(profile)): p.read_text(encoding="utf-8", errors="replace")
              for p in [profile / "sentences.ini", *sorted((profile / "intents").glob("*.ini"))]
              if p.is_file()}
    problems = conflicts(grammar, theirs)
    problems += [f"slots/{name} exists and is not ours" for name in grammar.slots
                 if (profile / "slots" / name).is_file() and not name.startswith("legcramp")]
    if problems:
        raise InstallError("not installed, to keep your grammar intact: " + "; ".join(problems))
    targets = [profile / OUR_INI, *(profile / "slots" / name for name in grammar.slots)]
    backup = profile / f".legcramp-backup-{time.strftime('%Y%m%d-%H%M%S', time.localtime(now))}"
    for target in targets:
        if target.exists():
            (backup / target.parent.relative_to(profile)).mkdir(parents=True, exist_ok=True)
            shutil.copy2(target, backup / target.relative_to(profile))
    (profile / "intents").mkdir(exist_ok=True)
    (profile / OUR_INI).write_text(grammar.ini, encoding="utf-8")
    for name, values in grammar.slots.items():
        (profile / "slots").mkdir(exist_ok=True)
        (profile / "slots" / name).write_text("\n".join(values) + "\n", encoding="utf-8")
    return targets


def _request(url: str, data: Optional[bytes] = None, json_body: bool = False,
             timeout: float = 600.0) -> bytes:
    headers = {"Accept": "application/json"}
    if json_body:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers,
                                     method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - user's URL
            return response.read()
    except OSError as err:
        raise InstallError(f"Rhasspy at {url} did not answer: {err}") from err


def install_http(grammar: Grammar, base_url: str, backup_dir: Path, train: bool = True) -> Path:
    """Install through Rhasspy's HTTP API; returns the backup of the sentences it saw."""
    base = base_url.rstrip("/")
    theirs = json.loads(_request(f"{base}/api/sentences") or b"{}")
    if not isinstance(theirs, dict):
        raise InstallError("Rhasspy's /api/sentences did not return JSON files")
    problems = conflicts(grammar, theirs)
    if problems:
        raise InstallError("not installed, to keep your grammar intact: " + "; ".join(problems))
    backup_dir.mkdir(parents=True, exist_ok=True)
    backup = backup_dir / f"rhasspy-sentences-{time.strftime('%Y%m%d-%H%M%S')}.json"
    backup.write_text(json.dumps(theirs, indent=1), encoding="utf-8")
    _request(f"{base}/api/sentences", json.dumps({OUR_INI: grammar.ini}).encode(), json_body=True)
    if grammar.slots:
        _request(f"{base}/api/slots", json.dumps(grammar.slots).encode(), json_body=True)
    if train:
        _request(f"{base}/api/train", b"")
    return backup


def print_sentences(grammar: Grammar, out=sys.stdout) -> None:
    out.write(grammar.ini)
    for name, values in grammar.slots.items():
        out.write(f"\n# slots/{name}\n" + "".join(f"# {v}\n" for v in values))
