"""Small Chinese numerals are read as cn2an reads them, on every string of up to three numeral characters."""

from __future__ import annotations

import itertools

import cn2an

from yigai.extract import figures, numerals

ALPHABET = sorted(set(figures.CN_DIGITS) | {"点", "万", "亿", "负", "壹", "拾", "廿"})


def by_cn2an(text: str) -> float | None:
    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def test_every_answer_is_cn2an_s_answer():
    answered = 0
    for length in (1, 2, 3):
        for chars in itertools.product(ALPHABET, repeat=length):
            text = "".join(chars)
            value = numerals.read_small(text)
            if value is not None:
                assert value == by_cn2an(text), text
                answered += 1
    assert answered == 12 + 1 + 10 + 10 + 10 * 10  # the four plain forms of 0-99 (两 as a second 2), nothing more


def test_the_plain_forms_are_read_and_others_left_to_cn2an():
    assert [numerals.read_small(t) for t in ("三", "两", "〇", "十", "十五", "两十", "九十九")] == [
        3.0, 2.0, 0.0, 10.0, 15.0, 20.0, 99.0]
    assert [numerals.read_small(t) for t in ("十零", "零十", "一百", "百", "三点五", "二十二万", "")] == [None] * 7
    assert figures.parse_number("十五") == 15.0 and figures.parse_number("二十二万") == 220000.0
