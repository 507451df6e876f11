"""Extract a plan's facts from its normalised text: titles, document number, dates, issuers, jurisdiction, citations."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from yigai import divisions

CJK = r"\u3400-\u9fff"
DOC_NUMBER = re.compile(rf"[{CJK}A-Za-z]{{1,12}}〔(?:19|20)\d{{2}}〕\d{{1,4}}号")
DATE_CJK = re.compile(r"((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日")
DATE_ISO = re.compile(r"((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})")
# Metadata labels of government information-disclosure pages, after letter-spacing was removed.
META_LABELS = {
    "doc_number": ("发文字号", "文号"),
    "issue_date": ("成文日期",),
    "publish_date": ("发布日期", "生成日期", "公开日期"),
    "notice_title": ("标题", "信息名称", "名称"),
}
NOTICE_ENDINGS = ("的通知", "的意见", "的批复", "的决定")
PLAN_ENDINGS = ("方案", "任务", "计划", "意见", "办法", "要点", "规划", "措施", "细则", "清单", "分解表", "分工表")
TITLE_PUNCTUATION = re.compile(r"[，。：:；;,！？]")
BODY_ENDINGS = ("人民政府", "办公厅", "办公室", "委员会", "管委会", "局", "厅", "委", "办")
SIGNATURE_DATE = re.compile(r"(?:19|20)\d{2}年\d{1,2}月\d{1,2}日|(?:19|20)\d{5,7}")
CITATION = re.compile(
    r"《(?P<title>[^《》]{4,120})》\s*[（(]?(?P<number>[^（）()《》]{0,20}?〔\d{4}〕\d{1,4}号)?[）)]?")
CITATION_CUE = re.compile(r"根据|贯彻|落实|按照|依据|遵照|精神|要求")
NEXT_LABEL = re.compile(rf"\s{{2,}}|\s+[{CJK}]{{2,6}}\s*[:：]")
TRANSMITTING = re.compile(r"印发|转发|批转|下发")
OUTLINE_TOP = re.compile(r"^[一二三四五六七八九十]{1,3}、", re.M)


@dataclass
class Span:
    """A piece of the published text."""

    text: str
    start: int
    end: int


@dataclass
class PlanFacts:
    """What the notice and heading of a plan say about it.

    Attributes:
        title: the plan's own title (span of its heading, or of its mention in the notice title).
        notice_title: the issuing notice's title.
        doc_number: the notice's document number.
        issue_date: date the notice was signed.
        publish_date: date the page was published.
        issuers: mentions of the signing bodies, in order.
        jurisdiction: the division the plan governs.
        citations: (document number or None, title span) of the upper-level documents the plan implements.
        body_start: offset where the plan's own text (its heading) starts; tasks are read from here on.
        notes: what could not be read, for the corrections report.
    """

    title: Span | None = None
    notice_title: Span | None = None
    doc_number: str | None = None
    issue_date: str | None = None
    publish_date: str | None = None
    issuers: list[Span] = field(default_factory=list)
    jurisdiction: divisions.Division | None = None
    citations: list[tuple[str | None, Span]] = field(default_factory=list)
    body_start: int = 0
    notes: list[str] = field(default_factory=list)


def _lines(text: str) -> list[Span]:
    spans, offset = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        lead = len(line) - len(line.lstrip())
        spans.append(Span(stripped, offset + lead, offset + lead + len(stripped)))
        offset += len(line) + 1
    return spans


def iso_date(text: str) -> str | None:
    """Return the ISO form of the first complete, valid date in `text` (2017年3月29日 or 2017-03-29)."""
    for pattern in (DATE_CJK, DATE_ISO):
        for match in pattern.finditer(text):
            try:
                return dt.date(*(int(g) for g in match.groups())).isoformat()
            except ValueError:
                continue
    return None


@lru_cache(maxsize=64)
def _label_pattern(label: str) -> tuple[re.Pattern, bool]:
    """A metadata label followed by its colon, and whether the label is a plain word (no regex syntax)."""
    return re.compile(rf"(?:^|[\s•·|]){label}\s*[:：]\s*"), re.escape(label) == label


def _meta_value(lines: list[Span], labels: tuple[str, ...], text: str) -> Span | None:
    """Find the value after a metadata label ("发文字号: 三府办〔2024〕5号") on any line.

    `text` is the text the lines were read from: a plain word it lacks is on none of its lines, so its label is not
    looked for line by line.
    """
    wanted = [(label, *_label_pattern(label)) for label in labels]
    wanted = [(label, pattern, literal) for label, pattern, literal in wanted if not literal or label in text]
    if not wanted:
        return None
    for line in lines:
        for label, pattern, literal in wanted:
            if literal and label not in line.text:  # a plain word: no match on a line without it
                continue
            for match in pattern.finditer(line.text):
                rest = line.text[match.end():]
                # The value ends where the next label starts ("… 发布机构: …") or at the line's end.
                value = NEXT_LABEL.split(rest)[0].strip()
                if value:
                    start = line.start + match.end() + rest.index(value)
                    return Span(value, start, start + len(value))
    return None


def _title_line(lines: list[Span], endings: tuple[str, ...]) -> Span | None:
    """The first line ending like a title (joined with the title fragments directly above it)."""
    for i, line in enumerate(lines):
        if line.text.endswith(endings) and not TITLE_PUNCTUATION.search(line.text) and len(line.text) <= 120 \
                and not _is_meta(line.text):
            first = i
            while first > 0 and lines[first - 1].text and not TITLE_PUNCTUATION.search(lines[first - 1].text) \
                    and len(lines[first - 1].text) < 40 and not _is_meta(lines[first - 1].text):
                first -= 1
            joined = "".join(s.text for s in lines[first:i + 1])
            return Span(joined, lines[first].start, line.end)
    return None


def _is_meta(line: str) -> bool:
    return bool(re.search(r"[:：]", line))


def _plan_title_from_notice(notice: str) -> str | None:
    match = re.search(r"印发(?:《(?P<q>[^》]+)》|(?P<p>.+?))的?通知$", notice)
    if match:
        return match.group("q") or match.group("p")
    return None


def _squash(text: str) -> str:
    return re.sub(r"[\s的《》]", "", text)


def _heading(lines: list[Span], wanted: str, after: int) -> Span | None:
    """Find one to three consecutive non-empty lines after `after` that together read as `wanted`."""
    target = _squash(wanted)
    for i, line in enumerate(lines):
        if line.start < after or not line.text:
            continue
        joined, j, parts = "", i, []
        while j < len(lines) and len(parts) < 3:
            if lines[j].text:
                parts.append(lines[j])
                joined += lines[j].text
                if _squash(joined) == target:
                    return Span("".join(p.text for p in parts), parts[0].start, parts[-1].end)
                if not target.startswith(_squash(joined)):
                    break
            j += 1
    return None


def is_signature_date(line: str) -> bool:
    """True when a line is a signature date standing alone (2019年5月20日, or one that lost 年/月/日: 2023127)."""
    return bool(SIGNATURE_DATE.fullmatch(line))


def is_signer(line: str) -> bool:
    """True when a line reads as the name of a signing body (short, no punctuation, ends like a body's name)."""
    return line.endswith(BODY_ENDINGS) and not TITLE_PUNCTUATION.search(line) and len(line) <= 30


def _signature(lines: list[Span], start: int, end: int) -> tuple[list[Span], Span | None]:
    """The signing bodies and the date line of the last signature block between offsets start and end.

    A signature block is a date standing on a line of its own, with the run of body names directly above it.
    """
    date_line = None
    for line in lines:
        if start <= line.start < end and is_signature_date(line.text):
            date_line = line
    if date_line is None:
        return [], None
    issuers: list[Span] = []
    above = [line for line in lines if start <= line.start < date_line.start and line.text]
    for line in reversed(above):
        if not is_signer(line.text):
            break
        issuers.insert(0, line)
    return issuers, date_line


def _citations(text: str, start: int, end: int, exclude: str | None) -> list[tuple[str | None, Span]]:
    found: list[tuple[str | None, Span]] = []
    region = text[start:end]
    for paragraph in re.finditer(r"[^\n]+", region):
        if not CITATION_CUE.search(paragraph.group()):
            continue
        for match in CITATION.finditer(paragraph.group()):
            title = match.group("title")
            if exclude and _squash(title) == _squash(exclude):
                continue
            offset = start + paragraph.start() + match.start("title")
            found.append((match.group("number"), Span(title, offset, offset + len(title))))
    return found


def run(text: str) -> PlanFacts:
    """Read the facts about a plan from its normalised text.

    Args:
        text: the published normalised text of one document.

    Returns:
        PlanFacts; fields the page does not state are None and explained in `notes`.
    """
    facts = PlanFacts()
    lines = _lines(text)
    meta_title = _meta_value(lines, META_LABELS["notice_title"], text)
    notice = _title_line(lines, NOTICE_ENDINGS)
    facts.notice_title = notice or meta_title
    if facts.notice_title is not None and not TRANSMITTING.search(facts.notice_title.text):
        # Not a notice that issues another document: the page is the plan itself, and its title is the plan's.
        notice, facts.notice_title = None, None
    if facts.notice_title is None:
        own = _title_line(lines, NOTICE_ENDINGS + PLAN_ENDINGS)
        if own is not None:
            facts.title, facts.body_start = own, own.start
            facts.notes.append("the page carries no notice issuing the plan; the plan's own title heads the page")
    notice_end = notice.end if notice else 0

    wanted = _plan_title_from_notice(facts.notice_title.text) if facts.notice_title else None
    heading = _heading(lines, wanted, notice_end) if wanted else None
    if heading is None and wanted and facts.notice_title:
        offset = text.find(wanted, facts.notice_title.start)
        heading = Span(wanted, offset, offset + len(wanted)) if offset >= 0 else None
        facts.notes.append("no separate heading of the plan was found; its title is taken from the notice title")
    if facts.notice_title is not None:
        facts.title = heading
        facts.body_start = heading.start if heading and heading.start > notice_end else notice_end

    number = _meta_value(lines, META_LABELS["doc_number"], text)
    if number and DOC_NUMBER.fullmatch(number.text):
        facts.doc_number = number.text
    else:
        # A document number standing on a line of its own before the outline is the page's own number (the numbers
        # of cited documents stand inside sentences).
        outline = OUTLINE_TOP.search(text, facts.body_start)
        limit = outline.start() if outline else len(text)
        for line in lines:
            if line.start >= limit:
                break
            if DOC_NUMBER.fullmatch(line.text):
                facts.doc_number = line.text
                break
    if facts.doc_number is None:
        facts.notes.append("the page shows no document number")

    issuers, date_line = _signature(lines, notice_end, facts.body_start)
    if date_line is None:
        # No signature between the notice and the plan: a document signed at its end.
        issuers, date_line = _signature(lines, facts.body_start, len(text))
    facts.issuers = issuers
    if date_line is not None:
        facts.issue_date = iso_date(date_line.text)
        if facts.issue_date is None:
            facts.notes.append(f"the signature date {date_line.text!r} cannot be read unambiguously")
    if facts.issue_date is None:
        meta = _meta_value(lines, META_LABELS["issue_date"], text)
        facts.issue_date = iso_date(meta.text) if meta else None
    meta = _meta_value(lines, META_LABELS["publish_date"], text)
    facts.publish_date = iso_date(meta.text) if meta else None

    candidates = [s.text for s in issuers]
    if facts.notice_title:
        candidates.append(facts.notice_title.text)
    if facts.title:
        candidates.append(facts.title.text)
    for candidate in candidates:
        division = divisions.jurisdiction_from(candidate)
        if division and (facts.jurisdiction is None or division.code.startswith(facts.jurisdiction.code.rstrip("0"))
                         and division.code != facts.jurisdiction.code):
            facts.jurisdiction = division
    headline = facts.notice_title or facts.title
    if not issuers and headline:
        issuer = re.match(rf"([{CJK}]+?(?:{'|'.join(BODY_ENDINGS)}))关于", headline.text)
        if issuer:
            start = headline.start + issuer.start(1)
            facts.issuers = [Span(issuer.group(1), start, start + len(issuer.group(1)))]

    outline = OUTLINE_TOP.search(text, facts.body_start)
    preamble_end = outline.start() if outline else len(text)
    facts.citations = _citations(text, notice_end or 0, preamble_end, wanted)
    return facts
