"""`legcramp diary`: list the diary, export it as CSV, write the report for a doctor's visit.

Why it never creates a diary: reading is not a reason to leave a health-data file behind, so a
missing file is reported ("No diary at ... yet.") and nothing is written. Imports of sqlite3 and
the report happen inside `main`, so registering the subcommand costs the other commands nothing.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path
from typing import IO, Optional, Sequence, TYPE_CHECKING

if TYPE_CHECKING:
    from .store import Episode

DAY = 86400.0
READ_TIMEOUT_S = 2.0
"""Longer than a conversation's: a person at a terminal can wait for a writer to finish."""
CSV_HEADER = ("time_iso", "site", "side", "location", "duration", "disposition", "cramp",
              "findings_json")


def _days(text: str) -> float:
    try:
        days = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days") from None
    if not days > 0:
        raise argparse.ArgumentTypeError("--since must be more than 0 days")
    return days


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of `legcramp diary`."""
    parser.add_argument("--diary", metavar="PATH",
                        help="the diary file (default: $LEGCRAMP_DIARY, or diary.sqlite3 in "
                             "this user's data directory)")
    parser.add_argument("--since", metavar="DAYS", type=_days,
                        help="only episodes from the last DAYS days")
    parser.add_argument("--csv", metavar="FILE", help="export the episodes as CSV ('-': standard output)")
    parser.add_argument("--report", metavar="FILE.html",
                        help="write a one-page report to show a doctor")
    parser.add_argument("--chart", metavar="FILE.svg", help="write the weekly chart alone, as SVG")


def main(args: argparse.Namespace) -> int:
    """Run `legcramp diary`; 0 on success, 1 with one line on stderr when the diary is unusable."""
    from .store import Diary, DiaryError, default_path

    path = Path(args.diary).expanduser() if args.diary else default_path()
    if not path.exists():
        print(f"No diary at {path} yet.")
        return 0
    now = time.time()
    since = now - args.since * DAY if args.since is not None else None
    try:
        with Diary.open(path, timeout_s=READ_TIMEOUT_S) as diary:
            episodes = diary.episodes(since=since)
    except DiaryError as err:
        print(f"legcramp diary: {err}", file=sys.stderr)
        return 1
    try:
        return _outputs(args, path, episodes, now)
    except OSError as err:
        print(f"legcramp diary: cannot write {err.filename or 'the output'} "
              f"({err.strerror or err}); choose another file", file=sys.stderr)
        return 1


def _outputs(args: argparse.Namespace, path: Path, episodes: Sequence["Episode"], now: float) -> int:
    """Write what was asked for; with no output flag, list the episodes."""
    notes = sys.stderr if args.csv == "-" else sys.stdout  # keep a CSV on stdout clean
    if args.csv == "-":
        write_csv(episodes, sys.stdout)
    elif args.csv:
        with open(args.csv, "w", newline="", encoding="utf-8") as out:
            write_csv(episodes, out)
        print(f"Wrote {len(episodes)} episodes to {args.csv}", file=notes)
    if args.report or args.chart:
        from .report import render_html, render_svg

        if args.report:
            Path(args.report).write_text(render_html(episodes, now), encoding="utf-8")
            print(f"Wrote the report to {Path(args.report).resolve()}", file=notes)
        if args.chart:
            Path(args.chart).write_text(render_svg(episodes, now), encoding="utf-8")
            print(f"Wrote the chart to {Path(args.chart).resolve()}", file=notes)
    if not (args.csv or args.report or args.chart):
        print(listing(episodes, path, now))
    return 0


def write_csv(episodes: Sequence["Episode"], out: IO[str]) -> None:
    """One row per episode; time in ISO 8601 with the local offset, findings as JSON."""
    from datetime import datetime

    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for e in episodes:
        writer.writerow((datetime.fromtimestamp(e.time).astimezone().isoformat(timespec="seconds"),
                         e.site, e.side or "", e.location or "", e.duration or "", e.disposition,
                         "true" if e.cramp else "false",
                         json.dumps(dict(e.findings), sort_keys=True)))


def listing(episodes: Sequence["Episode"], path: Path, now: float) -> str:
    """A readable table of episodes, oldest first, for a terminal."""
    if not episodes:
        return "No episodes recorded yet."
    from .report import DISPOSITION_WORDS, DURATION_WORDS, day_label
    from .summary import local_datetime

    this_year = local_datetime(now).year
    rows = [("When", "Leg", "Where", "How long", "Cramp", "Advice", "Site")]
    for e in episodes:
        when = local_datetime(e.time)
        rows.append((f"{day_label(when.date(), year=when.year != this_year)} {when:%H:%M}",
                     e.side or "-", (e.location or "-").replace("_", " "),
                     DURATION_WORDS.get(e.duration or "", "-"), "yes" if e.cramp else "no",
                     DISPOSITION_WORDS.get(e.disposition, e.disposition), e.site))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    cramps = sum(1 for e in episodes if e.cramp)
    lines.append("")
    lines.append(f"{len(episodes)} episode{'s' if len(episodes) != 1 else ''}, "
                 f"{cramps} of them cramps, in {path}")
    return "\n".join(lines)


def run(argv: Optional[Sequence[str]] = None) -> int:
    """`python -m skill.diary.cli`: the same as `legcramp diary`."""
    parser = argparse.ArgumentParser(prog="legcramp diary", description=__doc__)
    add_arguments(parser)
    return main(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(run())
