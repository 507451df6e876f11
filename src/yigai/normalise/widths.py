"""Full-width digits, Latin letters and number signs rewritten as ASCII; Chinese punctuation is kept as printed."""

from __future__ import annotations

import re

from yigai import textscan
from yigai.changes import Change
from yigai.normalise.edits import Edit, PassResult

_CANDIDATES = re.compile(r"[０-９Ａ-Ｚａ-ｚ＋％．－]+")
_ALWAYS = re.compile(r"[０-９Ａ-Ｚａ-ｚ＋]")
_DIGIT = re.compile(r"[0-9０-９]")


def _ascii(ch: str) -> str:
    return chr(ord(ch) - 0xFEE0)


def _converts(text: str, i: int) -> bool:
    """Whether the full-width character text[i] becomes ASCII: always for digits, letters and '＋'; for '％', '．'
    and '－' only next to a digit (so "１．" and "６５％" convert, a lone "．" does not)."""
    ch = text[i]
    if _ALWAYS.match(ch):
        return True
    before = bool(i and _DIGIT.match(text[i - 1]))
    after = bool(i + 1 < len(text) and _DIGIT.match(text[i + 1]))
    if ch == "％" or ch == "．":
        return before
    return before and after  # －


def _holds_halfwidth_and_fullwidth_forms(text: str) -> bool:
    """Whether a character of the block U+FF00-U+FFFF, where every character of _CANDIDATES lies, stands in the text.

    In UTF-16-LE such a character is two bytes, the second 0xFF, at an even offset (characters beyond the BMP are
    two surrogates, D800-DFFF, whose bytes are never 0xFF); most texts hold few 0xFF bytes, found by bytes.find in C.
    """
    encoded = text.encode("utf-16-le", "surrogatepass")  # a lone surrogate is a code unit D800-DFFF
    i = encoded.find(b"\xff")
    while i >= 0:
        if i % 2:
            return True
        i = encoded.find(b"\xff", i + 1)
    return False


def run(text: str) -> PassResult:
    """Rewrite full-width digits, letters and number signs as ASCII, one change per contiguous stretch."""
    result = PassResult()
    if not _holds_halfwidth_and_fullwidth_forms(text):
        return result
    for match in textscan.finditer(_CANDIDATES, text):
        i = match.start()
        while i < match.end():
            if not _converts(text, i):
                i += 1
                continue
            j = i
            while j < match.end() and _converts(text, j):
                j += 1
            original = text[i:j]
            replacement = "".join(_ascii(ch) for ch in original)
            result.add(Edit(i, j, replacement), Change(
                "normalise", "width", "repaired", original, replacement,
                "full-width digits, letters or number signs written as ASCII"))
            i = j
    return result
