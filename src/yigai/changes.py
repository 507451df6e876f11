"""The record of every change between a raw document and the published tables (the corrections report)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Change:
    """One entry of the corrections report.

    Attributes:
        stage: normalise | extract | curate.
        kind: what sort of change (e.g. spam, script, pinyin, garbled-bytes, date, doc-number, unresolved-agency).
        status: repaired | removed | flagged | curated.
        original: text or value before the change.
        replacement: text or value after it ("" for removals).
        reason: why, in plain words.
        char_start: where the result sits in the published text (None when nothing of it remains there).
        char_end: end (exclusive) of that span.
    """

    stage: str
    kind: str
    status: str
    original: str
    replacement: str
    reason: str
    char_start: int | None = None
    char_end: int | None = None

    def as_row(self, plan_id: str, change_id: int) -> dict:
        """Return the change as a row of the `corrections` table."""
        row = {"plan_id": plan_id, "change_id": change_id}
        row.update(vars(self))  # the fields, in order (all plain values: no deep copy needed)
        return row
