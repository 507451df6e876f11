"""The quick paths of figure reading give what the slow ones give: fold, and the test for stretches without figures."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from yigai.extract import figures

CHARACTERS = list(figures._FULL + figures._HALF + "二〇二五年零一两三四五六七八九十百千点汉字之分个家名元亿万人次张床位统")


@given(st.text(alphabet=st.sampled_from(CHARACTERS), max_size=40))
def test_fold_is_the_translation_table_then_chinese_years(text):
    translated = text.translate(figures.FOLD)
    expected = figures._CN_YEAR.sub(lambda m: m.group().translate(figures._CN_YEAR_DIGITS), translated)
    folded = figures.fold(text)
    assert folded == expected and len(folded) == len(text)


def test_fold_of_a_year_in_chinese_numerals():
    assert figures.fold("到二〇二五年底，达到８０％（全市）") == "到2025年底,达到80%(全市)"


@settings(max_examples=400)
@given(text=st.text(alphabet=st.sampled_from(CHARACTERS), max_size=40), cut=st.tuples(st.integers(0, 40),
                                                                                       st.integers(0, 40)))
def test_a_stretch_said_to_hold_no_figure_holds_none(text, cut):
    folded, start, end = figures.fold(text), min(cut), max(cut)
    if figures.find_figures(folded, start, end):
        assert figures.may_hold_figures(folded, start, end)


def test_no_figure_is_missed_in_the_published_texts():
    for path in sorted((Path(__file__).parents[2] / "datapackage" / "texts").glob("*.txt")):
        folded = figures.fold(path.read_text(encoding="utf-8"))
        for line_start, line in _lines(folded):
            for cut in range(0, len(line), 7):
                if figures.find_figures(folded, line_start + cut, line_start + len(line)):
                    assert figures.may_hold_figures(folded, line_start + cut, line_start + len(line))


def _lines(text: str):
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1
