"""Text normalisation: whatever the person typed or the speech recogniser wrote, turned into the
lower-case, apostrophe-only, numbers-as-words token stream that intents/<lang>/sentences.ini uses.

Why here and not in the grammar: a real Rhasspy speech recogniser only ever writes words of the
grammar's vocabulary, but the JSON-lines chat (and typed tests) may send "I'm 28 weeks pregnant!",
"10-hour flight" or "I am not sure". Normalising once keeps the grammar free of spelling variants.
"""
from __future__ import annotations

import re


__all__ = ["normalize", "tokens"]

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "`": "'", "\u00b4": "'",
                         "\u201c": '"', "\u201d": '"'})
_DECIMAL = re.compile(r"(?<![\d.])(\d+)\.(\d+)(?![\d.])")
_NUMBER = re.compile(r"\d+")
_ORDINAL = re.compile(r"\b(\d+)(st|nd|rd|th)\b")
_TIMES = re.compile(r"\b(\d+)\s*x\b")          # "2x a week"
_RANGE = re.compile(r"\b(\d+)\s*(?:-|\u2013|to)\s*(\d+)\b")  # "2-3 hours": "two or three hours"
_CLOCK = re.compile(r"\b(\d{1,2}):(\d{2})\b")   # "3:30"
_AMPM = re.compile(r"\b(\d{1,2})\s*(am|pm)\b")
_NOT_WORD = re.compile(r"[^a-z0-9' ]+")

# Symbols that carry meaning, spelled out before punctuation is stripped.
_SYMBOLS = (("&", " and "), ("%", " percent "), ("+", " plus "), ("\u00b0", " degrees "))

# Spelled-out acronyms and typed forms a speech recogniser would write as one word.
_JOIN = {
    "d v t": "dvt", "h r t": "hrt", "p e": "pe", "a n e": "a and e", "t v": "tv",
    "o k": "okay", "ok": "okay",
    # Southern "ever time"; "a good hour"; northern "it were"; the emphatic "does feel".
    "ever time": "every time", "a good hour": "an hour", "a good half hour": "half an hour",
    "i were": "i was", "it were": "it was", "does feel": "feels", "do feel": "feel",
    "did feel": "felt", "does look": "looks", "does hurt": "hurts", "do hurt": "hurt",
    "a half a hour": "half an hour", "a half an hour": "half an hour",
    "half a hour": "half an hour", "a hour": "an hour",
    # "not able to" is "can't" ("i'm not able to breathe right"): a denial of ability, which
    # the readers know as "can't", not a denial of the sign.
    "i'm not able to": "i can't", "i am not able to": "i can't", "i'm unable to": "i can't",
    "i am unable to": "i can't", "i wasn't able to": "i couldn't", "i was not able to": "i couldn't",
    "not able to": "can't", "unable to": "can't",
    # Irish and Scots "away" for gone ("it's away now after i stood on it").
    "it's away now": "it's gone now", "it's away after": "it's gone after",
    # "if is", "and is" with the subject left out ("i don't know if is swollen").
    "if is": "if it's",
}

# Contractions typed without an apostrophe (only unambiguous words), abbreviations and
# American spellings of the grammar's words.
_WORDS = {
    "im": "i'm", "ive": "i've", "dont": "don't", "cant": "can't", "didnt": "didn't",
    "doesnt": "doesn't", "isnt": "isn't", "wasnt": "wasn't", "havent": "haven't",
    "hasnt": "hasn't", "couldnt": "couldn't", "wouldnt": "wouldn't", "shouldnt": "shouldn't",
    "arent": "aren't", "werent": "weren't", "theres": "there's", "thats": "that's",
    "whats": "what's", "youre": "you're", "hadnt": "hadn't",
    "wont": "won't", "cannot": "can't", "i'am": "i'm",
    "mins": "minutes", "min": "minute", "hrs": "hours", "hr": "hour", "secs": "seconds",
    "sec": "second", "wks": "weeks", "tho": "though", "gonna": "going to", "wanna": "want to",
    "color": "colour", "breadth": "breath", "diarrhea": "diarrhoea", "okey": "okay",
    # Dropped g's as a recogniser writes them ("it's been hurtin since yesterday").
    "hurtin": "hurting", "achin": "aching", "throbbin": "throbbing", "killin": "killing",
    "crampin": "cramping", "swellin": "swelling", "botherin": "bothering", "nothin": "nothing",
    "somethin": "something", "goin": "going", "doin": "doing", "walkin": "walking",
    "feelin": "feeling", "lookin": "looking", "gettin": "getting", "sittin": "sitting",
    "lyin": "lying", "comin": "coming", "breathin": "breathing", "coughin": "coughing",
    "stretchin": "stretching", "playin": "playing", "tinglin": "tingling",
    "runnin": "running", "settin": "sitting", "gaspin": "gasping",
    "choppin": "chopping", "burnin": "burning", "stabbin": "stabbing", "sweatin": "sweating",
    "shakin": "shaking", "cryin": "crying", "faintin": "fainting", "hackin": "hacking",
    "spittin": "spitting", "evenin": "evening", "mornin": "morning", "callin": "calling",
    "cramping's": "cramping is", "fixin": "fixing", "actin": "acting", "startin": "starting",
    "limpin": "limping", "rubbin": "rubbing", "stompin": "stomping",
    # Scots as a recogniser writes it ("ma leg's aw mottled fae the knee doon", "i cannae get
    # ma breath"): folded into the English words of the grammar.
    "ma": "my", "masel": "myself", "cannae": "can't", "canna": "can't", "didnae": "didn't",
    "dinnae": "don't", "doesnae": "doesn't", "isnae": "isn't", "wasnae": "wasn't",
    "wouldnae": "wouldn't", "couldnae": "couldn't", "shouldnae": "shouldn't",
    "hasnae": "hasn't", "havnae": "haven't", "hivnae": "haven't", "willnae": "won't",
    "nae": "no", "naw": "no", "aw": "all", "fae": "from", "tae": "to", "doon": "down",
    "oot": "out", "aboot": "about", "noo": "now", "hame": "home", "heided": "headed",
    "ower": "over", "roon": "round", "wi": "with", "yin": "one", "awfy": "awful", "aff": "off",
    "mair": "more", "hunner": "hundred", "ah'm": "i'm", "ye": "you", "dae": "do",
    "gonnae": "going to", "wantae": "want to",
    # Northern English: "nowt", "owt", "summat", "meself".
    "nowt": "nothing", "owt": "anything", "summat": "something", "meself": "myself",
}

# Scots "no" for "not" after a subject and before what it denies ("i'm no sure", "it's no
# warm", "ma leg'll no move"); "it's no longer" stays as it is.
_SCOTS_NO_AFTER = frozenset("i'm it's he's she's that's they're is was am are i've".split())
_SCOTS_NO_BEFORE = frozenset(
    "sure warm swollen cold red sore hot numb right bad great good painful tight move do "
    "working had been".split())

# Expanded forms folded into the contraction the grammar is written with. Only applied when
# another word follows, so that a bare answer ("yes it is", "i am") keeps its own words. The
# grammar therefore never uses the expanded form before another word (tests/test_grammar.py
# checks that every sampled template survives normalisation unchanged).
_CONTRACT = (
    ("i am", "i'm"), ("it is", "it's"), ("do not", "don't"), ("does not", "doesn't"),
    ("did not", "didn't"), ("is not", "isn't"), ("are not", "aren't"), ("was not", "wasn't"),
    ("were not", "weren't"), ("have not", "haven't"), ("has not", "hasn't"),
    ("had not", "hadn't"), ("can not", "can't"), ("could not", "couldn't"),
    ("would not", "wouldn't"), ("will not", "won't"), ("there is", "there's"),
    ("that is", "that's"), ("what is", "what's"), ("i will", "i'll"), ("let us", "let's"),
    ("i've not", "i haven't"), ("i'd not", "i hadn't"), ("we've not", "we haven't"),
    ("it's not been", "it hasn't been"),
)


# Words after which "it is" starts a clause (and may be said "it's"); after any other word "it"
# is more likely an object ("stretching it is helping", "the skin over it is red").
_CLAUSE_OPENERS = frozenset(
    "and but so because cause cos if that now think guess reckon sure know yes yeah no well like "
    "then when as though although maybe perhaps say said oh um er erm ah ow ouch honestly actually "
    "really just whether until unless while where how why what which also plus and".split()
)


def _number_words(match: re.Match[str]) -> str:
    return " " + _spell(int(match.group(0))) + " "


def _num2words(n: int, **kwargs: str) -> str:
    """num2words, imported on first use: it takes 0.1 s to import, and most utterances have no
    digits (a speech recogniser writes numbers as words), so the Hermes shell never needs it."""
    from num2words import num2words

    return num2words(n, **kwargs)


def _spell(n: int) -> str:
    """28 -> "twenty eight": no hyphens, commas or "and", as a speech recogniser writes it."""
    words = _num2words(n, lang="en").replace("-", " ").replace(",", " ")
    return " ".join(w for w in words.split() if w != "and")


def _ordinal(match: re.Match[str]) -> str:
    words = _num2words(int(match.group(1)), lang="en", to="ordinal")
    return " " + " ".join(w for w in words.replace("-", " ").replace(",", " ").split() if w != "and") + " "


Phrases = tuple[tuple[tuple[str, ...], list[str]], ...]


def _phrases(table: dict[str, str] | tuple[tuple[str, str], ...]) -> Phrases:
    """A replacement table as (words, replacement words), longest first."""
    pairs = sorted((tuple(k.split()), v.split()) for k, v in dict(table).items())
    return tuple(sorted(pairs, key=lambda kv: -len(kv[0])))


_JOIN_PHRASES = _phrases(_JOIN)
_CONTRACT_PHRASES = _phrases(_CONTRACT)


def _replace_phrases(words: list[str], pairs: Phrases, need_follower: bool) -> list[str]:
    """Replace word sequences (longest first, left to right)."""
    out: list[str] = []
    i = 0
    while i < len(words):
        for key, value in pairs:
            end = i + len(key)
            if tuple(words[i:end]) != key or (need_follower and end >= len(words)):
                continue
            if key[0] == "it" and out and out[-1] not in _CLAUSE_OPENERS:
                continue  # "the skin over it is red": "it" is an object here, not a subject
            out.extend(value)
            i = end
            break
        else:
            out.append(words[i])
            i += 1
    return out


def tokens(text: str) -> list[str]:
    """The normalised words of `text` (see `normalize`)."""
    text = text.translate(_QUOTES).lower()
    for symbol, spoken in _SYMBOLS:
        text = text.replace(symbol, spoken)
    text = _CLOCK.sub(lambda m: f" {m.group(1)} {m.group(2)} ", text)
    text = _AMPM.sub(lambda m: f" {m.group(1)} {m.group(2)} ", text)
    text = _TIMES.sub(lambda m: f" {m.group(1)} times ", text)
    text = _RANGE.sub(lambda m: f" {m.group(1)} or {m.group(2)} ", text)
    text = _ORDINAL.sub(_ordinal, text)
    text = _DECIMAL.sub(lambda m: f" {_spell(int(m.group(1)))} point "
                        + " ".join(_spell(int(d)) for d in m.group(2)) + " ", text)
    text = _NUMBER.sub(_number_words, text)
    text = text.replace("-", " ").replace("/", " ").replace('"', " ")
    text = _NOT_WORD.sub(" ", text)
    words = []
    for word in text.split():
        word = word.strip("'")  # quotes around a word, not in-word apostrophes
        if word.endswith("'s") and word[:-2] in _WORDS and word[:-2].endswith("in"):
            word = _WORDS[word[:-2]] + "'s"  # "my breathin's fine"
        if word:
            words.extend(_WORDS.get(word, word).split())
    words = _copula(_learner(_double_negative(_aint(_scots_not(words)))))
    words = _replace_phrases(words, _JOIN_PHRASES, need_follower=False)
    return _replace_phrases(words, _CONTRACT_PHRASES, need_follower=True)


def _scots_not(words: list[str]) -> list[str]:
    return [
        "not" if (w == "no" and 0 < k < len(words) - 1 and words[k + 1] in _SCOTS_NO_BEFORE
                  and (words[k - 1] in _SCOTS_NO_AFTER or words[k - 1].endswith("'ll")))
        else w
        for k, w in enumerate(words)]


# "ain't" as London, Southern and farm speech uses it: "i ain't short of breath", "it ain't
# swollen", "i ain't got no pain", "he ain't been well".
_AINT_HAVE = frozenset(
    "got had been seen felt noticed took taken done helped eased worked gone coughed never".split())
_AINT_HAVE_PLURAL = frozenset("you we they".split())  # "my leg ain't been right": hasn't


def _aint(words: list[str]) -> list[str]:
    out: list[str] = []
    for k, word in enumerate(words):
        if word != "ain't":
            out.append(word)
            continue
        prev = out[-1] if out else ""
        nxt = words[k + 1] if k + 1 < len(words) else ""
        if prev == "i":
            out[-1:] = ["i", "haven't"] if nxt in _AINT_HAVE else ["i'm", "not"]
        elif nxt in _AINT_HAVE:
            out.append("haven't" if prev in _AINT_HAVE_PLURAL else "hasn't")
        else:
            out.append("isn't")
    return out


# The double negative of everyday speech: "i can't feel nothing", "i ain't short of breath or
# nothing" deny as "anything" does, and "nothing" there must not read as a second denial.
_NEGATING = frozenset("not never isn't aren't wasn't weren't don't doesn't didn't can't "
                      "couldn't won't haven't hasn't hadn't".split())
_DOUBLED = {"nothing": "anything", "nobody": "anybody", "nowhere": "anywhere"}
_CLAUSE_BREAK = frozenset("but though although and so because".split())
_HAVE = frozenset("have got had get feel felt".split())
_NO_COMPARATIVE = frozenset("longer more sooner better worse different".split())  # "isn't no longer"


def _double_negative(words: list[str]) -> list[str]:
    out: list[str] = []
    negated_at = None
    for k, word in enumerate(words):
        if word in _CLAUSE_BREAK:
            negated_at = None
        if word in _DOUBLED and negated_at is not None and k - negated_at <= 6:
            out.append(_DOUBLED[word])
            continue
        if (word == "no" and negated_at is not None and k + 1 < len(words)
                and words[negated_at] != "not" and words[k + 1] not in _NO_COMPARATIVE
                and (k - negated_at == 1 or (k - negated_at == 2 and words[k - 1] in _HAVE))):
            out.append("any")  # "there ain't no pain", "i haven't got no swelling"
            continue
        if word in _NEGATING:
            negated_at = k
        out.append(word)
    return out


# English as a second language, as callers say it: "more big" for "bigger", "i no can breathe"
# for "i can't breathe", "it no is swollen".
_MORE = {"big": "bigger", "fat": "fatter", "hot": "hotter", "red": "redder", "cold": "colder",
         "large": "larger", "thick": "thicker", "warm": "warmer", "bad": "worse", "good": "better"}
_NO_VERB = {"can": "can't", "is": "isn't", "have": "don't have", "feel": "don't feel",
            "hurt": "doesn't hurt", "go": "doesn't go", "help": "doesn't help", "take": "don't take",
            "breathe": "can't breathe", "are": "aren't", "was": "wasn't", "has": "hasn't"}
_LEARNER_SUBJECTS = frozenset("i it he she my the this that they".split())
_DEGREE = frozenset("lot bit much little far way even any no a".split())  # "a lot more cold"


def _learner(words: list[str]) -> list[str]:
    out: list[str] = []
    k = 0
    while k < len(words):
        word, nxt = words[k], words[k + 1] if k + 1 < len(words) else ""
        if word == "more" and nxt in _MORE and (not out or out[-1] not in _DEGREE):
            out.append(_MORE[nxt])
            k += 2
            continue
        if word == "no" and nxt in _NO_VERB and k > 0 and words[k - 1] in _LEARNER_SUBJECTS:
            out.extend(_NO_VERB[nxt].split())
            k += 2
            continue
        out.append(word)
        k += 1
    return out


# The copula left out, as in many Englishes and in haste ("my calf swollen and hot", "my
# breathing fine", "my foot very cold"): "is" or "are" put back between a part of the body and
# what is said of it, so the grammar reads it as "my calf is swollen and hot".
_BODY = frozenset("leg calf foot knee thigh ankle shin heel hip chest breathing breath skin "
                  "back bottom bum toe".split())
_BODY_PLURAL = frozenset("legs calves feet knees thighs ankles shins toes".split())
_OWNERS = frozenset("my the me this that one".split())
_SIDES = frozenset("left right other".split())
_STATES = frozenset(
    "swollen swelled puffy hot warm red sore painful cold pale white blue grey purple numb weak "
    "fine okay alright normal good tight hard bigger fatter heavy tender hurting aching throbbing "
    "cramping better worse dead freezing icy bruised blotchy mottled stiff".split())
_BEFORE_STATE = frozenset("very so really quite too all still bit kind sort a little more".split())


# "me" for "my", as the North of England and Ireland say it ("me left calf's sore", "wet
# meself"): only before a part of the body, a side or the like, where "me" cannot be an object.
_MY_NOUNS = frozenset(
    "left right other leg legs leg's calf calves calf's foot feet foot's toes toe knee knee's "
    "knees thigh thighs thigh's shin shins ankle ankles ankle's heel hip back back's bottom bum "
    "chest chest's breathing breathing's breath heart skin arm head husband wife mum dad lass "
    "tablets pills doctor whole lower upper own".split())


def _copula(words: list[str]) -> list[str]:
    out: list[str] = []
    for k, word in enumerate(words):
        if word == "me" and k + 1 < len(words) and words[k + 1] in _MY_NOUNS:
            word = "my"
        if (word == "a" and out and k + 1 < len(words) and words[k + 1].endswith("ing")
                and words[k + 1] not in _ING_NOUNS
                and (out[-1] in _A_PREFIXED or out[-1].endswith("'s"))):
            continue  # Appalachian "been a hurtin", "she's a gaspin for air"
        if word == "don't" and out and (out[-1] in _THIRD_PERSON or out[-1].endswith("ing")):
            out.append("doesn't")  # "the stretching don't help", "it don't ease"
            continue
        if (word == "is" and out and out[-1] in ("and", "but") and k + 1 < len(words)
                and _state_follows(words[k + 1:k + 4], _KNOT_STATES)):
            out.extend(("it", "is"))  # "and is warm when i touch it": the subject left out
            continue
        out.append(word)
        if word not in _BODY and word not in _BODY_PLURAL:
            continue
        at = k - 2 if k >= 2 and words[k - 1] in _SIDES else k - 1
        if at < 0 or words[at] not in _OWNERS or (at > 0 and words[at - 1] not in _CLAUSE_OPENERS):
            continue  # "my calf" opens a clause; "i can move my foot fine" has its verb
        if _state_follows(words[k + 1:k + 4]) and words[k + 1:k + 2] != ["is"]:
            out.append("are" if word in _BODY_PLURAL else "is")
    return out


_THIRD_PERSON = frozenset("it he she that this stretching".split())
_A_PREFIXED = frozenset("been is was are am i'm it's he's she's they're we're keeps kept go goes "
                        "went come comes started start".split())
_ING_NOUNS = frozenset("thing something nothing anything morning evening ring sling building "
                       "feeling swelling bruising filling ceiling walking shooting stabbing "
                       "burning".split())


def _state_follows(rest: list[str], but: frozenset[str] = frozenset()) -> bool:
    """The next words say what state something is in ("very swollen", "a bit red")."""
    while rest and rest[0] in _BEFORE_STATE:
        rest = rest[1:]
    return bool(rest) and rest[0] in _STATES and rest[0] not in but


# "and is tight" the grammar reads as it is (a muscle gone tight); other states need "it".
_KNOT_STATES = frozenset("tight hard stiff".split())


def normalize(text: str) -> str:
    """Lower case, straight apostrophes, no punctuation, digits as words, single spaces.

    >>> normalize("I'm 28 weeks pregnant!")
    "i'm twenty eight weeks pregnant"
    >>> normalize("Got back from a 10-hour flight \u2019cause of work")
    'got back from a ten hour flight cause of work'
    """
    return " ".join(tokens(text))
