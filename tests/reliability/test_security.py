"""Security: a mosquitto that wants a password (mosquitto_passwd) and has a TLS listener whose
certificates are made here with the openssl command line (a CA, a server certificate signed
by it, and a second CA that signed nothing of the broker's).

A right login connects and answers a turn; the password can come from a file or from
LEGCRAMP_MQTT_PASSWORD and is then never on the command line (/proc/<pid>/cmdline, what `ps`
shows). A wrong login or an untrusted certificate ends the process within seconds with one
line on stderr that says why and a non-zero status, after one attempt (the broker's log shows
one refused connection, not a loop).
"""
from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import time
import typing
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.conversations import Conversation
from tests.e2e.stack import Mosquitto, TlsFiles
from tests.reliability.conftest import need_mosquitto
from tests.reliability.harness import CONTINUE, Player, Skill, report

USER = "legcramp"
PASSWORD = "correct-horse-battery-staple-7f3a"
WRONG = "tr0ub4dor-and-3"


class Secure(typing.NamedTuple):
    broker: Mosquitto
    ca: Path
    untrusted_ca: Path
    password_file: Path
    wrong_file: Path
    workdir: Path


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, text=True)


def make_certificates(where: Path) -> tuple[TlsFiles, Path]:
    """A CA, a server certificate for 127.0.0.1 and localhost signed by it, and another CA."""
    ca = ["-addext", "basicConstraints=critical,CA:TRUE",
          "-addext", "keyUsage=critical,keyCertSign,cRLSign"]
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
            "-days", "2", "-subj", "/CN=legcramp test CA", *ca, cwd=where)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other.key", "-out", "other.pem",
            "-days", "2", "-subj", "/CN=some other CA", *ca, cwd=where)
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=localhost", cwd=where)
    (where / "server.ext").write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
        encoding="utf-8")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.pem", "-days", "2", "-extfile", "server.ext", cwd=where)
    return TlsFiles(where / "ca.pem", where / "server.pem", where / "server.key"), where / "other.pem"


@pytest.fixture(scope="module")
def secure(tmp_path_factory: pytest.TempPathFactory) -> typing.Iterator[Secure]:
    executable = need_mosquitto()
    passwd = shutil.which("mosquitto_passwd") or "/usr/bin/mosquitto_passwd"
    if not (shutil.which("openssl") and os.access(passwd, os.X_OK)):
        pytest.skip("openssl and mosquitto_passwd are needed (apt-get install openssl mosquitto)")
    where = tmp_path_factory.mktemp("secure")
    tls, untrusted = make_certificates(where)
    subprocess.run([passwd, "-c", "-b", str(where / "passwd"), USER, PASSWORD], check=True,
                   capture_output=True)
    for name, secret in (("password", PASSWORD), ("wrong", WRONG)):
        (where / name).write_text(secret + "\n", encoding="utf-8")
        (where / name).chmod(0o600)
    broker = Mosquitto(where / "mosquitto", executable, password_file=where / "passwd", tls=tls)
    broker.start()
    try:
        yield Secure(broker, tls.cafile, untrusted, where / "password", where / "wrong", where)
    finally:
        broker.stop()


def login(ca: typing.Optional[Path] = None) -> typing.Callable[[typing.Any], None]:
    def setup(client: typing.Any) -> None:
        client.username_pw_set(USER, PASSWORD)
        if ca is not None:
            client.tls_set(ca_certs=str(ca), cert_reqs=ssl.CERT_REQUIRED)
    return setup


def answers_a_turn(port: int, conversations: list[Conversation],
                   ca: typing.Optional[Path] = None) -> None:
    player = Player("127.0.0.1", port, name="secure", setup=login(ca))
    try:
        reply = player.turn(player.begin(conversations[2], "secure"))
        assert reply.topic == CONTINUE or reply.get("text")
    finally:
        player.close()


def cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def broker_refusals(broker: Mosquitto, since: int) -> int:
    text = broker.log_path.read_bytes()[since:].decode("utf-8", "replace")
    return text.count("not authorised") + text.count("bad user name or password")


@dataclass(frozen=True)
class Refusal:
    """How a refused start went, as measured: its one line, exit status, lines, seconds."""

    line: str
    code: int
    lines: int
    seconds: float


def refused_once(secure: Secure, start_skill, *args: str, env: typing.Optional[dict] = None,
                 port: typing.Optional[int] = None, because: tuple[str, ...]) -> Refusal:
    """Run the skill to its exit: status 1 within seconds, and exactly one line that is not
    an INFO or DEBUG log record, which names the cause."""
    skill: Skill = start_skill(*args, broker=("127.0.0.1", port or secure.broker.port), env=env,
                               ready=False)
    started = time.monotonic()
    code = skill.run_to_exit(timeout=15)
    elapsed = time.monotonic() - started
    said = [line.strip() for line in skill.lines
            if line.strip() and not line.startswith(("[INFO:", "[DEBUG:"))]
    assert code == 1, skill.log()
    assert elapsed < 10, elapsed
    assert len(said) == 1, said
    assert said[0].startswith("legcramp hermes: ") and any(b in said[0] for b in because), said
    assert "Traceback" not in skill.log() and PASSWORD not in skill.log() and WRONG not in skill.log()
    return Refusal(said[0], code, len(said), round(elapsed, 2))


def test_right_password_from_a_file_or_the_environment_never_on_the_command_line(
        secure: Secure, conversations, start_skill):
    port = secure.broker.port
    from_file = start_skill("--username", USER, "--password-file", str(secure.password_file),
                            broker=("127.0.0.1", port))
    answers_a_turn(port, conversations)
    from_env = start_skill("--username", USER, broker=("127.0.0.1", port),
                           env={**os.environ, "LEGCRAMP_MQTT_PASSWORD": PASSWORD})
    answers_a_turn(port, conversations)
    skills = (from_file, from_env)
    running = sum(skill.proc.poll() is None for skill in skills)
    in_cmdline = sum(PASSWORD in cmdline(skill.pid) for skill in skills)
    in_log = sum(PASSWORD in skill.log() for skill in skills)
    report("security_password", running_after_a_turn=running, password_in_cmdline=in_cmdline,
           password_in_log=in_log)
    for skill in skills:
        assert skill.proc.poll() is None
        assert PASSWORD not in cmdline(skill.pid), cmdline(skill.pid)
        assert "--username" in cmdline(skill.pid)  # the check reads the right process
        assert PASSWORD not in skill.log()


def test_a_wrong_login_is_one_clear_error_and_no_retry(secure: Secure, start_skill):
    cases = [("--username", USER, "--password-file", str(secure.wrong_file)),
             ("--username", "mallory", "--password-file", str(secure.password_file)),
             ()]  # anonymous, on a broker that wants a login
    refusals, tries = [], []
    for args in cases:
        mark = secure.broker.log_path.stat().st_size
        refusals.append(refused_once(secure, start_skill, *args,
                                     because=("not authorised", "bad user name or password")))
        time.sleep(0.3)  # the broker has logged the refusal
        tries.append(broker_refusals(secure.broker, mark))
        assert tries[-1] == 1, "a retry, or no attempt at all"
    refusals.append(refused_once(secure, start_skill, "--username", USER, "--password-file",
                                 str(secure.workdir / "no-such-file"), because=("password file",)))
    refusals.append(refused_once(secure, start_skill, "--password-file", str(secure.password_file),
                                 because=("without --username",)))
    report("security_refused", cases=len(refusals),
           exit_statuses=sorted({r.code for r in refusals}),
           lines_each=sorted({r.lines for r in refusals}), logins_tried_per_refusal=tries,
           slowest_exit_s=max(r.seconds for r in refusals))


def test_tls_with_the_right_ca_connects_and_an_untrusted_one_is_one_clear_error(
        secure: Secure, conversations, start_skill):
    tls_port = secure.broker.tls_port
    login_args = ("--username", USER, "--password-file", str(secure.password_file), "--tls")
    skill = start_skill(*login_args, "--tls-ca-certs", str(secure.ca), broker=("127.0.0.1", tls_port))
    answers_a_turn(tls_port, conversations, ca=secure.ca)
    served = skill.proc.poll() is None
    skill.stop()
    untrusted = refused_once(secure, start_skill, *login_args, "--tls-ca-certs",
                             str(secure.untrusted_ca), port=tls_port,
                             because=("CERTIFICATE_VERIFY_FAILED", "certificate verify failed"))
    plain = refused_once(secure, start_skill, *login_args[:-1], port=tls_port,
                         because=("add --tls",))
    report("security_tls", trusted_served_a_turn=served, untrusted_exit=untrusted.code,
           plain_to_tls_exit=plain.code, line=repr(untrusted.line), plain_line=repr(plain.line))
    assert served
