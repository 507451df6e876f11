"""Safe mechanical fixes of a contributor's files (`yigai validate --fix`): BOM, CRLF, trailing spaces, full-width digits.

Only changes that cannot alter what a file means are made, and every change is listed:

- a UTF-8 byte order mark at the start of a file is removed;
- Windows line ends (CRLF) become LF;
- spaces and tabs at the end of a YAML line are removed;
- full-width digits (０-９, with full-width － ． ： ／ between them) become ASCII in a YAML value or CSV cell
  that holds nothing but digits and such punctuation (a date, a code, a count) and is not document text (a
  correction's `expect`/`value`, a title, a name; in a CSV, only number, date and code columns), never inside
  other text.

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

from yigai import metadata
from yigai.sources import CORRECTIONS_FILE, REGISTRY_FILE, SOURCE_FILE

BOM = "\ufeff"
_WIDE = str.maketrans("０１２３４５６７８９－．：／", "0123456789-.:/")
_NUMERIC = re.compile(r"[0-9０-９\-－.．:：/／ ]*[０-９][0-9０-９\-－.．:：/／ ]*")
_YAML_VALUE = re.compile(r"^(?P<head>\s*(?:-\s+)?(?:(?P<key>[^\s#'\"][^:#]*):\s+)?)(?P<q>[\"']?)(?P<value>"
                         + _NUMERIC.pattern + r")(?P=q)(?P<tail>\s*(?:#.*)?)$")
# Keys whose value is text to find or put in a document: its digits are the document's, whatever their width.
_TEXT_KEYS = {"expect", "value", "original", "replacement", "title", "notice_title", "name", "aliases"}


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


def _narrow_line(line: str) -> str:
    """A YAML line without trailing spaces and with full-width digits narrowed in a numeric value."""
    line = line.rstrip(" \t")
    match = _YAML_VALUE.match(line)
    if match and (match["key"] or "").strip() not in _TEXT_KEYS and any("０" <= c <= "９" for c in match["value"]):
        line = f"{match['head']}{match['q']}{narrow_digits(match['value'])}{match['q']}{match['tail']}"
    return line


# What reading a hostile YAML file can raise besides a syntax error (an impossible date, deep nesting, an alias
# bomb that expands beyond MAX_NODES): the file is then left alone and reported by the checks.
class _TooLarge(ValueError):
    pass


_UNREADABLE = (yaml.YAMLError, ValueError, TypeError, RecursionError, OverflowError)
MAX_NODES = 200_000


def _plain(data: Any, budget: list[int] | None = None) -> Any:
    """The data as nested strings with full-width digits narrowed: what a safe fix must leave unchanged."""
    budget = budget if budget is not None else [MAX_NODES]
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooLarge("the document expands to too many values")
    if isinstance(data, dict):
        return {str(_plain(k, budget)): _plain(v, budget) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v, budget) for v in data]
    return None if data is None else narrow_digits(str(data))


def fix_yaml(text: str) -> tuple[str, list[str]]:
    """Fix a YAML file's text and say what changed (lines starting "not fixed" say what was left alone).

    BOM and CRLF are always safe (YAML ignores the one and normalises the other). A line's trailing spaces and
    full-width digits are fixed only when the file still parses to the same data: inside a block of text they are
    content, and are left for a person to judge.
    """
    text, changes = _common(text)
    try:
        base = _plain(yaml.safe_load(text))
    except _UNREADABLE:
        stripped = "\n".join(line.rstrip(" \t") for line in text.split("\n"))
        try:  # a trailing tab is a YAML syntax error: removing trailing spaces may be all the file needs
            base = _plain(yaml.safe_load(stripped))
        except _UNREADABLE:
            return text, changes + ["not fixed: the file is not valid YAML, so only BOM and line ends were fixed"]
        count = sum(a != b for a, b in zip(text.split("\n"), stripped.split("\n")))
        text, changes = stripped, changes + [f"removed trailing spaces on {count} line(s), which made the file "
                                             "unreadable YAML"]
    lines = text.split("\n")
    trailing, unsafe = 0, []
    for i, line in enumerate(lines):
        candidate = _narrow_line(line)
        if candidate == line:
            continue
        trial = lines[:i] + [candidate] + lines[i + 1:]
        try:
            same = _plain(yaml.safe_load("\n".join(trial))) == base
        except _UNREADABLE:
            same = False
        if not same:
            unsafe.append(i + 1)
            continue
        if candidate != line.rstrip(" \t"):
            changes.append(f"line {i + 1}: full-width digits → ASCII ({line.strip()} → {candidate.strip()})")
        if line.rstrip(" \t") != line:
            trailing += 1
        lines = trial
    if trailing:
        changes.append(f"removed trailing spaces on {trailing} line(s)")
    if unsafe:
        changes.append(f"not fixed: line(s) {', '.join(map(str, unsafe))}: the trailing spaces or digits there are "
                       "part of a value's text; edit them by hand if they are not intended")
    return "\n".join(lines), changes


def _coded_fields() -> set[str]:
    """Fields whose values are numbers, dates or codes (never document text): where digits may be narrowed."""
    return {name for name, spec in metadata.fields().items()
            if spec["type"] in ("integer", "number", "date") or (spec.get("constraints") or {}).get("pattern")}


def fix_csv(text: str) -> tuple[str, list[str]]:
    """Fix a CSV file's text (BOM, CRLF, full-width digits in cells of number, date and code columns)."""
    text, changes = _common(text)
    if not any("０" <= c <= "９" for c in text):
        return text, changes
    rows = list(csv.reader(io.StringIO(text, newline="")))
    coded = {j for j, name in enumerate(rows[0]) if name in _coded_fields()} if rows else set()
    count = 0
    for row in rows[1:]:
        for j, cell in enumerate(row):
            if j not in coded:
                continue
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
    """The files --fix may change: YAML of a sources folder or plan folder, CSV tables of a package.

    A symlink is never followed (fixing it would write wherever it points).
    """
    if kind == "package":
        return sorted(p for p in (directory / "data").glob("*.csv") if not p.is_symlink()
                      and not (directory / "data").is_symlink())
    plan_dirs = [directory] if kind == "plan" else sorted(p for p in directory.iterdir() if p.is_dir()
                                                           and not p.is_symlink())
    files = [d / name for d in plan_dirs for name in (SOURCE_FILE, CORRECTIONS_FILE)]
    registry = (directory.parent if kind == "plan" else directory) / REGISTRY_FILE
    return [p for p in [registry, *files] if p.is_file() and not p.is_symlink()]


def scan(path: Path) -> list[str]:
    """What --fix would change in one file (nothing is written)."""
    return _fixed(path)[1]


def _fixed(path: Path) -> tuple[str | None, list[str]]:
    try:
        text = path.read_bytes().decode("utf-8")
    except (UnicodeDecodeError, OSError):
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
