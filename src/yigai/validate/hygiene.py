"""What published text must not contain: traditional characters, inline pinyin, U+FFFD, control characters, spam.

The published tables and texts are normalised: simplified characters only, no pinyin glosses such as (guān) after a
character, no bytes lost in decoding (U+FFFD), no control characters and none of the spam strings the hosting sites
injected. The suites check this with one regular expression per text column (fast, vectorised); the few rows it
matches are then described here in plain words, and traditional characters are confirmed with OpenCC's t2s.

The set of traditional characters is computed from OpenCC once and kept in `_traditional.py` (computing it takes
about a second, longer than a whole validation of the package should); a test checks it against OpenCC, and
`python -m yigai.validate.hygiene` rewrites it after an OpenCC upgrade.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from pathlib import Path
from importlib import resources as importlib_resources

import yaml

# CJK Unified Ideographs, Extension A and the compatibility block: where traditional forms live.
_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
PINYIN = rf"[（(][a-zü ]*[{_TONED}][a-zü ]*[)）]"
REPLACEMENT = "\ufffd"
# Control characters, and the invisible format characters that reorder or hide text (bidi overrides and isolates,
# zero-width characters, a byte order mark inside the text).
CONTROL = "[\x00-\x08\x0b-\x0d\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """OpenCC's traditional → simplified conversion (phrase-aware)."""
    return _converter().convert(text)


def traditional_characters() -> str:
    """Every CJK character that OpenCC's t2s changes when it stands alone (as computed by compute_traditional)."""
    from yigai.validate._traditional import CHARACTERS

    return CHARACTERS


@lru_cache(maxsize=1)
def compute_traditional() -> str:
    """Every CJK character that OpenCC's t2s changes when it stands alone (computed from OpenCC, not listed)."""
    chars = [chr(c) for low, high in _CJK_RANGES for c in range(low, high + 1)]
    converted = to_simplified("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - OpenCC keeps line breaks
        converted = [to_simplified(c) for c in chars]
    return "".join(c for c, s in zip(chars, converted) if c != s)


@lru_cache(maxsize=1)
def spam_strings() -> tuple[str, ...]:
    """Regular expressions for the known spam, from src/yigai/data/spam.yml (empty when the file is absent).

    The file's `terms` are exact spam strings (matched literally) and its `patterns` are regular expressions for
    spam words; its other lists (keywords that mark spam only inside injected lists, and so on) are not spam alone.
    """
    try:
        text = importlib_resources.files("yigai").joinpath("data/spam.yml").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return ()
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}  # noqa: S506
    terms = sorted((str(t) for t in data.get("terms") or [] if str(t).strip()), key=lambda t: (-len(t), t))
    return tuple([re.escape(t) for t in terms] + [f"(?:{p})" for p in data.get("patterns") or []])


@lru_cache(maxsize=1)
def forbidden_pattern() -> str:
    """One regular expression matching anything a published text must not contain."""
    parts = [f"[{re.escape(traditional_characters())}]", PINYIN, REPLACEMENT, CONTROL, *spam_strings()]
    return "|".join(parts)


def describe(value: str) -> str | None:
    """Say in plain words what a text contains that it must not (None when, after confirmation, nothing)."""
    findings = []
    spam = sorted(set(re.findall("|".join(spam_strings()), value))) if spam_strings() else []
    if spam:
        findings.append("spam text " + "、".join(f"“{s}”" for s in spam[:3]))
    pinyin = re.findall(PINYIN, value)
    if pinyin:
        findings.append("inline pinyin " + " ".join(pinyin[:5]))
    if REPLACEMENT in value:
        findings.append(f"the replacement character U+FFFD at offset {value.index(REPLACEMENT)} (bytes lost in "
                        "decoding)")
    control = re.findall(CONTROL, value)
    if control:
        findings.append("control or invisible characters " + " ".join(f"U+{ord(c):04X}" for c in sorted(set(control))))
    if re.search(f"[{re.escape(traditional_characters())}]", value):
        simplified = to_simplified(value)
        changed = sorted({a for a, b in zip(value, simplified) if a != b}) if len(simplified) == len(value) else []
        if simplified != value:
            shown = "、".join(changed[:8]) if changed else value
            findings.append(f"traditional characters {shown}")
    return "; ".join(findings) or None


def write_traditional(path: Path = Path(__file__).with_name("_traditional.py")) -> None:
    """Rewrite `_traditional.py` from OpenCC."""
    path.write_text('"""Traditional characters (OpenCC t2s changes each alone). Generated by `python -m '
                    'yigai.validate.hygiene`; do not edit."""\n\nCHARACTERS = (\n'
                    + "".join(f'    "{chunk}"\n' for chunk in _chunks(compute_traditional(), 40)) + ")\n",
                    encoding="utf-8")


def _chunks(text: str, size: int) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)]


if __name__ == "__main__":  # pragma: no cover
    write_traditional()
    sys.exit(0)
