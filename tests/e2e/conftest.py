"""Fixtures for the end-to-end tests: broker, Rhasspy venv, intent graphs, the Rhasspy stack.

    broker           (session)  BrokerAddress(host, port) of a private mosquitto
    rhasspy_venv     (session)  RhasspyVenv: .python, .nlu, .dialogue (console scripts), .path
    graph_compiler   (session)  compile(intents_dir=INTENTS_DIR, **options) -> Path, cached by content
    installed_intents (session) our grammar as `legcramp install` writes it (intents Legcramp...)
    intent_graph     (session)  that grammar compiled: Path to the gzipped pickle
    rhasspy_stack    (function) factory: rhasspy_stack(site_ids=("default",), *, intents_dir=None,
                                graph=None, session_timeout=30.0, sounds=False, ...) -> RhasspyStack,
                                started; stopped at teardown

Every test under tests/e2e gets the `e2e` marker (deselect with `-m "not e2e"`). When one fails,
its report gets the services' logs and each User's MQTT transcript.
"""
from __future__ import annotations

import typing
from pathlib import Path

import pytest

from tests.e2e.stack import (
    INTENTS_DIR,
    BrokerAddress,
    Mosquitto,
    RhasspyStack,
    RhasspyVenv,
    compile_graph_cached,
    ensure_rhasspy_venv,
    find_mosquitto,
)

_HERE = Path(__file__).resolve().parent
_STACKS_ATTR = "_legcramp_e2e_stacks"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "e2e: end-to-end test against a real mosquitto and the real Rhasspy 2.5 services "
        "(deselect with -m 'not e2e')",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> typing.Generator:
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for stack in getattr(item, _STACKS_ATTR, ()):
            for title, text in stack.debug_sections():
                report.sections.append((f"e2e: {title}", text))


# -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> typing.Iterator[BrokerAddress]:
    """A private mosquitto on a free port of 127.0.0.1 for the whole session."""
    executable = find_mosquitto()
    if not executable:
        pytest.skip("mosquitto is not installed (apt-get install mosquitto; .ci/run does it); "
                    "or set LEGCRAMP_MOSQUITTO to its path")
    server = Mosquitto(tmp_path_factory.mktemp("mosquitto"), executable)
    address = server.start()
    try:
        yield address
    finally:
        server.stop()


@pytest.fixture(scope="session")
def rhasspy_venv() -> RhasspyVenv:
    """The cached venv with rhasspy-nlu-hermes and rhasspy-dialogue-hermes (built on first use)."""
    return ensure_rhasspy_venv()


@pytest.fixture(scope="session")
def graph_compiler(rhasspy_venv: RhasspyVenv) -> typing.Callable[..., Path]:
    """compile(intents_dir=INTENTS_DIR, **options) -> gzipped pickle graph for rhasspy-nlu-hermes.

    Cached by content (grammar files + options + venv) under ~/.cache/legcramp-e2e/graphs, so an
    unchanged grammar is compiled once, not once per run (ours takes a few seconds).
    """
    def compile_(intents_dir: Path = INTENTS_DIR, **options: typing.Any) -> Path:
        return compile_graph_cached(Path(intents_dir), venv=rhasspy_venv, **options)

    return compile_


@pytest.fixture(scope="session")
def installed_intents(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Our grammar as `legcramp install` puts it in a profile (intents named Legcramp...), in a
    directory of its own: what a real Rhasspy recognises, and so what the skill subscribes to."""
    from skill.shells.install import Grammar

    if not (INTENTS_DIR / "sentences.ini").is_file():
        pytest.fail(f"{INTENTS_DIR / 'sentences.ini'} does not exist: nothing to compile")
    grammar = Grammar.from_dir(INTENTS_DIR)
    out = tmp_path_factory.mktemp("installed-intents")
    (out / "sentences.ini").write_text(grammar.ini, encoding="utf-8")
    if grammar.slots:
        (out / "slots").mkdir()
        for name, values in grammar.slots.items():
            (out / "slots" / name).write_text("\n".join(values) + "\n", encoding="utf-8")
    return out


@pytest.fixture(scope="session")
def intent_graph(graph_compiler: typing.Callable[..., Path], installed_intents: Path) -> Path:
    """Our grammar, as installed, compiled for rhasspy-nlu-hermes."""
    return graph_compiler(installed_intents)


@pytest.fixture
def rhasspy_stack(request: pytest.FixtureRequest, broker: BrokerAddress, rhasspy_venv: RhasspyVenv,
                  graph_compiler: typing.Callable[..., Path], tmp_path: Path,
                  installed_intents: Path) -> typing.Iterator[typing.Callable[..., RhasspyStack]]:
    """Factory: start rhasspy-nlu-hermes + rhasspy-dialogue-hermes on the session broker.

        stack = rhasspy_stack()                         # site "default", our grammar as installed
        stack = rhasspy_stack(("kitchen", "bedroom"), session_timeout=2.0)
        stack = rhasspy_stack(intents_dir=some_dir)     # another grammar (compiled, cached)
        stack = rhasspy_stack(graph=path_to_pickle)     # an already compiled graph
        user = stack.user()                             # User of the first site

    Keyword options go to RhasspyStack (session_timeout, sounds, fuzzy, casing, replace_numbers,
    language, say_chars_per_second, extra_nlu_args, extra_dialogue_args). Returns it started:
    both services subscribed and the graph loaded. Everything is stopped at teardown.
    """
    stacks: list[RhasspyStack] = []
    setattr(request.node, _STACKS_ATTR, stacks)

    def make(site_ids: typing.Sequence[str] | None = ("default",), *, intents_dir: Path | None = None,
             graph: Path | None = None, **options: typing.Any) -> RhasspyStack:
        if graph is None:
            intents_dir = Path(intents_dir) if intents_dir is not None else installed_intents
            if not (intents_dir / "sentences.ini").is_file():
                pytest.fail(f"{intents_dir / 'sentences.ini'} does not exist: nothing to compile")
            compile_options = {k: options[k] for k in ("casing", "replace_numbers", "language")
                               if k in options}
            graph = graph_compiler(intents_dir, **compile_options)
        stack = RhasspyStack(broker, rhasspy_venv, graph, tmp_path / f"stack{len(stacks)}",
                             site_ids, **options)
        stacks.append(stack)
        return stack.start()

    yield make
    for stack in reversed(stacks):
        stack.stop()
