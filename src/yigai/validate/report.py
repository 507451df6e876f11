"""Validation problems and the report people act on: grouped by file, naming resource, row, field and a hint.

Everything a report prints comes from the input, which may be hostile: a cell can hold an escape sequence that
clears the terminal, a right-to-left override that reverses what follows, or a NUL. The text and JSON reports show
every such character visibly (\\x1b, \\u202e) instead of sending it to the terminal.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field, fields

ERROR = "error"
WARNING = "warning"
# C0 and C1 controls, DEL, and the invisible format characters that reorder or hide text (bidi overrides and
# isolates, zero-width characters, the byte order mark, line and paragraph separators).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]")

_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]")


def visible(text: str) -> str:
    """The text with every control or invisible format character written as an escape (\\x1b, \\u202e)."""
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


@dataclass
class Problem:
    """One thing wrong with a package or a contribution.

    Attributes:
        check: the name of the check that failed (a Frictionless error type or an expectation's check name).
        message: what is wrong, in plain words.
        file: the file at fault, relative to the package or sources folder.
        resource: the resource (table) name, when the file is one.
        row: the data row number (1 = first row after the header; for texts and YAML, the line number).
        field: the column or key at fault, when known.
        value: the offending value, as text.
        expected: what the check expected.
        hint: how to fix it.
        severity: "error" (the package is invalid) or "warning" (worth fixing, e.g. with --fix; still valid).
        plan: the plan the row belongs to, when it belongs to one (cross-table rules state it).
    """

    check: str
    message: str
    file: str | None = None
    resource: str | None = None
    row: int | None = None
    field: str | None = None
    value: str | None = None
    expected: str | None = None
    hint: str | None = None
    severity: str = ERROR
    plan: str | None = None

    def shown(self) -> Problem:
        """A copy whose every text is safe to print (control and invisible characters made visible)."""
        return Problem(**{f.name: visible(v) if isinstance(v, str) else v for f, v in
                          ((f, getattr(self, f.name)) for f in fields(self))})


@dataclass
class Report:
    """All problems found in one validation run.

    Attributes:
        target: the path that was validated.
        problems: every problem, errors and warnings.
        checked: the names of the check stages that ran (e.g. frictionless, suites, golden-counts).
        fixed: what --fix changed, one line per change.
    """

    target: str
    problems: list[Problem] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    fixed: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """The problems that make the target invalid."""
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        """The problems that are worth fixing but do not make the target invalid."""
        return [p for p in self.problems if p.severity != ERROR]

    @property
    def valid(self) -> bool:
        """True when no error was found (warnings allowed)."""
        return not self.errors

    def by_file(self) -> dict[str, list[Problem]]:
        """Problems grouped by file, files in name order, problems by row then field."""
        groups: dict[str, list[Problem]] = defaultdict(list)
        for problem in self.problems:
            groups[problem.file or "(package)"].append(problem)
        return {name: sorted(groups[name], key=lambda p: (p.row or 0, p.field or "", p.check, p.message))
                for name in sorted(groups)}

    def to_json(self) -> str:
        """The report for machines: target, validity, counts, the fixes made and every problem grouped by file."""
        text = json.dumps({"target": self.target, "valid": self.valid, "checked": self.checked,
                           "errors": len(self.errors), "warnings": len(self.warnings), "fixed": self.fixed,
                           "files": {name: [asdict(p) for p in problems] for name, problems in self.by_file().items()}},
                          ensure_ascii=False, indent=2)
        # json escapes C0 controls itself; the others are legal in JSON strings but unsafe on a terminal, so they
        # are written as \\uXXXX escapes (the same characters for a JSON reader, visible for a person).
        return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)

    def to_text(self) -> str:
        """The report for people."""
        checked = ", ".join(self.checked)
        target = visible(self.target)
        if not self.problems:
            return f"{target}: valid ({checked})"
        status = "valid" if self.valid else "INVALID"
        lines = [f"{target}: {status} — {len(self.errors)} error(s), {len(self.warnings)} warning(s) ({checked})"]
        for name, problems in self.by_file().items():
            lines.append(f"\n{visible(name)}")
            for p in (problem.shown() for problem in problems):
                where = ", ".join(x for x in (f"plan {p.plan}" if p.plan else "",
                                                f"resource {p.resource}" if p.resource else "",
                                                f"row {p.row}" if p.row else "",
                                                f"field {p.field}" if p.field else "") if x)
                tag = p.check if p.severity == ERROR else f"{p.check}, {p.severity}"
                lines.append(f"  - [{tag}] {where + ': ' if where else ''}{p.message}")
                if p.value is not None:
                    lines.append(f"      value:    {_short(p.value)}")
                if p.expected:
                    lines.append(f"      expected: {_short(p.expected)}")
                if p.hint:
                    lines.append(f"      hint:     {p.hint}")
        return "\n".join(lines)


def _short(text: str, limit: int = 200) -> str:
    """One line of at most `limit` characters, so a long cell does not flood the terminal (already visible())."""
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"
