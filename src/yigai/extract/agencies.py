"""Resolve the bodies a plan names to canonical agencies, and read who is responsible for each task.

Each row of `responsibilities` says that one canonical body leads (role lead) or shares (role co) one task. Bodies
are read from the task's responsibility clauses, from its prose and from annex table cells (the styles and their
rules are documented in yigai.extract.clauses and in the `rule` code list); a clause that applies to all later
items ("以下均需A及B负责,不再列出") adds A and B (rule inherited, role co) to every later task of the same outline
level, with the mention and span printed in that clause. An annex row's lead cell gives lead bodies and its
related-bodies cells co bodies (rule annex-table); a table with a single 责任单位 column is read as an unlabelled list.

A body whose role in the prose is not stated (rule prose, flagged: the lead is inferred) is lead when no other
body of the task leads explicitly, else co. When one body is named twice for a task, one row is kept: lead wins over co, otherwise the
first mention wins (primary key task_id + agency_id).

Resolution of a mention, in order (rules in src/yigai/data/agency_aliases.yml, bodies in sources/agencies.yml):

1. the registry: full name, or an alias of a body of the division the mention points to (区… → the plan's county,
   市… → the prefecture, or the county-level city itself; 省… → the province), then of the plan's division and
   those above it, nearest first;
2. "<level>级<function>部门" of the plan's own level ("省级卫生健康部门" in a provincial plan): the registry's one body
   of that function in the plan's division (drafted when the registry has none);
3. collective bodies named by function and level (县级政府, 财政部门, 各地级以上市, 各公立医院, 牵头医院; see
   yigai.extract.collectives): ONE canonical body <code>-<function>-<collective> per collective, taken from the
   registry when it has that id, else drafted (and reported) with its canonical name;
4. a division named as an actor (汕头市要…, 各…, in a list 汕头、韶关…云浮市要…): that division's government;
5. generic words that name no body (有关部门, 各相关部门, 成员单位, 业务较强的医院): not an agency, neither resolved
   nor reported;
6. alias rules: "[level word][委]<short form>" gives the body's function and canonical name; if the registry knows
   that name the body is used, else a DRAFT body is added to the registry (reported as kind draft-agency, so a
   curator can confirm it in sources/agencies.yml);
7. anything else is reported as kind unresolved-agency (status flagged) and gets no row — never silently dropped
   when it was named in a responsibility clause; a prose candidate that does not resolve is not known to name a
   body and is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources as importlib_resources


from yigai import divisions, yamlio
from yigai.changes import Change
from yigai.divisions import Division
from yigai.extract import clauses, collectives, outline, prose
from yigai.extract.clauses import Mention
from yigai.registry import Agency, Registry

ALIAS_FILE = "data/agency_aliases.yml"


@dataclass
class Resolution:
    """Rows produced by resolving mentions, and the report of what could not be resolved."""

    rows: list[dict] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)


@dataclass(frozen=True)
class AliasRules:
    """The general naming rules of agency_aliases.yml."""

    levels: dict[str, str]
    class_suffixes: tuple[str, ...]
    generic: tuple[re.Pattern[str], ...]
    forms: dict[str, tuple[str, str]]
    class_words: dict[str, str]
    level_words: tuple[str, ...] = ()   # the keys of `levels`, longest first


@dataclass
class Outcome:
    """What a mention resolved to: a body (kind registry | draft) or nothing (kind generic | unresolved)."""

    kind: str
    agency: Agency | None = None
    note: str = ""


@lru_cache(maxsize=1)
def alias_rules() -> AliasRules:
    """Load the general naming rules (src/yigai/data/agency_aliases.yml)."""
    path = importlib_resources.files("yigai").joinpath(ALIAS_FILE)
    data = yamlio.safe_load(path.read_text(encoding="utf-8"))
    forms: dict[str, tuple[str, str]] = {}
    class_words: dict[str, str] = {}
    for item in data["functions"]:
        for short, canonical in (item.get("forms") or {}).items():
            forms[str(short)] = (item["function"], str(canonical))
        for word in item.get("class_words") or []:
            class_words[str(word)] = item["function"]
    levels = {str(k): str(v) for k, v in data["levels"].items()}
    return AliasRules(
        levels=levels,
        class_suffixes=tuple(data.get("class_suffixes") or ()),
        generic=tuple(re.compile(p) for p in data.get("generic") or ()),
        forms=forms, class_words=class_words, level_words=tuple(sorted(levels, key=len, reverse=True)))


def _level_codes(level: str, jurisdiction: Division) -> list[str]:
    """Codes a level word points to from the plan's division (nearest first; empty when it points nowhere)."""
    if level == "province":
        return [jurisdiction.province_code]
    if level == "prefecture":
        if jurisdiction.level == "county" and jurisdiction.name.endswith("市"):
            return [jurisdiction.code, jurisdiction.prefecture_code]
        return [jurisdiction.prefecture_code] if jurisdiction.prefecture_code else []
    return [jurisdiction.code] if jurisdiction.level == "county" else []


def _prefix(mention: str, jurisdiction: Division) -> tuple[list[str], str]:
    """Split a mention into the division codes its leading words point to and the rest of the name."""
    body = mention[2:] if mention.startswith("中共") else mention
    found = divisions.find_in(body)
    if found:
        consumed = sum(len(d.name) for d in found)
        code = found[-1].code
        return ([code] if code in jurisdiction.ancestors() else []), body[consumed:]
    for word in alias_rules().level_words:
        if mention.startswith(word) and len(mention) > len(word):
            return _level_codes(alias_rules().levels[word], jurisdiction), mention[len(word):]
    return [jurisdiction.code], mention


class Lookup:
    """The registry's bodies by full name and by every name they are known by, for lookups while it is unchanged.

    `by_name` and `by_alias` give exactly what Registry.by_name and Registry.by_alias give (which scan every body per
    lookup): a name's first body, in the registry's order, is the one by_name finds; a word's bodies are listed in
    the registry's order, so the first of them with the nearest code is the one by_alias finds. The index is taken
    from the registry as it is when made: call `refresh` after the registry (or a body in it) may have changed.
    """

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.refresh()

    def refresh(self) -> None:
        """Index the registry as it is now."""
        names: dict[str, Agency] = {}
        known: dict[str, list[Agency]] = {}
        for agency in self.registry.agencies.values():
            names.setdefault(agency.name, agency)
            for word in dict.fromkeys([agency.name, *agency.aliases]):
                known.setdefault(word, []).append(agency)
        self.names, self.known = names, known

    def by_name(self, name: str) -> Agency | None:
        """Registry.by_name: the first body whose full name is `name`."""
        return self.names.get(name)

    def by_alias(self, alias: str, admin_codes: list[str]) -> Agency | None:
        """Registry.by_alias: of the bodies known by `alias`, the first one of the nearest of `admin_codes`."""
        bodies = self.known.get(alias)
        if not bodies:
            return None
        rank: dict[str, int] = {}
        for position, code in enumerate(admin_codes):
            rank.setdefault(code, position)
        best, best_rank = None, len(admin_codes)
        for agency in bodies:
            position = rank.get(agency.admin_code, best_rank)
            if position < best_rank:
                best, best_rank = agency, position
        return best


def resolve(mention: str, jurisdiction: Division, registry: Registry, lookup: Lookup | None = None) -> Agency | None:
    """Return the registry's body a mention names, looking in the division it points to, then the plan's and above.

    `lookup`, when given, is an index of the registry as it is now (it answers as the registry would, faster).
    """
    where = lookup or registry
    agency = where.by_name(mention)
    if agency:
        return agency
    codes, _ = _prefix(mention, jurisdiction)
    ordered = codes + [c for c in jurisdiction.ancestors() if c not in codes]
    return where.by_alias(mention, ordered)


def _by_function(registry: Registry, code: str, function: str) -> list[Agency]:
    """The bodies of a function in a division (collective bodies, which stand for many, excluded)."""
    collective = tuple(f"{code}-{function}-{suffix}" for suffix in collectives.suffixes())
    return [a for a in registry.agencies.values()
            if a.admin_code == code and a.function == function and a.agency_id not in collective]


def _draft(registry: Registry, code: str, function: str, name: str, mention: str, suffix: str = "") -> Agency:
    """Add (or find) a draft body; its id is <code>-<function>[-<suffix>], numbered when taken by another body."""
    base = f"{code}-{function}" + (f"-{suffix}" if suffix else "")
    candidate, n = base, 1
    taken = registry.agencies.get(candidate)
    if taken is not None and taken.name != name and taken.name.endswith("部门") and mention not in taken.aliases:
        taken.name = name   # a draft named only by its function (省级卫生健康部门) gets the name a short form gives
        taken.aliases.append(mention)
        return taken
    while candidate in registry.agencies and registry.agencies[candidate].name != name:
        n += 1
        candidate = f"{base}-{n}"
    return registry.add(Agency(agency_id=candidate, name=name, admin_code=code, function=function, aliases=[mention]))


def resolve_mention(mention: str, jurisdiction: Division, registry: Registry, lookup: Lookup | None = None) -> Outcome:
    """Resolve one mention by the documented order (registry, class phrase, collective, division, generic, alias).

    `lookup`, when given, is an index of the registry as it is now; only an outcome of kind draft changes the
    registry.
    """
    rules = alias_rules()
    agency = resolve(mention, jurisdiction, registry, lookup)
    if agency:
        return Outcome("registry", agency)
    phrase = clauses.CLASS_PHRASE.match(mention)
    if phrase and rules.levels.get(phrase.group(1)) == jurisdiction.level:
        middle = mention[len(phrase.group(1)) + 1:len(mention) - len(phrase.group(2))]
        function = rules.class_words.get(middle)
        bodies = _by_function(registry, jurisdiction.code, function) if function else []
        if len(bodies) == 1:
            return Outcome("registry", bodies[0])
        if function and not bodies:
            name = jurisdiction.full_name + collectives.rules().nouns.get(middle + "部门", collectives.Noun(
                function, middle + "部门")).zh
            return Outcome("draft", _draft(registry, jurisdiction.code, function, name, mention))
        return Outcome("unresolved", note=f"names the {jurisdiction.full_name} body of function "
                                          f"{function or '(unknown)'}, but the registry has {len(bodies)} such bodies")
    collective = collectives.parse(mention, jurisdiction)
    if collective:
        return _collective(collective, mention, registry)
    government = _division_government(mention, jurisdiction, registry)
    if government:
        return government
    if phrase or any(p.fullmatch(mention) for p in rules.generic):
        return Outcome("generic")
    codes, rest = _prefix(mention, jurisdiction)
    party = rest.startswith("委") and rest[1:] in rules.forms
    form = rules.forms.get(rest[1:] if party else rest)
    if form is None:
        return Outcome("unresolved", note="no registry entry and no alias rule for this name")
    if not codes:
        return Outcome("unresolved", note="the name does not say which division's body it is")
    function, canonical = form
    try:
        full = divisions.get(codes[0]).full_name
    except KeyError:
        return Outcome("unresolved", note=f"division {codes[0]} is not in the division table")
    name = f"中共{full}委{canonical}" if party else f"{full}{canonical}"
    known = (lookup or registry).by_name(name)
    if known:
        return Outcome("registry", known)
    return Outcome("draft", _draft(registry, codes[0], function, name, mention))


def _collective(collective: collectives.Collective, mention: str, registry: Registry) -> Outcome:
    """The registry's body for a collective (by id), or a draft with its canonical name; a jurisdiction's own body
    (a scope of its own level) is the registry's one body of that function there."""
    if collective.scope is None:
        bodies = _by_function(registry, collective.admin_code, collective.function)
        if len(bodies) == 1:
            return Outcome("registry", bodies[0])
        if bodies:
            return Outcome("unresolved", note=f"names the {collective.name}, but the registry has {len(bodies)} "
                                              f"bodies of function {collective.function} there")
        return Outcome("draft", _draft(registry, collective.admin_code, collective.function, collective.name,
                                       mention))
    known = registry.agencies.get(collective.agency_id)
    if known:
        return Outcome("registry", known)
    return Outcome("draft", registry.add(Agency(collective.agency_id, collective.name, collective.admin_code,
                                                collective.function, [mention])))


def _division_government(mention: str, jurisdiction: Division, registry: Registry) -> Outcome | None:
    """A division named as an actor (汕头市要…) stands for its people's government."""
    found = divisions.find_in(mention)
    if not found or sum(len(d.name) for d in found) != len(mention):
        return None
    division = found[-1]
    if not collectives.within(division.code, jurisdiction) or division.code == jurisdiction.code:
        return None
    bodies = _by_function(registry, division.code, "government")
    if len(bodies) == 1:
        return Outcome("registry", bodies[0])
    return Outcome("draft", _draft(registry, division.code, "government", division.full_name + "人民政府", mention))


def resolve_issuers(mentions, jurisdiction: Division, registry: Registry) -> Resolution:
    """Resolve the signing bodies of a notice (spans with text/start/end) to plan_issuers rows.

    Signers are resolved like any other mention (registry first, then the alias rules, which draft a canonical body
    that is reported for confirmation); a signer that cannot be resolved is reported, and its position is kept
    empty so the signing order of the others stays as printed.
    """
    result = Resolution()
    for position, span in enumerate(mentions, start=1):
        outcome = resolve_mention(span.text, jurisdiction, registry)
        if outcome.agency is None:
            result.changes.append(Change("extract", "unresolved-agency", "flagged", span.text, "",
                                         f"signing body could not be resolved: {outcome.note or 'not a body name'}",
                                         span.start, span.end))
            continue
        if outcome.kind == "draft":
            result.changes.append(Change("extract", "draft-agency", "flagged", span.text, outcome.agency.name,
                                         f"signing body not in sources/agencies.yml; canonical name drafted by the "
                                         f"alias rules as {outcome.agency.agency_id} — confirm it in the registry",
                                         span.start, span.end))
        result.rows.append({"position": position, "agency_id": outcome.agency.agency_id, "mention": span.text,
                            "char_start": span.start, "char_end": span.end})
    return result


def _annex_tables(text: str) -> dict[int, tuple[outline.Table, list[outline.Line]]]:
    """The rows of the plan's flattened tables (each with its table), by the offset of the row's number."""
    return {row[0].start: (table, row) for table in outline.find_tables(text) for row in table.rows}


def _annex_mentions(text: str, task: dict, tables: dict[int, tuple[outline.Table, list[outline.Line]]]) -> list[Mention]:
    found = tables.get(task["char_start"])
    if found is None:
        return []
    cells = outline.table_cells(*found)
    mentions: list[Mention] = []
    for column, role in (("lead", "lead"), ("co", "co")):
        for cell in cells.get(column, []):
            mentions += [Mention(n, s, e, role, "annex-table") for n, s, e in clauses.items(cell.text, cell.start)]
    listed = [item for cell in cells.get("responsible", []) for item in clauses.items(cell.text, cell.start)]
    mentions += [Mention(n, s, e, "lead" if i == 0 else "co", "unlabelled-list", flagged=True)
                 for i, (n, s, e) in enumerate(listed)]
    return mentions


def _task_mentions(text: str, task: dict, tables) -> list[Mention]:
    if task["path"].startswith("A"):
        return _annex_mentions(text, task, tables)
    start, end = task["char_start"], task["char_end"]
    skip = clauses.clause_spans(text, start, end)
    label = task.get("label") or ""
    words = start + len(label) if text.startswith(label, start) else start   # （一）X要…: X opens the prose
    return clauses.read_clauses(text, start, end) + prose.read_prose(text, words, end, skip)


def _report(outcome: Outcome, mention: Mention) -> Change | None:
    if outcome.kind == "unresolved":
        return Change("extract", "unresolved-agency", "flagged", mention.text, "",
                      f"body named in a responsibility statement ({mention.rule}) could not be resolved: {outcome.note}",
                      mention.start, mention.end)
    if outcome.kind == "draft":
        return Change("extract", "draft-agency", "flagged", mention.text, outcome.agency.name,
                      f"not in sources/agencies.yml; canonical name drafted by the naming rules (agency_aliases.yml) as "
                      f"{outcome.agency.agency_id} — confirm it in the registry", mention.start, mention.end)
    return None


def run(plan_id: str, text: str, tasks: list[dict], jurisdiction: Division, registry: Registry) -> Resolution:
    """Read the responsibilities of every task of one plan.

    Args:
        plan_id: the plan.
        text: the published normalised text.
        tasks: the plan's rows of `tasks`, in document order (entries under their private "_changes" key are passed on
            to the report).
        jurisdiction: the division the plan governs.
        registry: the agency registry; draft bodies are added to it.

    Returns:
        Rows of `responsibilities` and the report entries (unresolved and draft bodies, outline continuations).
    """
    result = Resolution()
    tables: dict[int, tuple[outline.Table, list[outline.Line]]] | None = None   # read for the first annex task
    cache: dict[str, Outcome] = {}
    lookup = Lookup(registry)   # nothing but a draft outcome changes the registry while the plan is read
    reported_drafts: set[str] = set()
    inherited: dict[int, list[tuple[Mention, Agency]]] = {}   # outline depth → bodies inherited by later tasks

    def outcome_of(mention: Mention) -> Outcome:
        words = mention.resolvable
        if words not in cache:
            cache[words] = resolve_mention(words, jurisdiction, registry, lookup)
            if cache[words].kind == "draft":
                lookup.refresh()   # a draft body was added, or a draft renamed
        outcome = cache[words]
        if outcome.kind == "unresolved" and mention.rule == "prose":
            return Outcome("generic")   # prose that resolves to nothing is not known to name a body
        if outcome.kind == "draft" and outcome.agency.agency_id in reported_drafts:
            return outcome          # a draft body is reported once per plan; every unresolved mention is reported
        change = _report(outcome, mention)
        if change:
            result.changes.append(change)
            if outcome.kind == "draft":
                reported_drafts.add(outcome.agency.agency_id)
        return outcome

    for task in tasks:
        result.changes += task.get("_changes", [])
        annex = task["path"].startswith("A")
        if annex and tables is None:
            tables = _annex_tables(text)
        mentions = _task_mentions(text, task, tables)
        resolved = [(m, outcome_of(m).agency) for m in mentions if not m.inherited]
        resolved = [(m, agency) for m, agency in resolved if agency is not None]
        leads = any(m.role == "lead" for m, _ in resolved)
        if not annex:
            resolved += inherited.get(task["depth"], [])
        rows: dict[str, dict] = {}
        for mention, agency in resolved:
            role = mention.role or ("co" if leads else "lead")
            row = {"task_id": task["task_id"], "agency_id": agency.agency_id, "role": role, "rule": mention.rule,
                   "flagged": mention.flagged, "mention": mention.text, "char_start": mention.start,
                   "char_end": mention.end}
            current = rows.get(agency.agency_id)
            if current is None or (current["role"] == "co" and role == "lead"):
                rows[agency.agency_id] = row
        result.rows += rows.values()
        if not annex:
            for mention in (m for m in mentions if m.inherited):
                agency = outcome_of(mention).agency
                if agency is not None:
                    inherited.setdefault(task["depth"], []).append((mention, agency))
    return result
