"""The canonical agency registry (sources/agencies.yml): load it, check it, and look bodies up by name.

An entry is a reviewed body, or a *proposed* one: `yigai add` appends an entry for every body a new plan names that
the registry lacks, with three review fields after the body's own:

    status: proposed                 # awaiting review; delete these three lines once the entry is confirmed
    proposed_by: haidian-2021-01     # the plan that needs the body
    mention: 区卫健委                 # how that plan names it

A proposed entry resolves mentions like any other (the plan that proposed it is built with it), and is listed by
`yigai validate sources/` (a warning) and `yigai validate --changed` until a reviewer confirms it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from yigai import divisions, english, metadata
from yigai.errors import YigaiError

AGENCY_ID_PATTERN = re.compile(r"^[0-9]{6}-[a-z]+(-[a-z0-9]+)*$")
PROPOSED = "proposed"
REVIEW_FIELDS = ("status", "proposed_by", "mention")


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
                "agency_name_en": english.agency_name(self.agency_id, self.name, self.admin_code,
                                                      self.function).name_en,
                "jurisdiction": divisions.get(self.admin_code).full_name, "admin_code": self.admin_code,
                "function": self.function, "aliases": "|".join(self.aliases) or None}


@dataclass(frozen=True)
class Proposal:
    """A registry entry proposed for a new plan and not yet confirmed by a reviewer.

    Attributes:
        agency_id: the proposed body.
        proposed_by: the plan_id of the plan that names it.
        mention: how that plan names the body (None when not recorded).
        line: the entry's line in the registry file.
    """

    agency_id: str
    proposed_by: str
    mention: str | None = None
    line: int | None = None


@dataclass
class Registry:
    """All known agencies, looked up by id or by exact name/alias within a jurisdiction.

    Attributes:
        agencies: every body by agency_id, reviewed and proposed alike.
        proposed: the entries still awaiting review (status: proposed), by agency_id.
    """

    agencies: dict[str, Agency] = field(default_factory=dict)
    proposed: dict[str, Proposal] = field(default_factory=dict)

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
        rank: dict[str, int] = {}
        for position, code in enumerate(admin_codes):
            rank.setdefault(code, position)
        best, best_rank = None, len(admin_codes)
        for agency in self.agencies.values():   # one pass: the nearest code wins, then the first body listed
            position = rank.get(agency.admin_code, best_rank)
            if position < best_rank and (alias == agency.name or alias in agency.aliases):
                best, best_rank = agency, position
                if position == 0:
                    break
        return best


def load(path: Path) -> Registry:
    """Load and check the registry file.

    Raises:
        YigaiError: naming the file, line and field of the first problem (never a traceback, whatever the file).
    """
    from yigai.sources import line_of, load_yaml

    registry = Registry()
    if not path.is_file():
        return registry
    data, lines = load_yaml(path)
    data = {} if data is None else data
    if not isinstance(data, dict) or not isinstance(data.get("agencies") or [], list):
        raise YigaiError("the registry is a mapping with a list of bodies under 'agencies'", file=str(path),
                         field="agencies", row=line_of(lines, "agencies"),
                         hint="see the first lines of sources/agencies.yml for the format")
    functions = set(metadata.enum_values("function"))
    for i, item in enumerate(data.get("agencies") or [], start=1):
        where = dict(file=str(path), row=line_of(lines, f"agencies[{i}]"))
        if not isinstance(item, dict):
            raise YigaiError(f"entry {i} is not a mapping of agency_id, name, admin_code, function and aliases",
                             field=f"agencies[{i}]", **where)
        for key in ("agency_id", "name", "admin_code", "function"):
            if not item.get(key) or not isinstance(item[key], (str, int)) or isinstance(item[key], bool):
                raise YigaiError(f"entry {i}: missing value or not text", field=key, **where)
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
        aliases = item.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, (str, int)) for a in aliases):
            raise YigaiError(f"entry {i}: aliases must be a list of names", field="aliases", **where)
        registry.add(Agency(agency_id=str(item["agency_id"]), name=str(item["name"]),
                            admin_code=str(item["admin_code"]), function=str(item["function"]),
                            aliases=[str(a) for a in aliases]))
        proposal = _proposal(item, i, where)
        if proposal is not None:
            registry.proposed[proposal.agency_id] = proposal
    return registry


def _proposal(item: dict, i: int, where: dict) -> Proposal | None:
    """The review fields of an entry (status, proposed_by, mention), checked; None for a reviewed entry."""
    from yigai.sources import PLAN_ID_PATTERN

    if not any(key in item for key in REVIEW_FIELDS):
        return None
    if item.get("status") != PROPOSED:
        raise YigaiError(f"entry {i}: status is {item.get('status')!r}; the only status is {PROPOSED!r} (an entry "
                         "awaiting review), and a reviewed entry has none", field="status", **where,
                         hint="once the entry is confirmed, delete its status, proposed_by and mention lines")
    plan_id = item.get("proposed_by")
    if not isinstance(plan_id, str) or not PLAN_ID_PATTERN.fullmatch(plan_id):
        raise YigaiError(f"entry {i}: a proposed entry names the plan that needs it (proposed_by: <plan_id>), "
                         f"not {plan_id!r}", field="proposed_by", **where)
    mention = item.get("mention")
    if mention is not None and (not isinstance(mention, (str, int)) or isinstance(mention, bool)):
        raise YigaiError(f"entry {i}: mention must be the name as the plan prints it", field="mention", **where)
    return Proposal(str(item["agency_id"]), plan_id, None if mention is None else str(mention), where["row"])
