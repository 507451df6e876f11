"""yigai.textscan finds exactly what re.finditer and re.search find, for any pattern and text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yigai import textscan
from yigai.extract import clauses, deadlines, figures, prose
from yigai.normalise import dates, layout, spam, widths

PATTERNS = {
    "figures": figures.figure_pattern,
    "deadline": lambda: deadlines.DEADLINE,
    "month": lambda: deadlines.MONTH,
    "plan-year": lambda: deadlines.PLAN_YEAR,
    "five-year": lambda: deadlines.FIVE_YEAR,
    "verbs": lambda: prose.VERB,
    "verbs-after-by": lambda: prose.BY_VERB,
    "date-lost-year": lambda: dates._LOST_YEAR,
    "doc-number-brackets": lambda: dates._OTHER_BRACKETS,
    "doc-number-opening": lambda: dates._LOST_OPENING,
    "spam": lambda: spam.lexicon().token,
    "responsibility-line": lambda: clauses.LABEL_LINE,
    "line-break": lambda: layout._LINE_BREAK,
    "invisible": lambda: layout._INVISIBLE,
    "inner-space": lambda: layout._INNER_SPACE,
    "full-width": lambda: widths._CANDIDATES,
}
# Characters the patterns care about, and some they do not.
ALPHABET = list("0123456789.:-~%年月日底末前内度份起至到截止于在今本十一二三四五六七八九两百千万个家名元亿之分第“”\"《》,。、 a"
                "负责牵头会同要应配合制定由管理〔〕[]（）彩票网平台娱乐|、\n\r\t\u3000\u00a0\u200b\ufeff\x85１２％Ａ"
                "责任单位：实施配")
TEXTS = st.text(alphabet=st.sampled_from(ALPHABET), max_size=60)


def found(matches) -> list[tuple[tuple[int, int], tuple]]:
    return [(m.span(), m.groups()) for m in matches]


def same_as_re(pattern: re.Pattern, text: str, start: int, end: int) -> None:
    assert found(textscan.finditer(pattern, text, start, end)) == found(pattern.finditer(text, start, end))
    assert found(textscan.finditer(pattern, text)) == found(pattern.finditer(text))
    ours, theirs = textscan.search(pattern, text, start, end), pattern.search(text, start, end)
    assert (ours and (ours.span(), ours.groups())) == (theirs and (theirs.span(), theirs.groups()))


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_the_patterns_of_the_extraction_are_scanned_from_their_first_characters(name):
    assert textscan.first_characters(PATTERNS[name]()) is not None


@pytest.mark.parametrize("name", sorted(PATTERNS))
@settings(max_examples=200, deadline=None)
@given(text=TEXTS, cut=st.tuples(st.integers(0, 60), st.integers(0, 60)))
def test_the_same_matches_as_re_for_the_patterns_of_the_extraction(name, text, cut):
    same_as_re(PATTERNS[name](), text, min(cut), max(cut))


def test_the_same_matches_on_the_published_texts():
    for path in sorted((Path(__file__).parents[1] / "datapackage" / "texts").glob("*.txt")):
        text = figures.fold(path.read_text(encoding="utf-8"))
        for name, pattern in PATTERNS.items():
            assert found(textscan.finditer(pattern(), text)) == found(pattern().finditer(text)), name


# Small regular expressions built from what the extraction's patterns use.
ATOMS = st.sampled_from(["a", "b", "年", r"\d", "[ab]", "[0-2]", r"\s", "[^a]", ".", "(?:ab|b)", "(a|年)", "a?",
                         "b*", r"\d+", "(?<!a)", "(?<![0-9])", "(?=b)", "(?!a)", "^", "$", "(?:a|)", "(?:a|b)?",
                         "(?i:a)", "(?>ab)", "a++", r"\bb", "a{0,2}", "b{2}"])
REGEXES = st.lists(ATOMS, min_size=1, max_size=5).map("".join) | \
    st.lists(st.lists(ATOMS, min_size=1, max_size=3).map("".join), min_size=2, max_size=3).map("|".join)


@settings(max_examples=500, deadline=None)
@given(regex=REGEXES, text=st.text(alphabet=st.sampled_from(list("ab年1 2A")), max_size=20),
       cut=st.tuples(st.integers(0, 20), st.integers(0, 20)))
def test_the_same_matches_as_re_for_any_pattern(regex, text, cut):
    same_as_re(re.compile(regex), text, min(cut), max(cut))


@pytest.mark.parametrize("regex", ["a?", "(?:a|)", "(?:a|.)", "(?i)a", "[^a]b", ".b", "^"])
def test_patterns_whose_first_character_cannot_be_told_are_tried_everywhere(regex):
    assert textscan.first_characters(re.compile(regex)) is None
    same_as_re(re.compile(regex), "aAbab", 0, 5)


def test_a_pattern_found_nowhere_ends_the_scan():
    assert list(textscan.finditer(re.compile("(?<=b)a"), "aaaa")) == []


def test_per_text_remembers_for_the_text_object_read_last_only():
    calls = []

    @textscan.per_text
    def letters(text, start, end):
        calls.append((text, start, end))
        return list(text[start:end])

    first, second = "abc", "".join(["ab", "c"])   # equal texts, two objects
    assert letters(first) == ["a", "b", "c"] and letters(first, 0, 3) == ["a", "b", "c"]
    letters(first).append("x")                     # the caller's list, not the one remembered
    assert letters(first) == ["a", "b", "c"] and len(calls) == 1
    assert letters(second) == ["a", "b", "c"] and len(calls) == 2   # another object: read again
    assert letters(first, 1, 2) == ["b"] and len(calls) == 3
