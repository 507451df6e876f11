"""Dates that lost 年, 月 or 日, and document numbers whose year brackets were lost or printed in other forms."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from yigai.changes import Change
from yigai.normalise.edits import Edit, PassResult
from yigai.normalise.text import CJK_CLASS, lines

_YEAR = r"(?:19|20)\d{2}"
_LOST_YEAR_BODY = rf"({_YEAR})(\d{{1,2}})月(?:(\d{{1,2}})(?!\d)([日号])?)?"
_LOST_YEAR = re.compile(rf"(?<!\d){_LOST_YEAR_BODY}")
_LOST_DAY = re.compile(rf"(?<!\d)({_YEAR})年(\d{{1,2}})月(\d{{1,2}})(?=[ \t\u00a0\u3000]*$)")
_BARE_DATE_LINE = re.compile(rf"({_YEAR})(\d{{3,4}})")
_LOST_DAY_HINT = re.compile(r"年\d{1,2}月\d{1,2}[ \t\u00a0\u3000]*$", re.MULTILINE)
_BARE_DATE_HINT = re.compile(rf"{_YEAR}\d{{3,4}}")
"""What a text holds when one of its lines matches _LOST_DAY (the part from 年 to the line's end), or is a bare date
(_BARE_DATE_LINE): searched for in the whole text at once, fast as each opens with a literal or a choice of them."""
_LOST_CLOSING = re.compile(rf"〔({_YEAR})(\d{{1,4}})号")
_OTHER_BRACKETS_BODY = rf"([\[［(（【〔])\s*({_YEAR})\s*([\]］)）】〕])\s*(\d{{1,4}})\s*号"
_OTHER_BRACKETS = re.compile(rf"(?<=[{CJK_CLASS}]){_OTHER_BRACKETS_BODY}")
_LOST_OPENING_BODY = rf"({_YEAR})〕(\d{{1,4}})号"
_LOST_OPENING = re.compile(rf"(?<=[{CJK_CLASS}]){_LOST_OPENING_BODY}")
_WITHOUT_LOOK_BEHIND = {_LOST_YEAR: re.compile(_LOST_YEAR_BODY), _OTHER_BRACKETS: re.compile(_OTHER_BRACKETS_BODY),
                        _LOST_OPENING: re.compile(_LOST_OPENING_BODY)}
"""Each pattern above that opens with a look-behind, without it. Python's engine scans for the first characters of
a pattern in C when the pattern opens with them (these open with a class or a choice of literals), not when it opens
with a look-behind."""
_HINTS = {_LOST_YEAR: re.compile(rf"月(?:(?<={_YEAR}\d月)|(?<={_YEAR}\d\d月))"),
          _LOST_OPENING: re.compile(rf"〕(?<=[{CJK_CLASS}]{_YEAR}〕)")}
"""For a pattern of _WITHOUT_LOOK_BEHIND, the character every match holds (月 after a year and one or two digits, 〕
after a Chinese character and a year) with what must stand before it: no text matches the pattern where this finds
nothing, and opening with a literal, it is searched for fast (most texts write 年 after the year and 〔 before it)."""


def _finditer(pattern: re.Pattern, text: str) -> Iterator[re.Match]:
    """Exactly the matches of `pattern.finditer(text)`, for a pattern of _WITHOUT_LOOK_BEHIND.

    Every match of the pattern is a match of its body (the pattern without its look-behind) where the look-behind
    holds, of the same extent; the body's matches are found by a scan in C and the pattern tried at each. The scan of
    the body skips no start of a match of the pattern: within a match of the body, no later position can start one
    (a document number holds one opening bracket, and 〕 or 月 once, at a fixed place after its start; a year that
    lost 年 starts a run of digits, so a start one digit later fails (?<!\\d)), so every start is a body match's start.
    """
    hint = _HINTS.get(pattern)
    if hint is not None and hint.search(text) is None:
        return
    free = 0  # matches do not overlap: where the next one may begin
    match_at = pattern.match
    for candidate in _WITHOUT_LOOK_BEHIND[pattern].finditer(text):
        position = candidate.start()
        if position < free:
            continue
        match = match_at(text, position)
        if match:
            yield match
            free = max(match.end(), position + 1)


def _valid(year: int, month: int, day: int | None = None) -> bool:
    try:
        dt.date(year, month, day or 1)
    except ValueError:
        return False
    return True


def readings(digits: str) -> list[tuple[int, int, int]]:
    """The valid (year, month, day) readings of a date written as bare digits, e.g. "2023127".

    The first four digits are the year; the rest split into a month and a day of one or two digits each.
    """
    year, rest = int(digits[:4]), digits[4:]
    out = []
    for month_len in (1, 2):
        day_len = len(rest) - month_len
        if day_len not in (1, 2):
            continue
        month, day = int(rest[:month_len]), int(rest[month_len:])
        if _valid(year, month, day):
            out.append((year, month, day))
    return out


def _chinese(year: int, month: int, day: int | None = None) -> str:
    return f"{year}年{month}月" + (f"{day}日" if day is not None else "")


def _date_edits(text: str, result: PassResult) -> None:
    for match in _finditer(_LOST_YEAR, text):
        year, month = int(match.group(1)), int(match.group(2))
        day = int(match.group(3)) if match.group(3) else None
        if not _valid(year, month, day):
            continue
        replacement = _chinese(year, month, day)
        if match.group(4):
            replacement = replacement[:-1] + match.group(4)
        result.add(Edit(match.start(), match.end(), replacement), Change(
            "normalise", "date", "repaired", match.group(), replacement,
            "date lost 年 (and 日): the four digits before the month are the year"))
    if not (_LOST_DAY_HINT.search(text) or _BARE_DATE_HINT.search(text)):
        return  # no line can hold a date that lost its 日, nor be a date in bare digits
    for line in lines(text):
        match = _LOST_DAY.search(line.text) if "月" in line.text else None
        if match and _valid(int(match.group(1)), int(match.group(2)), int(match.group(3))):
            start, end = line.start + match.start(), line.start + match.end()
            result.add(Edit(start, end, match.group() + "日"), Change(
                "normalise", "date", "repaired", match.group(), match.group() + "日",
                "date at the end of a line lost its 日"))
        bare = _BARE_DATE_LINE.fullmatch(line.stripped)
        if not bare:
            continue
        found = readings(line.stripped)
        start = line.content_start
        if len(found) == 1:
            replacement = _chinese(*found[0])
            result.add(Edit(start, line.content_end, replacement), Change(
                "normalise", "date", "repaired", line.stripped, replacement,
                "date written as bare digits on a line of its own; only one reading is a valid date"))
        elif found:
            listed = " or ".join(_chinese(*r) for r in found)
            result.add(None, Change(
                "normalise", "date", "flagged", line.stripped, line.stripped,
                f"date written as bare digits that lost 年, 月 and 日; it reads as {listed}. Left as is: fix it with a "
                "text correction in corrections.yml"), start, line.content_end)


def _doc_number_edits(text: str, result: PassResult) -> None:
    fixes = []
    for match in _LOST_CLOSING.finditer(text):
        fixes.append((match, f"〔{match.group(1)}〕{match.group(2)}号", "document number lost the 〕 after its year"))
    for match in _finditer(_OTHER_BRACKETS, text):
        if (match.group(1), match.group(3)) != ("〔", "〕"):
            fixes.append((match, f"〔{match.group(2)}〕{match.group(4)}号",
                          "year of a document number written in the standard brackets 〔〕"))
    for match in _finditer(_LOST_OPENING, text):
        fixes.append((match, f"〔{match.group(1)}〕{match.group(2)}号", "document number lost the 〔 before its year"))
    for match, replacement, reason in sorted(fixes, key=lambda f: f[0].start()):
        if replacement != match.group():
            result.add(Edit(match.start(), match.end(), replacement),
                       Change("normalise", "doc-number", "repaired", match.group(), replacement, reason))


def run(text: str) -> PassResult:
    """Restore lost date characters and document-number brackets; flag bare-digit dates with several readings."""
    result = PassResult()
    _date_edits(text, result)
    _doc_number_edits(text, result)
    result.edits.sort(key=lambda e: (e.start, e.end))
    return result
