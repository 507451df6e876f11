"""Byte-level damage: runs of characters decoded one GBK byte out of step, found, re-read and repaired or flagged."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass

from yigai.changes import Change
from yigai.normalise import gbk
from yigai.normalise.edits import Edit, PassResult
from yigai.normalise.script import is_pinyin, strip_pinyin, to_simplified
from yigai.normalise.text import among_ascii, is_cjk, unprintable_lines

MAX_RUN = 40
"""Longest stretch (in characters) searched for the ASCII byte that ends a misaligned run."""
MAX_READINGS = 256
"""Most byte readings tried for one run."""

_FRAGMENT = re.compile(r"([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7})\)")
_FULLWIDTH_AS_ASCII = ";,:!"  # full-width punctuation the serving site rewrote as ASCII (two GBK bytes each)
_TRAIL_ASCII = re.compile(r"[@-~]")  # bytes 0x40-0x7E: a GBK trail byte that shows as one ASCII character
_SEED_CANDIDATE = re.compile("[?\ufffd\ue000-\uf8ff]")  # the only characters _is_seed can accept
_PUA = re.compile("[\ue000-\uf8ff]")


def _is_pua(ch: str) -> bool:
    return "\ue000" <= ch <= "\uf8ff"


def _is_seed(text: str, i: int) -> bool:
    """Whether text[i] marks a lost byte: U+FFFD or a '?' in Chinese text, or a user-defined (PUA) code."""
    ch = text[i]
    if ch == "\ufffd":
        return not among_ascii(text, i)
    if _is_pua(ch):
        return True
    if ch != "?":
        return False
    before = text[i - 1] if i else "\n"
    after = text[i + 1] if i + 1 < len(text) else "\n"
    before_ok = not (before.isascii() and before.isalnum())
    after_ok = not after.isascii() or after in "?" + _FULLWIDTH_AS_ASCII or bool(_TRAIL_ASCII.match(after))
    after_ok = after_ok and not after.isspace() and not (before == "\n" and after.isascii())
    return before_ok and after_ok


def _swallows(text: str, i: int) -> bool:
    """Whether the '?' at text[i] is a lead byte that swallowed the ASCII character after it (ending a run)."""
    return text[i] == "?" and i + 1 < len(text) and bool(re.match(r"[0-9A-Za-z()\[\]]", text[i + 1]))


def _fragment_after(text: str, i: int) -> re.Match | None:
    """A pinyin annotation whose '(' was swallowed with a lost byte, right after the '?' at text[i]."""
    if text[i] != "?":
        return None
    match = _FRAGMENT.match(text, i + 1)
    return match if match and is_pinyin(match.group(1)) else None


@dataclass(frozen=True)
class Run:
    """A stretch of damaged text.

    Attributes:
        start: offset of its first character.
        end: offset past its last character (a trailing pinyin fragment included).
        text: the damaged characters.
        fragment: the pinyin annotation, without its swallowed '(', that ends the run ("" if none).
        swallowed: whether the run's last '?' is a lead byte that swallowed the ASCII byte after it.
    """

    start: int
    end: int
    text: str
    fragment: str = ""
    swallowed: bool = False


def _is_evidence(ch: str) -> bool:
    return ch == "?" or ch == "\ufffd" or _is_pua(ch) or (is_cjk(ch) and not gbk.is_common(ch)) or ch.isascii()


def _ends_in_step(ch: str) -> bool:
    """Whether a character is an ASCII byte read in step, which ends a run before it (an ASCII letter may instead
    be a trail byte read on its own, and ';,:!?' may be full-width punctuation rewritten as ASCII)."""
    return ch == "\n" or (ch.isascii() and not _TRAIL_ASCII.match(ch) and ch not in "?" + _FULLWIDTH_AS_ASCII)


def _extent(text: str, i: int) -> Run | None:
    """The run that starts at the lost byte text[i], up to the ASCII byte that puts decoding back in step."""
    j = i
    while j < len(text) and j - i < MAX_RUN:
        fragment = _fragment_after(text, j)
        if fragment:
            return Run(i, fragment.end(), text[i:fragment.end()], fragment.group(1), swallowed=True)
        if j > i and _swallows(text, j):
            return Run(i, j + 1, text[i:j + 1], swallowed=True)
        if _ends_in_step(text[j]):
            return Run(i, j, text[i:j])
        j += 1
        if _TRAIL_ASCII.match(text[j - 1]):
            return Run(i, j, text[i:j])
    return None


def find_runs(text: str) -> list[Run]:
    """Find every run of text decoded out of step.

    A run starts at a lost byte (a '?' in Chinese text, U+FFFD or a user-defined code) and ends at the first ASCII
    byte, which puts decoding back in step: a stray ASCII letter (a trail byte read on its own) or a '?' that
    swallowed the next ASCII byte, often the '(' of a pinyin annotation. When nothing after the lost byte shows
    damage, or no ASCII byte comes within MAX_RUN characters, the run is the lost byte and the damaged-looking
    characters right after it.
    """
    runs: list[Run] = []
    if "?" not in text and "\ufffd" not in text and not any(map(_PUA.search, unprintable_lines(text))):
        return runs  # no candidate seed: private-use codes are not printable, so only such lines can hold one
    i = 0
    while (candidate := _SEED_CANDIDATE.search(text, i)) is not None:
        i = candidate.start()
        if not _is_seed(text, i):
            i += 1
            continue
        run = _extent(text, i)
        if run is None:  # no ASCII byte in reach: keep the damaged-looking characters after the lost byte
            j = i + 1
            while j < len(text) and j - i < MAX_RUN and _is_evidence(text[j]) and text[j] != "\n":
                j += 1
            run = Run(i, j, text[i:j])
        elif not (run.fragment or any(_is_evidence(ch) for ch in run.text[1:])):
            run = Run(i, i + 1, text[i])
        runs.append(run)
        i = run.end
    return runs


def _byte_options(run: Run) -> list[list[list[int]]] | None:
    """For each character of the run (fragment excluded), the byte sequences it may stand for."""
    body = run.text[:len(run.text) - (len(run.fragment) + 1 if run.fragment else 0)]
    options: list[list[list[int]]] = []
    if body[:1] not in ("?", "\ufffd"):
        options.append([[gbk.UNKNOWN]])  # the lost byte left no mark: it was dropped just before the run
    for k, ch in enumerate(body):
        if k == 0 and ch in "?\ufffd":
            options.append([[gbk.UNKNOWN]])
        elif ch == "?" and k == len(body) - 1 and run.swallowed:
            options.append([[gbk.UNKNOWN]])  # a lead byte that swallowed the ASCII byte after it
        elif ch == "?":
            # a full-width '？' rewritten as ASCII, a lost byte, or two bytes that make no character
            options.append([[0xA3, 0xBF], [gbk.UNKNOWN], [gbk.UNKNOWN, gbk.UNKNOWN]])
        elif ch == "\ufffd":
            options.append([[gbk.UNKNOWN], [gbk.UNKNOWN, gbk.UNKNOWN]])
        elif ch in _FULLWIDTH_AS_ASCII:
            options.append([[0xA3, ord(ch) + 0x80]])
        elif ch.isascii():
            # a trail byte read on its own, or a full-width form the serving site rewrote as ASCII
            options.append([[ord(ch)], [0xA3, ord(ch) + 0x80]] if _TRAIL_ASCII.match(ch) else [[0xA3, ord(ch) + 0x80]])
        else:
            code = gbk.char_bytes(ch)
            if code is None:
                return None
            options.append([list(code)])
    return options


ANY = None
"""The slot of a character both of whose bytes are unknown (any character)."""


@dataclass(frozen=True)
class Reading:
    """One way to read a run's bytes back in step.

    Attributes:
        slots: per original character, the characters its bytes allow (several when a byte is unknown; ANY
            when both are).
    """

    slots: tuple[tuple[str, ...] | None, ...]

    @property
    def certain(self) -> bool:
        """Whether every character is determined and common."""
        return all(slot is not ANY and len(slot) == 1 and gbk.is_common(slot[0]) for slot in self.slots)


def readings(run: Run) -> list[Reading]:
    """Every reading of the run's bytes in step, where each two bytes give a valid character; fewest unknowns first.

    The run's first byte is the lost one: the text before the run is in step, and its first character's lead byte
    was lost, so the run's bytes re-pair from there.
    """
    options = _byte_options(run)
    if not options:
        return []
    out: list[Reading] = []
    for combo in itertools.islice(itertools.product(*options), MAX_READINGS):
        stream = [b for part in combo for b in part]
        if len(stream) % 2:
            continue
        slots = []
        for lead, trail in zip(stream[::2], stream[1::2]):
            found = ANY if lead == trail == gbk.UNKNOWN else gbk.candidates(lead, trail)
            if found == ():
                break
            slots.append(found)
        else:
            out.append(Reading(tuple(slots)))
    return sorted(out, key=lambda r: (sum(slot is ANY for slot in r.slots),
                                      sum(slot is not ANY and len(slot) > 1 for slot in r.slots)))


class _Usage:
    """How often characters and character pairs occur in the document, to rank candidates.

    Counted when first asked, and only what ranking asks: the characters that follow (or precede) a given character,
    which give the number of times each candidate forms a pair with that neighbour.
    """

    def __init__(self, text: str):
        self._text = text
        self._plain: str | None = None
        self._chars: Counter[str] | None = None
        self._followers: dict[str, Counter[str]] = {}
        self._leaders: dict[str, Counter[str]] = {}

    @property
    def plain(self) -> str:
        """The document without its pinyin annotations."""
        if self._plain is None:
            self._plain = strip_pinyin(self._text)
        return self._plain

    def _occurrences(self, ch: str) -> list[int]:
        plain, out = self.plain, []
        i = plain.find(ch)
        while i >= 0:
            out.append(i)
            i = plain.find(ch, i + 1)
        return out

    def followers(self, ch: str) -> Counter[str]:
        """For each character, how often it follows `ch` (how often the pair ch + it occurs)."""
        found = self._followers.get(ch)
        if found is None:
            plain = self.plain
            found = self._followers[ch] = Counter(plain[i + 1] for i in self._occurrences(ch) if i + 1 < len(plain))
        return found

    def leaders(self, ch: str) -> Counter[str]:
        """For each character, how often it precedes `ch` (how often the pair it + ch occurs)."""
        found = self._leaders.get(ch)
        if found is None:
            plain = self.plain
            found = self._leaders[ch] = Counter(plain[i - 1] for i in self._occurrences(ch) if i > 0)
        return found

    def rank(self, slot: tuple[str, ...], before: str, after: str) -> list[str]:
        """Candidates of one slot, best first: pairs with the neighbours seen in the document, then frequency.

        `before` and `after` are one character, or "" when there is none (then no pair is counted with it).
        """
        if len(slot) < 2:
            return list(slot)  # nothing to order
        if self._chars is None:
            self._chars = Counter(self.plain)
        chars = self._chars.get
        after_before = self.followers(before).get if before else {}.get
        before_after = self.leaders(after).get if after else {}.get
        common = gbk.common_characters()
        # each key ends with the candidate itself, so sorting the keys orders the candidates as sorting by key does
        keys = sorted([(-(after_before(ch, 0) + before_after(ch, 0)), -int(ch in common), -chars(ch, 0), ch)
                       for ch in slot])
        return [key[-1] for key in keys]


def _describe(reading: Reading, usage: _Usage, before: str) -> tuple[str, str]:
    """The best text of a reading and a note on its undetermined characters."""
    best: list[str] = []
    notes: list[str] = []
    for k, slot in enumerate(reading.slots):
        following = reading.slots[k + 1] if k + 1 < len(reading.slots) else ANY
        after = following[0] if following is not ANY and len(following) == 1 else ""
        if slot is ANY:
            best.append("?")
            notes.append(f"character {k + 1} is unknown")
            continue
        ranked = usage.rank(slot, best[-1] if best else before, after)
        best.append(ranked[0])
        if len(slot) > 1:
            notes.append(f"character {k + 1} is one of {len(slot)} ({'/'.join(ranked[:4])}…)")
    return "".join(best), "; ".join(notes)


def run(text: str) -> PassResult:
    """Find runs decoded out of step; repair those with one certain reading and flag the others.

    A repair is certain when exactly one reading exists and it determines every character as a common one. A flag
    leaves the run in the text, names the best reading and waits for a text correction in corrections.yml.
    """
    result = PassResult()
    usage: _Usage | None = None
    for found in find_runs(text):
        options = readings(found)
        annotation = f"({found.fragment})" if found.fragment else ""
        if len(options) == 1 and options[0].certain:
            repaired = "".join(slot[0] for slot in options[0].slots) + annotation
            result.add(Edit(found.start, found.end, repaired), Change(
                "normalise", "garbled-bytes", "repaired", found.text, repaired,
                "a byte of the page's GBK encoding was lost and the following characters were decoded one byte "
                "out of step; re-encoding them gives exactly one reading made of common characters"))
            continue
        usage = usage or _Usage(text)
        preceding = strip_pinyin(text[max(0, found.start - 12):found.start])
        before = preceding[-1] if preceding else ""
        fewest = sum(slot is ANY for slot in options[0].slots) if options else 0
        described = [_describe(option, usage, before) for option in options[:3]
                     if sum(slot is ANY for slot in option.slots) == fewest]
        if described:
            guesses = "; or ".join(f"'{best}' (simplified '{to_simplified(best)}'{', ' + note if note else ''})"
                                   for best, note in described)
            detail = f"re-encoding the run gives {len(options)} reading(s); best: {guesses}"
        else:
            detail = "no reading of its bytes in step gives valid characters"
        if found.fragment:
            detail += f"; the '(' of the pinyin annotation {annotation} was swallowed with a lost byte"
        result.add(None, Change(
            "normalise", "garbled-bytes", "flagged", found.text, found.text,
            f"text damaged at byte level (a lost GBK byte put decoding out of step); {detail}. "
            "Left as is: fix it with a text correction in corrections.yml"), found.start, found.end)
    return result
