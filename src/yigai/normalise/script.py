"""Traditional characters and inline pinyin: remove the annotations and convert the text to simplified characters."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

from yigai.changes import Change
from yigai.normalise.edits import Edit, PassResult
from yigai.normalise.text import lines

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_INITIALS = ("zh", "ch", "sh", *"bpmfdtnlgkhjqxrzcsyw")
_FINALS = ("iang", "iong", "uang", "ueng", "ang", "eng", "ing", "ong", "ian", "iao", "uai", "uan", "van", "ai", "ei",
           "ao", "ou", "an", "en", "er", "ia", "ie", "iu", "in", "ua", "uo", "ui", "un", "ve", "vn", "ue", "a", "o", "e",
           "i", "u", "v", "n", "m", "ng")
_SYLLABLE = re.compile(f"(?:{'|'.join(_INITIALS[:3])}|[{''.join(_INITIALS[3:])}])?(?:{'|'.join(_FINALS)})")
_SYLLABLES = frozenset(initial + final for initial in ("", *_INITIALS) for final in _FINALS)
"""Every text _SYLLABLE matches whole (an optional initial and a final: a finite set), to look up."""
PINYIN_ANNOTATION = re.compile(rf"[(（]([a-z{_TONED}üÜ]{{1,7}})[)）]")
"""A parenthesised candidate annotation; `is_pinyin` decides whether its content is one pinyin syllable."""


def _toneless(syllable: str) -> str:
    plain = unicodedata.normalize("NFD", syllable.replace("ü", "v").replace("Ü", "v"))
    return "".join(ch for ch in plain if not unicodedata.combining(ch)).replace("u\u0308", "v")


_TONE_MARKS = frozenset(_TONED)
_ANNOTATION_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz" + _TONED + "üÜ")
_WITHOUT_TONE = str.maketrans({ch: _toneless(ch) for ch in _ANNOTATION_LETTERS if _toneless(ch) != ch})
"""`_toneless` character by character, for the characters an annotation may hold (a-z, toned letters, ü): NFD
decomposes each character on its own, and the combining marks it adds are all dropped."""


def is_pinyin(content: str) -> bool:
    """Whether `content` is one pinyin syllable written with a tone mark (e.g. guān, lǜ).

    Syllables without a tone mark are not taken: "(a)" or "(e)" may be list labels.
    """
    if _TONE_MARKS.isdisjoint(content):
        return False
    if _ANNOTATION_LETTERS.issuperset(content):
        return content.translate(_WITHOUT_TONE) in _SYLLABLES
    return bool(_SYLLABLE.fullmatch(_toneless(content)))


def pinyin_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the inline pinyin annotations, e.g. the "(guān)" of "關(guān)于"."""
    if "(" not in text and "（" not in text:
        return []
    return [m.span() for m in PINYIN_ANNOTATION.finditer(text) if is_pinyin(m.group(1))]


def strip_pinyin(text: str) -> str:
    """The text without its inline pinyin annotations."""
    spans = pinyin_spans(text)
    out, cursor = [], 0
    for start, end in spans:
        out.append(text[cursor:start])
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified (OpenCC t2s; simplified text comes back unchanged)."""
    return _converter().convert(text) if text else text


def lines_to_simplified(texts: list[str]) -> list[str]:
    """to_simplified of each text (none holding a line break), in one call of OpenCC.

    OpenCC cuts a text into dictionary words and no word holds a line break, so converting the texts joined by line
    breaks converts each as it would be converted alone (and one call costs about what converting a line does).
    """
    if not texts:
        return []
    converted = to_simplified("\n".join(texts)).split("\n")
    if len(converted) != len(texts):  # never expected; convert one by one
        converted = [to_simplified(text) for text in texts]
    return converted


_views: dict[str, str] = {}
_MAX_VIEWS = 4096


def plain_view(text: str) -> str:
    """The text as a reader of simplified Chinese sees it: no pinyin annotations, simplified characters.

    Used to recognise site chrome and spam in documents served in traditional characters. Several passes look at the
    same lines: views are remembered, for one document at a time (yigai.normalise.run forgets them).
    """
    view = _views.get(text)
    if view is None:
        if len(_views) >= _MAX_VIEWS:
            _views.clear()
        view = _views[text] = to_simplified(strip_pinyin(text))
    return view


def view_lines(texts: list[str]) -> None:
    """Work out the plain views of lines (texts without a line break) at once, for plain_view to return."""
    todo = [text for text in dict.fromkeys(texts) if text not in _views and "\n" not in text]
    if todo and len(_views) + len(todo) <= _MAX_VIEWS:
        _views.update(zip(todo, lines_to_simplified([strip_pinyin(text) for text in todo])))


def forget_views() -> None:
    """Forget the remembered views (at the start of each document)."""
    _views.clear()


Stretch = tuple[int, int, str, str]


def _kept(line: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The stretches of a line outside its annotations."""
    kept = []
    cursor = 0
    for s, e in [*spans, (len(line), len(line))]:
        kept.append((cursor, s))
        cursor = e
    return kept


def _line_edits(line_start: int, line: str, spans: list[tuple[int, int]], converted: str
                ) -> tuple[list[Edit], Stretch | None]:
    """Edits that remove a line's pinyin and convert its characters, and the converted stretch.

    `converted` is the line without its annotations, converted. The stretch is (start, end, traditional,
    simplified), placed on the line as read, or None when nothing converts.
    """
    kept = _kept(line, spans)
    stripped = "".join(line[s:e] for s, e in kept)
    removals = [Edit(line_start + s, line_start + e, "") for s, e in spans]
    if converted == stripped:
        return removals, None
    index = [i for s, e in kept for i in range(s, e)]  # position in the line of each character of `stripped`
    if len(converted) != len(stripped):  # a phrase changed length: replace the whole line at once
        edit = Edit(line_start, line_start + len(line), converted)
        return [edit], (edit.start, edit.end, stripped, converted)
    edits: list[Edit] = []
    changed = [i for i, (a, b) in enumerate(zip(stripped, converted)) if a != b]
    for i in changed:
        pos = line_start + index[i]
        if edits and edits[-1].end == pos:
            last = edits.pop()
            edits.append(Edit(last.start, pos + 1, last.replacement + converted[i]))
        else:
            edits.append(Edit(pos, pos + 1, converted[i]))
    first, last = changed[0], changed[-1] + 1
    stretch = (line_start + index[first], line_start + index[last - 1] + 1, stripped[first:last], converted[first:last])
    return sorted(removals + edits, key=lambda e: e.start), stretch


def run(text: str) -> PassResult:
    """Remove inline pinyin annotations and convert traditional characters, line by line.

    Reports, for each line touched, one change listing the pinyin annotations removed (kind "pinyin") and one
    covering the stretch of the line whose characters were converted (kind "script").
    """
    result = PassResult()
    # OpenCC cuts a text into dictionary words, and no word holds a line break: a text that converts to itself is
    # made of lines that each convert to themselves, and only their pinyin annotations need reading.
    unchanged = to_simplified(text) == text
    todo = [(line, spans) for line in lines(text) for spans in [pinyin_spans(line.text)] if spans or not unchanged]
    converted = lines_to_simplified(["".join(line.text[s:e] for s, e in _kept(line.text, spans)) for line, spans in todo])
    for (line, spans), simplified in zip(todo, converted):
        edits, stretch = _line_edits(line.start, line.text, spans, simplified)
        result.edits.extend(edits)
        if spans:
            anchor = line.start + spans[0][0]
            removed = " ".join(line.text[s:e] for s, e in spans)
            result.add(None, Change(
                "normalise", "pinyin", "removed", removed, "",
                f"{len(spans)} inline pinyin annotation(s) after characters, added by the site that served the page "
                f"and not part of the document"), anchor, anchor)
        if stretch:
            start, end, before, after = stretch
            result.add(None, Change("normalise", "script", "repaired", before, after,
                                    "traditional characters converted to simplified (OpenCC t2s)"), start, end)
    return result
