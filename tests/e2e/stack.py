"""End-to-end helpers: a real mosquitto, the real Rhasspy 2.5 NLU and dialogue manager, a user.

What runs (nothing is mocked but the microphone, the speech recogniser, TTS and the speaker):

    mosquitto (temp config, free port on 127.0.0.1)
    rhasspy-nlu-hermes       (PyPI 0.5.1, rhasspy-nlu 0.3.3, networkx 2.4) --intent-graph <ours>
    rhasspy-dialogue-hermes  (PyPI 0.6.1) --site-id <each site> --session-timeout <s>
    User                     a paho client playing wake word + ASR + TTS + audio player of a site

The two Rhasspy services pin networkx 2.4 (our project uses networkx 3), so they live in their
own virtualenv, built once and cached under ~/.cache/legcramp-e2e/ (see ensure_rhasspy_venv).

The intent graph is compiled INSIDE that venv, with the service's own rhasspynlu/networkx, into
the gzipped pickle that `rhasspy-nlu-hermes --intent-graph` loads. It reads no other format (no
JSON); our venv's rhasspynlu cannot write that pickle at all (networkx 3 dropped gpickle), and a
hand-pickled networkx 3 graph loading into networkx 2.4 would work by luck, not by contract.

This module is also executed by the Rhasspy venv's python (`python -I stack.py compile-graph ...`),
so at import time it may use only the standard library, paho-mqtt 1.5 and rhasspyhermes 0.6, which
both venvs have. It never imports pytest.
"""
from __future__ import annotations

import argparse
import atexit
import contextlib
import dataclasses
import fcntl
import hashlib
import io
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import typing
import uuid
import wave
from pathlib import Path

import paho.mqtt.client as mqtt
from rhasspyhermes.asr import AsrTextCaptured
from rhasspyhermes.audioserver import AudioPlayBytes, AudioPlayFinished
from rhasspyhermes.base import Message
from rhasspyhermes.dialogue import (
    DialogueAction,
    DialogueContinueSession,
    DialogueEndSession,
    DialogueNotification,
    DialogueSessionEnded,
    DialogueStartSession,
)
from rhasspyhermes.nlu import NluQuery
from rhasspyhermes.tts import TtsSayFinished
from rhasspyhermes.wake import HotwordDetected

# paho 2.x asks which callback signatures a client uses; 1.5 (the Rhasspy venv's) knows only those.
_CALLBACK_V1 = (mqtt.CallbackAPIVersion.VERSION1,) if hasattr(mqtt, "CallbackAPIVersion") else ()

__all__ = [
    "ROOT", "INTENTS_DIR", "RHASSPY_REQUIREMENTS", "PROBE_SITE", "PROBE_SITE_DM",
    "BrokerAddress", "Mosquitto", "TlsFiles", "find_mosquitto",
    "RhasspyVenv", "ensure_rhasspy_venv", "requirements_hash", "cache_root",
    "compile_graph", "compile_graph_cached", "grammar_hash",
    "Service", "RhasspyStack", "StackError",
    "Record", "Said", "MqttClient", "User", "WaitTimeout",
    "continue_session", "end_session",
]

ROOT = Path(__file__).resolve().parents[2]
INTENTS_DIR = ROOT / "intents" / "en"

# Everything the Rhasspy venv holds, pinned (resolved by uv on Python 3.11 from PyPI). The two
# services pin networkx==2.4, paho-mqtt==1.5.0, rhasspy-hermes~=0.6.0, rhasspy-nlu~=0.3.0.
# numpy must NOT be installed: networkx 2.4 uses np.int / np.float_ at import and breaks on numpy
# >= 1.24, which is why rhasspy-nlu 0.4.0 (which pulls numpy) is not forced in here.
RHASSPY_REQUIREMENTS: tuple[str, ...] = (
    "rhasspy-dialogue-hermes==0.6.1",
    "rhasspy-nlu-hermes==0.5.1",
    "rhasspy-nlu==0.3.3",
    "rhasspy-hermes==0.6.2",
    "networkx==2.4",
    "decorator==5.3.1",
    "num2words==0.5.10",
    "docopt==0.6.2",
    "paho-mqtt==1.5.0",
    "dataclasses-json==0.5.6",
    "marshmallow==3.26.2",
    "marshmallow-enum==1.5.1",
    "packaging==26.3",
    "typing-inspect==0.9.0",
    "typing-extensions==4.16.0",
    "mypy-extensions==1.2.0",
)
_VENV_SCHEMA = 1  # bump to force a rebuild of every cached venv

# Sites only the stack itself uses, to check that both services are subscribed without sending
# a single message to a real site: the NLU serves PROBE_SITE, the dialogue manager PROBE_SITE_DM
# (so it ignores the NLU probe's intentNotRecognized).
PROBE_SITE = "legcramp-e2e-probe"
PROBE_SITE_DM = "legcramp-e2e-probe-dm"
_NO_INTENT = "LegcrampE2eNoSuchIntent"


class StackError(RuntimeError):
    """The e2e stack could not be built or started. The message carries the relevant log."""


# =================================================================================================
# Environment
# =================================================================================================


def _child_env(**extra: str) -> dict[str, str]:
    """os.environ without what would leak our venv into a child python."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP", "__PYVENV_LAUNCHER__"}}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def _tail(path: Path, lines: int = 60) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as e:
        return f"<cannot read {path}: {e}>"
    return "\n".join(text.splitlines()[-lines:])


# =================================================================================================
# mosquitto
# =================================================================================================


class BrokerAddress(typing.NamedTuple):
    host: str
    port: int


def find_mosquitto() -> str | None:
    """The mosquitto executable ($LEGCRAMP_MOSQUITTO, PATH, the usual sbin dirs) or None."""
    candidates = [os.environ.get("LEGCRAMP_MOSQUITTO"), shutil.which("mosquitto"),
                  "/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto",
                  "/opt/homebrew/sbin/mosquitto", "/usr/local/opt/mosquitto/sbin/mosquitto"]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class TlsFiles(typing.NamedTuple):
    """PEM files for a TLS listener: the CA that signed the server's certificate, and the pair."""

    cafile: Path
    certfile: Path
    keyfile: Path


class Mosquitto:
    """A private mosquitto on a free port of 127.0.0.1. Log (stderr) in workdir/mosquitto.log.

    Optional: `password_file` (made with mosquitto_passwd) switches anonymous access off;
    `tls` adds a second listener, with TLS, on `tls_port`. start(port=...) starts it again on
    the port it had (a broker restart, as clients see it).
    """

    def __init__(self, workdir: Path, executable: str | None = None, host: str = "127.0.0.1", *,
                 password_file: Path | None = None, tls: TlsFiles | None = None):
        self.workdir = Path(workdir)
        self.executable = executable or find_mosquitto()
        self.host = host
        self.port = 0
        self.tls_port = 0
        self.password_file = password_file
        self.tls = tls
        self.proc: subprocess.Popen | None = None
        self.log_path = self.workdir / "mosquitto.log"
        self.conf_path = self.workdir / "mosquitto.conf"

    @property
    def address(self) -> BrokerAddress:
        return BrokerAddress(self.host, self.port)

    def start(self, timeout: float = 10.0, port: int | None = None) -> BrokerAddress:
        """Start on a free port, or on `port` (and the TLS listener on the port it had)."""
        if not self.executable:
            raise StackError("mosquitto not found")
        self.workdir.mkdir(parents=True, exist_ok=True)
        last_error = ""
        for _attempt in range(5):  # the free port may be taken between bind() and mosquitto
            self.port = port or free_port(self.host)
            if self.tls and not (port and self.tls_port):
                self.tls_port = free_port(self.host)
            # Log to stderr (a file we open): as root, mosquitto drops to user `mosquitto` and
            # could not write a log file in our temp dir.
            self.conf_path.write_text(
                f"listener {self.port} {self.host}\n"
                f"allow_anonymous {'false' if self.password_file else 'true'}\n"
                "persistence false\n"
                "log_dest stderr\n"
                "log_type error\nlog_type warning\nlog_type notice\nlog_type information\n"
                "connection_messages true\n"
                "set_tcp_nodelay true\n" + self._secured_conf(),
                encoding="utf-8",
            )
            with open(self.log_path, "ab") as log:
                self.proc = _spawn([self.executable, "-c", str(self.conf_path)], log)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    last_error = _tail(self.log_path, 20)
                    break
                try:
                    for listening in (self.port, *([self.tls_port] if self.tls else [])):
                        with socket.create_connection((self.host, listening), timeout=0.5):
                            pass
                    return self.address
                except OSError:
                    time.sleep(0.05)
            else:
                self.stop()
                raise StackError(f"mosquitto did not listen on {self.host}:{self.port} within "
                                 f"{timeout} s\n{_tail(self.log_path)}")
        raise StackError(f"mosquitto failed to start:\n{last_error}")

    def _secured_conf(self) -> str:
        """The password file and the TLS listener, when asked for (global options first)."""
        conf = ""
        if self.password_file or self.tls:
            if os.geteuid() == 0:  # else it drops to user `mosquitto`, who cannot read our files
                conf += "user root\n"
        if self.password_file:
            conf += f"password_file {self.password_file}\n"
        if self.tls:
            conf += (f"listener {self.tls_port} {self.host}\ncafile {self.tls.cafile}\n"
                     f"certfile {self.tls.certfile}\nkeyfile {self.tls.keyfile}\n")
        return conf

    def stop(self, timeout: float = 5.0) -> None:
        _terminate(self.proc, timeout)

    def kill(self) -> None:
        """SIGKILL: the broker vanishes without closing its connections cleanly."""
        _terminate(self.proc, 5.0, first=signal.SIGKILL)


_CHILDREN: "set[subprocess.Popen]" = set()


@atexit.register
def _reap_children() -> None:
    """Stop what we started if the test process exits without teardown (a crash, a script)."""
    for proc in list(_CHILDREN):
        _terminate(proc, 2.0)


def _spawn(cmd: list[str], log: typing.BinaryIO, env: dict[str, str] | None = None) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env)
    _CHILDREN.add(proc)
    return proc


def _terminate(proc: subprocess.Popen | None, timeout: float = 5.0, first: int = signal.SIGTERM) -> None:
    """Stop a process we started: `first` signal, then SIGKILL after `timeout`."""
    if proc is None:
        return
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(first)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait(timeout=5)
    _CHILDREN.discard(proc)


# =================================================================================================
# The Rhasspy virtualenv
# =================================================================================================


@dataclasses.dataclass(frozen=True)
class RhasspyVenv:
    """The cached venv with rhasspy-nlu-hermes and rhasspy-dialogue-hermes."""

    path: Path
    python: Path
    nlu: Path        # console script rhasspy-nlu-hermes
    dialogue: Path   # console script rhasspy-dialogue-hermes
    requirements_hash: str
    built: bool = False  # True when this call built it (cold), False when taken from the cache


def cache_root() -> Path:
    """$LEGCRAMP_E2E_CACHE, else $XDG_CACHE_HOME/legcramp-e2e, else ~/.cache/legcramp-e2e."""
    if os.environ.get("LEGCRAMP_E2E_CACHE"):
        return Path(os.environ["LEGCRAMP_E2E_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "legcramp-e2e"


def _base_python() -> tuple[str, str]:
    """(interpreter for the venv, its major.minor). Ours if it is 3.8..3.12, else a 3.11/3.12.

    rhasspy-dialogue-hermes imports audioop, removed in Python 3.13.
    """
    if (3, 8) <= sys.version_info[:2] <= (3, 12):
        return sys.executable, f"{sys.version_info[0]}.{sys.version_info[1]}"
    for name in ("python3.11", "python3.12"):
        found = shutil.which(name)
        if found:
            return found, name[len("python"):]
    return "3.11", "3.11"  # let uv find or download one


def requirements_hash(requirements: typing.Sequence[str] = RHASSPY_REQUIREMENTS,
                      python_version: str | None = None) -> str:
    python_version = python_version or _base_python()[1]
    key = json.dumps({
        "schema": _VENV_SCHEMA,
        "requirements": sorted(r.strip().lower() for r in requirements),
        "python": python_version,
        "platform": f"{sys.platform}-{platform.machine()}",
    }, sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()[:16]


@contextlib.contextmanager
def _file_lock(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


MARKER = ".legcramp-e2e-ready.json"


def _venv_paths(path: Path, req_hash: str, built: bool) -> RhasspyVenv:
    bindir = path / "bin"
    return RhasspyVenv(path=path, python=bindir / "python", nlu=bindir / "rhasspy-nlu-hermes",
                       dialogue=bindir / "rhasspy-dialogue-hermes", requirements_hash=req_hash,
                       built=built)


def _venv_ready(venv: RhasspyVenv) -> bool:
    marker = venv.path / MARKER
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (data.get("hash") == venv.requirements_hash
            and all(p.exists() for p in (venv.python, venv.nlu, venv.dialogue)))


def ensure_rhasspy_venv(root: Path | None = None,
                        requirements: typing.Sequence[str] = RHASSPY_REQUIREMENTS) -> RhasspyVenv:
    """The Rhasspy venv, built on first use and cached as <root>/venv-<hash of requirements>.

    Warm: one stat of the marker file. Cold: `uv venv` + `uv pip install` (falls back to
    `python -m venv` + pip when uv is missing or fails), an import check, then the marker.
    A file lock makes concurrent test runs wait for one build instead of racing.
    """
    root = Path(root) if root else cache_root()
    base, version = _base_python()
    req_hash = requirements_hash(requirements, version)
    path = root / f"venv-{req_hash}"
    venv = _venv_paths(path, req_hash, built=False)
    if _venv_ready(venv):
        return venv
    with _file_lock(root / f"venv-{req_hash}.lock"):
        if _venv_ready(venv):  # built by a concurrent run while we waited
            return venv
        started = time.monotonic()
        log_path = root / f"venv-{req_hash}.install.log"
        req_path = root / f"venv-{req_hash}.requirements.txt"
        req_path.write_text("\n".join(requirements) + "\n", encoding="utf-8")
        env = _child_env()
        with open(log_path, "w", encoding="utf-8") as log:
            def run(cmd: list[str]) -> bool:
                log.write(f"$ {' '.join(cmd)}\n")
                log.flush()
                try:
                    return subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=root, env=env,
                                          stdin=subprocess.DEVNULL, timeout=900).returncode == 0
                except subprocess.TimeoutExpired:
                    log.write("timed out after 900 s\n")
                    return False

            uv = shutil.which("uv")
            ok = False
            if uv:
                shutil.rmtree(path, ignore_errors=True)
                ok = (run([uv, "venv", "--no-project", "--no-config", "--quiet", "--python", base, str(path)])
                      and run([uv, "pip", "install", "--no-config", "--python", str(venv.python),
                               "-r", str(req_path)]))
            if not ok:
                shutil.rmtree(path, ignore_errors=True)
                python = base if os.path.isabs(base) else (shutil.which(f"python{base}") or sys.executable)
                ok = (run([python, "-m", "venv", str(path)])
                      and run([str(venv.python), "-m", "pip", "install", "--disable-pip-version-check",
                               "--quiet", "-r", str(req_path)]))
            ok = ok and run([str(venv.python), "-c",
                             "import networkx, rhasspynlu, rhasspynlu_hermes, rhasspydialogue_hermes; "
                             "assert networkx.__version__ == '2.4', networkx.__version__"])
        if not ok:
            raise StackError(f"could not build the Rhasspy venv {path}:\n{_tail(log_path, 80)}")
        (path / MARKER).write_text(json.dumps({
            "hash": req_hash, "requirements": list(requirements), "python": version,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "seconds": round(time.monotonic() - started, 1),
        }, indent=1), encoding="utf-8")
        return _venv_paths(path, req_hash, built=True)


# =================================================================================================
# The intent graph
# =================================================================================================


def _grammar_files(intents_dir: Path) -> list[Path]:
    """sentences.ini (first), any other *.ini beside it, and every slot list under slots/."""
    intents_dir = Path(intents_dir)
    inis = sorted(intents_dir.glob("*.ini"), key=lambda p: (p.name != "sentences.ini", p.name))
    slots_dir = intents_dir / "slots"
    slots = sorted(p for p in slots_dir.rglob("*") if p.is_file()) if slots_dir.is_dir() else []
    return inis + slots


def grammar_hash(intents_dir: Path, **options: typing.Any) -> str:
    """A hash of the grammar files and compile options (for caching compiled graphs)."""
    intents_dir = Path(intents_dir)
    digest = hashlib.sha256(json.dumps(options, sort_keys=True).encode())
    for path in _grammar_files(intents_dir):
        digest.update(str(path.relative_to(intents_dir)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def compile_graph(intents_dir: Path, out: Path, *, venv: RhasspyVenv | None = None,
                  casing: str = "lower", replace_numbers: bool = True, language: str = "en") -> Path:
    """Compile <intents_dir>/sentences.ini + <intents_dir>/slots/* into `out` (gzipped pickle).

    Runs in the Rhasspy venv (its rhasspynlu 0.3.3 and networkx 2.4 are what rhasspy-nlu-hermes
    unpickles with) and does what Rhasspy 2.5 training does: rules folded in, number ranges
    (`1..10`) to $rhasspy/number, words lower-cased (`casing`), slot lists from slots/ (a missing
    slot list is an error here; Rhasspy would only warn and never match), digits to words with
    a substitution back to the digits (`replace_numbers`), then intents_to_graph with intent weights.
    """
    casing = "keep" if casing == "ignore" else casing  # the NLU flag says ignore, the compile keep
    intents_dir, out = Path(intents_dir).resolve(), Path(out).resolve()
    if not (intents_dir / "sentences.ini").is_file() and not list(intents_dir.glob("*.ini")):
        raise StackError(f"no sentences.ini in {intents_dir}")
    venv = venv or ensure_rhasspy_venv()
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = [str(venv.python), "-I", str(Path(__file__).resolve()), "compile-graph",
           "--casing", casing, "--language", language,
           *([] if replace_numbers else ["--no-replace-numbers"]), str(intents_dir), str(out)]
    result = subprocess.run(cmd, capture_output=True, text=True, env=_child_env(), cwd=out.parent,
                            stdin=subprocess.DEVNULL)
    if result.returncode != 0 or not out.is_file():
        raise StackError(f"compiling the intent graph failed ({' '.join(cmd)}):\n"
                         f"{result.stdout}\n{result.stderr}")
    return out


def compile_graph_cached(intents_dir: Path, *, venv: RhasspyVenv | None = None,
                         cache_dir: Path | None = None, keep: int = 20, **options: typing.Any) -> Path:
    """compile_graph() into <cache_root>/graphs/, keyed by the venv and the grammar's content.

    Warm (same grammar files, options and venv): no compile at all. Keeps the `keep` newest.
    """
    venv = venv or ensure_rhasspy_venv()
    cache_dir = Path(cache_dir) if cache_dir else cache_root() / "graphs"
    out = cache_dir / f"intent_graph-{venv.requirements_hash}-{grammar_hash(intents_dir, **options)}.pickle.gz"
    if out.is_file():
        os.utime(out)
        return out
    compile_graph(intents_dir, out, venv=venv, **options)
    graphs = sorted(cache_dir.glob("intent_graph-*.pickle.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in graphs[keep:]:
        with contextlib.suppress(OSError):
            old.unlink()
    return out


def _compile_graph_here(intents_dir: Path, out: Path, casing: str, replace_numbers: bool,
                        language: str) -> dict:
    """The compile itself. Runs in the Rhasspy venv (imports its rhasspynlu)."""
    from rhasspynlu import parse_ini
    from rhasspynlu.ini_jsgf import split_rules
    from rhasspynlu.jsgf import Sentence, Word, walk_expression
    from rhasspynlu.jsgf_graph import graph_to_gzip_pickle, sentences_to_graph
    from rhasspynlu.numbers import number_range_transform, number_transform
    from rhasspynlu.slots import get_slot_names, split_slot_args

    files = _grammar_files(intents_dir)
    inis = [p for p in files if p.suffix == ".ini" and p.parent == intents_dir]
    ini_text = "\n".join(p.read_text(encoding="utf-8") for p in inis) + "\n"
    intents = parse_ini(ini_text, file_name=str(inis[0]))
    sentences, replacements = split_rules(intents)

    word_visitor = None
    transform = {"lower": str.lower, "upper": str.upper}.get(casing)
    if transform:
        def word_visitor(word):  # noqa: ANN001 - rhasspynlu Expression
            if isinstance(word, Word):
                new_text = transform(word.text)
                if word.substitution is None and new_text != word.text:
                    word.substitution = word.text  # keep the original case in the output
                word.text = new_text
            return word

    for intent_sentences in sentences.values():
        for sentence in intent_sentences:
            walk_expression(sentence, number_range_transform, replacements)
            if word_visitor:
                walk_expression(sentence, word_visitor, replacements)

    # Slot lists: a file per slot under slots/ (sub-directories allowed: $dir/name), each
    # non-empty line a template; $rhasspy/number,lo,hi,step is Rhasspy's built-in slot program.
    slot_names: set[str] = set()
    for intent_name in intents:
        for item in intents[intent_name]:
            slot_names.update(get_slot_names(item))
    slots_dir = intents_dir / "slots"
    missing = []
    for slot_key in sorted(slot_names):
        name, args = split_slot_args(slot_key)
        path = slots_dir / slot_key
        values = []
        if path.is_file():
            lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        elif name == "rhasspy/number":
            low, high, *rest = [int(a) for a in (args or [])]
            step = rest[0] if rest else 1
            lines = [str(n) for n in range(low, high + 1, step)]
        else:
            missing.append(slot_key)
            continue
        for line in lines:
            if line:
                sentence = Sentence.parse(line)
                if word_visitor:
                    walk_expression(sentence, word_visitor)
                values.append(sentence)
        replacements[f"${slot_key}"] = values
    if missing:
        raise SystemExit(f"no slot list in {slots_dir} for: {', '.join('$' + m for m in missing)}")

    if replace_numbers:
        for intent_sentences in sentences.values():
            for sentence in intent_sentences:
                walk_expression(sentence, lambda w: number_transform(w, language), replacements)

    graph = sentences_to_graph(sentences, replacements=replacements)
    tmp = out.with_name(out.name + f".tmp{os.getpid()}")
    with open(tmp, "wb") as handle:
        graph_to_gzip_pickle(graph, handle)
    os.replace(tmp, out)
    return {"graph": str(out), "intents": sorted(sentences), "nodes": graph.number_of_nodes(),
            "edges": graph.number_of_edges(), "slots": sorted(slot_names)}


# =================================================================================================
# MQTT clients: a recorder, and the simulated user of one site
# =================================================================================================


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@dataclasses.dataclass(frozen=True)
class Record:
    """One MQTT message as a client saw it."""

    index: int
    topic: str
    payload: bytes
    time: float  # time.monotonic() at arrival

    @property
    def json(self) -> dict | None:
        """The payload as JSON (a dict), or None for binary payloads (playBytes)."""
        try:
            value = json.loads(self.payload)
        except (ValueError, UnicodeDecodeError):
            return None
        return value if isinstance(value, dict) else None

    def get(self, key: str, default: typing.Any = None) -> typing.Any:
        """A payload field; snake_case keys are looked up as camelCase (site_id -> siteId)."""
        data = self.json or {}
        return data.get(key, data.get(_camel(key), default))

    @property
    def site_id(self) -> str | None:
        site = self.get("siteId")
        if site is None and self.topic.startswith("hermes/audioServer/"):
            site = self.topic.split("/")[2]
        return site

    @property
    def session_id(self) -> str | None:
        return self.get("sessionId")

    def parse(self, cls: type[Message]) -> Message:
        """The payload as a rhasspyhermes message (e.g. record.parse(NluIntent))."""
        return cls.from_json(self.payload)

    def matches(self, topic: str | None = None, **fields: typing.Any) -> bool:
        """Topic matches the MQTT filter (+, #) and every field equals (snake_case allowed)."""
        if topic is not None and not mqtt.topic_matches_sub(topic, self.topic):
            return False
        return all(self.get(k, _MISSING) == v for k, v in fields.items())

    def __str__(self) -> str:
        body = self.payload.decode("utf-8", "replace") if self.json is not None else f"<{len(self.payload)} bytes>"
        return f"{self.topic} {body}"


_MISSING = object()


class WaitTimeout(AssertionError):
    """A wait_* helper timed out. The message lists what the client saw meanwhile."""


Handler = typing.Callable[[Record], None]


def _nodelay(client, userdata, sock) -> None:  # noqa: ANN001 - paho signature
    with contextlib.suppress(OSError, AttributeError):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class MqttClient:
    """A paho-mqtt (1.5) client that records every message it receives and can wait for one.

    Subscribes to `topics` (default: everything) before connect() returns, so nothing published
    afterwards is missed. Handlers registered with on() run in paho's network thread, after the
    message is recorded; they may publish (never wait there).
    """

    def __init__(self, host: str, port: int, *, topics: typing.Sequence[str] = ("#",),
                 name: str = "client"):
        self.host, self.port = host, port
        self.name = name
        self.topics = tuple(topics)
        self.records: list[Record] = []
        self._cond = threading.Condition()
        self._handlers: list[tuple[str, Handler]] = []
        self._subacked: set[int] = set()
        self._connected = threading.Event()
        self.client = mqtt.Client(*_CALLBACK_V1, client_id=f"legcramp-e2e-{name}-{uuid.uuid4().hex[:8]}",
                                  clean_session=True)
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe
        self.client.on_socket_open = _nodelay  # paho 1.5 leaves Nagle on: ~40 ms per hop
        self._started = False

    # -- lifecycle ----------------------------------------------------------------------------

    def connect(self, timeout: float = 10.0) -> "MqttClient":
        self.client.connect(self.host, self.port, keepalive=30)
        self.client.loop_start()
        self._started = True
        if not self._connected.wait(timeout):
            raise StackError(f"{self.name}: no CONNACK from {self.host}:{self.port}")
        if self.topics:
            # Never hold self._cond while calling into paho: paho calls our callbacks holding its
            # own lock, and they take self._cond (lock-order deadlock).
            rc, mid = self.client.subscribe([(t, 0) for t in self.topics])
            deadline = time.monotonic() + timeout
            with self._cond:
                while mid not in self._subacked and rc == mqtt.MQTT_ERR_SUCCESS:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    self._cond.wait(remaining)
                ok = mid in self._subacked
            if not ok:
                raise StackError(f"{self.name}: subscribe {self.topics} failed (rc={rc})")
        return self

    def close(self) -> None:
        if self._started:
            self._started = False
            with contextlib.suppress(Exception):
                self.client.disconnect()
            self.client.loop_stop()

    def __enter__(self) -> "MqttClient":
        return self.connect() if not self._started else self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _on_connect(self, client, userdata, flags, rc):  # noqa: ANN001 - paho signature
        if rc == 0:
            self._connected.set()

    def _on_subscribe(self, client, userdata, mid, granted_qos):  # noqa: ANN001
        with self._cond:
            self._subacked.add(mid)
            self._cond.notify_all()

    def _on_message(self, client, userdata, msg):  # noqa: ANN001
        with self._cond:
            record = Record(len(self.records), msg.topic, bytes(msg.payload), time.monotonic())
            self.records.append(record)
            self._cond.notify_all()
        for topic_filter, handler in list(self._handlers):
            if mqtt.topic_matches_sub(topic_filter, msg.topic):
                try:
                    handler(record)
                except Exception as e:  # never kill paho's thread; make it visible instead
                    print(f"[{self.name}] handler for {msg.topic} raised {e!r}", file=sys.stderr)

    # -- publishing -----------------------------------------------------------------------------

    def on(self, topic_filter: str, handler: Handler) -> None:
        """Call handler(record) for every message whose topic matches the filter."""
        self._handlers.append((topic_filter, handler))

    def publish(self, message: Message, *, wait: bool = True, **topic_args: typing.Any) -> str:
        """Publish a rhasspyhermes message on message.topic(**topic_args). Returns the topic."""
        topic = message.topic(**topic_args)
        self.publish_raw(topic, message.payload(), wait=wait)
        return topic

    def publish_raw(self, topic: str, payload: typing.Union[str, bytes, dict], *, wait: bool = True) -> None:
        if isinstance(payload, dict):
            payload = json.dumps(payload)
        info = self.client.publish(topic, payload)
        # Never wait inside paho's network thread (a handler): it is the thread that sends.
        if wait and threading.current_thread() is not getattr(self.client, "_thread", None):
            info.wait_for_publish()

    # -- reading --------------------------------------------------------------------------------

    def mark(self) -> int:
        """The index the next message will get: pass it as after= to wait for newer messages."""
        with self._cond:
            return len(self.records)

    def messages(self, topic: str | None = None, *, after: int = 0, **fields: typing.Any) -> list[Record]:
        with self._cond:
            records = self.records[after:]
        return [r for r in records if r.matches(topic, **fields)]

    def wait_for(self, predicate: typing.Callable[[Record], bool], timeout: float = 10.0, *,
                 after: int = 0, what: str = "a matching message") -> Record:
        """The first message from index `after` on that satisfies predicate; waits up to timeout."""
        deadline = time.monotonic() + timeout
        index = after
        with self._cond:
            while True:
                while index < len(self.records):
                    record = self.records[index]
                    index += 1
                    if predicate(record):
                        return record
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
        raise WaitTimeout(f"{self.name}: no {what} within {timeout} s. Seen since #{after}:\n"
                          + self.transcript(after=after))

    def wait_topic(self, topic: str, timeout: float = 10.0, *, after: int = 0,
                   **fields: typing.Any) -> Record:
        """The first message on an MQTT topic filter whose payload has these fields."""
        desc = topic + (f" with {fields}" if fields else "")
        return self.wait_for(lambda r: r.matches(topic, **fields), timeout, after=after, what=desc)

    def transcript(self, *, after: int = 0, limit: int = 200, max_chars: int = 300) -> str:
        with self._cond:
            records = self.records[after:]
        lines = []
        start = records[0].time if records else 0.0
        for r in records[-limit:]:
            text = str(r)
            lines.append(f"  #{r.index} +{r.time - start:6.2f}s {text[:max_chars]}")
        return "\n".join(lines) if lines else "  (nothing)"


@dataclasses.dataclass(frozen=True)
class Said:
    """One hermes/tts/say the user heard."""

    text: str
    session_id: str | None
    id: str | None
    lang: str | None
    index: int  # Record index of the tts/say


class User(MqttClient):
    """The person at one site, with the site's wake word, ASR, TTS and speaker simulated.

    - wake() publishes hermes/hotword/<wakewordId>/detected; the dialogue manager starts a session.
    - Every hermes/tts/say for the site is recorded (spoken()) and answered with
      hermes/tts/sayFinished (same id) after `tts_delay` s, unless answer_tts=False.
    - hermes/audioServer/<site>/playBytes/<id> (feedback sounds) is answered with playFinished.
    - hermes/asr/startListening for the site opens the microphone; say(text) publishes
      hermes/asr/textCaptured for that session (likelihood 1), which closes it again.
    Everything the broker carries is recorded (records / messages() / wait_*).
    """

    def __init__(self, host: str, port: int, site_id: str = "default", *,
                 wakeword_id: str = "default", tts_delay: float = 0.0, answer_tts: bool = True,
                 answer_audio: bool = True, name: str | None = None):
        super().__init__(host, port, topics=("#",), name=name or f"user@{site_id}")
        self.site_id = site_id
        self.wakeword_id = wakeword_id
        self.tts_delay = tts_delay
        self.answer_tts = answer_tts
        self.answer_audio = answer_audio
        self.said: list[Said] = []
        self.played: list[str] = []  # request ids of playBytes
        self.listening: str | None = None  # session id the ASR listens for, None when closed
        self.listen_wakeword_id: str | None = None
        self.asr_enabled = True
        self.ended_sessions: set[str] = set()  # sessions of this site that have ended
        self._timers: list[threading.Timer] = []
        self.on("hermes/tts/say", self._on_say)
        self.on(f"hermes/audioServer/{site_id}/playBytes/+", self._on_play)
        self.on("hermes/asr/#", self._on_asr)
        self.on("hermes/dialogueManager/sessionEnded", self._on_session_ended)

    def close(self) -> None:
        for timer in self._timers:
            timer.cancel()
        super().close()

    # -- the simulated site ---------------------------------------------------------------------

    def _mine(self, record: Record) -> bool:
        return record.site_id == self.site_id

    def _on_say(self, record: Record) -> None:
        if not self._mine(record):
            return
        data = record.json or {}
        with self._cond:
            self.said.append(Said(data.get("text", ""), data.get("sessionId"), data.get("id"),
                                  data.get("lang"), record.index))
        if not self.answer_tts:
            return
        finished = TtsSayFinished(site_id=self.site_id, id=data.get("id"), session_id=data.get("sessionId"))
        if self.tts_delay > 0:
            timer = threading.Timer(self.tts_delay, lambda: self.publish(finished, wait=False))
            timer.daemon = True
            self._timers.append(timer)
            timer.start()
        else:
            self.publish(finished, wait=False)

    def _on_play(self, record: Record) -> None:
        request_id = AudioPlayBytes.get_request_id(record.topic)
        self.played.append(request_id)
        if self.answer_audio:
            self.publish(AudioPlayFinished(id=request_id), wait=False, site_id=self.site_id)

    def _on_asr(self, record: Record) -> None:
        if not self._mine(record):
            return
        with self._cond:
            if record.topic == "hermes/asr/startListening":
                # The dialogue manager handles messages concurrently: when a session is ended
                # while it is still being started, its startListening comes AFTER its
                # sessionEnded. A real ASR would listen for a dead session; we ignore it.
                if record.session_id not in self.ended_sessions:
                    self.listening = record.session_id
                    self.listen_wakeword_id = record.get("wakewordId")
            elif record.topic == "hermes/asr/stopListening":
                if record.session_id == self.listening:
                    self.listening = None
            elif record.topic == "hermes/asr/toggleOff":
                self.asr_enabled = False
            elif record.topic == "hermes/asr/toggleOn":
                self.asr_enabled = True
            self._cond.notify_all()

    def _on_session_ended(self, record: Record) -> None:
        if self._mine(record):
            with self._cond:
                self.ended_sessions.add(record.session_id)
                if record.session_id == self.listening:
                    self.listening = None
                self._cond.notify_all()

    # -- what the person does -------------------------------------------------------------------

    def wake(self, wakeword_id: str | None = None, *, wait: bool = True, timeout: float = 10.0) -> str | None:
        """Say the wake word. With wait, returns the session id of the session it started."""
        mark = self.mark()
        wakeword_id = wakeword_id or self.wakeword_id
        self.publish(HotwordDetected(model_id=wakeword_id, site_id=self.site_id), wakeword_id=wakeword_id)
        if not wait:
            return None
        return self.wait_topic("hermes/dialogueManager/sessionStarted", timeout, after=mark,
                               site_id=self.site_id).session_id

    def start_session(self, text: str | None = None, *, intent_filter: list[str] | None = None,
                      send_intent_not_recognized: bool = False, custom_data: str | None = None,
                      can_be_enqueued: bool = False, wait: bool = True, timeout: float = 10.0) -> str | None:
        """hermes/dialogueManager/startSession with an action init (what a skill would send)."""
        mark = self.mark()
        self.publish(DialogueStartSession(
            init=DialogueAction(can_be_enqueued=can_be_enqueued, text=text, intent_filter=intent_filter,
                                send_intent_not_recognized=send_intent_not_recognized),
            site_id=self.site_id, custom_data=custom_data))
        if not wait:
            return None
        return self.wait_topic("hermes/dialogueManager/sessionStarted", timeout, after=mark,
                               site_id=self.site_id).session_id

    def wait_listening(self, timeout: float = 10.0) -> str:
        """Wait until the site's ASR listens for a session (and is not toggled off); its id."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not (self.listening and self.asr_enabled):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise WaitTimeout(f"{self.name}: the site never listened within {timeout} s:\n"
                                      + self.transcript(after=max(0, len(self.records) - 40)))
                self._cond.wait(remaining)
            return self.listening

    def say(self, text: str, *, timeout: float = 10.0, likelihood: float = 1.0,
            seconds: float | None = None) -> str:
        """Speak into the open microphone: waits until the site listens, publishes
        hermes/asr/textCaptured for that session and closes the microphone. Returns the session id."""
        session_id = self.wait_listening(timeout)
        with self._cond:
            self.listening = None  # an ASR stops after one utterance
            wakeword_id = self.listen_wakeword_id
        self.publish(AsrTextCaptured(
            text=text, likelihood=likelihood,
            seconds=seconds if seconds is not None else 0.4 * max(1, len(text.split())),
            site_id=self.site_id, session_id=session_id, wakeword_id=wakeword_id))
        return session_id

    # -- what the person heard ------------------------------------------------------------------

    def spoken(self, session_id: str | None = None) -> list[str]:
        """Texts the site was asked to say, in order (of one session if given)."""
        with self._cond:
            return [s.text for s in self.said if session_id is None or s.session_id == session_id]

    def wait_said(self, predicate: typing.Callable[[Said], bool] | str | None = None,
                  timeout: float = 10.0, *, after: int = 0) -> Said:
        """The first tts/say for this site (from record index `after`) matching the predicate
        (or containing the text, case-insensitive)."""
        if isinstance(predicate, str):
            needle = predicate.lower()
            test = lambda s: needle in s.text.lower()  # noqa: E731
        else:
            test = predicate or (lambda s: True)
        record = self.wait_for(
            lambda r: r.topic == "hermes/tts/say" and self._mine(r) and test(
                Said(r.get("text", ""), r.session_id, r.get("id"), r.get("lang"), r.index)),
            timeout, after=after, what=f"tts/say for {self.site_id}")
        return Said(record.get("text", ""), record.session_id, record.get("id"), record.get("lang"),
                    record.index)

    def session_ended(self, timeout: float = 10.0, *, session_id: str | None = None,
                      after: int = 0) -> DialogueSessionEnded:
        """Wait for hermes/dialogueManager/sessionEnded on this site (of session_id if given)."""
        fields: dict[str, typing.Any] = {"site_id": self.site_id}
        if session_id:
            fields["session_id"] = session_id
        record = self.wait_topic("hermes/dialogueManager/sessionEnded", timeout, after=after, **fields)
        return typing.cast(DialogueSessionEnded, record.parse(DialogueSessionEnded))

    def site_transcript(self, *, after: int = 0) -> str:
        """transcript() of the messages for this site only."""
        with self._cond:
            records = [r for r in self.records[after:] if r.site_id in (self.site_id, None)]
        return "\n".join(f"  #{r.index} {str(r)[:300]}" for r in records) or "  (nothing)"


def continue_session(client: MqttClient, session_id: str, text: str | None = None, **kw: typing.Any) -> None:
    """Publish hermes/dialogueManager/continueSession (kw: intent_filter, custom_data,
    send_intent_not_recognized, slot, lang)."""
    client.publish(DialogueContinueSession(session_id=session_id, text=text, **kw))


def end_session(client: MqttClient, session_id: str, text: str | None = None,
                custom_data: str | None = None) -> None:
    """Publish hermes/dialogueManager/endSession."""
    client.publish(DialogueEndSession(session_id=session_id, text=text, custom_data=custom_data))


# =================================================================================================
# The services and the stack
# =================================================================================================


@dataclasses.dataclass
class Service:
    """One Rhasspy service process; stdout+stderr go to log_path."""

    name: str
    cmd: list[str]
    log_path: Path
    proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            log.write(("$ " + " ".join(self.cmd) + "\n").encode())
            log.flush()
            self.proc = _spawn(self.cmd, log, _child_env())

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 3.0) -> None:
        # SIGTERM, as supervisord stops them in Rhasspy. (SIGINT runs their KeyboardInterrupt
        # path instead, but paho's loop_stop then waits up to 1 s for its select() to time out.)
        _terminate(self.proc, timeout)

    def send_signal(self, signum: int = signal.SIGTERM) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signum)

    def log(self, lines: int = 80) -> str:
        return _tail(self.log_path, lines)


def _silence_wav(seconds: float = 0.05, rate: int = 16000) -> bytes:
    with io.BytesIO() as buf:
        with wave.open(buf, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(rate)
            wav.writeframes(b"\0\0" * int(rate * seconds))
        return buf.getvalue()


class RhasspyStack:
    """rhasspy-nlu-hermes + rhasspy-dialogue-hermes on a broker, and the users/clients of a test.

    site_ids: the sites the services serve (--site-id each); None: every site (no --site-id).
    session_timeout: --session-timeout of the dialogue manager (seconds, Rhasspy default 30).
    sounds: give the dialogue manager wake/recorded/error WAVs (50 ms of silence), so it plays
        them with hermes/audioServer/<site>/playBytes (User answers playFinished). Off by default,
        as in a Rhasspy without a sound system: then it plays nothing.
    fuzzy/casing/replace_numbers/language: the NLU flags (defaults as a Rhasspy 2.5 English profile:
        fuzzy on, --casing lower, --replace-numbers --language en).
    """

    def __init__(self, broker: BrokerAddress | tuple[str, int], venv: RhasspyVenv, graph: Path,
                 workdir: Path, site_ids: typing.Sequence[str] | None = ("default",), *,
                 session_timeout: float = 30.0, sounds: bool = False, fuzzy: bool = True,
                 casing: str = "lower", replace_numbers: bool = True, language: str = "en",
                 say_chars_per_second: float | None = None,
                 extra_nlu_args: typing.Sequence[str] = (), extra_dialogue_args: typing.Sequence[str] = ()):
        self.broker = BrokerAddress(*broker)
        self.venv = venv
        self.graph = Path(graph)
        self.workdir = Path(workdir)
        self.site_ids = tuple(site_ids) if site_ids is not None else None
        self.session_timeout = session_timeout
        self.users: list[User] = []
        self.clients: list[MqttClient] = []
        self.startup_seconds: float | None = None

        common = ["--debug", "--host", self.broker.host, "--port", str(self.broker.port)]
        nlu_sites: list[str] = []
        dm_sites: list[str] = []
        if self.site_ids is not None:
            for site in (*self.site_ids, PROBE_SITE):
                nlu_sites += ["--site-id", site]
            for site in (*self.site_ids, PROBE_SITE_DM):
                dm_sites += ["--site-id", site]

        nlu_cmd = [str(venv.nlu), "--intent-graph", str(self.graph), "--casing", casing, *common, *nlu_sites]
        if replace_numbers:
            nlu_cmd += ["--replace-numbers", "--language", language]
        if not fuzzy:
            nlu_cmd.append("--no-fuzzy")
        nlu_cmd += list(extra_nlu_args)

        dm_cmd = [str(venv.dialogue), "--session-timeout", str(session_timeout), *common, *dm_sites]
        if say_chars_per_second is not None:
            dm_cmd += ["--say-chars-per-second", str(say_chars_per_second)]
        if sounds:
            sounds_dir = self.workdir / "sounds"
            sounds_dir.mkdir(parents=True, exist_ok=True)
            for sound in ("wake", "recorded", "error"):
                path = sounds_dir / f"{sound}.wav"
                path.write_bytes(_silence_wav())
                dm_cmd += ["--sound", sound, str(path)]
        dm_cmd += list(extra_dialogue_args)

        self.nlu = Service("rhasspy-nlu-hermes", nlu_cmd, self.workdir / "nlu.log")
        self.dialogue = Service("rhasspy-dialogue-hermes", dm_cmd, self.workdir / "dialogue.log")

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self, timeout: float = 30.0) -> "RhasspyStack":
        """Start both services and return once both are subscribed and the graph is loaded.

        Probes never touch a real site. NLU: an NluQuery on PROBE_SITE with an intent filter that
        matches nothing must come back as hermes/nlu/intentNotRecognized (the first query loads
        the graph, so a graph it cannot load shows up here as hermes/error/nlu). Dialogue manager:
        a notification startSession with no text on PROBE_SITE_DM must come back as sessionEnded.
        Probes are re-sent every 0.5 s until answered (one sent before a service subscribed is
        lost); an answer to any of them counts.
        """
        started = time.monotonic()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.nlu.start()
        self.dialogue.start()
        probe = MqttClient(*self.broker, name="probe", topics=(
            "hermes/nlu/intentNotRecognized", "hermes/nlu/intentParsed", "hermes/error/nlu",
            "hermes/dialogueManager/sessionEnded"))
        probe.connect()
        try:
            nlu_ok = dm_ok = False
            sent: set[str] = set()
            deadline = started + timeout
            while not (nlu_ok and dm_ok):
                for service in (self.nlu, self.dialogue):
                    if not service.alive():
                        raise StackError(f"{service.name} exited with {service.proc.returncode}:\n"
                                         f"{service.log()}")
                if time.monotonic() > deadline:
                    raise StackError(f"the Rhasspy services were not ready within {timeout} s "
                                     f"(nlu={nlu_ok}, dialogue={dm_ok})\n" + self.logs())
                mark = probe.mark()
                probe_id = f"probe-{uuid.uuid4().hex[:8]}"
                sent.add(probe_id)
                if not nlu_ok:
                    probe.publish(NluQuery(input="legcramp probe", id=probe_id, site_id=PROBE_SITE,
                                           intent_filter=[_NO_INTENT]))
                if not dm_ok:
                    probe.publish(DialogueStartSession(init=DialogueNotification(text=""),
                                                       site_id=PROBE_SITE_DM, custom_data=probe_id))
                with contextlib.suppress(WaitTimeout):
                    while not (nlu_ok and dm_ok):
                        record = probe.wait_for(lambda r: True, 0.5, after=mark)
                        mark = record.index + 1
                        if record.topic.startswith("hermes/nlu/") and record.get("id") in sent:
                            nlu_ok = True
                        elif record.topic == "hermes/error/nlu" and record.site_id == PROBE_SITE:
                            raise StackError(f"rhasspy-nlu-hermes cannot load {self.graph}: "
                                             f"{record.get('error')}\n{self.nlu.log()}")
                        elif record.topic.endswith("/sessionEnded") and record.site_id == PROBE_SITE_DM:
                            dm_ok = True
        except BaseException:
            probe.close()
            self.stop()
            raise
        probe.close()
        self.startup_seconds = time.monotonic() - started
        return self

    def stop(self) -> None:
        for client in [*self.users, *self.clients]:
            client.close()
        for service in (self.dialogue, self.nlu):
            service.send_signal()  # both at once
        for service in (self.dialogue, self.nlu):
            service.stop()

    def __enter__(self) -> "RhasspyStack":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- participants ---------------------------------------------------------------------------

    def user(self, site_id: str | None = None, **kwargs: typing.Any) -> User:
        """A connected User for a site (default: the first site); closed with the stack."""
        site_id = site_id or (self.site_ids[0] if self.site_ids else "default")
        user = User(*self.broker, site_id, **kwargs).connect()
        self.users.append(user)
        return typing.cast(User, user)

    def client(self, topics: typing.Sequence[str] = ("#",), name: str = "client") -> MqttClient:
        """A connected MqttClient (e.g. a stand-in skill); closed with the stack."""
        client = MqttClient(*self.broker, topics=topics, name=name).connect()
        self.clients.append(client)
        return client

    # -- debugging ------------------------------------------------------------------------------

    def logs(self, lines: int = 80) -> str:
        return (f"--- {self.nlu.name} ({self.nlu.log_path}) ---\n{self.nlu.log(lines)}\n"
                f"--- {self.dialogue.name} ({self.dialogue.log_path}) ---\n{self.dialogue.log(lines)}")

    def debug_sections(self, lines: int = 120) -> list[tuple[str, str]]:
        """(title, text) pairs for a failure report: service logs and each user's transcript."""
        sections = [(f"{self.nlu.name} log", f"{self.nlu.log_path}\n{self.nlu.log(lines)}"),
                    (f"{self.dialogue.name} log", f"{self.dialogue.log_path}\n{self.dialogue.log(lines)}")]
        for user in self.users:
            sections.append((f"{user.name} MQTT transcript", user.transcript(limit=lines)))
        return sections


# =================================================================================================
# Command line (run by the Rhasspy venv's python)
# =================================================================================================


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="stack.py", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    comp = sub.add_parser("compile-graph", help="compile sentences.ini + slots/ to a gzipped pickle graph")
    comp.add_argument("intents_dir", type=Path)
    comp.add_argument("out", type=Path)
    comp.add_argument("--casing", choices=["lower", "upper", "keep"], default="lower")
    comp.add_argument("--no-replace-numbers", action="store_true")
    comp.add_argument("--language", default="en")
    sub.add_parser("venv", help="build (or find) the cached Rhasspy venv and print its paths")
    args = parser.parse_args(argv)
    if args.command == "compile-graph":
        summary = _compile_graph_here(args.intents_dir.resolve(), args.out.resolve(), args.casing,
                                      not args.no_replace_numbers, args.language)
        print(json.dumps(summary))
    elif args.command == "venv":
        venv = ensure_rhasspy_venv()
        print(json.dumps({k: str(v) for k, v in dataclasses.asdict(venv).items()}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(_main())
