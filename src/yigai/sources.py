"""Read the human-owned inputs under sources/: raw documents, their provenance and their curated corrections."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from yigai import yamlio
from yigai.errors import YigaiError

PLAN_ID_PATTERN = re.compile(r"^[a-z]+(-[a-z]+)*-[0-9]{4}-[0-9]{2}$")
SOURCE_FILE = "source.yml"
CORRECTIONS_FILE = "corrections.yml"
RAW_FILE = "raw.txt"
REGISTRY_FILE = "agencies.yml"

_REQUIRED_RAW_KEYS = ("file", "sha256", "original_name")
_FACT_KEYS = ("jurisdiction", "admin_code", "admin_level", "doc_number", "issue_date", "publish_date", "issuers",
              "title", "notice_title")
CORRECTION_STAGES = ("text", "row")
CORRECTION_ACTIONS = ("update", "add", "delete")


@dataclass
class Correction:
    """One curated fix from a plan's corrections.yml.

    A text correction replaces `expect` by `value` in the normalised text (at its `occurrence`, counted from 1).
    A row correction updates one `field` of the row of `table` whose primary key is `key`, adds a row (`value` is
    the row) or deletes one. `expect` guards every correction: when the pipeline no longer produces the expected old
    value, the correction is stale and the build stops.
    """

    index: int
    stage: str
    reason: str
    expect: Any = None
    value: Any = None
    action: str = "update"
    table: str | None = None
    key: dict[str, Any] | None = None
    field: str | None = None
    occurrence: int = 1
    kind: str = "curated"


@dataclass
class PlanSource:
    """A plan's committed inputs: raw document, provenance and corrections."""

    plan_id: str
    directory: Path
    raw_bytes: bytes
    source: dict[str, Any]
    corrections: list[Correction] = field(default_factory=list)

    @property
    def raw_text(self) -> str:
        """The raw document decoded as declared in source.yml."""
        return self.raw_bytes.decode(self.source.get("raw", {}).get("encoding", "utf-8"))

    @property
    def sha256(self) -> str:
        """SHA-256 of the raw bytes."""
        return hashlib.sha256(self.raw_bytes).hexdigest()

    @property
    def facts(self) -> dict[str, Any]:
        """Curated facts from source.yml (possibly empty)."""
        return self.source.get("facts") or {}

    def text_corrections(self) -> list[Correction]:
        """Corrections that apply to the normalised text."""
        return [c for c in self.corrections if c.stage == "text"]

    def row_corrections(self) -> list[Correction]:
        """Corrections that apply to extracted rows."""
        return [c for c in self.corrections if c.stage == "row"]


class _Loader(yamlio.SafeLoader):  # libyaml's parser when PyYAML has it
    """PyYAML's safe loader, except that a date that does not exist (2017-02-30) stays text for the checks to name."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def _lines(node: yaml.Node | None, prefix: tuple = ()) -> dict[tuple, int]:
    """The line (1-based) of every key and item of a YAML document, by its path (keys, and list positions from 0)."""
    found: dict[tuple, int] = {prefix: node.start_mark.line + 1} if node is not None else {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            found[prefix + (name,)] = key.start_mark.line + 1
            found.update({k: v for k, v in _lines(value, prefix + (name,)).items() if k != prefix + (name,)})
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found.update(_lines(item, prefix + (i,)))
    return found


def _repeated_node(root: yaml.Node | None) -> int | None:
    """The line (1-based) where a node of a composed document occurs a second time (what an alias *name makes).

    An alias gives the anchored node again, so a document may hold itself (`a: &x [*x]`) or grow exponentially
    when expanded (aliases of aliases): neither is plain data, and both are refused before the data is built. The
    line is that of the key whose value is the repeat, or of the list holding it.
    """
    seen: set[int] = set()
    stack = [(root, root.start_mark)] if root is not None else []
    while stack:
        node, where = stack.pop()
        if id(node) in seen:
            return where.line + 1
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                stack += [(value, key.start_mark), (key, key.start_mark)]
        elif isinstance(node, yaml.SequenceNode):
            stack += [(item, node.start_mark) for item in reversed(node.value)]
    return None


_STR, _SEQ, _MAP = ("tag:yaml.org,2002:" + name for name in ("str", "seq", "map"))


class _NotPlain(Exception):
    """A document holds something _plain_data leaves to PyYAML's constructor (a merge key, a set, a complex key)."""


def _plain_data(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """The data of a composed document without aliases, built as loader.construct_document builds it, but directly.

    Equivalence: a plain mapping (tag map) becomes a dict of its keys and values in order (a later duplicate key
    wins), a plain list (tag seq) a list, a plain string (tag str) its value; every other scalar is made by the
    loader's own constructor. Merge (<<) and value (=) keys, non-scalar keys and any other collection raise
    _NotPlain: the caller then builds the document with construct_document, as does any error here, so errors come
    from PyYAML's constructor in its own order. The document has no alias, so no node is met twice.
    """
    if isinstance(node, yaml.ScalarNode):
        return node.value if node.tag == _STR else loader.construct_object(node)
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
        return [_plain_data(loader, item) for item in node.value]
    if not (isinstance(node, yaml.MappingNode) and node.tag == _MAP):
        raise _NotPlain
    data = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _PLAIN_KEY_TAGS:
            raise _NotPlain
        data[_plain_data(loader, key_node)] = _plain_data(loader, value_node)
    return data


_PLAIN_KEY_TAGS = frozenset("tag:yaml.org,2002:" + name for name in ("str", "int", "bool", "null", "float",
                                                                        "timestamp"))
"""Tags of keys _plain_data builds: scalars PyYAML makes into hashable values (never a merge or value key)."""


def _construct(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """loader.construct_document(node) for a document without aliases, through _plain_data when it can."""
    try:
        return _plain_data(loader, node)
    except Exception:  # noqa: BLE001 - PyYAML's constructor builds it again and raises its own error
        loader.constructed_objects, loader.recursive_objects = {}, {}
        loader.state_generators, loader.deep_construct = [], False
        return loader.construct_document(node)


class _LineMap(Mapping):
    """The lines of a YAML document by path (see _lines), worked out on first use: only errors need them."""

    def __init__(self, node: yaml.Node | None):
        self._node, self._found = node, None

    def _lines(self) -> dict[tuple, int]:
        if self._found is None:
            self._found, self._node = _lines(self._node), None
        return self._found

    def __getitem__(self, path: tuple) -> int:
        return self._lines()[path]

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._lines())

    def __len__(self) -> int:
        return len(self._lines())


def line_of(lines: Mapping[tuple, int], field: str | None) -> int | None:
    """The line of a field named like `raw.sha256` or `corrections[3].expect` (its nearest parent when absent)."""
    if lines is None:
        return None
    path: list = []
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", field or ""):
        path.append(int(part[1:-1]) - 1 if part.startswith("[") else part)
    while path and tuple(path) not in lines:
        path.pop()
    return lines.get(tuple(path)) or lines.get(()) or 1


def load_yaml(path: Path, plan_id: str | None = None) -> tuple[Any, Mapping[tuple, int]]:
    """Parse a YAML file; returns (data, line of every key and item by path, worked out when first looked up).

    Raises:
        YigaiError: naming the file and line when the file is not UTF-8 or not YAML (never a traceback).
    """
    try:
        text = path.read_bytes().decode("utf-8")
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            # only an alias (an ALIAS token, which starts with '*') makes the composer repeat a node
            line = _repeated_node(node) if "*" in text else None
            if line is not None:
                raise YigaiError(f"not valid here at line {line}: a YAML alias (*name) repeats a value given "
                                 "elsewhere", file=str(path), plan_id=plan_id, row=line,
                                 hint="write the value out in full where it is needed (anchors and aliases are "
                                 "not part of the documented format)")
            data = _construct(loader, node) if node is not None else None
        finally:
            loader.dispose()
    except UnicodeDecodeError as exc:
        raise YigaiError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=str(path), plan_id=plan_id,
                         hint="save the file as UTF-8") from None
    except yaml.reader.ReaderError as exc:
        line = text[:exc.position].count("\n") + 1
        raise YigaiError(f"not valid YAML at line {line}: character {exc.character!r} is not allowed in YAML",
                         file=str(path), plan_id=plan_id, row=line, hint="remove the control character") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise YigaiError(f"not valid YAML{where}: {getattr(exc, 'problem', None) or exc}", file=str(path),
                         plan_id=plan_id, row=(mark.line + 1) if mark else None,
                         hint="check the indentation and quoting near that line") from None
    except (RecursionError, ValueError, TypeError, OverflowError) as exc:
        reason = "it is nested too deeply" if isinstance(exc, RecursionError) else f"{type(exc).__name__}: {exc}"
        raise YigaiError(f"cannot be read: {reason[:200]}", file=str(path), plan_id=plan_id, row=1,
                         hint="keep the file to the plain keys and values of the documented format") from None
    return data, _LineMap(node)


def _iso(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _is_date(value: Any) -> bool:
    try:
        dt.date.fromisoformat(str(value))
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)))
    except ValueError:
        return False


def check_source_yml(data: Any, path: Path, plan_id: str, lines: dict[tuple, int] | None = None) -> list[YigaiError]:
    """Return every schema problem of a source.yml document (empty when it is valid), each with its line."""
    errors: list[YigaiError] = []

    def err(message: str, fld: str, hint: str | None = None) -> None:
        errors.append(YigaiError(message, file=str(path), plan_id=plan_id, field=fld, hint=hint,
                                 row=line_of(lines or {}, fld)))

    if not isinstance(data, dict):
        err("must be a mapping with keys plan_id, raw, licence, facts", "(top level)")
        return errors
    if data.get("plan_id") != plan_id:
        err(f"plan_id is {data.get('plan_id')!r} but the folder is named {plan_id!r}", "plan_id",
            "the folder name and plan_id must agree")
    raw = data.get("raw")
    if not isinstance(raw, dict):
        err("missing section 'raw' (file, sha256, original_name, url, captured)", "raw")
    else:
        for key in _REQUIRED_RAW_KEYS:
            if not raw.get(key):
                err("missing value", f"raw.{key}")
        sha = raw.get("sha256")
        if sha and not re.fullmatch(r"[0-9a-f]{64}", str(sha)):
            err(f"{sha!r} is not a lowercase hex SHA-256", "raw.sha256")
        if raw.get("file") not in (None, RAW_FILE):
            err(f"must be {RAW_FILE!r}", "raw.file")
        if raw.get("encoding") is not None and not isinstance(raw.get("encoding"), str):
            err("must be the name of an encoding, e.g. utf-8", "raw.encoding")
    licence = data.get("licence")
    if not isinstance(licence, dict) or not licence.get("status"):
        err("missing licence status", "licence.status", "say under which terms the document may be republished")
    facts = data.get("facts") or {}
    if not isinstance(facts, dict):
        err("must be a mapping", "facts")
    else:
        for key in facts:
            if key not in _FACT_KEYS:
                err(f"unknown fact {key!r} (known: {', '.join(_FACT_KEYS)})", f"facts.{key}")
        for key in ("issue_date", "publish_date"):
            value = _iso(facts.get(key))
            if value is not None and not _is_date(value):
                err(f"{value!r} is not a date that exists, written YYYY-MM-DD", f"facts.{key}")
        for key in ("jurisdiction", "admin_level", "doc_number", "title", "notice_title"):
            if facts.get(key) is not None and not isinstance(facts[key], str):
                err(f"{facts[key]!r} must be text", f"facts.{key}")
        if facts.get("issuers") is not None and not (isinstance(facts["issuers"], list) and all(
                i is None or isinstance(i, (str, dict)) for i in facts["issuers"])):
            err("must be a list of issuing bodies (null for one that cannot be read)", "facts.issuers")
        code = facts.get("admin_code")
        if code is not None and not re.fullmatch(r"[1-8]\d{5}", str(code)):
            err(f"{code!r} is not a six-digit division code (quote it: \"330302\")", "facts.admin_code")
    return errors


def parse_corrections(data: Any, path: Path, plan_id: str,
                      lines: dict[tuple, int] | None = None) -> tuple[list[Correction], list[YigaiError]]:
    """Parse a corrections.yml document into corrections, collecting schema problems (each with its line)."""
    errors: list[YigaiError] = []
    out: list[Correction] = []
    if data is None:
        return out, errors
    items = data.get("corrections") if isinstance(data, dict) else None
    if not isinstance(items, list):
        errors.append(YigaiError("must be a mapping with a list under 'corrections'", file=str(path),
                                 plan_id=plan_id, field="corrections", row=line_of(lines or {}, "corrections")))
        return out, errors
    for i, item in enumerate(items, start=1):
        def err(message: str, fld: str) -> None:
            name = f"corrections[{i}].{fld}"
            errors.append(YigaiError(message, file=str(path), plan_id=plan_id, field=name,
                                     row=line_of(lines or {}, name)))

        if not isinstance(item, dict):
            err("each correction must be a mapping", "(item)")
            continue
        stage = item.get("stage")
        action = item.get("action", "update")
        if stage not in CORRECTION_STAGES:
            err(f"must be one of {', '.join(CORRECTION_STAGES)}", "stage")
            continue
        if action not in CORRECTION_ACTIONS:
            err(f"must be one of {', '.join(CORRECTION_ACTIONS)}", "action")
            continue
        if not item.get("reason"):
            err("every correction needs a reason", "reason")
        occurrence = item.get("occurrence", 1)
        if isinstance(occurrence, bool) or not isinstance(occurrence, int) or occurrence < 1:
            err(f"{occurrence!r} is not a whole number from 1 (which occurrence of expect to replace)", "occurrence")
            continue
        for key in ("table", "field", "kind"):
            if item.get(key) is not None and not isinstance(item[key], str):
                err(f"{item[key]!r} must be text", key)
        if any(item.get(key) is not None and not isinstance(item[key], str) for key in ("table", "field", "kind")):
            continue
        if stage == "text":
            if not isinstance(item.get("expect"), str) or not item.get("expect"):
                err("a text correction needs the exact text it replaces", "expect")
            if not isinstance(item.get("value"), str):
                err("a text correction needs the replacement text", "value")
        else:
            if item.get("key") is not None and not isinstance(item.get("key"), dict):
                err("the key of a row is a mapping of primary-key column to value", "key")
                continue
            if not item.get("table"):
                err("a row correction names its table", "table")
            if action in ("update", "delete") and not isinstance(item.get("key"), dict):
                err("a row correction names the row by its primary key, as a mapping", "key")
            if action == "update" and not item.get("field"):
                err("an update names the field it changes", "field")
            if action == "update" and "expect" not in item:
                err("an update states the value it expects to replace (expect)", "expect")
            if action == "add" and not isinstance(item.get("value"), dict):
                err("an added row is given as a mapping of column to value", "value")
        out.append(Correction(index=i, stage=stage, reason=str(item.get("reason", "")), expect=_iso(item.get("expect")),
                              value=_iso(item.get("value")), action=action, table=item.get("table"),
                              key=item.get("key"), field=item.get("field"),
                              occurrence=occurrence, kind=str(item.get("kind", "curated"))))
    return out, errors


def read_plan(directory: Path, check_hash: bool = True) -> PlanSource:
    """Read and check one sources/<plan_id>/ folder.

    Raises:
        YigaiError: when a file is missing or malformed, or the raw file no longer matches its sha256.
    """
    plan_id = directory.name
    if not PLAN_ID_PATTERN.fullmatch(plan_id):
        raise YigaiError("folder name is not a valid plan_id (lowercase pinyin words, year, two-digit serial, "
                         "e.g. hangzhou-xihu-2020-01)", file=str(directory), plan_id=plan_id, field="plan_id")
    raw_path = directory / RAW_FILE
    source_path = directory / SOURCE_FILE
    for required in (raw_path, source_path):
        if not required.is_file():
            raise YigaiError("file is missing", file=str(required), plan_id=plan_id,
                             hint="every plan folder holds raw.txt and source.yml (corrections.yml is optional)")
    source, lines = load_yaml(source_path, plan_id)
    problems = check_source_yml(source, source_path, plan_id, lines)
    if problems:
        raise problems[0]
    raw_bytes = raw_path.read_bytes()
    plan = PlanSource(plan_id=plan_id, directory=directory, raw_bytes=raw_bytes, source=source)
    if check_hash and plan.sha256 != source["raw"]["sha256"]:
        raise YigaiError(f"raw.txt has sha256 {plan.sha256}, but source.yml records {source['raw']['sha256']}",
                         file=str(raw_path), plan_id=plan_id, field="raw.sha256",
                         hint="raw.txt must stay byte for byte as captured; if a new capture replaces it, record "
                              "its sha256 and capture facts in source.yml")
    corrections_path = directory / CORRECTIONS_FILE
    if corrections_path.is_file():
        data, lines = load_yaml(corrections_path, plan_id)
        corrections, problems = parse_corrections(data, corrections_path, plan_id, lines)
        if problems:
            raise problems[0]
        plan.corrections = corrections
    return plan


def plan_directories(sources_dir: Path) -> list[Path]:
    """The plan folders under a sources directory, sorted by plan_id."""
    if not sources_dir.is_dir():
        raise YigaiError("sources directory not found", file=str(sources_dir),
                         hint="run from the repository root or pass --sources DIR")
    return sorted(p for p in sources_dir.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


def read_sources(sources_dir: Path, check_hash: bool = True) -> list[PlanSource]:
    """Read every plan under a sources directory, sorted by plan_id."""
    plans = [read_plan(d, check_hash=check_hash) for d in plan_directories(sources_dir)]
    if not plans:
        raise YigaiError("no plan folders found", file=str(sources_dir))
    return plans


def unsourced_plan(raw_bytes: bytes, plan_id: str = "draft-0000-01", name: str = "draft") -> PlanSource:
    """Wrap a raw document that has no source.yml yet (used by `yigai extract`)."""
    source = {"plan_id": plan_id, "raw": {"file": RAW_FILE, "sha256": hashlib.sha256(raw_bytes).hexdigest(),
                                          "original_name": name, "encoding": "utf-8"},
              "licence": {"status": "unknown"}, "facts": {}}
    return PlanSource(plan_id=plan_id, directory=Path("."), raw_bytes=raw_bytes, source=source)
