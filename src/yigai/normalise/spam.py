"""Spam injected by the hosting site: gambling and porn site names, title lists and place-name lists."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


from yigai import textscan, yamlio
from yigai.changes import Change
from yigai.normalise.edits import Edit, PassResult
from yigai.normalise.script import plain_view
from yigai.normalise.text import BODY_NAME, CJK_CLASS, Line, lines, neighbours, whole_line

ABOUT = "关于"
# How far around a spam token the checks for a lost 关于 or a metadata label look (labels and verbs are short).
WINDOW = 200
_LIST_SEPARATOR = re.compile(r"\s*[|｜]\s*")
_PLACE_NAME = re.compile(f"[{CJK_CLASS}]{{2,8}}")
_WORD_CHARACTER = re.compile(f"[{CJK_CLASS}A-Za-z0-9]")
_DATE_LINE = re.compile(r"^\d{4}\s*(?:年\s*)?\d{1,2}\s*(?:月\s*)?\d{0,2}\s*日?$")


@dataclass(frozen=True)
class Lexicon:
    """The reviewed spam lexicon (src/yigai/data/spam.yml).

    Attributes:
        token: matches one injected token: spam terms joined by separators.
        keywords: words that mark a '|'-separated list item as spam.
        about_verbs: verbs that follow 关于; spam right before one of them took the place of 关于.
        place_suffixes: endings of county and city names.
        issuer_labels: metadata labels whose value names the issuing body.
        terms: the exact spam strings.
        token_at: matches one character where a token begins (see _token_at), None when that cannot be built.
    """

    token: re.Pattern
    keywords: tuple[str, ...]
    about_verbs: tuple[str, ...]
    place_suffixes: tuple[str, ...]
    issuer_labels: tuple[str, ...]
    terms: tuple[str, ...]
    token_at: re.Pattern | None = None

    def has_token(self, text: str) -> bool:
        """Whether the text holds a token (textscan.search of `token` finds one)."""
        if self.token_at is None:
            return textscan.search(self.token, text) is not None
        return self.token_at.search(text) is not None

    def tokens(self, text: str) -> Iterator[re.Match]:
        """Exactly the matches of `token.finditer(text)`, tried only where `token_at` finds a token begins."""
        if self.token_at is None:
            yield from textscan.finditer(self.token, text)
            return
        free = 0  # matches do not overlap: where the next one may begin
        for candidate in self.token_at.finditer(text):
            position = candidate.start()
            match = self.token.match(text, position) if position >= free else None
            if match:
                yield match
                free = max(match.end(), position + 1)


def _token_at(token: re.Pattern) -> re.Pattern | None:
    """A pattern that matches the one character at which `token` matches, found by Python's engine in C.

    It opens with the class of the characters a token can begin with (textscan.first_characters), which the engine
    scans for in C, then looks back at that character to try the token there (a look-ahead inside a look-behind of
    width one): it matches at a position exactly when the token matches there. textscan.search tries the token at the
    same positions, from a loop in Python. None when the first characters cannot be told.
    """
    first = textscan.first_characters(token)
    if first is None:
        return None
    try:
        return re.compile(rf"{first.pattern}(?<=(?={token.pattern})[\s\S])", token.flags)
    except re.error:  # a token pattern the look-behind cannot hold
        return None


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load the spam lexicon shipped with the package."""
    data = yamlio.safe_load(resources.files("yigai").joinpath("data", "spam.yml").read_text(encoding="utf-8"))
    terms = sorted(data["terms"], key=len, reverse=True)
    term = "|".join([re.escape(t) for t in terms] + [f"(?:{p})" for p in data.get("patterns", [])])
    separators = re.escape(data["separators"])
    token = re.compile(f"(?:{term})(?:[{separators}]*(?:{term}))*")
    return Lexicon(token=token, keywords=tuple(data["keywords"]), about_verbs=tuple(data["about_verbs"]),
                   place_suffixes=tuple(data["place_suffixes"]), issuer_labels=tuple(data["issuer_labels"]),
                   terms=tuple(terms), token_at=_token_at(token))


def _is_spam_item(item: str, lex: Lexicon) -> bool:
    return lex.has_token(item) or any(k in item for k in lex.keywords)


def _is_place(item: str, lex: Lexicon) -> bool:
    return bool(_PLACE_NAME.fullmatch(item)) and item.endswith(lex.place_suffixes)


def classify(plain: str) -> str | None:
    """Why a whole line (in simplified characters) is spam, or None when it is not.

    Spam lines are '|'-separated lists of three or more items, half of which carry spam keywords; '|'-separated
    lists of five or more county and city names; and lines made of spam tokens alone.
    """
    return _classify(plain, set())


def _classify(plain: str, token_free: set[str]) -> str | None:
    """classify, adding to `token_free` the stripped line when it was searched for a spam token and holds none."""
    lex = lexicon()
    text = plain.strip()
    if not text:
        return None
    listed = "|" in text or "｜" in text  # else the text is one item (and the separator is not looked for)
    items = [item for item in _LIST_SEPARATOR.split(text) if item] if listed else [text]
    if len(items) >= 3 and 2 * sum(_is_spam_item(item, lex) for item in items) >= len(items):
        return "list of gambling or porn site titles injected by the hosting site"
    if len(items) >= 5 and 5 * sum(_is_place(item, lex) for item in items) >= 4 * len(items) and \
            all(len(item) <= 8 for item in items):
        return "list of county and city names injected by the hosting site"
    if not lex.has_token(text):
        token_free.add(text)
        return None
    if not _WORD_CHARACTER.search(lex.token.sub("", text)):
        return "name of a gambling site injected by the hosting site"
    return None


_token_free: set[str] = set()
"""Lines of the current document that run_lines found free of spam tokens: run_tokens need not search them again
(whether a text holds a token depends on the text alone)."""


def _in_signature(all_lines: list[Line], index: int) -> bool:
    """Whether a line sits among the signing bodies or the signature date of a notice."""
    near = neighbours(all_lines, index, 1, 2) + neighbours(all_lines, index, -1, 1)
    return any(BODY_NAME.match(line.stripped) or _DATE_LINE.match(line.stripped) for line in near)


def _overwritten(original: str, where: str) -> Change:
    return Change("normalise", "issuer-overwritten", "flagged", original, "",
                  f"spam stood {where}, so the name of a body that issued or signed the document is lost; check "
                  "the original document and add the body with a row correction")


def run_lines(text: str) -> PassResult:
    """Remove spam lines; flag a spam line that stands where a signing body's name belongs."""
    result = PassResult()
    _token_free.clear()  # a new document
    all_lines = lines(text)
    lex = lexicon()
    for index, line in enumerate(all_lines):
        stripped = line.text.strip()
        if not stripped:
            continue
        view = plain_view(stripped)
        plain = view.strip()
        if plain and "|" not in plain and "｜" not in plain and not lex.has_token(plain):
            _token_free.add(plain)  # what _classify does with a text of one item and no token, without the calls
            continue
        reason = _classify(view, _token_free)
        if reason is None:
            continue
        edit = Edit(*whole_line(line, text), "")
        result.add(edit, Change("normalise", "spam", "removed", stripped, "", reason))
        if reason.startswith("name of") and _in_signature(all_lines, index):
            result.add(None, _overwritten(line.stripped, "on a line of its own among the signing bodies"),
                       edit.start, edit.end)
    return result


def _stands_for_about(text: str, start: int, end: int, lex: Lexicon) -> bool:
    """Whether the spam at text[start:end] sits between a body or title start and a verb, where 关于 belongs."""
    after = text[end:end + WINDOW].lstrip(" \u00a0\u3000")
    if not after.startswith(lex.about_verbs):
        return False
    before = text[max(0, start - WINDOW):start].rstrip(" \u00a0\u3000")
    if not before and start > WINDOW:
        return False  # a long run of spaces: not where 关于 belongs
    return not before or before[-1] in "\n《“\"(（【" or bool(re.fullmatch(f"[{CJK_CLASS}]", before[-1]))


def _issuer_value(line: str, start: int, end: int, lex: Lexicon) -> bool:
    """Whether line[start:end] is the whole value of a metadata field naming the issuing body."""
    labels = "|".join(re.escape(label) for label in lex.issuer_labels)
    before = re.search(rf"(?:{labels})\s*[:：]\s*$", line[max(0, start - WINDOW):start])
    after = re.match(rf"\s*(?:$|[{CJK_CLASS}]{{2,6}}\s*[:：])", line[end:])
    return bool(before and after)


def run_tokens(text: str) -> PassResult:
    """Replace spam that took the place of 关于 by 关于, and remove every other spam token."""
    result = PassResult()
    lex = lexicon()
    for line in lines(text):
        if line.text in _token_free:
            continue  # found free of tokens by run_lines
        for match in lex.tokens(line.text):
            start, end = line.start + match.start(), line.start + match.end()
            if _stands_for_about(text, start, end, lex):
                result.add(Edit(start, end, ABOUT), Change(
                    "normalise", "spam", "repaired", match.group(), ABOUT,
                    f"spam injected by the hosting site stands between a body or title start and the verb "
                    f"'{text[end:end + 2]}', where a title or citation reads 关于 (\"…关于印发…的通知\"); the site "
                    "overwrote 关于 with it"))
                continue
            edit = Edit(start, end, "")
            result.add(edit, Change("normalise", "spam", "removed", match.group(), "",
                                    "name of a gambling site injected by the hosting site"))
            if _issuer_value(line.text, match.start(), match.end(), lex):
                result.add(None, _overwritten(match.group(), "as the value of the issuing body's metadata field"),
                           start, end)
    return result
