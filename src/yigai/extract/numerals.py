"""Small Chinese numerals (0 to 99: 三, 十五, 二十, 两) read without loading cn2an, exactly as cn2an reads them.

Plans write most of their Chinese numerals in this small range (三年, 两个, 十五分钟). cn2an reads every numeral
correctly but takes about a third of a second to load (it compiles its patterns and those of a helper library), which
is about half of what rebuilding one changed plan costs. `read_small` reads the four plain forms of 0-99 itself and leaves
everything else to cn2an; a test compares it with cn2an on every string of up to three numeral characters, so where it
answers, it answers as cn2an does.
"""

from __future__ import annotations

DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
TEN = "十"


def read_small(text: str) -> float | None:
    """The value of `d`, `十`, `十d`, `d十` or `d十d` (d a digit, 1-9 next to 十); None for any other text (ask cn2an).

    Args:
        text: a Chinese numeral as written (no Arabic digits).
    """
    if len(text) == 1:
        if text == TEN:
            return 10.0
        digit = DIGITS.get(text)
        return None if digit is None else float(digit)
    if len(text) == 2:
        if text[0] == TEN:
            ones = DIGITS.get(text[1])
            return float(10 + ones) if ones else None
        if text[1] == TEN:
            tens = DIGITS.get(text[0])
            return float(10 * tens) if tens else None
        return None
    if len(text) == 3 and text[1] == TEN:
        tens, ones = DIGITS.get(text[0]), DIGITS.get(text[2])
        return float(10 * tens + ones) if tens and ones else None
    return None
