"""Validation problems and the report people act on: grouped by file, naming resource, row, field and a hint."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field


@dataclass
class Problem:
    """One thing wrong with a package or a contribution.

    Attributes:
        check: the name of the check that failed (a Frictionless error type or an expectation).
        message: what is wrong, in plain words.
        file: the file at fault, relative to the package or sources folder.
        resource: the resource (table) name, when the file is one.
        row: the data row number (1 = first row after the header), when known.
        field: the column or key at fault, when known.
        value: the offending value, as text.
        expected: what the check expected.
        hint: how to fix it.
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


@dataclass
class Report:
    """All problems found in one validation run."""

    target: str
    problems: list[Problem] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    def by_file(self) -> dict[str, list[Problem]]:
        """Problems grouped by file, files in name order, problems by row."""
        groups: dict[str, list[Problem]] = defaultdict(list)
        for problem in self.problems:
            groups[problem.file or "(package)"].append(problem)
        return {name: sorted(groups[name], key=lambda p: (p.row or 0, p.field or "", p.check))
                for name in sorted(groups)}

    def to_json(self) -> str:
        """The report for machines."""
        return json.dumps({"target": self.target, "valid": self.valid, "checked": self.checked,
                           "problems": [asdict(p) for p in self.problems]}, ensure_ascii=False, indent=2)

    def to_text(self) -> str:
        """The report for people."""
        if self.valid:
            return f"{self.target}: valid ({', '.join(self.checked)})"
        lines = [f"{self.target}: {len(self.problems)} problem(s)"]
        for name, problems in self.by_file().items():
            lines.append(f"\n{name}")
            for p in problems:
                where = ", ".join(x for x in (f"resource {p.resource}" if p.resource else "",
                                                f"row {p.row}" if p.row else "",
                                                f"field {p.field}" if p.field else "") if x)
                lines.append(f"  - [{p.check}] {where + ': ' if where else ''}{p.message}")
                if p.value is not None:
                    lines.append(f"      value:    {p.value}")
                if p.expected:
                    lines.append(f"      expected: {p.expected}")
                if p.hint:
                    lines.append(f"      hint:     {p.hint}")
        return "\n".join(lines)
