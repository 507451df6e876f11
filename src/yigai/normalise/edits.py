"""Edits a pass makes to the text, and the map that carries earlier positions through them."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import attrgetter

from yigai.changes import Change


@dataclass(slots=True)
class Edit:
    """Replace text[start:end] by `replacement` (start == end inserts, an empty replacement deletes).

    Passes make edits and nothing changes them afterwards. (Not a frozen dataclass: making one costs about three
    times as much, and a pass may make one for every converted character.)

    Attributes:
        start: first character replaced, in the text the pass read.
        end: end (exclusive) of the replaced characters.
        replacement: the new text.
    """

    start: int
    end: int
    replacement: str


@dataclass(slots=True)
class Note:
    """A change a pass found, placed on the text that pass read.

    Attributes:
        change: the report entry (its char_start/char_end are filled in once the final text is known).
        start: where the affected text starts in the text the pass read.
        end: end (exclusive) of the affected text; the span of an edit's replacement once mapped forward.
    """

    change: Change
    start: int
    end: int


@dataclass
class PassResult:
    """What one pass does: the edits to make and the changes to report.

    Attributes:
        edits: non-overlapping edits on the text the pass read.
        notes: the changes, placed on the text the pass read.
    """

    edits: list[Edit] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def add(self, edit: Edit | None, change: Change, start: int | None = None, end: int | None = None) -> None:
        """Record an edit (optional) and the change it makes, placed on the edit unless a span is given."""
        if edit is not None:
            self.edits.append(edit)
        self.notes.append(Note(change, edit.start if start is None else start, edit.end if end is None else end))


by_place = attrgetter("start", "end")
"""Sort key of edits and notes: by place only (a stable sort keeps two insertions at one place in their order)."""


class OffsetMap:
    """Maps positions in a text to positions in the text after a set of edits.

    A span that starts or ends inside an edited stretch grows to cover that edit's whole replacement; text
    inserted exactly at a span's boundary stays outside the span.
    """

    def __init__(self, edits: Sequence[Edit]):
        self._edits = sorted(edits, key=by_place)
        self._starts = [e.start for e in self._edits]
        self._new_starts: list[int] = []
        self._delta_after: list[int] = []
        delta = 0
        previous_end = -1
        for edit in self._edits:
            if edit.start < previous_end or edit.end < edit.start:
                raise ValueError(f"overlapping or reversed edit {edit}")
            previous_end = edit.end
            self._new_starts.append(edit.start + delta)
            delta += len(edit.replacement) - (edit.end - edit.start)
            self._delta_after.append(delta)

    @property
    def edits(self) -> list[Edit]:
        """The edits, sorted by position."""
        return list(self._edits)

    def start(self, pos: int) -> int:
        """New position of a span that starts at `pos`."""
        k = bisect_right(self._starts, pos) - 1
        if k < 0:
            return pos
        edit = self._edits[k]
        if edit.start <= pos < edit.end:
            return self._new_starts[k]
        return pos + self._delta_after[k]

    def end(self, pos: int) -> int:
        """New position of a span that ends (exclusive) at `pos`."""
        k = bisect_left(self._starts, pos) - 1
        if k < 0:
            return pos
        edit = self._edits[k]
        if pos < edit.end:
            return self._new_starts[k] + len(edit.replacement)
        return pos + self._delta_after[k]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """New span of text[start:end]; an empty span stays empty (as start() and end() place it, in one call)."""
        starts, edits = self._starts, self._edits
        k = bisect_right(starts, start) - 1
        if k < 0:
            new_start = start
        else:
            edit = edits[k]
            new_start = self._new_starts[k] if edit.start <= start < edit.end else start + self._delta_after[k]
        if end <= start:
            return new_start, new_start
        k = bisect_left(starts, end) - 1
        if k < 0:
            return new_start, max(new_start, end)
        edit = edits[k]
        new_end = self._new_starts[k] + len(edit.replacement) if end < edit.end else end + self._delta_after[k]
        return new_start, max(new_start, new_end)


def apply_edits(text: str, edits: Sequence[Edit]) -> tuple[str, OffsetMap]:
    """Make the edits and return the new text with the map from old to new positions.

    Raises:
        ValueError: when two edits overlap.
    """
    mapping = OffsetMap(edits)
    pieces: list[str] = []
    cursor = 0
    for edit in mapping._edits:
        pieces.append(text[cursor:edit.start])
        pieces.append(edit.replacement)
        cursor = edit.end
    pieces.append(text[cursor:])
    return "".join(pieces), mapping


def carry(notes: Sequence[Note], mapping: OffsetMap) -> list[Note]:
    """Place notes on the text after the edits of `mapping`.

    A note that ends before the first edit begins (and is not reversed) stays where it is: it is returned as it was.
    """
    first = mapping._starts[0] if mapping._starts else None
    out = []
    span = mapping.span
    for note in notes:
        start, end = note.start, note.end
        if first is not None and start <= end <= first and start < first:
            out.append(note)  # span(start, end) == (start, end): no edit starts at or before it
            continue
        start, end = span(start, end)
        out.append(Note(note.change, start, end))
    return out
