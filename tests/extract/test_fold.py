"""figures.fold maps full-width characters one for one, exactly as its translation table says."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from yigai.extract import figures

CHARACTERS = list(figures._FULL + figures._HALF + "二〇二五年零一两三四五六七八九十汉字")


@given(st.text(alphabet=st.sampled_from(CHARACTERS), max_size=40))
def test_fold_is_the_translation_table_then_chinese_years(text):
    translated = text.translate(figures.FOLD)
    expected = figures._CN_YEAR.sub(lambda m: m.group().translate(figures._CN_YEAR_DIGITS), translated)
    folded = figures.fold(text)
    assert folded == expected and len(folded) == len(text)


def test_fold_of_a_year_in_chinese_numerals():
    assert figures.fold("到二〇二五年底，达到８０％（全市）") == "到2025年底,达到80%(全市)"
