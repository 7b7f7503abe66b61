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

from .rhasspy_names import prefixed_grammar

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
        header = ("# legcramp: leg cramp or clot triage. Installed by `legcramp install`; edits are "
                  "overwritten.\n# Every intent is named Legcramp...: a shared profile has one "
                  "namespace of intents.\n")
        ini = prefixed_grammar((intents_dir / "sentences.ini").read_text(encoding="utf-8"))
        return cls(header + ini, slots)

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


PROFILE_MARKERS = ("profile.json", "sentences.ini")
"""What a Rhasspy 2.5 profile directory holds: its settings, or its sentences."""


@dataclass(frozen=True)
class Installed:
    """What an install did: the files written (relative to the profile), and where the files
    they replaced were kept (None when nothing was replaced). Nothing written: it was there."""

    profile: Path
    written: tuple[str, ...]
    backup: Optional[Path]

    def message(self) -> str:
        if not self.written:
            return f"already installed in {self.profile}: {OUR_INI} is unchanged; nothing written"
        kept = f"; the files it replaced are kept in {self.backup}" if self.backup else ""
        return (f"installed {', '.join(self.written)} into {self.profile}{kept}; "
                f"now train Rhasspy")


def install_profile(grammar: Grammar, profile: Path, now: Optional[float] = None) -> Installed:
    """Write our ini and slots into a profile directory, backing up what they replace.

    Files already as they would be written are left alone, so reinstalling the same grammar
    writes nothing and leaves no backup behind."""
    if not any((profile / name).is_file() for name in PROFILE_MARKERS):
        raise InstallError(f"no Rhasspy profile at {profile} (a profile directory holds "
                           f"{' or '.join(PROFILE_MARKERS)})")
    theirs = {str(p.relative_to(profile)): p.read_text(encoding="utf-8", errors="replace")
              for p in [profile / "sentences.ini", *sorted((profile / "intents").glob("*.ini"))]
              if p.is_file()}
    problems = conflicts(grammar, theirs)
    problems += [f"slots/{name} exists and is not ours" for name in grammar.slots
                 if (profile / "slots" / name).is_file() and not name.startswith("legcramp")]
    if problems:
        raise InstallError("not installed, to keep your grammar intact: " + "; ".join(problems))
    wanted = {OUR_INI: grammar.ini,
              **{f"slots/{name}": "\n".join(values) + "\n" for name, values in grammar.slots.items()}}
    changed = {name: text for name, text in wanted.items() if _read(profile / name) != text}
    replaced = [name for name in changed if (profile / name).exists()]
    backup = None
    if replaced:
        backup = profile / f".legcramp-backup-{time.strftime('%Y%m%d-%H%M%S', time.localtime(now))}"
        for name in replaced:
            (backup / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(profile / name, backup / name)
    for name, text in changed.items():
        (profile / name).parent.mkdir(exist_ok=True)
        (profile / name).write_text(text, encoding="utf-8")
    return Installed(profile, tuple(changed), backup)


def _read(path: Path) -> Optional[str]:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


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


def install_http(grammar: Grammar, base_url: str, backup_dir: Path,
                 train: bool = True) -> Optional[Path]:
    """Install through Rhasspy's HTTP API; returns the backup of the sentences it saw, or None
    when Rhasspy already has this very grammar (then nothing is sent, saved or trained)."""
    base = base_url.rstrip("/")
    try:
        theirs = json.loads(_request(f"{base}/api/sentences") or b"{}")
    except ValueError as err:
        raise InstallError("Rhasspy's /api/sentences did not return JSON files") from err
    if not isinstance(theirs, dict):
        raise InstallError("Rhasspy's /api/sentences did not return JSON files")
    problems = conflicts(grammar, theirs)
    if problems:
        raise InstallError("not installed, to keep your grammar intact: " + "; ".join(problems))
    if theirs.get(OUR_INI) == grammar.ini and not grammar.slots:
        return None
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
