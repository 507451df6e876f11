"""The offset map that carries change positions through later edits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yigai.normalise.edits import Edit, OffsetMap, apply_edits


def test_replacement_span_maps_to_the_replacement():
    text, mapping = apply_edits("abcdef", [Edit(1, 3, "XYZ"), Edit(4, 5, "")])
    assert text == "aXYZdf"
    assert mapping.span(1, 3) == (1, 4)
    assert mapping.span(4, 5) == (5, 5)  # removed: empty span where it was
    assert mapping.span(5, 6) == (5, 6)  # "f" moved one left


def test_span_partly_inside_an_edit_grows_to_cover_it():
    _, mapping = apply_edits("abcdef", [Edit(2, 4, "Q")])
    assert mapping.span(3, 6) == (2, 5)
    assert mapping.span(0, 3) == (0, 3)


def test_insertion_at_a_boundary_stays_outside_the_span():
    text, mapping = apply_edits("abc", [Edit(1, 1, "+")])
    assert text == "a+bc"
    assert mapping.span(0, 1) == (0, 1)
    assert mapping.span(1, 3) == (2, 4)


def test_overlapping_edits_are_refused():
    with pytest.raises(ValueError):
        OffsetMap([Edit(0, 3, "x"), Edit(2, 4, "y")])


@st.composite
def _text_and_edits(draw):
    text = draw(st.text(alphabet="abcdefgh", min_size=0, max_size=30))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=8)))
    edits = []
    for start, end in zip(cuts[::2], cuts[1::2]):
        edits.append(Edit(start, end, draw(st.text(alphabet="XYZ", max_size=4))))
    return text, edits


@given(_text_and_edits(), st.data())
def test_untouched_text_keeps_its_characters(case, data):
    text, edits = case
    new_text, mapping = apply_edits(text, edits)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    touched = any(e.start < end and e.end > start or start < e.start < end for e in edits)
    new_start, new_end = mapping.span(start, end)
    assert 0 <= new_start <= new_end <= len(new_text)
    if not touched:
        assert new_text[new_start:new_end] == text[start:end]


@given(_text_and_edits())
def test_each_edit_maps_to_its_replacement(case):
    text, edits = case
    new_text, mapping = apply_edits(text, edits)
    for edit in edits:
        if edit.end > edit.start:
            start, end = mapping.span(edit.start, edit.end)
            assert new_text[start:end] == edit.replacement
