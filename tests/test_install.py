"""Installing the grammar into a Rhasspy 2.5 profile, on disk and through its HTTP API."""
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from skill.content import content_dir
from skill.shells.install import OUR_INI, Grammar, InstallError, install_http, install_profile

GRAMMAR = Grammar.from_dir(content_dir("intents", "en"))


def test_profile_install_adds_our_file_and_leaves_the_users_sentences_alone(tmp_path):
    user = "[GetTime]\nwhat time is it\n"
    (tmp_path / "sentences.ini").write_text(user)
    install_profile(GRAMMAR, tmp_path, now=0)
    assert (tmp_path / "sentences.ini").read_text() == user
    assert (tmp_path / OUR_INI).read_text() == GRAMMAR.ini


def test_reinstall_backs_up_what_it_replaces(tmp_path):
    (tmp_path / "profile.json").write_text("{}")
    (tmp_path / "intents").mkdir()
    (tmp_path / OUR_INI).write_text("old")
    done = install_profile(GRAMMAR, tmp_path, now=0)
    [backup] = tmp_path.glob(".legcramp-backup-*")
    assert (backup / OUR_INI).read_text() == "old"
    assert done.backup == backup and done.written == (OUR_INI,)
    assert OUR_INI in done.message() and str(backup) in done.message()


def test_reinstalling_the_same_grammar_writes_nothing_and_keeps_no_backup(tmp_path):
    """Before: every reinstall left another .legcramp-backup-* of an identical file."""
    (tmp_path / "sentences.ini").write_text("[GetTime]\nwhat time is it\n")
    first = install_profile(GRAMMAR, tmp_path, now=0)
    assert first.backup is None and first.written == (OUR_INI,)
    again = install_profile(GRAMMAR, tmp_path, now=60)
    assert again.written == () and again.backup is None
    assert not list(tmp_path.glob(".legcramp-backup-*"))
    assert "already installed" in again.message()


@pytest.mark.parametrize("make", [
    lambda p: None,                                    # empty
    lambda p: (p / "notes.txt").write_text("hello"),   # some other directory
    lambda p: (p / "intents").mkdir(),
])
def test_a_directory_that_is_not_a_profile_is_refused_like_a_missing_one(tmp_path, make):
    make(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(InstallError, match="no Rhasspy profile at"):
        install_profile(GRAMMAR, tmp_path)
    with pytest.raises(InstallError, match="no Rhasspy profile at"):
        install_profile(GRAMMAR, tmp_path / "missing")
    assert sorted(tmp_path.rglob("*")) == before


def test_the_command_names_the_file_written_and_the_backup_kept(tmp_path, capsys):
    from skill.cli import main

    (tmp_path / "profile.json").write_text("{}")
    assert main(["install", "--profile", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert OUR_INI in out and "backup" not in out and "kept" not in out
    (tmp_path / OUR_INI).write_text("# mine, edited\n")
    assert main(["install", "--profile", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    [backup] = tmp_path.glob(".legcramp-backup-*")
    assert OUR_INI in out and str(backup) in out
    assert main(["install", "--profile", str(tmp_path)]) == 0
    assert "already installed" in capsys.readouterr().out
    assert main(["install", "--profile", str(tmp_path / "nowhere")]) == 1


def test_a_clash_with_the_users_intents_installs_nothing(tmp_path):
    name = sorted(GRAMMAR.intents)[0]
    (tmp_path / "sentences.ini").write_text(f"[{name}]\nmine\n")
    with pytest.raises(InstallError, match=name):
        install_profile(GRAMMAR, tmp_path)
    assert not (tmp_path / "intents").exists()


class Recorder(BaseHTTPRequestHandler):
    requests: list = []
    sentences: dict = {"sentences.ini": "[GetTime]\nwhat time is it\n"}

    def log_message(self, *args):
        pass

    def _reply(self, body: bytes):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        Recorder.requests.append(("GET", self.path, self.headers.get("Accept"), None))
        self._reply(json.dumps(Recorder.sentences).encode())

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Recorder.requests.append(("POST", self.path, self.headers.get("Content-Type"), body))
        self._reply(b"OK")


@pytest.fixture
def rhasspy():
    Recorder.requests = []
    server = HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_http_install_posts_our_ini_then_trains(rhasspy, tmp_path):
    backup = install_http(GRAMMAR, rhasspy, tmp_path)
    paths = [(method, path) for method, path, *_ in Recorder.requests]
    assert paths[0] == ("GET", "/api/sentences") and paths[-1] == ("POST", "/api/train")
    post = next(r for r in Recorder.requests if r[:2] == ("POST", "/api/sentences"))
    assert post[2] == "application/json" and json.loads(post[3]) == {OUR_INI: GRAMMAR.ini}
    assert json.loads(backup.read_text()) == Recorder.sentences


def test_http_install_refuses_a_clash_and_posts_nothing(rhasspy, tmp_path):
    name = sorted(GRAMMAR.intents)[0]
    Recorder.sentences = {"sentences.ini": f"[{name}]\nmine\n"}
    try:
        with pytest.raises(InstallError):
            install_http(GRAMMAR, rhasspy, tmp_path)
        assert all(method == "GET" for method, *_ in Recorder.requests)
    finally:
        Recorder.sentences = {"sentences.ini": "[GetTime]\nwhat time is it\n"}


def test_http_reinstall_of_the_same_grammar_sends_nothing(rhasspy, tmp_path):
    Recorder.sentences = {"sentences.ini": "[GetTime]\nwhat time is it\n", OUR_INI: GRAMMAR.ini}
    try:
        assert install_http(GRAMMAR, rhasspy, tmp_path) is None
        assert all(method == "GET" for method, *_ in Recorder.requests)
        assert not list(tmp_path.iterdir())
    finally:
        Recorder.sentences = {"sentences.ini": "[GetTime]\nwhat time is it\n"}


def test_unreachable_rhasspy_is_a_clear_error(tmp_path):
    with pytest.raises(InstallError, match="did not answer"):
        install_http(GRAMMAR, "http://127.0.0.1:9", tmp_path)
