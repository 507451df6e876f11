"""The shortcuts the normalisation passes take give what the plain computation gives, on any text.

Each test states the plain computation (what the pass did before it took the shortcut) and checks the pass against
it on generated text: annotations, traditional characters, widgets, filler, spam and damage, in any mix.
"""

from __future__ import annotations

import operator
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from yigai.changes import Change
from yigai.normalise import chrome, dates, garble, gbk, layout, script, spam, widths
from yigai.normalise.edits import Edit, Note, OffsetMap, PassResult, apply_edits, carry
from yigai.normalise.text import lines

PIECES = ["關", "於", "廣東", "醫療", "衛生", "体系", "的", "乾隆", "著作", "(guān)", "（lǜ）", "(a)", "(DRGs)", "(",
          ")", " ", "　", "\t", "\n", "打印", "关闭", "本页", "返回顶部", "默认", "大", "中", "小", "【", "】", "|",
          "字号", "相关链接", "分享到", ":", "：", "首页", " > ", "当前位置：", "浏览次数：12次", "。", "金牌娱乐",
          "足球彩票", "资金", "?", "\ufffd", "\ue2ae", "偨Y", "x", "1"]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def _plain_line_edits(line_start, line, spans, converted):
    """script._line_edits as written before: one character at a time."""
    kept, cursor = [], 0
    for s, e in [*spans, (len(line), len(line))]:
        kept.append((cursor, s))
        cursor = e
    stripped = "".join(line[s:e] for s, e in kept)
    removals = [Edit(line_start + s, line_start + e, "") for s, e in spans]
    if converted == stripped:
        return removals, None
    index = [i for s, e in kept for i in range(s, e)]
    if len(converted) != len(stripped):
        edit = Edit(line_start, line_start + len(line), converted)
        return [edit], (edit.start, edit.end, stripped, converted)
    edits = []
    changed = [i for i, (a, b) in enumerate(zip(stripped, converted)) if a != b]
    for i in changed:
        pos = line_start + index[i]
        if edits and edits[-1].end == pos:
            last = edits.pop()
            edits.append(Edit(last.start, pos + 1, last.replacement + converted[i]))
        else:
            edits.append(Edit(pos, pos + 1, converted[i]))
    first, last = changed[0], changed[-1] + 1
    stretch = (line_start + index[first], line_start + index[last - 1] + 1, stripped[first:last], converted[first:last])
    return sorted(removals + edits, key=lambda e: e.start), stretch


@settings(max_examples=300, deadline=None)
@given(texts, st.integers(0, 50))
def test_line_edits_are_those_made_one_character_at_a_time(text, line_start):
    line = text.replace("\n", "")
    spans = script.pinyin_spans(line)
    converted = script.to_simplified(script.strip_pinyin(line))
    assert script._line_edits(line_start, line, spans, converted) == _plain_line_edits(line_start, line, spans,
                                                                                       converted)


@settings(max_examples=200, deadline=None)
@given(texts, st.booleans())
def test_the_script_pass_is_the_same_with_or_without_the_views_of_the_chrome_pass(text, viewed):
    """The pass reads each line's conversion from the views the chrome pass worked out, or converts it itself."""
    script.forget_views()
    alone = script.run(text)
    if viewed:
        script.view_lines([line.strip() for line in text.split("\n") if line.strip()] + text.split("\n"))
    assert script.run(text) == alone
    script.forget_views()


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, min_size=1, max_size=6))
def test_lines_stripped_together_are_stripped_as_each_alone(lines):
    lines = [line.replace("\n", "") for line in lines]
    assert script.strip_pinyin("\n".join(lines)).split("\n") == [script.strip_pinyin(line) for line in lines]


def _plain_is_widget_line(plain):
    """chrome._is_widget_line without its quick test of the first and last characters."""
    if not chrome._ANY_WIDGET.search(plain):
        return False
    rest = plain
    found = False
    for widget in chrome._WIDGETS:
        if widget in rest:
            found = True
            rest = rest.replace(widget, " ")
    return found and not chrome._WIDGET_FILLER.sub("", rest)


@settings(max_examples=500, deadline=None)
@given(texts)
def test_the_quick_widget_test_turns_away_no_widget_line(text):
    assert chrome._is_widget_line(text) == _plain_is_widget_line(text)
    assert chrome._is_widget_line(text.strip()) == _plain_is_widget_line(text.strip())


def test_the_filler_characters_are_those_of_the_filler_pattern():
    found = {chr(c) for c in range(0x10000) if chrome._WIDGET_FILLER.fullmatch(chr(c)) and not chr(c).isspace()}
    assert found == set(chrome._FILLER_CHARACTERS)
    assert all(chrome._WIDGET_FILLER.fullmatch(chr(c)) for c in range(0x3001) if chr(c).isspace())


@settings(max_examples=200, deadline=None)
@given(texts)
def test_spam_tokens_are_found_whether_or_not_the_line_pass_ran_first(text):
    spam._token_free.clear()
    alone = spam.run_tokens(text)
    script.forget_views()
    spam.run_lines(text)
    assert spam.run_tokens(text) == alone
    script.forget_views()


def _plain_rank(text, slot, before, after):
    """garble's ranking as written before: from counts of every character and every pair of the document."""
    plain = script.strip_pinyin(text)
    chars, pairs = Counter(plain), Counter(map(operator.add, plain, plain[1:]))

    def order(ch):
        return (-(pairs.get(before + ch, 0) + pairs.get(ch + after, 0)), -int(gbk.is_common(ch)), -chars.get(ch, 0), ch)
    return sorted(slot, key=order)


@settings(max_examples=200, deadline=None)
@given(texts, st.lists(st.sampled_from("的关於體系资金中小大?一二"), max_size=6), st.sampled_from(["", "的", "体", "?"]),
       st.sampled_from(["", "系", "金", "?"]))
def test_candidates_are_ranked_as_by_counting_every_pair(text, slot, before, after):
    slot = tuple(slot)
    assert garble._Usage(text).rank(slot, before, after) == _plain_rank(text, slot, before, after)


@st.composite
def _edits_and_notes(draw):
    size = draw(st.integers(0, 30))
    cuts = sorted(draw(st.lists(st.integers(0, size), max_size=8)))
    edits = [Edit(a, b, draw(st.text(alphabet="XY", max_size=3))) for a, b in zip(cuts[::2], cuts[1::2])]
    notes = [Note(Change("normalise", "k", "s", "", "", ""), *draw(st.tuples(st.integers(0, size), st.integers(0, size))))
             for _ in range(draw(st.integers(0, 6)))]
    return "a" * size, edits, notes


@given(_edits_and_notes())
def test_a_span_is_placed_as_its_start_and_end_are(case):
    text, edits, notes = case
    _, mapping = apply_edits(text, edits)
    for note in notes:
        start = mapping.start(note.start)
        expected = (start, start) if note.end <= note.start else (start, max(start, mapping.end(note.end)))
        assert mapping.span(note.start, note.end) == expected


@given(_edits_and_notes())
def test_carried_notes_are_placed_by_the_map(case):
    text, edits, notes = case
    mapping = OffsetMap(edits)
    carried = carry(notes, mapping)
    assert [(n.change, n.start, n.end) for n in carried] == \
        [(n.change, *mapping.span(n.start, n.end)) for n in notes]


DATE_PIECES = ["2017", "2020", "1999", "19", "20", "1", "12", "0", "7", "٣", "３", "月", "日", "号", "年", "〔", "〕", "[",
               "]", "（", "）", "(", ")", "【", "】", "［", "］", " ", "　", "\n", "粤", "府", "办", "a"]
date_texts = st.lists(st.sampled_from(DATE_PIECES), max_size=40).map("".join)


@settings(max_examples=500, deadline=None)
@given(date_texts)
def test_date_patterns_found_from_their_bodies_are_those_of_a_plain_scan(text):
    for pattern in dates._WITHOUT_LOOK_BEHIND:
        assert [m.span() for m in dates._finditer(pattern, text)] == [m.span() for m in pattern.finditer(text)]


@settings(max_examples=500, deadline=None)
@given(date_texts)
def test_a_line_with_a_date_to_repair_is_found_by_the_hints(text):
    """dates skips its line loop when neither hint finds anything in the text: then no line may need it."""
    if dates._LOST_DAY_HINT.search(text) or dates._BARE_DATE_HINT.search(text):
        return
    for line in text.split("\n"):
        assert not dates._LOST_DAY.search(line) and not dates._BARE_DATE_LINE.fullmatch(line.strip())


def _plain_letter_spacing(text):
    """layout.letter_spacing as written before: every line read."""
    result = PassResult()
    for line in lines(text):
        if " " not in line.text:
            continue
        whole = layout._SPACED_LINE.fullmatch(line.text)
        for match in [whole] if whole else list(layout._SPACED_LABEL.finditer(line.text)):
            closed = match.group().replace(" ", "")
            result.add(Edit(line.start + match.start(), line.start + match.end(), closed), Change(
                "normalise", "layout", "repaired", match.group(), closed,
                "letter-spaced characters closed up into one word"))
    return result


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["实", "施", "方", "案", " ", "  ", "\n", ":", "：", "索", "引", "号", "a", "1", "　"]),
                max_size=40).map("".join))
def test_letter_spacing_reads_the_lines_with_a_space_as_reading_every_line_does(text):
    assert layout.letter_spacing(text) == _plain_letter_spacing(text)


def test_the_characters_cleanup_looks_for_are_those_its_patterns_start_with_and_none_is_printable():
    """cleanup searches only the lines that are not printable, for a character of _TO_CLEAN."""
    to_clean = {chr(c) for c in range(0x110000) if layout._TO_CLEAN.fullmatch(chr(c))}
    starts = {chr(c) for c in range(0x110000)
              if layout._LINE_BREAK.match(chr(c) + "\n") or layout._INVISIBLE.match(chr(c))}
    assert to_clean == starts
    assert not [ch for ch in to_clean if ch.isprintable()]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["医", "疗", "\r", "\r\n", "\n", "\u2028", "\x85", "\x00", "\u200b", "\ufeff", "\u3000",
                                 "\xa0", " ", "a", "\ufffd", "\u202e", "\x1f"]), max_size=30).map("".join))
def test_cleanup_finds_what_a_scan_of_the_whole_text_finds(text):
    whole = PassResult()
    layout._clean(text, whole)
    found = layout.cleanup(text)
    assert [e for e in found.edits if text[e.start:e.end] != "\ufffd"] == sorted(whole.edits, key=lambda e: e.start)


def test_full_width_candidates_lie_in_the_block_the_width_pass_looks_for():
    found = [chr(c) for c in range(0x110000) if widths._CANDIDATES.fullmatch(chr(c))]
    assert found and all("\uff00" <= ch <= "\uffff" for ch in found)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(["医", "\uffff", "\uff10", "％", "\u4eff", "\uff00", "\u00ff", "\ud800", "\udfff",
                                         "\U0001f600", "\U0002ffff", "a", "\n"]), max_size=20))
def test_the_width_pass_finds_a_character_of_the_block_as_a_scan_does(text):
    assert widths._holds_halfwidth_and_fullwidth_forms(text) == any("\uff00" <= ch <= "\uffff" for ch in text)


def test_private_use_codes_are_not_printable():
    """garble looks for a private-use seed only in the lines that are not printable."""
    assert not [c for c in range(0xE000, 0xF900) if chr(c).isprintable()]


SPAM_PIECES = ["金牌娱乐", "金牌", "娱乐平台", "足球彩票", "足彩网", "彩票", "网", "APP", "体彩", "体系", "成人", "视频", "午夜",
               "剧场", "做受", "时时彩", "时", ",", "-", "|", " ", "\u00a0", "\n", "、", "的", "医"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(SPAM_PIECES), max_size=30).map("".join))
def test_spam_tokens_found_where_they_begin_are_those_of_a_plain_scan(text):
    lex = spam.lexicon()
    assert lex.token_at is not None
    assert lex.has_token(text) == (lex.token.search(text) is not None)
    assert [m.span() for m in lex.tokens(text)] == [m.span() for m in lex.token.finditer(text)]
