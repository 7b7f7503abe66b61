"""The Wyoming shell's parts without a socket: the conversation store, the one spoken text,
the transcript checks; and the service on unix:// and stdio://, the CLI's refusals."""
from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys

import pytest
from wyoming.asr import Transcript
from wyoming.client import AsyncClient
from wyoming.event import read_event
from wyoming.info import Describe

from skill.shells.session import Line
from skill.shells.wyoming import OPENING_INTENTS
from skill.shells.wyoming_speech import Words, spoken_text
from skill.shells.wyoming_store import Conversations
from skill.shells.wyoming_wire import BadTranscript, read_transcript, same_language
from tests.wyoming_client import ROOT


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_conversations_expire_after_their_idle_time():
    clock = Clock()
    store = Conversations(object, expiry_s=300, clock=clock)
    first = store.get("a")
    clock.now = 299
    assert store.get("a") is first, "a turn within five minutes continues"
    clock.now = 599
    assert store.peek("a") is first
    clock.now = 600
    assert store.peek("a") is None and store.get("a") is not first


def test_conversations_are_bounded_and_forget_the_one_idle_longest(caplog):
    clock = Clock()
    store = Conversations(object, limit=3, clock=clock)
    kept = {}
    for i, key in enumerate("abcd"):
        clock.now = i
        kept[key] = store.get(key)
        if key == "c":
            store.get("a")  # a is used again: b is now the one idle longest
    assert len(store) == 3
    assert store.peek("b") is None and store.peek("a") is kept["a"]
    assert sum("more than 3 conversations" in r.message for r in caplog.records) == 1


def line(say: str, pause: float = 0.0, expects: bool = False, end: bool = False) -> Line:
    return Line(say=say, expects_reply=expects, asking=[], findings={}, disposition=None,
                guide="calf_stretch" if pause else None, pause_s=pause, end=end)


def test_a_hold_is_counted_aloud_and_short_pauses_are_sentence_breaks():
    words = Words.load("en")
    text = spoken_text([line("Pull your toes up.", 2.0), line("Hold it there for five seconds.", 5.0),
                        line("Now slowly let go.", 3.0), line("Has it eased?", expects=True)],
                       words, hint=False)
    assert text == ("Pull your toes up. Hold it there for five seconds. One, and two, and three, "
                    "and four, and five. Now slowly let go. Has it eased?")


def test_the_answer_hint_follows_a_question_only():
    words = Words.load("en")
    assert spoken_text([line("Is it swollen?", expects=True)], words, hint=True).endswith(
        "say the wake word again, then your answer.")
    assert spoken_text([line("Goodbye.", end=True)], words, hint=True) == "Goodbye."
    assert "wake word" not in spoken_text([line("Is it swollen?", expects=True)], words, hint=False)


def test_the_words_are_for_the_ear():
    words = Words.load("en")
    text = " ".join([words.answer_hint, words.count(30)])
    assert not any(ch.isdigit() for ch in text) and not set(text) & set("<>*#_/[]{}")


def test_transcripts_are_checked_field_by_field():
    request = read_transcript({"text": "my calf hurts", "language": "en-GB",
                               "context": {"conversation_id": "x", "site": "bedroom",
                                           "continue_conversation": True}}, "10.0.0.2")
    assert (request.conversation_id, request.site, request.continues, request.generated) == (
        "x", "bedroom", True, False)
    assert read_transcript({"text": "hi"}, "10.0.0.2").conversation_id == "client:10.0.0.2"
    assert read_transcript({"text": "hi", "context": {"site": 5}}).site == "assist"
    for bad in ({}, {"text": None}, {"text": "x" * 1001}, {"text": "hi", "context": []},
                {"text": "hi", "language": 3}, {"text": "hi", "context": {"conversation_id": ""}},
                {"text": "hi", "context": {"conversation_id": "x" * 201}}):
        with pytest.raises(BadTranscript):
            read_transcript(bad)


def test_languages_match_on_their_first_part():
    assert same_language("en-GB", "en") and same_language("EN_us", "en") and same_language(None, "en")
    assert not same_language("de-DE", "en")


def test_what_opens_a_conversation_includes_what_opens_one_over_hermes():
    from skill.shells.hermes import OPENING_INTENTS as HERMES_OPENING

    assert HERMES_OPENING <= OPENING_INTENTS
    assert OPENING_INTENTS - HERMES_OPENING == {"CallAmbulance", "Distress", "SuspectClot"}


# --- the other transports, and the command line -----------------------------------------


def test_the_service_on_a_unix_socket(tmp_path):
    path = tmp_path / "legcramp.sock"
    proc = subprocess.Popen([sys.executable, "-m", "skill.cli", "wyoming", "--uri",
                             f"unix://{path}", "--no-diary"], cwd=ROOT, stderr=subprocess.PIPE,
                            text=True)
    try:
        assert "ready on unix://" in proc.stderr.readline()

        async def turn():
            async with AsyncClient.from_uri(f"unix://{path}") as client:
                await client.write_event(Transcript("my calf hurts", context={
                    "conversation_id": "u"}).event())
                return await asyncio.wait_for(client.read_event(), 10)

        reply = asyncio.run(turn())
        assert reply.type == "handled" and reply.data["context"]["expects_reply"]
    finally:
        proc.terminate()
        proc.wait(10)
    assert not path.exists(), "the socket file is removed at stop"


def test_the_service_on_stdio():
    events = [Describe().event(), Transcript("my calf hurts", context={"conversation_id": "s"}).event()]
    stdin = "".join(json.dumps({"type": e.type, "data": e.data}) + "\n" for e in events)
    run = subprocess.run([sys.executable, "-m", "skill.cli", "wyoming", "--uri", "stdio://",
                          "--no-diary"], cwd=ROOT, input=stdin.encode(), capture_output=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    out, replies = io.BytesIO(run.stdout), []
    while (event := read_event(out)) is not None:
        replies.append(event)
    assert [e.type for e in replies] == ["info", "handled"]
    assert replies[1].data["context"]["conversation_id"] == "s"
    assert b"ready on stdio://" in run.stderr


@pytest.mark.parametrize("uri", ["http://localhost:10600", "tcp://localhost", "unix://"])
def test_a_uri_that_cannot_be_served_stops_it_in_one_line(uri):
    run = subprocess.run([sys.executable, "-m", "skill.cli", "wyoming", "--uri", uri,
                          "--no-diary"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and run.stderr.count("\n") == 1 and "--uri" in run.stderr


def test_a_port_in_use_stops_it_in_one_line():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run([sys.executable, "-m", "skill.cli", "wyoming", "--uri",
                              f"tcp://127.0.0.1:{port}", "--no-diary"], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and "cannot serve" in run.stderr, run.stderr


def test_zeroconf_announces_the_bound_port(monkeypatch):
    """With a stand-in for the announcer: a test sends nothing to the multicast group."""
    import wyoming.zeroconf

    from skill.shells import wyoming_service

    made = []

    class Announcer:
        def __init__(self, port, name=None, host=None):
            made.append((port, name, host))

        async def register_server(self):
            made.append("registered")

    class Server(wyoming_service.AsyncTcpServer):
        pass

    monkeypatch.setattr(wyoming.zeroconf, "HomeAssistantZeroconf", Announcer)
    server = Server("0.0.0.0", 10600)
    monkeypatch.setattr(wyoming_service, "_bound", lambda server, uri: "tcp://0.0.0.0:10600")
    args = type("Args", (), {"zeroconf": "legcramp", "uri": "tcp://0.0.0.0:10600"})()
    assert asyncio.run(wyoming_service._announce(args, server)) is not None
    assert made == [(10600, "legcramp", None), "registered"]


def test_advice_over_wyoming_is_written_to_the_diary_with_its_room(tmp_path):
    from tests.wyoming_client import WyomingProcess

    diary = tmp_path / "diary.sqlite3"
    with WyomingProcess(diary=str(diary)) as service:
        reply = service.turn("i got off a nine hour flight yesterday and now my calf is sore "
                             "and a bit swollen", "d1", site="bedroom")
        while not reply.context["end"]:
            reply = service.turn("thank you" if reply.context["disposition"] else "no", "d1",
                                 site="bedroom")
    run = subprocess.run([sys.executable, "-m", "skill.cli", "diary", "--diary", str(diary),
                          "--csv", "-"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "bedroom" in run.stdout and "urgent" in run.stdout, run.stdout
