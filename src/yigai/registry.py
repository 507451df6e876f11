"""The canonical agency registry (sources/agencies.yml): load it, check it, and look bodies up by name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from yigai import divisions, metadata, yamlio
from yigai.errors import YigaiError

AGENCY_ID_PATTERN = re.compile(r"^[0-9]{6}-[a-z]+(-[a-z0-9]+)*$")


@dataclass
class Agency:
    """A canonical government body.

    Attributes:
        agency_id: stable identifier, <admin_code>-<function>[-<n>].
        name: full official name.
        admin_code: GB/T 2260 code of the body's jurisdiction.
        function: main area of responsibility (code list in fields.yml).
        aliases: other names seen in the plans.
    """

    agency_id: str
    name: str
    admin_code: str
    function: str
    aliases: list[str] = field(default_factory=list)

    def as_row(self) -> dict:
        """Return the agency as a row of the `agencies` table."""
        return {"agency_id": self.agency_id, "agency_name": self.name,
                "jurisdiction": divisions.get(self.admin_code).full_name, "admin_code": self.admin_code,
                "function": self.function, "aliases": "|".join(self.aliases) or None}


@dataclass
class Registry:
    """All known agencies, looked up by id or by exact name/alias within a jurisdiction."""

    agencies: dict[str, Agency] = field(default_factory=dict)

    def add(self, agency: Agency) -> Agency:
        """Add a body (keeps the existing one when the id is already known) and return the registered body."""
        return self.agencies.setdefault(agency.agency_id, agency)

    def by_name(self, name: str) -> Agency | None:
        """Return the body whose full name is `name`."""
        for agency in self.agencies.values():
            if agency.name == name:
                return agency
        return None

    def by_alias(self, alias: str, admin_codes: list[str]) -> Agency | None:
        """Return the body known by `alias` in the first of `admin_codes` (nearest jurisdiction first) that has one."""
        for code in admin_codes:
            for agency in self.agencies.values():
                if agency.admin_code == code and (alias == agency.name or alias in agency.aliases):
                    return agency
        return None


def load(path: Path) -> Registry:
    """Load and check the registry file.

    Raises:
        YigaiError: naming the file, entry and field of the first problem.
    """
    registry = Registry()
    if not path.is_file():
        return registry
    try:
        data = yamlio.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise YigaiError(f"not valid YAML: {exc}", file=str(path)) from None
    functions = set(metadata.enum_values("function"))
    for i, item in enumerate(data.get("agencies") or [], start=1):
        where = dict(file=str(path), row=i)
        for key in ("agency_id", "name", "admin_code", "function"):
            if not item.get(key):
                raise YigaiError("missing value", field=key, **where)
        if not AGENCY_ID_PATTERN.fullmatch(str(item["agency_id"])):
            raise YigaiError(f"{item['agency_id']!r} does not match <admin_code>-<function>[-<n>]", field="agency_id",
                             **where)
        if item["function"] not in functions:
            raise YigaiError(f"{item['function']!r} is not in the function code list", field="function", **where,
                             hint="see docs/data-dictionary.md, code list 'function'")
        try:
            divisions.get(str(item["admin_code"]))
        except KeyError:
            raise YigaiError(f"{item['admin_code']!r} is not a GB/T 2260 code", field="admin_code", **where) from None
        if item["agency_id"] in registry.agencies:
            raise YigaiError(f"duplicate agency_id {item['agency_id']}", field="agency_id", **where)
        registry.add(Agency(agency_id=str(item["agency_id"]), name=str(item["name"]),
                            admin_code=str(item["admin_code"]), function=str(item["function"]),
                            aliases=[str(a) for a in item.get("aliases") or []]))
    return registry
