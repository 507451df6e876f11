"""Metadata as code: the one definition of every field and table, and what is generated from it."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources as importlib_resources
from typing import Any

from yigai import yamlio


def _read_yaml(name: str) -> dict[str, Any]:
    text = importlib_resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return yamlio.safe_load(text)


@lru_cache(maxsize=None)
def package() -> dict[str, Any]:
    """Return the package-level metadata (name, title, version, licences, contributors) from package.yml."""
    return _read_yaml("package.yml")


@lru_cache(maxsize=None)
def fields() -> dict[str, dict[str, Any]]:
    """Return every field definition, keyed by field name (from fields.yml)."""
    return _read_yaml("fields.yml")


@lru_cache(maxsize=None)
def resources() -> dict[str, dict[str, Any]]:
    """Return every table definition, keyed by resource name, in package order (from resources.yml)."""
    defined = fields()
    tables = _read_yaml("resources.yml")
    for name, table in tables.items():
        missing = [f for f in table["fields"] if f not in defined]
        if missing:
            raise KeyError(f"resources.yml: table {name} uses undefined fields {missing}")
    return tables


def table_names() -> list[str]:
    """Names of the tabular resources in package order."""
    return list(resources())


def columns(table: str) -> list[str]:
    """Column names of a table, in published order."""
    return list(resources()[table]["fields"])


def primary_key(table: str) -> list[str]:
    """Primary key columns of a table."""
    return list(resources()[table]["primary_key"])


def field_spec(table: str, name: str) -> dict[str, Any]:
    """One field as a table uses it: its definition in fields.yml, with the table's own `optional` override.

    A field required everywhere else may be optional in one table (resources.yml `optional`, with the sentence that
    says when it is empty): the field keeps one definition, and the table's schema, rules and dictionary say it.
    """
    spec = fields()[name]
    why = (resources()[table].get("optional") or {}).get(name)
    if why is None:
        return spec
    constraints = {k: v for k, v in (spec.get("constraints") or {}).items() if k != "required"}
    return {**spec, "constraints": constraints, "description": f"{spec['description']} {why}"}


def field_schema(name: str, table: str) -> dict[str, Any]:
    """Return the Table Schema field descriptor for one field as `table` uses it."""
    spec = field_spec(table, name)
    out: dict[str, Any] = {"name": name, "type": spec["type"], "description": spec["description"]}
    if spec.get("zh"):
        out["title"] = spec["zh"]
    if spec.get("constraints"):
        out["constraints"] = dict(spec["constraints"])
    if spec.get("example") is not None:
        out["example"] = spec["example"]
    return out


def table_schema(table: str) -> dict[str, Any]:
    """Return the Table Schema (fields, primaryKey, foreignKeys) of a table."""
    spec = resources()[table]
    schema: dict[str, Any] = {
        "fields": [field_schema(f, table) for f in spec["fields"]],
        "primaryKey": list(spec["primary_key"]),
        "missingValues": [""],
    }
    fks = []
    for fk in spec.get("foreign_keys", []):
        reference = {"fields": list(fk["reference"])}
        reference["resource"] = "" if fk["resource"] == table else fk["resource"]
        fks.append({"fields": list(fk["fields"]), "reference": reference})
    if fks:
        schema["foreignKeys"] = fks
    return schema


def enum_values(name: str) -> list[str]:
    """The allowed values of an enum field (empty when the field is not an enum)."""
    return list(fields()[name].get("constraints", {}).get("enum", []))


def data_dictionary_markdown() -> str:
    """Render the bilingual data dictionary (every table, field, Chinese term and code list) as Markdown.

    Tables and fields carry their English title and description and their Chinese term; every code list gives each
    code's English meaning (enum_doc) and its Chinese label (enum_zh).
    """
    lines = ["# Data dictionary · 数据字典", "", "Generated from `src/yigai/metadata/` — do not edit by hand. "
             "English and Chinese: every table, field and code has both.", ""]
    lines += ["Offsets (`char_start`, `char_end`) count Unicode code points in the plan's published text "
              "(`texts/<plan_id>.txt`), from 0, end exclusive.", ""]
    for table, spec in resources().items():
        title = f"{spec['title']} · {spec['zh']}" if spec.get("zh") else spec["title"]
        lines += [f"## `{table}` — {title}", "", spec["description"], ""]
        pk = ", ".join(f"`{c}`" for c in spec["primary_key"])
        lines += [f"Primary key: {pk}", ""]
        for fk in spec.get("foreign_keys", []):
            src = ", ".join(fk["fields"])
            ref = ", ".join(fk["reference"])
            lines.append(f"- Foreign key: `{src}` → `{fk['resource']}.{ref}`")
        if spec.get("foreign_keys"):
            lines.append("")
        lines += ["| field | type | 中文 | description | constraints |", "|---|---|---|---|---|"]
        for name in spec["fields"]:
            f = field_spec(table, name)
            cons = dict(f.get("constraints", {}))
            enum = cons.pop("enum", None)
            parts = [k if v is True else f"{k}: `{v}`" for k, v in cons.items() if v is not False]
            if enum:
                parts.append(f"one of the codes of [`{name}`](#code-list-{_anchor(name)})")
            desc = f["description"].replace("|", r"\|")
            cons_text = "; ".join(parts).replace("|", r"\|")
            lines.append(f"| `{name}` | {f['type']} | {f.get('zh', '')} | {desc} | {cons_text} |")
        lines.append("")
    lines += ["## Code lists · 代码表", ""]
    shown: dict[int, str] = {}
    for name, f in fields().items():
        if f.get("enum_doc"):
            zh = f.get("enum_zh") or {}
            lines += [f"### `{name}` ({f.get('zh', '')}) {{#code-list-{_anchor(name)}}}", ""]
            if id(f["enum_doc"]) in shown:
                lines += [f"The same codes as [`{shown[id(f['enum_doc'])]}`]"
                          f"(#code-list-{_anchor(shown[id(f['enum_doc'])])}).", ""]
                continue
            shown[id(f["enum_doc"])] = name
            lines += ["| code | English | 中文 |", "|---|---|---|"]
            for code, meaning in f["enum_doc"].items():
                cell = str(meaning).replace("|", r"\|")
                lines.append(f"| `{code}` | {cell} | {zh.get(code, '')} |")
            lines.append("")
    lines += ["The code list of standard indicators (`indicator_code`) is a table of the package, `indicators`, "
              "with Chinese and English names: see [Standard indicators](indicators.md).", ""]
    return "\n".join(lines)


def _anchor(name: str) -> str:
    return name.replace("_", "-")
