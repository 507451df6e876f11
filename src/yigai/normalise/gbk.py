"""GBK byte arithmetic for repairing text decoded out of step: re-encoding, pair decoding and character commonness."""

from __future__ import annotations

from functools import lru_cache

UNKNOWN = -1
"""Stands for a byte whose value was lost (shown as '?' or U+FFFD in the damaged text)."""

_PUA_BLOCKS = (
    # (first code point, first lead byte, first trail byte, trail bytes per row): the GBK user-defined areas as
    # Windows code page 936 maps them to the Private Use Area.
    (0xE000, 0xAA, 0xA1, 94, 0xE234),
    (0xE234, 0xF8, 0xA1, 94, 0xE4C6),
    (0xE4C6, 0xA1, 0x40, 96, 0xE766),
)
COMMON_PUNCTUATION = frozenset("、。，；：？！“”‘’（）《》〔〕【】—…·")
"""Punctuation of running Chinese text, counted as common characters."""


def pua_bytes(ch: str) -> bytes | None:
    """GBK bytes of a Private Use Area character that stands for a GBK user-defined code (None otherwise)."""
    cp = ord(ch)
    for first, lead, trail, per_row, stop in _PUA_BLOCKS:
        if first <= cp < stop:
            row, col = divmod(cp - first, per_row)
            trail_byte = trail + col
            if per_row == 96 and trail_byte >= 0x7F:  # the third area skips 0x7F
                trail_byte += 1
            return bytes([lead + row, trail_byte])
    return None


def char_bytes(ch: str) -> bytes | None:
    """The GBK bytes of a character, user-defined codes included (None when GBK cannot encode it)."""
    if "\ue000" <= ch <= "\uf8ff":
        return pua_bytes(ch)
    try:
        return ch.encode("gbk")
    except UnicodeEncodeError:
        return None


def decode_pair(lead: int, trail: int) -> str | None:
    """The character of a two-byte GBK code (None when the code is invalid or user-defined)."""
    try:
        ch = bytes([lead, trail]).decode("gbk")
    except UnicodeDecodeError:
        return None
    return ch if len(ch) == 1 else None


def _decode_range(encoding: str, leads: range, trails: range) -> frozenset[str]:
    out = set()
    for lead in leads:
        for trail in trails:
            try:
                out.add(bytes([lead, trail]).decode(encoding))
            except UnicodeDecodeError:
                pass
    return frozenset(out)


@lru_cache(maxsize=1)
def common_characters() -> frozenset[str]:
    """Characters frequent in running text: GB2312 level 1, Big5 level 1 and common punctuation.

    GB2312 level 1 holds the 3,755 most used simplified characters and Big5 level 1 the 5,401 most used
    traditional ones, so a character outside both is rare in an official document.
    """
    gb_level1 = _decode_range("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF))
    big5_level1 = _decode_range("big5", range(0xA4, 0xC6), range(0x40, 0xFF))
    big5_level1 |= _decode_range("big5", range(0xC6, 0xC7), range(0x40, 0x7F))
    return gb_level1 | big5_level1 | COMMON_PUNCTUATION


def is_common(ch: str) -> bool:
    """Whether a character is frequent in running Chinese text (see `common_characters`)."""
    return ch in common_characters()


@lru_cache(maxsize=1)
def _common_codes() -> tuple[dict[int, tuple[str, ...]], dict[int, tuple[str, ...]]]:
    by_trail: dict[int, list[str]] = {}
    by_lead: dict[int, list[str]] = {}
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            ch = decode_pair(lead, trail)
            if ch is not None and is_common(ch):
                by_trail.setdefault(trail, []).append(ch)
                by_lead.setdefault(lead, []).append(ch)
    return ({k: tuple(v) for k, v in by_trail.items()}, {k: tuple(v) for k, v in by_lead.items()})


def candidates(lead: int, trail: int) -> tuple[str, ...]:
    """Common characters whose GBK code fits a pair in which one byte may be UNKNOWN.

    Returns the single decoded character when both bytes are known (empty if invalid), and () when both are unknown.
    """
    if lead != UNKNOWN and trail != UNKNOWN:
        ch = decode_pair(lead, trail)
        return (ch,) if ch is not None else ()
    by_trail, by_lead = _common_codes()
    if lead == UNKNOWN and trail != UNKNOWN:
        return by_trail.get(trail, ())
    if trail == UNKNOWN and lead != UNKNOWN:
        return by_lead.get(lead, ())
    return ()
