"""Character classes and line slicing shared by the normalisation passes."""

from __future__ import annotations

import re
from typing import NamedTuple

CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
"""Regex class body of CJK ideographs (unified, extension A–H and compatibility)."""

CJK = re.compile(f"[{CJK_CLASS}]")
SPACES = " \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\x0b\x0c"
"""Regex class body of horizontal white space, including no-break and ideographic spaces."""
BODY_NAME = re.compile(f"^[{CJK_CLASS}（）()]{{2,40}}(?:政府|办公室|办公厅|委员会|局|委|厅|院|部|中心|办|会|署|集团|公司)$")
"""A line that is only the name of a body (an issuing or signing authority)."""

SENTENCE_PUNCTUATION = "。；;，,：:？?！!"
"""Punctuation that ends or splits a sentence (Chinese and ASCII forms)."""


def is_cjk(ch: str) -> bool:
    """Whether a character is a CJK ideograph."""
    return bool(CJK.fullmatch(ch))


def cjk_chars(text: str) -> list[str]:
    """The CJK ideographs of a text, in order."""
    return CJK.findall(text)


class Line(NamedTuple):
    """One line of a text (a named tuple: the passes make one for every line, several times per document).

    Attributes:
        start: offset of its first character in the text.
        end: offset just past its last character (the newline is not part of the line).
        text: the line's characters.
    """

    start: int
    end: int
    text: str

    @property
    def stripped(self) -> str:
        """The line without surrounding white space."""
        return self.text.strip()

    @property
    def content_start(self) -> int:
        """Offset of the line's first non-blank character (its end when blank)."""
        return self.start + (len(self.text) - len(self.text.lstrip()))

    @property
    def content_end(self) -> int:
        """Offset just past the line's last non-blank character."""
        return self.end - (len(self.text) - len(self.text.rstrip()))


class _Last:
    """The lines of the text split last: passes that change nothing hand the same text object to the next pass."""

    text: str | None = None
    lines: list[Line] = []


def lines(text: str) -> list[Line]:
    """Split a text into lines at '\\n', keeping each line's offsets."""
    if text is _Last.text:
        return list(_Last.lines)
    out = []
    start = 0
    make = tuple.__new__
    for piece in text.split("\n"):
        end = start + len(piece)
        out.append(make(Line, (start, end, piece)))
        start = end + 1
    _Last.text, _Last.lines = text, out
    return list(out)


class _LastUnprintable:
    """The lines that are not printable of the text read last (cleanup and garble read the same text object when
    cleanup changes nothing)."""

    text: str | None = None
    lines: list[str] = []


def unprintable_lines(text: str) -> list[str]:
    """The lines of a text (split at '\\n') that hold a character that is not printable (str.isprintable: controls,
    format characters, private-use codes, separators other than ' '), in order."""
    if text is not _LastUnprintable.text:
        _LastUnprintable.text = text
        _LastUnprintable.lines = [line for line in text.split("\n") if not line.isprintable()]
    return _LastUnprintable.lines


def neighbours(all_lines: list[Line], index: int, step: int, count: int = 1) -> list[Line]:
    """Up to `count` non-blank lines before (step -1) or after (step 1) the line at `index`."""
    out: list[Line] = []
    i = index + step
    while 0 <= i < len(all_lines) and len(out) < count:
        if all_lines[i].stripped:
            out.append(all_lines[i])
        i += step
    return out


def whole_line(line: Line, text: str) -> tuple[int, int]:
    """Span of a line with the line break after it, so that removing it leaves no empty line behind."""
    return line.start, min(line.end + 1, len(text))


def among_ascii(text: str, i: int) -> bool:
    """Whether text[i] stands between ASCII characters (or line edges), outside any Chinese text."""
    before = text[i - 1] if i else "\n"
    after = text[i + 1] if i + 1 < len(text) else "\n"
    return before.isascii() and after.isascii()
