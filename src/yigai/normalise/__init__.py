"""Normalise a raw document into the published text, recording every change in the corrections report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from yigai.changes import Change
from yigai.normalise import chrome, corrections, dates, garble, layout, script, spam, widths
from yigai.normalise.edits import Note, PassResult, apply_edits, by_place, carry
from yigai.sources import Correction

Pass = Callable[[str], PassResult]

PASSES: tuple[tuple[str, Pass], ...] = (
    ("cleanup", layout.cleanup),
    ("garble", garble.run),
    ("chrome", chrome.run),
    ("spam-lines", spam.run_lines),
    ("script", script.run),
    ("spam-tokens", spam.run_tokens),
    ("widths", widths.run),
    ("dates", dates.run),
    ("whitespace", layout.whitespace),
    ("letter-spacing", layout.letter_spacing),
    ("titles", layout.titles),
)
"""The automatic passes, in the order they run. Byte damage is read first, while the characters are as decoded;
chrome and spam lines are recognised before conversion so that their removal reports the raw text."""


@dataclass
class Normalised:
    """A normalised document.

    Attributes:
        text: the published normalised text.
        changes: every change from the raw text, in text order; char_start/char_end locate each change's
            replacement in `text` (None when the change left nothing there, e.g. a removal).
    """

    text: str
    changes: list[Change] = field(default_factory=list)


def _in_order(notes: list[Note]) -> list[Note]:
    """Notes sorted by place; notes at the same place keep their order (the order of the text they came from)."""
    return sorted(notes, key=by_place)


def _finish(notes: list[Note]) -> list[Change]:
    """Place each change on the final text, in text order."""
    out = []
    for note in _in_order(notes):
        change = note.change
        if note.end > note.start:
            change.char_start, change.char_end = note.start, note.end
        else:
            change.char_start = change.char_end = None
        out.append(change)
    return out


def run(raw_text: str, text_corrections: Sequence[Correction] = (), *, corrections_file: str | None = None
        ) -> Normalised:
    """Normalise a raw document and apply its curated text corrections.

    Args:
        raw_text: the document as captured (decoded text).
        text_corrections: the plan's text corrections (stage "text"; others are ignored), applied in order to the
            text the automatic passes produce.
        corrections_file: path of the corrections.yml they come from, named by a stale-correction error.

    Raises:
        StaleCorrectionError: when a correction's `expect` is not in the text (field corrections[i].expect). Its
            `file` is `corrections_file`, None if not given: the caller fills it in.
    """
    script.forget_views()  # the views of lines are remembered for one document only
    passes: list[Pass] = [step for _, step in PASSES]
    passes += [partial(corrections.apply_one, correction=c, file=corrections_file)
               for c in text_corrections if c.stage == "text"]
    text = raw_text
    notes: list[Note] = []
    for step in passes:
        result = step(text)
        if result.edits:
            text, mapping = apply_edits(text, result.edits)
            notes = _in_order(carry(_in_order(notes + result.notes), mapping))
        elif result.notes:  # nothing moves: only an empty or reversed span is made empty, as carry does
            notes = _in_order([note if note.end >= note.start else Note(note.change, note.start, note.start)
                               for note in _in_order(notes + result.notes)])
    return Normalised(text=text, changes=_finish(notes))


__all__ = ["Normalised", "PASSES", "run"]
