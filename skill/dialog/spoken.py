"""Numbers as a speech engine reads them well: words, not digits.

Text-to-speech engines read "30" and "911" in different ways ("thirty", "nine hundred and eleven",
"nine eleven"); someone in pain at night should hear one clear form. Hold times and counts are
said as numbers ("thirty"), and emergency numbers digit by digit ("nine one one", "one one two").

Every count spoken goes through `count_words`, so that no line says "one seconds": a number in
words (`number_words`) remembers its value, and a dialog template asks for the noun with it as
`{seconds:second|seconds}` (see `Number.__format__`).
"""
from __future__ import annotations

import re

_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
# A plural format spec: the singular and the plural, letters and spaces ("cramp|cramps").
PLURAL_SPEC = re.compile(r"^[a-z][a-z ]*\|[a-z][a-z ]*$")
# What an emergency number may be: digits and spaces, with a leading plus, 15 digits at most
# (the longest number ITU-T E.164 allows).
PHONE = re.compile(r"^\+?[0-9][0-9 ]*$")
MAX_DIGITS = 15


class Number(str):
    """A number in words that keeps its value, so a template can choose the noun's form:
    `"{n:cramp|cramps}".format(n=number_words(1))` is "one cramp"."""

    value: int

    def __new__(cls, words: str, value: int) -> "Number":
        self = super().__new__(cls, words)
        self.value = value
        return self

    def __format__(self, spec: str) -> str:
        if not spec:
            return str(self)
        if PLURAL_SPEC.match(spec):
            singular, plural = spec.split("|")
            return count_words(self.value, singular, plural)
        raise ValueError(f"not a plural spec (singular|plural): {spec!r}")


def number_words(n: int) -> Number:
    """0 to 999 in words: 30 -> "thirty", 45 -> "forty five", 105 -> "one hundred and five".

    Words are joined by spaces, not hyphens, so that no symbol reaches the speech engine.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"number_words needs an int, got {n!r}")
    if not 0 <= n <= 999:
        raise ValueError(f"number_words covers 0 to 999, got {n}")
    return Number(_words(n), n)


def _words(n: int) -> str:
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] if ones == 0 else f"{_TENS[tens]} {_ONES[ones]}"
    hundreds, rest = divmod(n, 100)
    head = f"{_ONES[hundreds]} hundred"
    return head if rest == 0 else f"{head} and {_words(rest)}"


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """The noun for a count of `n`: "second" for 1, else the plural ("seconds", or as given)."""
    return singular if n == 1 else (plural_form or f"{singular}s")


def count_words(n: int, singular: str, plural_form: str | None = None) -> str:
    """A count and its noun, for the ear: 1 -> "one second", 20 -> "twenty seconds"."""
    return f"{_words(n) if 0 <= n <= 999 else n} {plural(n, singular, plural_form)}"


def phone_number(s: str) -> str:
    """An emergency number as given, checked: digits and spaces, a plus only in front.

    Why refuse rather than clean up: "+44 (0) 999 ext" cleaned to digits is "four four zero
    nine nine nine", a number nobody dialled; the one to say at 3 a.m. must be the one meant.
    Raises ValueError with a sentence that says what is allowed.
    """
    text = s.strip()
    digits = sum(ch.isdigit() for ch in text)
    if not PHONE.match(text) or digits > MAX_DIGITS:
        raise ValueError(f"{s!r} is not a phone number: use only digits and spaces, with a "
                         f"leading + if needed, {MAX_DIGITS} digits at most (for example 112)")
    return " ".join(text.split())


def spell_digits(s: str) -> str:
    """Say a phone number digit by digit: "911" -> "nine one one", "+44 999" -> "plus four four
    nine nine nine". Anything but digits, spaces and a leading plus is an error (`phone_number`),
    because an emergency number that cannot be said exactly must fail at start-up, not at 3 a.m.
    """
    number = phone_number(s)
    words = ["plus"] if number.startswith("+") else []
    return " ".join(words + [_ONES[int(ch)] for ch in number if ch.isdigit()])
