"""`legcramp`: the command line. Each subcommand is a thin shell over the same core."""
from __future__ import annotations

import argparse
import logging
import sys
from typing import Any, Optional, Sequence

from .dialog.spoken import phone_number
from .dialog.state import Config


HOLD_RANGE = (5, 120)
"""Whole seconds a stretch is held: long enough to ease a cramp, short enough to hold alone."""
DIARY_ENV = "LEGCRAMP_DIARY"


def _hold_seconds(text: str) -> int:
    try:
        seconds = int(text)
    except ValueError:
        seconds = -1
    low, high = HOLD_RANGE
    if not low <= seconds <= high:
        raise argparse.ArgumentTypeError(
            f"must be a whole number of seconds from {low} to {high}, got {text!r}")
    return seconds


def _confidence(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be a number from 0 to 1, got {text!r}")
    return value


def _common(parser: argparse.ArgumentParser, debug: bool = True) -> None:
    _lang(parser, "of what is understood and said")
    low, high = HOLD_RANGE
    parser.add_argument("--hold-seconds", type=_hold_seconds, default=30, metavar="N",
                        help=f"how long each stretch is held in a guided routine, in whole "
                             f"seconds from {low} to {high} (default: 30)")
    # For tests and benchmarks, which cannot wait half a minute per hold: any hold, fractions too.
    parser.add_argument("--test-hold-seconds", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--emergency-number", default="911", metavar="NUMBER",
                        help="the number to tell people to call in an emergency: digits and "
                             "spaces, a leading + if needed; spoken digit by digit (default: 911)")
    parser.add_argument("--confirm-below", type=_confidence, default=Config.confirm_below,
                        metavar="P",
                        help="a speech recogniser's confidence below which an answer that rules "
                             "out an emergency sign is said back once for a yes; 0 never "
                             f"(default: {Config.confirm_below})")
    diary = parser.add_mutually_exclusive_group()
    diary.add_argument("--diary", metavar="PATH",
                       help=f"the cramp diary's SQLite file (default: ${DIARY_ENV} if set, else "
                            f"diary.sqlite3 in the user data directory; chat --jsonl keeps none "
                            f"unless this is given)")
    diary.add_argument("--no-diary", action="store_true", help="keep no cramp diary")
    if debug:  # hermes has its own, among the standard Rhasspy flags
        parser.add_argument("--debug", action="store_true",
                            help="log at debug level (the log then holds what people say)")


def _lang(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--lang", default="en",
                        help=f"language {what}: the name of a folder of intents/ and dialogs/ "
                             f"(default: en, the only one so far)")


def version() -> str:
    """The installed version (pyproject.toml's, through the package metadata)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("legcramp")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="legcramp", description=__doc__)
    parser.add_argument("--version", action="version", version=f"legcramp {version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    chat = sub.add_parser("chat", help="talk to the skill in the terminal",
                          description="Talk to the skill in the terminal: type what you would say.")
    _common(chat)
    chat.add_argument("--jsonl", action="store_true",
                      help="the machine interface of docs/chat-jsonl.md: input is plain text, one "
                           "utterance a line; output is one JSON object a line")
    chat.add_argument("--speak", action="store_true", help="also speak through espeak-ng")
    chat.add_argument("--explain", action="store_true",
                      help="with --jsonl: the first line of each turn also carries `explain`, "
                           "the words each new finding was read from (for auditing transcripts)")
    hermes = sub.add_parser("hermes", help="run as a Rhasspy 2.5 skill over MQTT (Hermes)",
                            description="Run as a Rhasspy 2.5 skill over MQTT (Hermes).")
    _common(hermes, debug=False)
    from .shells.hermes_args import add_arguments  # no paho or rhasspyhermes until it runs
    add_arguments(hermes)
    wyoming = sub.add_parser("wyoming", help="serve Home Assistant Assist as a Wyoming handle service",
                             description="Serve Home Assistant's Assist as a Wyoming handle "
                                         "service (a conversation agent); see the README, Use "
                                         "with Home Assistant.")
    _common(wyoming)
    wyoming.add_argument("--uri", default="tcp://127.0.0.1:10600",
                         help="where to listen: tcp://HOST:PORT, unix://PATH or stdio:// "
                              "(default: tcp://127.0.0.1:10600; tcp://0.0.0.0:10600 for a Home "
                              "Assistant on another machine)")
    wyoming.add_argument("--zeroconf", nargs="?", const="legcramp", metavar="NAME",
                         help="announce the service over mDNS so Home Assistant discovers it "
                              "(tcp:// only; NAME defaults to legcramp)")
    # For tests, which cannot wait five minutes for a conversation to expire.
    wyoming.add_argument("--test-expiry-seconds", type=float, help=argparse.SUPPRESS)
    sentences = sub.add_parser("sentences", help="print the grammar for a Rhasspy profile",
                               description="Print the grammar that `legcramp install` writes.")
    _lang(sentences, "of the grammar")
    install = sub.add_parser("install", help="add the grammar to a Rhasspy 2.5 profile",
                             description="Add the grammar to a Rhasspy 2.5 profile, as its own "
                                         "intents/legcramp.ini; your sentences.ini is never "
                                         "edited.")
    _lang(install, "of the grammar")
    where = install.add_mutually_exclusive_group(required=True)
    where.add_argument("--profile", metavar="DIR",
                       help="the profile directory, for example ~/.config/rhasspy/profiles/en")
    where.add_argument("--rhasspy-url", metavar="URL",
                       help="Rhasspy's web address, for example http://localhost:12101")
    install.add_argument("--backup-dir", default=".", metavar="DIR",
                         help="where --rhasspy-url saves a backup of the sentences (default: .)")
    install.add_argument("--no-train", action="store_true", help="with --rhasspy-url, do not train")
    diary = sub.add_parser("diary", help="list, export or report the cramp diary",
                           description="List, export or report the cramp diary.")
    from .diary.cli import add_arguments as add_diary_arguments
    add_diary_arguments(diary)
    return parser


def install_main(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .content import content_dir
    from .shells.install import (OUR_INI, Grammar, InstallError, install_http, install_profile,
                                 print_sentences)

    grammar = Grammar.from_dir(content_dir("intents", args.lang))
    if args.command == "sentences":
        print_sentences(grammar)
        return 0
    try:
        if args.profile:
            print(install_profile(grammar, Path(args.profile).expanduser()).message())
        else:
            backup = install_http(grammar, args.rhasspy_url, Path(args.backup_dir), not args.no_train)
            if backup is None:
                print(f"already installed in {args.rhasspy_url}: {OUR_INI} is unchanged; "
                      f"nothing sent")
            else:
                print(f"installed {OUR_INI} into {args.rhasspy_url}; its sentences as they were "
                      f"are kept in {backup}" + ("" if args.no_train else "; Rhasspy is trained"))
    except InstallError as err:
        print(f"legcramp install: {err}", file=sys.stderr)
        return 1
    return 0


def _config(args: argparse.Namespace) -> Config:
    """The dialog's settings; a number that cannot be said exactly stops the start, in one line."""
    try:
        number = phone_number(args.emergency_number)
    except ValueError as err:
        raise SystemExit(f"legcramp: --emergency-number {err}") from None
    hold = args.test_hold_seconds if args.test_hold_seconds is not None else args.hold_seconds
    return Config(emergency_number=number, hold_seconds=float(hold),
                  confirm_below=args.confirm_below)


def _diary(args: argparse.Namespace, default_on: bool = True) -> Any:
    """The diary service the flags ask for, or None. A diary that cannot be opened is logged
    by the service and the skill carries on without it."""
    if args.no_diary or (not default_on and not args.diary):
        return None
    from pathlib import Path

    from .diary.service import DiaryService
    from .diary.store import default_path

    return DiaryService(Path(args.diary).expanduser() if args.diary else default_path())


def chat_main(args: argparse.Namespace) -> int:
    from .content import content_dir
    from .dialog.manager import DialogManager, opening
    from .dialog.phrasebook import Phrasebook
    from .nlu.recognizer import Recognizer
    from .shells.chat import ChatSession, Speaker, run_interactive, run_jsonl

    config = _config(args)
    book = Phrasebook.load(content_dir("dialogs", args.lang))
    recognizer = Recognizer.from_dir(content_dir("intents", args.lang))
    manager = DialogManager(book, config)
    fallback = book.say("error.fallback")
    # The JSON-lines interface is for tools and tests: their conversations are not a person's
    # own history, so they keep no diary unless --diary names one.
    diary = _diary(args, default_on=not args.jsonl)
    session = ChatSession(manager, recognizer.recognize, fallback, diary)
    try:
        if args.jsonl:
            return run_jsonl(session, sys.stdin, sys.stdout, explain=args.explain)
        return run_interactive(session, opening(book).text, sys.stdin, sys.stdout,
                               Speaker(args.speak, sys.stderr))
    finally:
        if diary:
            diary.close()


def hermes_main(args: argparse.Namespace) -> int:
    from .content import content_dir
    from .dialog.manager import DialogManager
    from .dialog.phrasebook import Phrasebook
    from .shells.hermes_service import run

    config = _config(args)
    book = Phrasebook.load(content_dir("dialogs", args.lang))
    return run(args, lambda: DialogManager(book, config), book.say("error.fallback"),
               content_dir("intents", args.lang), diary=_diary(args))


def wyoming_main(args: argparse.Namespace) -> int:
    from .content import content_dir
    from .dialog.manager import DialogManager, opening
    from .dialog.phrasebook import Phrasebook
    from .nlu.recognizer import Recognizer
    from .shells.session import Session
    from .shells.wyoming_service import check_uri, run
    from .shells.wyoming_speech import Words

    check_uri(args.uri)
    try:
        words = Words.load(args.lang)
    except ValueError as err:
        raise SystemExit(f"legcramp wyoming: {err}") from None
    config = _config(args)
    book = Phrasebook.load(content_dir("dialogs", args.lang))
    recognizer = Recognizer.from_dir(content_dir("intents", args.lang))
    manager = DialogManager(book, config)
    fallback = book.say("error.fallback")
    diary = _diary(args)
    try:
        return run(args, lambda: Session(manager, recognizer.recognize, fallback, diary, "assist"),
                   recognizer.recognize, words, fallback, opening(book).text,
                   version())
    finally:
        if diary:
            diary.close()


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "hermes":
        logging.basicConfig(level=logging.DEBUG if args.debug else logging.INFO,
                            stream=sys.stderr, format=args.log_format)
        return hermes_main(args)
    logging.basicConfig(level=logging.DEBUG if getattr(args, "debug", False) else logging.WARNING,
                        stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "chat":
        return chat_main(args)
    if args.command == "wyoming":
        logging.getLogger("legcramp").setLevel(logging.DEBUG if args.debug else logging.INFO)
        return wyoming_main(args)
    if args.command == "diary":
        from .diary.cli import main as diary_main
        return diary_main(args)
    return install_main(args)


if __name__ == "__main__":
    sys.exit(main())
