"""Numbers as a speech engine reads them well: words, not digits.

Text-to-speech engines read "30" and "911" in different ways ("thirty", "nine hundred and eleven",
"nine eleven"); someone in pain at night should hear one clear form. Hold times are said as
numbers ("thirty"), and emergency numbers digit by digit ("nine one one", "one one two").
"""
from __future__ import annotations

_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def number_words(n: int) -> str:
    """0 to 999 in words: 30 -> "thirty", 45 -> "forty five", 105 -> "one hundred and five".

    Words are joined by spaces, not hyphens, so that no symbol reaches the speech engine.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"number_words needs an int, got {n!r}")
    if not 0 <= n <= 999:
        raise ValueError(f"number_words covers 0 to 999, got {n}")
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] if ones == 0 else f"{_TENS[tens]} {_ONES[ones]}"
    hundreds, rest = divmod(n, 100)
    head = f"{_ONES[hundreds]} hundred"
    return head if rest == 0 else f"{head} and {number_words(rest)}"


def spell_digits(s: str) -> str:
    """Say a phone number digit by digit: "911" -> "nine one one", "112" -> "one one two".

    Spaces and hyphens between digits are ignored ("1-1-2"); anything else is an error, because
    an emergency number that cannot be said exactly must fail at start-up, not at 3 a.m.
    """
    digits = [ch for ch in s if ch not in " -"]
    if not digits or not all(ch in "0123456789" for ch in digits):
        raise ValueError(f"not a phone number made of digits: {s!r}")
    return " ".join(_ONES[int(ch)] for ch in digits)
