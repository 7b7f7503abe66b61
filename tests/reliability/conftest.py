"""Fixtures for the reliability tests (issue 5): a broker, the recorded conversations, skills.

    mosquitto      (session)  a private mosquitto (tests/e2e/stack.py's Mosquitto), started
    conversations  (session)  the public vignettes recorded as Hermes traffic (benchmarks/)
    start_skill    (function) factory: start_skill(*args, debug=False, env=None, broker=None)
                              -> harness.Skill, ready; stopped at teardown

Every test here gets the `reliability` marker (deselect with -m "not reliability"); the long
ones are also marked `slow`. Each test reports its numbers on a "RELIABILITY:" line, printed at
once (pytest -s) and again in the terminal summary.
"""
from __future__ import annotations

import typing
from pathlib import Path

import pytest

from benchmarks.conversations import Conversation, record_public
from tests.e2e.stack import BrokerAddress, Mosquitto, find_mosquitto
from tests.reliability.harness import REPORTED, Skill

_HERE = Path(__file__).resolve().parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "reliability: faults, hostile input, soak, security, privacy "
                                       "against a real mosquitto and `legcramp hermes`")
    config.addinivalue_line("markers", "slow: takes more than a few seconds (still run by default)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.reliability)


def pytest_terminal_summary(terminalreporter: typing.Any) -> None:
    if REPORTED:
        terminalreporter.section("reliability numbers")
        for line in REPORTED:
            terminalreporter.write_line(line)


def need_mosquitto() -> str:
    executable = find_mosquitto()
    if not executable:
        pytest.skip("mosquitto is not installed (apt-get install mosquitto; .ci/run does it)")
    return executable


@pytest.fixture(scope="session")
def mosquitto(tmp_path_factory: pytest.TempPathFactory) -> typing.Iterator[Mosquitto]:
    server = Mosquitto(tmp_path_factory.mktemp("mosquitto"), need_mosquitto())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def conversations() -> list[Conversation]:
    """Every public vignette as the Hermes traffic Rhasspy would send (a few seconds, once)."""
    from skill.content import content_dir
    from skill.nlu.recognizer import Recognizer

    return record_public(Recognizer.from_dir(content_dir("intents", "en")).recognize)


@pytest.fixture
def start_skill(mosquitto: Mosquitto, tmp_path: Path) -> typing.Iterator[typing.Callable[..., Skill]]:
    started: list[Skill] = []

    def start(*args: str, debug: bool = False, env: dict[str, str] | None = None,
              broker: BrokerAddress | None = None, ready: bool = True) -> Skill:
        host, port = broker or mosquitto.address
        skill = Skill(host, port, *args, log_dir=tmp_path, debug=debug, env=env)
        started.append(skill)
        return skill.start() if ready else skill

    yield start
    for skill in started:
        skill.stop()


# The real Rhasspy dialogue manager and NLU (tests/e2e), for the conversation the privacy test
# speaks: the fixtures are shared, not copied.
from tests.e2e.conftest import (  # noqa: E402,F401
    broker,
    graph_compiler,
    installed_intents,
    rhasspy_stack,
    rhasspy_venv,
)
