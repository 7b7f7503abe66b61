"""`legcramp`: the command line. Each subcommand is a thin shell over the same core."""
from __future__ import annotations

import argparse
import logging
import sys
from typing import Optional, Sequence

from .dialog.state import Config


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", default="en", help="language of intents and dialogs (default: en)")
    parser.add_argument("--hold-seconds", type=float, default=30.0,
                        help="how long each stretch is held in a guided routine (default: 30)")
    parser.add_argument("--emergency-number", default="911",
                        help="the number to tell people to call in an emergency (default: 911)")
    parser.add_argument("--debug", action="store_true", help="log at debug level (includes what people say)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="legcramp", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    chat = sub.add_parser("chat", help="talk to the skill in the terminal")
    _common(chat)
    chat.add_argument("--jsonl", action="store_true", help="JSON lines in and out (chat-jsonl.md)")
    chat.add_argument("--speak", action="store_true", help="also speak through espeak-ng")
    return parser


def _config(args: argparse.Namespace) -> Config:
    if args.hold_seconds <= 0 or args.hold_seconds > 300:
        raise SystemExit("legcramp: --hold-seconds must be between 0 and 300")
    number = "".join(ch for ch in args.emergency_number if ch.isdigit())
    if not number:
        raise SystemExit("legcramp: --emergency-number must contain digits, for example 112")
    return Config(emergency_number=number, hold_seconds=args.hold_seconds)


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
    session = ChatSession(manager, recognizer.recognize, fallback)
    if args.jsonl:
        return run_jsonl(session, sys.stdin, sys.stdout)
    return run_interactive(session, opening(book).text, sys.stdin, sys.stdout,
                           Speaker(args.speak, sys.stderr))


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "chat":
        return chat_main(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
