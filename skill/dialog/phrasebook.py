"""Every spoken word, loaded once from dialogs/<lang>/*.yaml and checked against the contract.

The words live in data files so a clinician or a translator can change them without touching code
(style.md, OVOS). Loading is layered like hassil: `load` reads the files (remembering which file
each key came from, for error messages), `from_dict` takes one nested dictionary (what tests pass
inline), and both validate through `_build`. Everything is checked against `keys.REQUIRED` (and
`EXTRA`, the few used keys beyond it) before anyone is spoken to: a missing key, a missing or unexpected placeholder, an
empty list of variants or a broken guided routine raises `PhrasebookError` naming the key and file.
After loading, the phrasebook is plain immutable data; no YAML is touched at decision time.

File shape: nested mappings whose leaves are lists of 1 to 3 variants, so `ask: {leg_signs: [...]}`
is the key `ask.leg_signs`. A top-level `guides:` mapping holds the guided routines:
`guides: {calf_stretch: {steps: [{say: "...", pause: 3 | "hold"}, ...]}}`.
"""
from __future__ import annotations

import json
import os
import string
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping, Optional

from .keys import REQUIRED, ROUTINES
from .spoken import PLURAL_SPEC, number_words

CACHE_FORMAT = "legcramp-dialogs-1"  # bump when the kept form changes

MAX_VARIANTS = 3
MAX_PAUSE_S = 120.0
HOLD = "hold"

# Keys beyond keys.REQUIRED that are used, and so allowed (and required). Empty: every key the
# code speaks is declared in keys.py; kept as the one place to admit a shell-only key.
EXTRA: dict[str, frozenset[str]] = {}
_STEP_FIELDS = frozenset({"say", "pause"})
_STEP_PLACEHOLDERS = frozenset({"seconds"})


class PhrasebookError(ValueError):
    """The dialog files do not match the contract, or a key was spoken with the wrong values.

    `problems` lists every problem found, each naming the key (and file, when loaded from disk).
    """

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems) if len(self.problems) < 4
                         else "\n  " + "\n  ".join(self.problems))


@dataclass(frozen=True)
class GuideStep:
    """One utterance of a guided routine and the wait after it.

    `pause` is seconds to wait after speaking, or None for "the hold time" (the configurable
    stretch hold, 30 seconds by default). Only a step with pause None may say `{seconds}`.
    """

    say: str
    pause: Optional[float]

    def render(self, hold_s: float) -> str:
        """The words to speak, with `{seconds}` filled in as the hold time in words ("thirty"),
        or `{seconds:second|seconds}` as the hold time with its noun ("one second")."""
        if "{seconds" not in self.say:
            return self.say
        return self.say.format(seconds=number_words(max(0, min(int(round(hold_s)), 999))))

    def pause_s(self, hold_s: float) -> float:
        """Seconds to wait after this step, with the hold time filled in."""
        return hold_s if self.pause is None else self.pause


def placeholders(template: str) -> frozenset[str]:
    """The `{name}` fields of a template. Raises ValueError on a malformed one ("{", "{0}").

    A field is a plain name, or a count with its noun in both forms, `{total:cramp|cramps}`
    (skill/dialog/spoken.py): the speech code passes counts as numbers in words that keep
    their value, so the template says "one cramp" and "two cramps" without code for each."""
    names = set()
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if not name.isidentifier() or conversion or (spec and not PLURAL_SPEC.match(spec)):
            raise ValueError(f"placeholder {{{name}}} must be a plain name, or a count with "
                             f"its noun as {{{name}:singular|plural}}")
        names.add(name)
    return frozenset(names)


def _describe(key: str, where: Mapping[str, str]) -> str:
    return f"{key} (in {where[key]})" if key in where else key


def _flatten(node: Any, prefix: str, source: str, out: dict[str, Any], where: dict[str, str],
             problems: list[str]) -> None:
    """Nested mappings to dotted keys; each leaf must be a list of variants."""
    if isinstance(node, Mapping):
        for name, child in node.items():
            if not isinstance(name, str) or not name:
                problems.append(f"{prefix or '<top>'}: key {name!r} in {source} is not a text name "
                                "(quote it: YAML reads no, yes, on, off as booleans)")
                continue
            _flatten(child, f"{prefix}.{name}" if prefix else name, source, out, where, problems)
    elif isinstance(node, list):
        if prefix in out:
            problems.append(f"{prefix}: defined twice, in {where[prefix]} and {source}")
            return
        out[prefix] = node
        where[prefix] = source
    else:
        problems.append(f"{prefix}: expected a list of variants in {source}, got {type(node).__name__}")


def _check_variants(key: str, raw: Any, wanted: frozenset[str], where: Mapping[str, str],
                    problems: list[str]) -> tuple[str, ...]:
    name = _describe(key, where)
    if not isinstance(raw, list) or not raw:
        problems.append(f"{name}: needs a list of 1 to {MAX_VARIANTS} variants, got none")
        return ()
    if len(raw) > MAX_VARIANTS:
        problems.append(f"{name}: has {len(raw)} variants, at most {MAX_VARIANTS}")
    good: list[str] = []
    for i, text in enumerate(raw):
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{name}: variant {i + 1} is empty or not text")
            continue
        try:
            found = placeholders(text)
        except ValueError as e:
            problems.append(f"{name}: variant {i + 1}: {e}")
            continue
        if wanted - found:
            problems.append(f"{name}: variant {i + 1} is missing placeholder(s) "
                            + ", ".join("{" + p + "}" for p in sorted(wanted - found)))
        if found - wanted:
            problems.append(f"{name}: variant {i + 1} has unexpected placeholder(s) "
                            + ", ".join("{" + p + "}" for p in sorted(found - wanted)))
        good.append(text)
    return tuple(good)


def _check_step(routine: str, i: int, raw: Any, source: str, problems: list[str]) -> Optional[GuideStep]:
    name = f"guides.{routine}.steps[{i + 1}] (in {source})"
    if not isinstance(raw, Mapping) or set(raw) != _STEP_FIELDS:
        problems.append(f"{name}: a step is {{say: text, pause: seconds or \"hold\"}}, got {raw!r}")
        return None
    say, pause = raw["say"], raw["pause"]
    if not isinstance(say, str) or not say.strip():
        problems.append(f"{name}: say is empty or not text")
        return None
    if pause == HOLD:
        seconds: Optional[float] = None
    elif isinstance(pause, (int, float)) and not isinstance(pause, bool) and 0 <= pause <= MAX_PAUSE_S:
        seconds = float(pause)
    else:
        problems.append(f"{name}: pause must be 0 to {MAX_PAUSE_S:g} seconds or \"hold\", got {pause!r}")
        return None
    try:
        found = placeholders(say)
    except ValueError as e:
        problems.append(f"{name}: {e}")
        return None
    allowed = _STEP_PLACEHOLDERS if seconds is None else frozenset()
    if found - allowed:
        problems.append(f"{name}: unexpected placeholder(s) {sorted(found - allowed)}"
                        " ({seconds} only in a step whose pause is \"hold\")")
        return None
    return GuideStep(say=say, pause=seconds)


def _check_guides(raw: Any, source: str, problems: list[str]) -> dict[str, tuple[GuideStep, ...]]:
    if not isinstance(raw, Mapping):
        problems.append(f"guides: missing or not a mapping of routines (in {source})")
        return {}
    guides: dict[str, tuple[GuideStep, ...]] = {}
    for routine in ROUTINES:
        body = raw.get(routine)
        steps = body.get("steps") if isinstance(body, Mapping) else None
        if not isinstance(steps, list) or not steps:
            problems.append(f"guides.{routine}: missing, or has no list of steps (in {source})")
            continue
        checked = [_check_step(routine, i, step, source, problems) for i, step in enumerate(steps)]
        guides[routine] = tuple(s for s in checked if s is not None)
    for routine in raw:
        if routine not in ROUTINES:
            problems.append(f"guides.{routine}: unknown routine (in {source}); known: {', '.join(ROUTINES)}")
    return guides


class Phrasebook:
    """The validated words of one language. Build it with `load` or `from_dict`."""

    def __init__(self, texts: Mapping[str, tuple[str, ...]], guides: Mapping[str, tuple[GuideStep, ...]]):
        self._texts = MappingProxyType(dict(texts))
        self._guides = MappingProxyType(dict(guides))

    # -- building -----------------------------------------------------------------------------
    @classmethod
    def load(cls, lang_dir: Path) -> "Phrasebook":
        """Read every *.yaml in `lang_dir` (e.g. dialogs/en) and validate the whole set."""
        lang_dir = Path(lang_dir)
        files = sorted(lang_dir.glob("*.yaml"))
        if not files:
            raise PhrasebookError([f"no *.yaml dialog files in {lang_dir}"])
        sources = [(path.name, path.read_bytes()) for path in files]
        kept = _documents_path(lang_dir, sources)
        cached = _cached_documents(kept, sources)
        documents = cached if cached is not None else _parse_documents(sources)
        flat: dict[str, Any] = {}
        where: dict[str, str] = {}
        guides: Any = None
        guides_source = str(lang_dir)
        problems: list[str] = []
        for name, data in documents:
            if data is None:
                continue
            if not isinstance(data, Mapping):
                problems.append(f"{name}: the top level must be a mapping of keys")
                continue
            data = dict(data)
            if "guides" in data:
                if guides is not None:
                    problems.append(f"guides: defined twice, in {guides_source} and {name}")
                guides, guides_source = data.pop("guides"), name
            _flatten(data, "", name, flat, where, problems)
        book = cls._build(flat, guides, where, guides_source, problems)
        if cached is None:  # only a set that passed every check is kept
            _keep_documents(kept, documents)
        return book

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Phrasebook":
        """Build from one nested dictionary shaped like the YAML files together (for tests)."""
        data = dict(data)
        guides = data.pop("guides", None)
        flat: dict[str, Any] = {}
        where: dict[str, str] = {}
        problems: list[str] = []
        _flatten(data, "", "<dict>", flat, where, problems)
        where.clear()  # one source: naming it on every line adds nothing
        return cls._build(flat, guides, where, "<dict>", problems)

    @classmethod
    def _build(cls, flat: Mapping[str, Any], guides_raw: Any, where: Mapping[str, str],
               guides_source: str, problems: list[str]) -> "Phrasebook":
        contract = {**REQUIRED, **EXTRA}
        texts: dict[str, tuple[str, ...]] = {}
        for key in sorted(contract):
            if key not in flat:
                problems.append(f"{key}: missing (needs placeholders "
                                f"{sorted(contract[key]) or 'none'})")
                continue
            texts[key] = _check_variants(key, flat[key], contract[key], where, problems)
        for key in sorted(set(flat) - set(contract)):
            problems.append(f"{_describe(key, where)}: unknown key, not in skill/dialog/keys.py or phrasebook.EXTRA")
        guides = _check_guides(guides_raw, guides_source, problems)
        if problems:
            raise PhrasebookError(problems)
        return cls(texts, guides)

    # -- speaking -----------------------------------------------------------------------------
    def keys(self) -> tuple[str, ...]:
        """Every key, sorted (for tests and lints)."""
        return tuple(sorted(self._texts))

    def variants(self, key: str) -> int:
        """How many ways `key` can be said; the manager rotates through them."""
        return len(self._template_list(key))

    def template(self, key: str, variant: int = 0) -> str:
        """The raw text of one variant, placeholders unfilled (for lints)."""
        options = self._template_list(key)
        return options[variant % len(options)]

    def say(self, key: str, variant: int = 0, **params: str) -> str:
        """The text of `key`, variant index modulo the number of variants, placeholders filled.

        The params must be exactly the key's placeholders: a missing or an extra one is a bug
        in the caller and raises PhrasebookError naming the key.
        """
        wanted = REQUIRED.get(key, EXTRA.get(key, frozenset()))
        given = frozenset(params)
        if given != wanted:
            raise PhrasebookError([f"{key}: spoken with {sorted(given)}, needs {sorted(wanted)}"])
        return self.template(key, variant).format(**params)

    def join_items(self, phrases: list[str], conjunction: str = "or") -> str:
        """Join phrases for speech: "a", "a or b", "a, b, or c" (with "and" for conjunction="and").

        Two phrases that hold lists of their own are joined like a series ("water pills or a
        new medicine, or have diabetes"): the pause before the last "or" tells the ear where
        the first item ends.
        """
        if conjunction not in ("or", "and"):
            raise ValueError(f"conjunction must be 'or' or 'and', got {conjunction!r}")
        if not phrases:
            raise ValueError("join_items needs at least one phrase")
        if len(phrases) == 1:
            return phrases[0]
        pair = f"grammar.{conjunction}_pair"
        separator = self.say("grammar.separator")
        word = f" {self.say(pair, first='', last='').strip()} "
        compound = any(separator.strip() in p or word in f" {p} " for p in phrases)
        if len(phrases) == 2 and not compound:
            return self.say(pair, first=phrases[0], last=phrases[1])
        rest = separator.join(phrases[:-1])
        return self.say(f"grammar.{conjunction}_series", rest=rest, last=phrases[-1])

    def routines(self) -> tuple[str, ...]:
        return tuple(self._guides)

    def steps(self, routine: str) -> tuple[GuideStep, ...]:
        """The steps of a guided routine, in order."""
        try:
            return self._guides[routine]
        except KeyError:
            raise PhrasebookError([f"guides.{routine}: unknown routine"]) from None

    def _template_list(self, key: str) -> tuple[str, ...]:
        try:
            return self._texts[key]
        except KeyError:
            raise PhrasebookError([f"{key}: no such dialog key"]) from None


# --- parsing, and the parsed dialogs kept between runs -------------------------------------------
# `legcramp hermes` must be ready within half a second on a small machine; importing PyYAML and
# parsing the dialogs took a fifth of that. The parsed documents of a set that passed every
# check are kept as JSON, named by a hash of the files, so a changed file is parsed again.


def _parse_documents(sources: list[tuple[str, bytes]]) -> list[tuple[str, Any]]:
    import yaml  # only here: a cached set needs no YAML at all

    # libyaml's safe loader when PyYAML was built with it: the same documents, several times
    # faster.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    documents = []
    for name, raw in sources:
        try:
            documents.append((name, yaml.load(raw.decode("utf-8"), Loader=loader)))
        except (yaml.YAMLError, UnicodeDecodeError) as e:
            raise PhrasebookError([f"{name}: not valid YAML: {e}"]) from e
    return documents


def _documents_path(lang_dir: Path, sources: list[tuple[str, bytes]]) -> Path:
    """Where the parsed documents of exactly these files are kept (named by their hash)."""
    from ..nlu.automaton import cache_dir, content_hash

    lang = lang_dir.resolve().name or "dialogs"
    return cache_dir() / f"dialogs-{lang}-{content_hash(CACHE_FORMAT, sources).hex()[:24]}.json"


def _cached_documents(path: Path, sources: list[tuple[str, bytes]]) -> Optional[list[tuple[str, Any]]]:
    """The parsed documents kept at `path` for these files, or None (absent, unreadable, odd)."""
    try:
        body = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not (isinstance(body, list) and len(body) == len(sources)
            and all(isinstance(d, list) and len(d) == 2 and d[0] == name
                    for d, (name, _) in zip(body, sources))):
        return None
    return [(name, data) for name, data in body]


def _keep_documents(path: Path, documents: list[tuple[str, Any]]) -> None:
    """Best effort: a read-only or full disk only means parsing again next time."""
    try:
        text = json.dumps([[name, data] for name, data in documents], ensure_ascii=False)
    except (TypeError, ValueError):
        return  # something JSON cannot hold: parse it each time
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError:
        pass
