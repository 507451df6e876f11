"""Site chrome: navigation trails, page widgets, counters and timestamps the hosting site wraps around a document."""

from __future__ import annotations

import re

from yigai.changes import Change
from yigai.normalise.edits import Edit, PassResult
from yigai.normalise.script import plain_view, view_lines
from yigai.normalise.text import lines, whole_line

_TRAIL_LEAD = re.compile(r"^(?:[您你](?:现在|当前)?的|(?:现在|当前)(?:的|所在的?)?|所在)位置\s*[:：]")
_TRAIL_SEPARATOR = re.compile(r"\s*[>＞»›]\s*")
_TRAIL_SEPARATOR_CHAR = re.compile("[>＞»›]")  # a separator of _TRAIL_SEPARATOR without the white space around it
_MAX_SEGMENT = 24
_NOT_IN_SEGMENT = re.compile(r"[\d。；;：:？?！!《》]")  # a digit or sentence punctuation: text, not a trail segment
_WIDGETS = ("关闭本页", "关闭窗口", "关闭此页", "打印本页", "打印此页", "打印文章", "返回顶部", "回到顶部", "返回首页",
            "加入收藏", "收藏本页", "我要纠错", "分享到", "字号", "字体", "扫一扫在手机打开当前页", "扫一扫在手机上查看当前页面",
            "相关稿件", "相关链接", "相关阅读", "相关新闻", "打印", "关闭", "收藏", "分享", "返回")
_WIDGET_FILLER = re.compile(r"[\s【】\[\]|｜:：、,，()（）大中小]|默认")  # what may stand between widgets
_COUNTER = re.compile(r"(?:浏览|访问|点击|阅读)(?:次数|量|数)\s*[:：]\s*\d+\s*次?")
_TIMESTAMP_LINE = re.compile(r"^(?:更新时间|更新日期|最后更新|最近更新)\s*[:：]\s*[\d\-/年月日:：. ]{0,24}$")


def trail_segments(plain: str) -> list[str] | None:
    """The segments of a navigation trail ("首页 > 政务公开 > 政府文件"), or None when the line is not one.

    A trail either opens with "当前位置:" (or a variant) or is two or more short segments separated by '>', none
    of which holds a digit or sentence punctuation.
    """
    lead = _TRAIL_LEAD.match(plain)  # the lead can only stand at the start (the pattern opens with ^)
    body = plain[lead.end():] if lead else plain
    has_lead = body != plain
    if not has_lead and (len(plain) > 160 or not _TRAIL_SEPARATOR_CHAR.search(body)):
        return None  # one segment, or too long: not a trail
    segments = [s for s in _TRAIL_SEPARATOR.split(body.strip())]
    if has_lead:
        return [s for s in segments if s] or [""]
    if len(segments) < 2 or len(plain) > 160:
        return None
    for segment in segments:
        if not 0 < len(segment) <= _MAX_SEGMENT or _NOT_IN_SEGMENT.search(segment):
            return None
    return segments


_ANY_WIDGET = re.compile("|".join(re.escape(widget) for widget in _WIDGETS))
_FILLER_CHARACTERS = "【】[]|｜:：、,，()（）大中小"  # _WIDGET_FILLER's characters, white space aside
_WIDGET_LINE_STARTS = frozenset(widget[0] for widget in _WIDGETS) | frozenset(_FILLER_CHARACTERS + "默")
_WIDGET_LINE_ENDS = frozenset(widget[-1] for widget in _WIDGETS) | frozenset(_FILLER_CHARACTERS + "认")


def _is_widget_line(plain: str) -> bool:
    """Whether a line is made of widgets and the filler between them only.

    Every character of such a line is filler or part of a widget, so its first character starts a widget or
    filler (默 of 默认) and its last ends one: a quick test that turns away lines of text (the widgets are replaced by
    spaces, and no widget holds a space, so the replacements never join characters into a new widget).
    """
    if not plain or not (plain[0] in _WIDGET_LINE_STARTS or plain[0].isspace()) or \
            not (plain[-1] in _WIDGET_LINE_ENDS or plain[-1].isspace()):
        return False
    if not _ANY_WIDGET.search(plain):
        return False
    found = False
    rest = plain
    for widget in _WIDGETS:
        if widget in rest:
            found = True
            rest = rest.replace(widget, " ")
    return found and not _WIDGET_FILLER.sub("", rest)


def classify(plain: str) -> str | None:
    """Why a whole line (in simplified characters, without pinyin) is site chrome, or None when it is not."""
    text = plain.strip()
    return _why(text, trail_segments(text)) if text else None


def _why(text: str, segments: list[str] | None) -> str | None:
    """classify of a stripped text that is not empty, given its trail_segments."""
    if segments is not None:
        return "site navigation trail (breadcrumb), not part of the document"
    if _is_widget_line(text):
        return "page widgets (print, close, share, back to top, related links), not part of the document"
    if _COUNTER.fullmatch(text):
        return "page view counter of the hosting site, not part of the document"
    if _TIMESTAMP_LINE.match(text):
        return "page update time of the hosting site, not part of the document"
    return None


def _repeats_trail(plain: str, views: list[str], index: int, trails: dict[int, list[str] | None]) -> bool:
    """Whether a short line repeats the last segment of a navigation trail on one of the two non-blank lines just
    above it (the site's section name).

    `views` are the plain views of the non-blank lines, `index` that of this line; `trails` remembers the trail
    segments of the views already read.
    """
    for previous in range(index - 1, max(index - 3, -1), -1):
        if previous not in trails:
            trails[previous] = trail_segments(views[previous])
        segments = trails[previous]
        if segments and segments[-1] == plain:
            return True
    return False


def run(text: str) -> PassResult:
    """Remove chrome lines, counters inside lines, and a section name that repeats the trail above it."""
    result = PassResult()
    content = [(line, stripped) for line in lines(text) if (stripped := line.text.strip())]
    view_lines([stripped for _, stripped in content])
    views = [plain_view(stripped) for _, stripped in content]
    trails: dict[int, list[str] | None] = {}
    for index, ((line, stripped), plain) in enumerate(zip(content, views)):
        text_of_view = plain.strip()
        reason = None
        if text_of_view:  # classify(plain), keeping the segments _repeats_trail reads for the lines after it
            segments = trail_segments(text_of_view)
            if text_of_view == plain:
                trails[index] = segments
            reason = _why(text_of_view, segments)
        if reason is None and len(plain) <= _MAX_SEGMENT and _repeats_trail(plain, views, index, trails):
            reason = "name of the site section, repeating the navigation trail, not part of the document"
        if reason:
            edit = Edit(*whole_line(line, text), "")
            result.add(edit, Change("normalise", "chrome", "removed", stripped, "", reason))
            continue
        if ":" not in line.text and "：" not in line.text:
            continue  # a counter holds a colon
        for match in _COUNTER.finditer(line.text):
            edit = Edit(line.start + match.start(), line.start + match.end(), "")
            result.add(edit, Change("normalise", "chrome", "removed", match.group(), "",
                                    "page view counter of the hosting site, not part of the document"))
    return result
