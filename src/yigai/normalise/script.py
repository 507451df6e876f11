"""Traditional characters and inline pinyin: remove the annotations and convert the text to simplified characters."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import repeat
from operator import attrgetter, ne

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
_MAX_VIEWS = 4096
"""Most views (and annotation contents) remembered at once."""
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


_annotations: dict[str, bool] = {}
"""is_pinyin of the annotation contents met in the current document (forget_views forgets them): a document
repeats a few dozen syllables hundreds of times, and several passes read its annotations."""


def pinyin_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the inline pinyin annotations, e.g. the "(guān)" of "關(guān)于"."""
    if "(" not in text and "（" not in text:
        return []
    known = _annotations
    if len(known) >= _MAX_VIEWS:
        known.clear()
    spans = []
    for match in PINYIN_ANNOTATION.finditer(text):
        content = match.group(1)
        found = known.get(content)
        if found is None:
            found = known[content] = is_pinyin(content)
        if found:
            spans.append(match.span())
    return spans


def strip_pinyin(text: str) -> str:
    """The text without its inline pinyin annotations.

    No annotation holds a line break (nor does the pattern look around), so the lines of a text lose exactly the
    annotations they lose on their own: a text of several lines is stripped at once.
    """
    return _without(text, pinyin_spans(text))


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    """The text without the (sorted, disjoint) spans."""
    if not spans:
        return text
    return "".join([text[cursor:start] for cursor, (start, _) in zip([0, *(end for _, end in spans)], spans)]
                   + [text[spans[-1][1]:]])


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


_line_spans: dict[str, list[tuple[int, int]]] = {}
"""pinyin_spans of the lines view_lines saw (forget_views forgets them): the script pass needs them again."""


def view_lines(texts: list[str]) -> None:
    """Work out the plain views of lines (texts without a line break) at once, for plain_view to return.

    The pinyin spans of each line are remembered too (see _spans_of_line): no annotation holds a line break (nor
    does the pattern look around), so the annotations of the joined lines are those of each line, shifted.
    """
    todo = [text for text in dict.fromkeys(texts) if text not in _views and "\n" not in text]
    if todo and len(_views) + len(todo) <= _MAX_VIEWS:
        joined = "\n".join(todo)
        spans = pinyin_spans(joined)
        _views.update(zip(todo, lines_to_simplified(_without(joined, spans).split("\n"))))
        if len(_line_spans) + len(todo) > _MAX_VIEWS:
            _line_spans.clear()
        if not spans:  # no line holds an annotation
            _line_spans.update(zip(todo, map(list, repeat((), len(todo)))))
            return
        k = offset = 0
        for line in todo:
            end, mine = offset + len(line), []
            while k < len(spans) and spans[k][0] < end:
                mine.append((spans[k][0] - offset, spans[k][1] - offset))
                k += 1
            _line_spans[line] = mine
            offset = end + 1


def _spans_of_line(text: str) -> list[tuple[int, int]]:
    """pinyin_spans of a line (a text without a line break), from what view_lines remembered when it can.

    The white space around a line holds no part of an annotation, so the line's spans are those of the line
    stripped, shifted by the white space before it.
    """
    stripped = text.strip()
    known = _line_spans.get(stripped)
    if known is None:
        return pinyin_spans(text)
    shift = len(text) - len(text.lstrip())
    return [(start + shift, end + shift) for start, end in known] if shift else known


def forget_views() -> None:
    """Forget the remembered views and annotation contents (at the start of each document)."""
    _views.clear()
    _annotations.clear()
    _line_spans.clear()


Stretch = tuple[int, int, str, str]
_START = attrgetter("start")


_CHANGED = re.compile(rb"\x01+")
"""A run of changed characters in a mask of a line (one byte per character, 1 where conversion changed it)."""


def _aligned(converted: str, line: str, spans: list[tuple[int, int]]) -> str:
    """`converted` (the line without its annotations, converted, of the same length) with the annotations put back
    where they stand in the line, so that it lines up with the line character by character."""
    pieces = []
    done = cursor = 0  # characters of `converted` placed; position in the line
    for start, end in spans:
        pieces += [converted[done:done + start - cursor], line[start:end]]
        done += start - cursor
        cursor = end
    pieces.append(converted[done:])
    return "".join(pieces)


def _in_stripped(position: int, spans: list[tuple[int, int]]) -> int:
    """Where the character at `position` of a line (outside its annotations) stands once they are removed."""
    return position - sum(end - start for start, end in spans if end <= position)


def _line_edits(line_start: int, line: str, spans: list[tuple[int, int]], converted: str
                ) -> tuple[list[Edit], Stretch | None]:
    """Edits that remove a line's pinyin and convert its characters, and the converted stretch.

    `converted` is the line without its annotations, converted. The stretch is (start, end, traditional,
    simplified), placed on the line as read, or None when nothing converts. Each run of changed characters that
    stand next to each other in the line is one edit (an annotation between two of them splits the run: its
    characters, copied into the aligned conversion, are unchanged).
    """
    stripped = _without(line, spans)
    removals = [Edit(line_start + s, line_start + e, "") for s, e in spans]
    if converted == stripped:
        return removals, None
    if len(converted) != len(stripped):  # a phrase changed length: replace the whole line at once
        edit = Edit(line_start, line_start + len(line), converted)
        return [edit], (edit.start, edit.end, stripped, converted)
    aligned = _aligned(converted, line, spans) if spans else converted
    runs = [run.span() for run in _CHANGED.finditer(bytes(map(ne, line, aligned)))]
    edits = [Edit(line_start + a, line_start + b, aligned[a:b]) for a, b in runs]
    # the stretch from the first changed character to the last, in the line and without its annotations
    first, last = _in_stripped(runs[0][0], spans), _in_stripped(runs[-1][1] - 1, spans) + 1
    stretch = (edits[0].start, edits[-1].end, stripped[first:last], converted[first:last])
    return sorted(removals + edits, key=_START), stretch


def _padded_view(text: str) -> str | None:
    """The remembered plain view of a line, or of the line stripped with the white space around it (None when neither
    is known).

    No key of OpenCC's t2s dictionaries holds white space (a test reads them), so white space is never part of a
    converted word: each white space character stays as it is, and the words of the rest are cut as they are without
    it. The line's annotations hold no white space either. So the view is the white space around the view of the
    stripped line.
    """
    view = _views.get(text)
    if view is not None:
        return view
    stripped = text.strip()
    view = _views.get(stripped) if stripped else None
    if view is None:
        return None
    lead = len(text) - len(text.lstrip())
    return text[:lead] + view + text[lead + len(stripped):]


def run(text: str) -> PassResult:
    """Remove inline pinyin annotations and convert traditional characters, line by line.

    Reports, for each line touched, one change listing the pinyin annotations removed (kind "pinyin") and one
    covering the stretch of the line whose characters were converted (kind "script").
    """
    result = PassResult()
    # What each line becomes is its plain view: the line without its annotations, converted. The chrome pass worked
    # out the views of the document's lines (plain_view); the lines it did not see are converted here, at once.
    # A line the chrome pass saw as it is, with no annotation and a view equal to itself, is left as it is (the loop
    # below would pass over it): it is not looked at further.
    spans_known, views_known = _line_spans.get, _views.get
    found = [(line, _spans_of_line(line.text), _padded_view(line.text)) for line in lines(text)
             if line.text and not (spans_known(line.text) == [] and views_known(line.text) == line.text)]
    unseen = [k for k, (_, _, view) in enumerate(found) if view is None]
    views = lines_to_simplified([_without(found[k][0].text, found[k][1]) for k in unseen])
    for k, view in zip(unseen, views):
        found[k] = (*found[k][:2], view)
    for line, spans, simplified in found:
        if not spans and simplified == line.text:
            continue  # nothing to remove or convert
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
