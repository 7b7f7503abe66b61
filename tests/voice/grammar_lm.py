"""A pocketsphinx language model and dictionary trained from the skill's own grammar, the way
Rhasspy 2.5 trains pocketsphinx from a profile's sentences.ini.

What Rhasspy does (rhasspy-asr-pocketsphinx `train.py`, read for issue 14):
- The intent graph comes from rhasspynlu (`intents_to_graph`, with the per-intent sentence
  counts on the edges out of the start state).
- n-gram counts, order 3, with `<s>`/`</s>` padding, are counted over the graph's paths per
  intent by `rhasspynlu.ngram.get_intent_ngram_counts(graph, balance_counts=True)`: every
  intent's counts are multiplied by LCM(sentence counts) / (its own sentence count), so each
  intent weighs as much as any other however many sentences it expands to. Rhasspy passed
  `balance_counts=True` by default (`train(..., balance_counts=True)`; rhasspynlu's
  `graph_to_arpa_small` still does it so). Since its switch to opengrm the trainer weights the
  intents in an FST instead and lets `ngrammake --method=witten_bell` estimate the model.
- We cannot install opengrm (nor mitlm's estimate-ngram), so `estimate` below is Witten-Bell,
  interpolated, written in the ARPA backoff form: the method Rhasspy 2.5 asks opengrm for.
- The dictionary takes every vocabulary word's pronunciations from the cmudict that ships
  with the acoustic model (pocketsphinx's bundled cmudict-en-us.dict here). Rhasspy guesses a
  missing word with a phonetisaurus g2p model; we have none, so a missing word gets flite's
  own letter-to-sound guess (`t2p`, flite's lexicon and rules), mapped to the CMU phone set.

Counting takes about a minute for this grammar (some 2.7 million n-grams), so the model is
cached under ~/.cache/legcramp-voice (XDG_CACHE_HOME) keyed by the grammar's own hash and this
file's text; pocketsphinx reads the binary form, written once.
"""
from __future__ import annotations

import hashlib
import math
import pickle
import re
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from tests.voice.cache import cache_dir, prune

ROOT = Path(__file__).resolve().parents[2]
LANG_DIR = ROOT / "intents" / "en"
ORDER = 3
# Balanced counts are scale-free (one sentence of each intent); Witten-Bell is not: its backoff
# mass T(h) / (c(h) + T(h)) depends on how many sentences the counts stand for. See SCALE_NOTE.
SCALE = 1000.0
VERSION = 1  # of the counting and training here: a change that alters the model bumps it
# flite's phone set is CMU's, lower case, with its own schwa and pause.
FLITE_TO_CMU = {"ax": "AH", "pau": None}


@dataclass(frozen=True)
class Trained:
    """Where the trained files are, and what the training found."""

    lm_bin: Path
    dictionary: Path
    missing_words: tuple[str, ...]  # not in cmudict: pronounced by flite's letter-to-sound
    sentence_counts: dict[str, int]
    balanced: bool
    scale: float


def train(balance_counts: bool = True, scale: float | None = None,
          lang_dir: Path = LANG_DIR) -> Trained:
    """The grammar's language model and dictionary, from the cache when fresh."""
    scale = (SCALE if balance_counts else 1.0) if scale is None else scale
    key = _key(lang_dir, f"model {balance_counts} {scale!r}")
    where = cache_dir() / f"grammar-lm-{key}"
    lm_bin, dic, meta = where / "grammar.lm.bin", where / "grammar.dict", where / "meta.txt"
    if not meta.is_file():
        _train_into(where, lang_dir, balance_counts, scale)
    lines = meta.read_text(encoding="utf-8").splitlines()
    missing = tuple(w for w in lines[0].split() if w)
    counts = {k: int(v) for k, v in (ln.split("\t") for ln in lines[1:] if ln)}
    return Trained(lm_bin, dic, missing, counts, balance_counts, scale)


def _key(lang_dir: Path, what: str) -> str:
    from skill.nlu.automaton import grammar_hash

    return hashlib.sha256(grammar_hash(lang_dir) + f"{VERSION} {what}".encode()).hexdigest()[:20]


def _train_into(where: Path, lang_dir: Path, balance_counts: bool, scale: float) -> None:
    balanced, raw, sentence_counts = ngram_counts(lang_dir)
    counts = balanced if balance_counts else raw
    tmp = where.with_name(where.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    vocab = write_arpa(estimate({g: n * scale for g, n in counts.items()}), tmp / "grammar.arpa")
    missing = write_dictionary(vocab, tmp / "grammar.dict")
    _to_binary(tmp / "grammar.arpa", tmp / "grammar.lm.bin")
    (tmp / "grammar.arpa").unlink()  # 70 MB of text; pocketsphinx reads the binary
    (tmp / "meta.txt").write_text(" ".join(missing) + "\n" + "".join(
        f"{k}\t{v}\n" for k, v in sentence_counts.items()), encoding="utf-8")
    shutil.rmtree(where, ignore_errors=True)
    tmp.rename(where)
    prune("grammar-lm-", keep=4)  # the balanced model of this grammar and the last few


Counts = dict[tuple[str, ...], float]


def ngram_counts(lang_dir: Path = LANG_DIR) -> tuple[Counts, Counts, dict[str, int]]:
    """(balanced, raw, sentence counts): n-gram counts over the grammar's paths, order 3.

    balanced: each intent's counts divided by its sentence count, i.e. Rhasspy's LCM
    multipliers with the common factor LCM taken out (the same proportions, a scale-free
    number: what one sentence of each intent contributes); raw: the counts as they are.
    Cached (pickle) by the grammar's hash: counting is the minute of the training."""
    path = cache_dir() / f"grammar-counts-{_key(lang_dir, 'counts')}.pickle"
    if path.is_file():
        with open(path, "rb") as f:
            return pickle.load(f)
    from rhasspynlu.ngram import get_intent_ngram_counts

    graph, sentence_counts = intent_graph(lang_dir)
    per_intent = get_intent_ngram_counts(graph, order=ORDER, balance_counts=False)
    del graph
    balanced: Counts = defaultdict(float)
    raw: Counts = defaultdict(float)
    for intent, intent_counts in per_intent.items():
        n_sentences = sentence_counts[intent]
        for ngram, n in intent_counts.items():
            balanced[ngram] += n / n_sentences  # exact integer ratio, then a float
            raw[ngram] += float(n)
    result = (dict(balanced), dict(raw), sentence_counts)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as f:
        pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    prune("grammar-counts-")
    return result


def intent_graph(lang_dir: Path = LANG_DIR):
    """rhasspynlu's intent graph of our grammar, with the sentence counts Rhasspy balances by."""
    import rhasspynlu

    from skill.nlu.compile import parse_grammar, read_grammar_dir

    ini, slots = read_grammar_dir(lang_dir)
    intents, replacements = parse_grammar(ini, slots, file_name=str(lang_dir / "sentences.ini"))
    graph = rhasspynlu.intents_to_graph(intents, replacements, add_intent_weights=True)
    counts = {d["olabel"][len("__label__"):]: d.get("sentence_count", 1)
              for _, _, d in graph.out_edges(0, data=True)}
    return graph, counts


# -----------------------------------------------------------------------------------------------
# Witten-Bell, interpolated: P(w|h) = (c(hw) + T(h) P(w|h')) / (c(h) + T(h)), T(h) the number of
# distinct words seen after h. Written in ARPA backoff form: a seen n-gram gets its interpolated
# probability, and the backoff weight of h is T(h) / (c(h) + T(h)).

Model = dict[tuple[str, ...], tuple[float, float | None]]  # n-gram -> (log10 p, log10 backoff)


def estimate(counts: Counts) -> Model:
    """An ARPA-form model (log10 probabilities and backoff weights) from n-gram counts."""
    hist_count: dict[tuple[str, ...], int] = defaultdict(int)
    hist_types: dict[tuple[str, ...], int] = defaultdict(int)
    for ngram, n in counts.items():
        if len(ngram) > 1:
            hist_count[ngram[:-1]] += n
            hist_types[ngram[:-1]] += 1
    unigrams = {g[0]: n for g, n in counts.items() if len(g) == 1 and g[0] != "<s>"}
    total, types = sum(unigrams.values()), len(unigrams)
    prob: dict[tuple[str, ...], float] = {(w,): (n + 1) / (total + types) for w, n in unigrams.items()}
    for order in range(2, ORDER + 1):
        for ngram, n in counts.items():
            if len(ngram) != order:
                continue
            h = ngram[:-1]
            denom = hist_count[h] + hist_types[h]
            prob[ngram] = n / denom + (hist_types[h] / denom) * prob[ngram[1:]]
    model: Model = {}
    for ngram, p in prob.items():
        backoff = None
        if len(ngram) < ORDER and ngram in hist_count:
            backoff = _log10_ratio(hist_types[ngram], hist_count[ngram] + hist_types[ngram])
        model[ngram] = (math.log10(p), backoff)
    start = ("<s>",)
    model[start] = (-99.0, _log10_ratio(hist_types[start], hist_count[start] + hist_types[start]))
    return model


def _log10_ratio(a: float, b: float) -> float:
    return max(-99.0, math.log10(a) - math.log10(b)) if a > 0 else -99.0


def write_arpa(model: Model, path: Path) -> list[str]:
    """Write the model as ARPA text; returns the vocabulary (words, without <s> and </s>)."""
    by_order: dict[int, list[tuple[str, ...]]] = defaultdict(list)
    for ngram in model:
        by_order[len(ngram)].append(ngram)
    with open(path, "w", encoding="utf-8") as out:
        out.write("\\data\\\n")
        for order in sorted(by_order):
            out.write(f"ngram {order}={len(by_order[order])}\n")
        for order in sorted(by_order):
            out.write(f"\n\\{order}-grams:\n")
            for ngram in sorted(by_order[order]):
                logp, backoff = model[ngram]
                tail = "" if backoff is None else f"\t{backoff:.6f}"
                out.write(f"{logp:.6f}\t{' '.join(ngram)}{tail}\n")
        out.write("\n\\end\\\n")
    return sorted(g[0] for g in by_order[1] if g[0] not in ("<s>", "</s>"))


def _to_binary(arpa: Path, lm_bin: Path) -> None:
    from pocketsphinx import Config, LogMath, NGramModel

    config = Config(loglevel="ERROR")
    NGramModel(config, LogMath(), str(arpa)).write(str(lm_bin), NGramModel.str_to_type("bin"))


# -----------------------------------------------------------------------------------------------
# The pronunciation dictionary.


def cmudict_path() -> Path:
    from pocketsphinx import get_model_path

    return Path(get_model_path()) / "en-us" / "cmudict-en-us.dict"


def read_cmudict(path: Path | None = None) -> dict[str, list[str]]:
    """word -> its pronunciations (cmudict's `word(2)` lines are the word's variants)."""
    prons: dict[str, list[str]] = defaultdict(list)
    for line in (path or cmudict_path()).read_text(encoding="utf-8").splitlines():
        parts = line.split(maxsplit=1)
        if len(parts) == 2:
            prons[re.sub(r"\(\d+\)$", "", parts[0])].append(parts[1].strip())
    return prons


def flite_guess(word: str) -> str:
    """flite's pronunciation of a word (its lexicon, else its letter-to-sound rules), in CMU phones."""
    t2p = shutil.which("t2p")
    if not t2p:
        raise RuntimeError(f"no pronunciation for {word!r}: not in cmudict, and flite's t2p is missing")
    out = subprocess.run([t2p, word], capture_output=True, text=True, check=True).stdout
    phones = []
    for phone in out.split():
        base = re.sub(r"\d", "", phone)
        mapped = FLITE_TO_CMU.get(base, base.upper())
        if mapped:
            phones.append(mapped)
    return " ".join(phones)


def write_dictionary(vocab: list[str], path: Path) -> list[str]:
    """Write the dictionary of `vocab`; returns the words cmudict lacked (guessed by flite)."""
    cmu = read_cmudict()
    missing = []
    with open(path, "w", encoding="utf-8") as out:
        for word in vocab:
            prons = cmu.get(word)
            if not prons:
                missing.append(word)
                prons = [flite_guess(word)]
            for i, pron in enumerate(prons):
                out.write(f"{word if i == 0 else f'{word}({i + 1})'} {pron}\n")
    return missing


# -----------------------------------------------------------------------------------------------


def sentence_start_probability(lm_bin: Path, words: str) -> float:
    """P(words | <s>) under the trained model, as pocketsphinx itself reads it (not our estimator):
    the product of each word's probability given the words before it."""
    from pocketsphinx import Config, LogMath, NGramModel

    logmath = LogMath()
    model = NGramModel(Config(loglevel="ERROR"), logmath, str(lm_bin))
    history = ["<s>"]
    total = 0.0
    for word in words.split():
        # NGramModel.prob takes the word first, then its history, most recent first.
        score = model.prob([word, *reversed(history[-(ORDER - 1):])])
        total += logmath.log_to_ln(score)
        history.append(word)
    return math.exp(total)


def first_word_probability(counts: Counts, word: str, scale: float = 1.0) -> float:
    """P(word | <s>) of the model `estimate` makes from `counts` (x scale), from the counts
    alone: the bigram level of the same Witten-Bell sums, without writing a model."""
    unigrams = {g[0]: n * scale for g, n in counts.items() if len(g) == 1 and g[0] != "<s>"}
    total, types = sum(unigrams.values()), len(unigrams)
    after = {g[1]: n * scale for g, n in counts.items() if len(g) == 2 and g[0] == "<s>"}
    c_h, t_h = sum(after.values()), len(after)
    p1 = (unigrams.get(word, 0.0) + 1) / (total + types)
    return after.get(word, 0.0) / (c_h + t_h) + t_h / (c_h + t_h) * p1

