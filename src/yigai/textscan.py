"""Regular-expression scans that try a pattern only where one of its matches can begin.

`re.finditer` tries a pattern at every position of a text. Python's engine skips ahead by itself only when a pattern
opens with a literal or a class; many patterns of the extraction open with a look-behind, an optional word or a
choice of named groups, and are tried at every character although their matches can only begin with a few
characters (a digit, 年, 月, the first characters of a list of verbs) that most of a text lacks. The functions here
work out, from the pattern itself, the class of characters its matches begin with, find those positions first and
try the pattern there only: the matches are exactly those of `pattern.finditer` (and `pattern.search`).

`per_text` remembers what a reader found in a stretch of the text it is reading now, for the readers of one plan
that look at the same stretches.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from re import _constants as sre  # the parser's opcodes (standard library; stable since Python 3.11)
from re import _parser

_CATEGORIES = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D", sre.CATEGORY_SPACE: r"\s",
               sre.CATEGORY_NOT_SPACE: r"\S", sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W"}
_ZERO_WIDTH = (sre.ASSERT, sre.ASSERT_NOT, sre.AT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)


class _Unknown(Exception):
    """The pattern holds something whose first character cannot be told (a back-reference, any character …)."""


def _char(code: int) -> str:
    return re.escape(chr(code))


def _sequence(items) -> tuple[list[str], bool]:
    """Class items of the first character a sequence of parsed items can consume, and whether it can match ""."""
    out: list[str] = []
    for op, av in items:
        first, empty = _item(op, av)
        out += first
        if not empty:
            return out, False
    return out, True


def _item(op, av) -> tuple[list[str], bool]:
    if op is sre.LITERAL:
        return [_char(av)], False
    if op is sre.IN:
        out = []
        for kind, value in av:
            if kind is sre.LITERAL:
                out.append(_char(value))
            elif kind is sre.RANGE:
                out.append(f"{_char(value[0])}-{_char(value[1])}")
            elif kind is sre.CATEGORY and value in _CATEGORIES:
                out.append(_CATEGORIES[value])
            else:  # a negated class: not worth telling
                raise _Unknown
        return out, False
    if op is sre.SUBPATTERN:
        _, add_flags, del_flags, inner = av
        if add_flags or del_flags:
            raise _Unknown
        return _sequence(inner)
    if op is sre.ATOMIC_GROUP:
        return _sequence(av)
    if op is sre.BRANCH:
        out, empty = [], False
        for alternative in av[1]:
            first, can_be_empty = _sequence(alternative)
            out += first
            empty = empty or can_be_empty
        return out, empty
    if op in _REPEATS:
        low, _, inner = av
        first, empty = _sequence(inner)
        return first, empty or low == 0
    if op in _ZERO_WIDTH:
        return [], True
    raise _Unknown


_KNOWN: dict[int, tuple[re.Pattern, re.Pattern | None]] = {}  # id of a pattern → (the pattern, its first characters)
_MAX_KNOWN = 256


def first_characters(pattern: re.Pattern) -> re.Pattern | None:
    """A one-character class that every match of `pattern` begins with; None when that cannot be told.

    None also for a pattern that can match the empty string, or that ignores case. Worked out once per pattern
    object (remembered by identity: hashing a compiled pattern hashes all its code, which costs more than a scan).
    """
    known = _KNOWN.get(id(pattern))
    if known is not None and known[0] is pattern:
        return known[1]
    if len(_KNOWN) >= _MAX_KNOWN:
        _KNOWN.clear()
    first = _first_characters(pattern)
    _KNOWN[id(pattern)] = (pattern, first)
    return first


def _first_characters(pattern: re.Pattern) -> re.Pattern | None:
    if not isinstance(pattern.pattern, str) or pattern.flags & (re.IGNORECASE | re.LOCALE):
        return None
    try:
        first, empty = _sequence(_parser.parse(pattern.pattern, pattern.flags))
    except _Unknown:
        return None
    if empty or not first:
        return None
    return re.compile("[" + "".join(dict.fromkeys(first)) + "]", pattern.flags & re.ASCII)


def finditer(pattern: re.Pattern, text: str, start: int = 0, end: int | None = None) -> Iterator[re.Match]:
    """Exactly the matches of `pattern.finditer(text, start, end)` (look-behinds see the text before `start`)."""
    end = len(text) if end is None else end
    first = first_characters(pattern)
    if first is None:
        yield from pattern.finditer(text, start, end)
        return
    match_at = pattern.match
    free = start  # where the next match may begin: matches do not overlap
    for candidate in first.finditer(text, start, end):
        position = candidate.start()
        if position < free:
            continue
        match = match_at(text, position, end)
        if match:
            yield match
            free = max(match.end(), position + 1)


def search(pattern: re.Pattern, text: str, start: int = 0, end: int | None = None) -> re.Match | None:
    """Exactly `pattern.search(text, start, end)`."""
    end = len(text) if end is None else end
    first = first_characters(pattern)
    if first is None:
        return pattern.search(text, start, end)
    match_at = pattern.match
    for candidate in first.finditer(text, start, end):
        match = match_at(text, candidate.start(), end)
        if match:
            return match
    return None


def per_text(read: Callable[[str, int, int], list]) -> Callable[..., list]:
    """Remember `read(text, start, end)` for the text object read last; the result is given as a new list each time.

    Several stages read the same stretches of one plan's text. What was found is kept while the very same text
    object is read (compared by identity, and held, so no other text can take its place) and forgotten when another
    text comes: nothing is carried from one plan to another. The items found must not be changed by callers.
    """
    last: dict = {"text": None, "found": {}}

    @functools.wraps(read)
    def remembered(text: str, start: int = 0, end: int | None = None) -> list:
        end = len(text) if end is None else end
        if last["text"] is not text:
            last["text"], last["found"] = text, {}
        found = last["found"].get((start, end))
        if found is None:
            found = last["found"][(start, end)] = read(text, start, end)
        return list(found)

    return remembered
