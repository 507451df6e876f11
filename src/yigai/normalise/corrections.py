"""Curated text corrections from a plan's corrections.yml, applied to the normalised text."""

from __future__ import annotations

from yigai.changes import Change
from yigai.errors import StaleCorrectionError
from yigai.normalise.edits import Edit, PassResult
from yigai.sources import Correction


def find(text: str, expect: str, occurrence: int) -> int | None:
    """Offset of the `occurrence`-th (from 1) occurrence of `expect` in `text`, or None."""
    position = -1
    for _ in range(max(occurrence, 1)):
        position = text.find(expect, position + 1)
        if position < 0:
            return None
    return position


def apply_one(text: str, correction: Correction, file: str | None = None) -> PassResult:
    """The edit and report entry of one text correction.

    Raises:
        StaleCorrectionError: when `expect` does not occur in the text (at its occurrence). `file` is None when
            the caller does not know the path; the caller then fills it in (see yigai.pipeline).
    """
    position = find(text, correction.expect, correction.occurrence)
    if position is None:
        count = text.count(correction.expect)
        found = f"it occurs {count} time(s)" if count else "it does not occur"
        raise StaleCorrectionError(
            f"correction {correction.index} expects {correction.expect!r} (occurrence {correction.occurrence}) in "
            f"the normalised text, but {found}", file=file, field=f"corrections[{correction.index}].expect",
            hint="the normalised text changed: check the correction against the new text and update or remove it")
    result = PassResult()
    result.add(Edit(position, position + len(correction.expect), correction.value), Change(
        "curate", correction.kind, "curated", correction.expect, correction.value, correction.reason))
    return result
