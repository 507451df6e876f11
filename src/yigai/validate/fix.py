"""Safe mechanical fixes of a contributor's files (`yigai validate --fix`): BOM, CRLF, trailing spaces, full-width digits.

Only changes that cannot alter what a file means are made, and every change is listed:

- a UTF-8 byte order mark at the start of a file is removed;
- Windows line ends (CRLF) become LF;
- spaces and tabs at the end of a YAML line are removed;
- full-width digits (０-９, with full-width － ． ： ／ between them) become ASCII in a YAML value or CSV cell
  that holds nothing but digits and such punctuation (a date, a code, a count), never inside other text.

A YAML file is rewritten only when it still parses to the same data after the fix (up to the digits converted), so
a block scalar whose trailing spaces are content is left alone and reported. Raw documents (raw.txt) are never
touched: their bytes are the captured evidence and their sha256 is recorded. Published texts (texts/*.txt) are not
touched either, since every offset points into them.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import yaml

from yigai.sources import CORRECTIONS_FILE, REGISTRY_FILE, SOURCE_FILE

BOM = "\ufeff"
_WIDE = str.maketrans("０１２３４５６７８９－．：／", "0123456789-.:/")
_NUMERIC = re.compile(r"[0-9０-９\-－.．:：/／ ]*[０-９][0-9０-９\-－.．:：/／ ]*")
_YAML_VALUE = re.compile(r"^(?P<head>\s*(?:-\s+)?(?:[^\s#'\"][^:#]*:\s+)?)(?P<q>[\"']?)(?P<value>"
                         + _NUMERIC.pattern + r")(?P=q)(?P<tail>\s*(?:#.*)?)$")


def narrow_digits(value: str) -> str:
    """Convert full-width digits in a value made only of digits and date/number punctuation; others unchanged."""
    return value.translate(_WIDE) if _NUMERIC.fullmatch(value) else value


def _common(text: str) -> tuple[str, list[str]]:
    changes = []
    if text.startswith(BOM):
        text = text[len(BOM):]
        changes.append("removed the byte order mark")
    crlf = text.count("\r\n")
    if crlf:
        text = text.replace("\r\n", "\n")
        changes.append(f"converted {crlf} CRLF line ends to LF")
    return text, changes


def fix_yaml_text(text: str) -> tuple[str, list[str]]:
    """Return the fixed YAML text and what was changed (no safety check; see fix_yaml)."""
    text, changes = _common(text)
    lines = text.split("\n")
    trailing = digits = 0
    for i, line in enumerate(lines):
        stripped = line.rstrip(" \t")
        if stripped != line:
            trailing += 1
            line = stripped
        match = _YAML_VALUE.match(line)
        if match and any("０" <= c <= "９" for c in match["value"]):
            line = f"{match['head']}{match['q']}{narrow_digits(match['value'])}{match['q']}{match['tail']}"
            changes.append(f"line {i + 1}: full-width digits '{match['value']}' → '{narrow_digits(match['value'])}'")
            digits += 1
        lines[i] = line
    if trailing:
        changes.append(f"removed trailing spaces on {trailing} line(s)")
    return "\n".join(lines), changes


def _plain(data: Any) -> Any:
    """The data as nested strings with full-width digits narrowed: what a safe fix must leave unchanged."""
    if isinstance(data, dict):
        return {str(_plain(k)): _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return None if data is None else narrow_digits(str(data))


def fix_yaml(text: str) -> tuple[str | None, list[str]]:
    """Fix a YAML file's text; (None, reason) when the fix would change its data or the file does not parse."""
    fixed, changes = fix_yaml_text(text)
    if not changes:
        return text, []
    try:
        same = _plain(yaml.safe_load(text.lstrip(BOM))) == _plain(yaml.safe_load(fixed))
    except yaml.YAMLError:
        return None, ["not fixed: the file is not valid YAML (fix that first)"]
    if not same:
        return None, ["not fixed: the mechanical fixes would change the data (check the file by hand)"]
    return fixed, changes


def fix_csv(text: str) -> tuple[str, list[str]]:
    """Fix a CSV file's text (BOM, CRLF, full-width digits in numeric cells)."""
    text, changes = _common(text)
    if not any("０" <= c <= "９" for c in text):
        return text, changes
    rows = list(csv.reader(io.StringIO(text, newline="")))
    count = 0
    for row in rows:
        for j, cell in enumerate(row):
            narrowed = narrow_digits(cell)
            if narrowed != cell:
                row[j] = narrowed
                count += 1
    if count:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        text = out.getvalue()
        changes.append(f"full-width digits → ASCII in {count} cell(s)")
    return text, changes


def targets(directory: Path, kind: str) -> list[Path]:
    """The files --fix may change: YAML of a sources folder or plan folder, CSV tables of a package."""
    if kind == "package":
        return sorted((directory / "data").glob("*.csv"))
    plan_dirs = [directory] if kind == "plan" else sorted(p for p in directory.iterdir() if p.is_dir())
    files = [d / name for d in plan_dirs for name in (SOURCE_FILE, CORRECTIONS_FILE)]
    registry = (directory.parent if kind == "plan" else directory) / REGISTRY_FILE
    return [p for p in [registry, *files] if p.is_file()]


def scan(path: Path) -> list[str]:
    """What --fix would change in one file (nothing is written)."""
    return _fixed(path)[1]


def _fixed(path: Path) -> tuple[str | None, list[str]]:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return None, []  # reported by the checks; re-encoding is not a mechanical fix
    fixed, changes = fix_csv(text) if path.suffix == ".csv" else fix_yaml(text)
    return (fixed if fixed != text else None), changes


def apply(directory: Path, kind: str) -> list[str]:
    """Apply the safe fixes to the contributor's files under `directory`; returns one line per change."""
    done = []
    for path in targets(directory, kind):
        fixed, changes = _fixed(path)
        if fixed is not None:
            path.write_bytes(fixed.encode("utf-8"))
        done += [f"{path}: {change}" for change in changes]
    return done
