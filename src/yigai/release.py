"""Make a release: build, validate, and write one byte-reproducible archive with every format, checksums and citation.

A release archive `build/release/<name>-<version>.zip` holds one folder `<name>-<version>/` with the data package
(datapackage.json, data/*.csv, texts/*.txt, README.md), the same tables as Parquet (parquet/<table>.parquet) and
as a SQLite database with keys declared (<name>.sqlite), the data dictionary (DATA-DICTIONARY.md), CITATION.cff,
the licences, CHANGELOG.md, the validation report (validation-report.json), what validating the release needs
(the expectation suites and golden counts in validation/, the agency registry in sources/agencies.yml; see
yigai.assets), manifest.json and SHA256SUMS. The manifest records every file's SHA-256 and size and the tool
version that wrote it (the Parquet writer pyarrow, the SQLite library), so that the Parquet and SQLite files are
covered by the package's own record and a release can be rebuilt with the same tools (requirements/release.lock).
The same inputs and tools give the same bytes: members are sorted, timestamps are the release date (or
1980-01-01 before a first release), the compression is fixed, and the Parquet and SQLite files are written in a
fixed order without clocks.

Version bumps (`--bump`) are made by yigai.versioning.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yigai import assets, metadata
from yigai.errors import UsageError, YigaiError
from yigai.integrity import MANIFEST_FILE, SUMS_FILE, read_descriptor

EPOCH = dt.date(1980, 1, 1)
SQLITE_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "date": "TEXT"}
PROJECT_FILES = {"CITATION.cff": "CITATION.cff", "LICENSE": "LICENSE", "LICENSE-DATA.md": "LICENSE-DATA.md",
                 "CHANGELOG.md": "CHANGELOG.md"}
REPORT_FILE = "validation-report.json"
DICTIONARY_FILE = "DATA-DICTIONARY.md"
LOCK_FILE = "requirements/release.lock"  # the exact versions a release is made with


@dataclass
class Project:
    """The repository files a release reads and a version bump rewrites."""

    root: Path

    @property
    def package_yml(self) -> Path:
        """Package-level metadata: name, title, version, date_released."""
        return self.root / "src" / "yigai" / "metadata" / "package.yml"

    @property
    def citation(self) -> Path:
        """CITATION.cff (generated from package.yml)."""
        return self.root / "CITATION.cff"

    @property
    def zenodo(self) -> Path:
        """.zenodo.json (generated from package.yml)."""
        return self.root / ".zenodo.json"

    @property
    def changelog(self) -> Path:
        """CHANGELOG.md."""
        return self.root / "CHANGELOG.md"

    def check(self) -> "Project":
        """Return self when the files a release needs exist.

        Raises:
            YigaiError: naming the first missing file.
        """
        needed = [self.package_yml] + [self.root / name for name in (*PROJECT_FILES, *assets.TRAVELLING)]
        for path in needed:
            if not path.exists():
                raise UsageError("file needed for a release is missing", file=str(path),
                                 hint="run `yigai release` from the repository root")
        return self


def parse_cell(text: str | None, field_type: str) -> Any:
    """Turn one published CSV cell into a typed Python value (None for an empty cell)."""
    if text is None or text == "":
        return None
    if field_type == "integer":
        return int(text)
    if field_type == "number":
        return float(text)
    if field_type == "boolean":
        return text == "true"
    if field_type == "date":
        return dt.date.fromisoformat(text)
    return text


def _columns(folder: Path, resource: dict) -> tuple[list[dict], list[list[Any]]]:
    import csv

    fields = resource["schema"]["fields"]
    with open(folder / resource["path"], encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [[parse_cell(row.get(f["name"]), f.get("type", "string")) for f in fields] for row in reader]
    return fields, rows


def parquet_bytes(folder: Path, resource: dict) -> bytes:
    """One table as Parquet, typed from its schema, with each column's description and Chinese term attached."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
             "date": pa.date32()}
    fields, rows = _columns(folder, resource)
    schema = pa.schema([pa.field(f["name"], types[f.get("type", "string")],
                                 metadata={"description": f.get("description", ""), "zh": f.get("title", "")})
                        for f in fields], metadata={"name": resource["name"], "primary_key": json.dumps(
                            resource["schema"].get("primaryKey", []))})
    arrays = [pa.array([row[i] for row in rows], type=schema.field(i).type) for i in range(len(fields))]
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), buffer, compression="zstd",
                   compression_level=9, write_statistics=True, use_dictionary=True)
    return buffer.getvalue()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_schema(descriptor: dict) -> list[str]:
    """CREATE TABLE statements for every table, with types, NOT NULL, primary and foreign keys."""
    statements = []
    for resource in descriptor["resources"]:
        schema = resource.get("schema")
        if not schema:
            continue
        parts = []
        for f in schema["fields"]:
            column = f"{_quote(f['name'])} {SQLITE_TYPES[f.get('type', 'string')]}"
            if f.get("constraints", {}).get("required"):
                column += " NOT NULL"
            if f.get("type") == "boolean":
                column += f" CHECK ({_quote(f['name'])} IN (0, 1))"
            parts.append(column)
        key = schema.get("primaryKey")
        if key:
            parts.append("PRIMARY KEY (" + ", ".join(_quote(k) for k in ([key] if isinstance(key, str) else key))
                         + ")")
        for fk in schema.get("foreignKeys", []):
            target = fk["reference"]["resource"] or resource["name"]
            parts.append(f"FOREIGN KEY ({', '.join(_quote(c) for c in fk['fields'])}) REFERENCES {_quote(target)} "
                         f"({', '.join(_quote(c) for c in fk['reference']['fields'])})")
        statements.append(f"CREATE TABLE {_quote(resource['name'])} (\n  " + ",\n  ".join(parts) + "\n)")
    return statements


def sqlite_bytes(folder: Path, descriptor: dict) -> bytes:
    """The tables as one SQLite database (foreign keys declared and checked), built the same way every time.

    Raises:
        YigaiError: when a foreign key does not hold in the data.
    """
    with tempfile.TemporaryDirectory(prefix="yigai-sqlite-") as temp:
        path = Path(temp) / "db.sqlite"
        connection = sqlite3.connect(path, isolation_level=None)
        try:
            connection.executescript("PRAGMA page_size = 4096; PRAGMA journal_mode = OFF; PRAGMA foreign_keys = OFF;")
            connection.execute("BEGIN")
            for statement in sqlite_schema(descriptor):
                connection.execute(statement)
            for resource in descriptor["resources"]:
                if not resource.get("schema"):
                    continue
                fields, rows = _columns(folder, resource)
                names = ", ".join(_quote(f["name"]) for f in fields)
                marks = ", ".join("?" for _ in fields)
                values = [[v.isoformat() if isinstance(v, dt.date) else (int(v) if isinstance(v, bool) else v)
                           for v in row] for row in rows]
                connection.executemany(f"INSERT INTO {_quote(resource['name'])} ({names}) VALUES ({marks})",
                                       values)
            connection.execute("COMMIT")
            broken = connection.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                table, rowid, parent, _ = broken[0]
                raise YigaiError(f"{len(broken)} foreign key violation(s), first: row {rowid} of {table} "
                                 f"refers to a missing row of {parent}", file=f"data/{table}.csv")
            connection.execute("VACUUM")
        finally:
            connection.close()
        return path.read_bytes()


def sha256sums(files: dict[str, bytes]) -> bytes:
    """SHA256SUMS text (as written by `sha256sum`) for the given files, sorted by path."""
    return "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items())).encode()


def zip_bytes(files: dict[str, bytes], prefix: str, date: dt.date) -> bytes:
    """A zip archive of the files under one top folder, the same bytes for the same input."""
    buffer = io.BytesIO()
    stamp = (max(date, EPOCH).year, max(date, EPOCH).month, max(date, EPOCH).day, 0, 0, 0)
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{prefix}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()


def release_date(meta: dict) -> dt.date:
    """The date stamped in the archive: the version's release date, or 1980-01-01 before its first release."""
    value = meta.get("date_released")
    if not value:
        return EPOCH
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def tool_versions() -> dict[str, str]:
    """The versions of the tools that write a release's files (recorded in manifest.json)."""
    import pyarrow

    from yigai import __version__

    return {"yigai": __version__, "pyarrow": pyarrow.__version__, "sqlite": sqlite3.sqlite_version}


def manifest_bytes(files: dict[str, bytes], writers: dict[str, str], descriptor: dict,
                   lock: Path | None = None) -> bytes:
    """manifest.json: every file's SHA-256, size and the tool that wrote it, the tool versions and the lock file."""
    tools = tool_versions()
    entries = {name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                      "written_by": writers.get(name, "copied from the repository")}
               for name, data in sorted(files.items())}
    document = {"name": descriptor["name"], "version": str(descriptor["version"]), "tools": tools,
                "files": entries}
    if lock is not None and lock.is_file():
        document["lock"] = {"path": LOCK_FILE, "sha256": hashlib.sha256(lock.read_bytes()).hexdigest()}
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def release_files(package_dir: Path, project: Project, report_json: str) -> dict[str, bytes]:
    """Every file of the release archive (path inside the release folder → bytes), SHA256SUMS included."""
    descriptor = read_descriptor(package_dir)
    name = descriptor["name"]
    tools = tool_versions()
    files = {p.relative_to(package_dir).as_posix(): p.read_bytes()
             for p in sorted(package_dir.rglob("*")) if p.is_file()}
    writers = {path: "yigai build" for path in files}
    for resource in descriptor["resources"]:
        if resource.get("schema"):
            path = f"parquet/{resource['name']}.parquet"
            files[path] = parquet_bytes(package_dir, resource)
            writers[path] = f"pyarrow {tools['pyarrow']} (Parquet, zstd level 9)"
    files[f"{name}.sqlite"] = sqlite_bytes(package_dir, descriptor)
    writers[f"{name}.sqlite"] = f"SQLite {tools['sqlite']} (Python sqlite3)"
    files[DICTIONARY_FILE] = metadata.data_dictionary_markdown().encode("utf-8")
    writers[DICTIONARY_FILE] = f"yigai {tools['yigai']}"
    for inside, outside in PROJECT_FILES.items():
        files[inside] = (project.root / outside).read_bytes()
    for inside, path in assets.travelling_files(project.root).items():
        files[inside] = path.read_bytes()
    files[REPORT_FILE] = report_json.encode("utf-8")
    writers[REPORT_FILE] = f"yigai {tools['yigai']} (yigai validate)"
    for record in (SUMS_FILE, MANIFEST_FILE):
        files.pop(record, None)
    files[MANIFEST_FILE] = manifest_bytes(files, writers, descriptor, project.root / LOCK_FILE)
    files[SUMS_FILE] = sha256sums(files)
    return files


def summary(archive_path: Path) -> dict[str, Any]:
    """What a release archive is, for `yigai release --format json`: path, name, version, size, SHA-256, tools."""
    data = Path(archive_path).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest_name = next((n for n in archive.namelist() if n.endswith("/" + MANIFEST_FILE)), None)
        manifest = json.loads(archive.read(manifest_name)) if manifest_name else {}
    return {"archive": str(archive_path), "name": manifest.get("name"), "version": manifest.get("version"),
            "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(), "tools": manifest.get("tools", {}),
            "files": len(manifest.get("files", {}))}


def validated_report(package_dir: Path, label: str) -> str:
    """Validate the package and return its report as JSON.

    Raises:
        YigaiError: when the package is invalid (a release is never made of an invalid package).
    """
    from yigai import validate

    report = validate.run(package_dir)
    if not report.valid:
        first = "; ".join(f"{getattr(p, 'file', None) or 'package'}: {getattr(p, 'message', p)}"
                          for p in report.problems[:3])
        raise YigaiError(f"the package is invalid ({len(report.problems)} problem(s): {first}); refusing to release",
                         file=str(package_dir), hint="run `yigai validate` and fix every problem first")
    report.target = label
    return report.to_json() + "\n"


def archive(package_dir: Path, out_dir: Path, project: Project) -> Path:
    """Validate a built package and write its release archive into out_dir (atomically); return its path.

    Raises:
        YigaiError: when the package is invalid or its version differs from package.yml.
    """
    project.check()
    descriptor = read_descriptor(package_dir)
    meta = metadata.package()
    if str(descriptor.get("version")) != str(meta["version"]):
        raise YigaiError(f"the package is version {descriptor.get('version')} but package.yml says "
                         f"{meta['version']}", file=str(package_dir / "datapackage.json"), field="version",
                         hint="rebuild the package with `yigai build` before releasing it")
    label = f"{descriptor['name']}-{descriptor['version']}"
    files = release_files(package_dir, project, validated_report(package_dir, label))
    data = zip_bytes(files, label, release_date(meta))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{label}.zip"
    handle, temp = tempfile.mkstemp(prefix=f".{label}-", suffix=".zip", dir=out_dir)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temp, 0o644)  # mkstemp creates 0600; a published archive is world-readable
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def run(project: Project, sources_dir: Path, package_dir: Path, out_dir: Path, build: bool = True) -> Path:
    """Build the package from sources_dir into package_dir (unless `build` is false), validate it and archive it.

    Raises:
        YigaiError: when the build fails or the package is invalid; no archive is written then.
    """
    if build:
        from yigai import package

        if not Path(sources_dir).is_dir():
            raise UsageError("sources directory not found", file=str(sources_dir),
                             hint="run from the repository root, or pass --sources DIR (or --no-build)")
        package.run(sources_dir, package_dir)
    elif not (Path(package_dir) / "datapackage.json").is_file():
        raise UsageError("no datapackage.json in the package folder", file=str(package_dir),
                         hint="pass the built package with --package DIR, or build it first")
    return archive(package_dir, out_dir, project)
