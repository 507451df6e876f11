"""Layout: line endings, invisible characters, white space, letter-spaced words and titles broken over lines."""

from __future__ import annotations

import re

from yigai import textscan
from yigai.changes import Change
from yigai.normalise.edits import Edit, PassResult
from yigai.normalise.text import (BODY_NAME, CJK, CJK_CLASS, SENTENCE_PUNCTUATION, SPACES, among_ascii, lines,
                                  unprintable_lines)

_LINE_BREAK_CHARACTERS = r"\r\u2028\u2029\x85"
_LINE_BREAK = re.compile(rf"\r\n?|[{_LINE_BREAK_CHARACTERS}]")
_INVISIBLE_CHARACTERS = r"\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARACTERS}]+")
_TO_CLEAN = re.compile(f"[{_LINE_BREAK_CHARACTERS}{_INVISIBLE_CHARACTERS}]")
"""A character that starts a match of _LINE_BREAK or _INVISIBLE; none is printable (str.isprintable)."""
_INNER_SPACE = re.compile(f"[{SPACES}]{{2,}}|[{SPACES.replace(' ', '')}]")
_SPACED_LINE = re.compile(f"[{CJK_CLASS}](?: [{CJK_CLASS}]){{2,}}")
_SPACED_LABEL = re.compile(f"(?:(?<= )|^)[{CJK_CLASS}](?: [{CJK_CLASS}])+(?= ?[:：])")
TITLE_ENDINGS = ("方案", "任务", "通知", "意见", "办法", "分解表", "规划", "计划", "细则", "要点", "决定", "规定",
                 "纲要", "清单", "报告", "指南", "指引", "通告", "公告", "批复", "措施", "条例", "的函")
"""Words that end the title of an official document or of one of its annexes."""
MAX_TITLE_PART = 40
_ENUMERATION = re.compile(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、．]|第[一二三四五六七八九十\d]+)")
_ANNEX_LABEL = re.compile(r"^附件\s*\d*\s*[:：]\s*")


def _may_need_cleaning(text: str) -> bool:
    """Whether a line break other than '\\n' or an invisible character may stand in the text.

    None of them is printable, so only the lines (split at '\\n') that are not printable, which str.isprintable
    tells in C, are searched for one: a text whose lines hold none has no match of _LINE_BREAK or _INVISIBLE.
    """
    return any(_TO_CLEAN.search(line) for line in unprintable_lines(text))


def _clean(text: str, result: PassResult) -> None:
    """Add the edits that write line breaks as '\\n' and remove invisible characters."""
    for match in textscan.finditer(_LINE_BREAK, text):
        result.edits.append(Edit(match.start(), match.end(), "\n"))
    for match in textscan.finditer(_INVISIBLE, text):
        codes = " ".join(f"U+{ord(ch):04X}" for ch in match.group())
        result.add(Edit(match.start(), match.end(), ""), Change(
            "normalise", "invisible", "removed", codes, "", "control or zero-width characters that print nothing"))


def cleanup(text: str) -> PassResult:
    """Write line breaks as '\\n'; remove control, zero-width and direction characters, and U+FFFD outside Chinese."""
    result = PassResult()
    if _may_need_cleaning(text):
        _clean(text, result)
    i = text.find("\ufffd")
    while i >= 0:
        if among_ascii(text, i):  # in Chinese text it marks byte damage (see garble)
            result.add(Edit(i, i + 1, ""), Change(
                "normalise", "invisible", "removed", "U+FFFD", "",
                "replacement character of an undecodable byte, outside Chinese text where nothing is lost"))
        i = text.find("\ufffd", i + 1)
    result.edits.sort(key=lambda e: e.start)
    return result


def whitespace(text: str) -> PassResult:
    """Strip every line, write each run of inner white space as one space, and keep at most one blank line.

    White space carries no content, so these edits are not reported.

    The runs of inner white space are found in one scan of the whole text and kept where they lie inside a line's
    content: a run is made of SPACES, which are all white space (str.isspace), and a line's content starts and ends
    with a character that is not, so no run crosses the edge of a content, and each run inside one is found as a scan
    of that content alone finds it.
    """
    result = PassResult()
    runs = [match.span() for match in textscan.finditer(_INNER_SPACE, text) if match.group() != " "]
    run_count = len(runs)
    k = 0  # the next run not yet placed
    previous_end = 0
    first = True
    for _, end, piece in lines(text):
        left = piece.lstrip()
        if not left:  # a blank line (Line.stripped empty)
            continue
        # Line.content_start and content_end, from one lstrip: what rstrip takes from the line it takes from `left`
        content_start, content_end = end - len(left), end - (len(left) - len(left.rstrip()))
        gap = text[previous_end:content_start]
        wanted = "" if first else ("\n" if gap.count("\n") == 1 else "\n\n")
        first = False
        if gap != wanted:
            result.edits.append(Edit(previous_end, content_start, wanted))
        while k < run_count and runs[k][0] < content_start:
            k += 1  # in the white space around a content, or in a blank line
        while k < run_count and runs[k][1] <= content_end:
            result.edits.append(Edit(*runs[k], " "))
            k += 1
        previous_end = content_end
    if previous_end < len(text):
        result.edits.append(Edit(previous_end, len(text), ""))
    return result


def letter_spacing(text: str) -> PassResult:
    """Close up words printed with a space between characters ("实 施 方 案", "索 引 号:")."""
    result = PassResult()
    space = text.find(" ")
    while space >= 0:  # the lines that hold a space, in order: both patterns need one between characters
        line_start = text.rfind("\n", 0, space) + 1
        line_end = text.find("\n", space)
        line_end = len(text) if line_end < 0 else line_end
        line = text[line_start:line_end]
        whole = _SPACED_LINE.fullmatch(line)
        matches = [whole] if whole else list(_SPACED_LABEL.finditer(line))
        for match in matches:
            start = line_start + match.start()
            closed = match.group().replace(" ", "")
            result.add(Edit(start, line_start + match.end(), closed), Change(
                "normalise", "layout", "repaired", match.group(), closed,
                "letter-spaced characters closed up into one word"))
        space = text.find(" ", line_end)
    return result


def _title_part(line: str) -> str:
    return _ANNEX_LABEL.sub("", line, count=1)


def _can_join(first: str, second: str) -> bool:
    """Whether two short lines are one title broken in two: the first a fragment, the second a title's end.

    The test of the second line's ending, needed for a join, comes first: it is the cheapest and turns away most
    pairs (no test before it has an effect or can fail, so the answer is the same).
    """
    if not second.endswith(TITLE_ENDINGS):
        return False
    head = _title_part(first)
    if len(first) > MAX_TITLE_PART or len(second) > MAX_TITLE_PART or len(CJK.findall(head)) < 4:
        return False
    if any(ch in SENTENCE_PUNCTUATION + "()（）[]【】" for ch in head) or any(ch in SENTENCE_PUNCTUATION for ch in second):
        return False
    if head.endswith(TITLE_ENDINGS) or BODY_NAME.match(head) or _ENUMERATION.match(head) or _ENUMERATION.match(second):
        return False
    if not (CJK.match(head[-1]) or head[-1] in "》”") or not (CJK.match(second[0]) or second[0] in "《“"):
        return False
    return not second.startswith("关于")


def titles(text: str) -> PassResult:
    """Join a title broken over lines ("…先行先试" / "实施方案") into one line.

    A line that results from a join may join the line before it in turn, so the result does not change when the
    pass runs again.
    """
    result = PassResult()
    merged: list[tuple[int, int, str]] = [line for line in lines(text) if line.text.strip()]  # (start, end, text)
    k = 0
    while k + 1 < len(merged):
        second = merged[k + 1][2]
        if not second.endswith(TITLE_ENDINGS):  # _can_join's first test, without a call for most pairs
            k += 1
            continue
        (start, end, first), (next_start, next_end, second) = merged[k], merged[k + 1]
        if not _can_join(first, second) or text[end:next_start].strip():
            k += 1
            continue
        result.add(Edit(end, next_start, ""), Change(
            "normalise", "layout", "repaired", text[start:next_end], first + second,
            "title broken over lines joined into one line"), start, next_end)
        merged[k:k + 2] = [(start, next_end, first + second)]
        k = max(k - 1, 0)
    result.edits.sort(key=lambda e: e.start)
    return result
