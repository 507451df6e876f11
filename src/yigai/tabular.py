"""Read a package's tables into pandas from any of its formats (CSV, Parquet, SQLite), typed the same way.

The types come from the package's Table Schema (datapackage.json), never from the format: integer → Int64,
number → float64, boolean → boolean (True/False, whether the file says true/false, a Parquet boolean or SQLite's
0/1), date → datetime64, string → string; empty cells are missing values. So `yigai.load(..., format=F)` gives equal
frames for every F.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from yigai.errors import YigaiError
from yigai.integrity import inside, read_descriptor

_BOOLEANS = {"true": True, "false": False, True: True, False: False, 1: True, 0: False}


def coerce(column, field_type: str):
    """One column (a pandas Series from any format) as the pandas dtype of its Table Schema type."""
    import pandas as pd

    if field_type == "integer":
        return pd.to_numeric(column).astype("Int64")
    if field_type == "number":
        return pd.to_numeric(column).astype("float64")
    if field_type == "boolean":
        values = column.astype(object).where(column.notna(), None)
        unknown = sorted({str(v) for v in values.dropna() if v not in _BOOLEANS})
        if unknown:
            raise ValueError(f"not a boolean: {', '.join(unknown[:3])}")
        return values.map(lambda v: None if v is None else _BOOLEANS[v]).astype("boolean")
    if field_type == "date":
        if column.dtype == object:
            column = column.map(lambda v: v.isoformat() if isinstance(v, dt.date) else v)
        return pd.to_datetime(column, format="%Y-%m-%d").astype("datetime64[ns]")
    return column.astype("string")


def _csv(folder: Path, resource: dict):
    import pandas as pd

    return pd.read_csv(inside(folder, resource["path"]), dtype=str, keep_default_na=False,
                       na_values=resource["schema"].get("missingValues", [""]), encoding="utf-8")


def _parquet(folder: Path, resource: dict):
    from yigai import extras

    extras.require("pyarrow", "parquet", "reading the Parquet files")
    import pyarrow.parquet as pq

    path = inside(folder, f"parquet/{resource['name']}.parquet")
    if not path.is_file():
        raise YigaiError("this package has no Parquet files (only a release archive has them)", file=str(path),
                         hint="load the CSV files (format='csv') or a release archive")
    return pq.read_table(path).to_pandas(date_as_object=True)


def _sqlite(folder: Path, resource: dict, database: Path):
    import pandas as pd

    names = ", ".join('"' + f["name"].replace('"', '""') + '"' for f in resource["schema"]["fields"])
    table = '"' + resource["name"].replace('"', '""') + '"'
    connection = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
    try:
        return pd.read_sql_query(f"SELECT {names} FROM {table}", connection, dtype=object)  # noqa: S608
    finally:
        connection.close()


def read_tables(folder: Path, fmt: str = "csv") -> dict:
    """Read every tabular resource of a package folder into a pandas DataFrame typed from its schema.

    Args:
        folder: an (already verified) package folder; a release for the parquet and sqlite formats.
        fmt: csv, parquet or sqlite.

    Raises:
        YigaiError: when the format's files are missing or a column cannot be read as its type.
    """
    descriptor = read_descriptor(folder)
    database = None
    if fmt == "sqlite":
        database = inside(folder, f"{descriptor.get('name', 'yigai')}.sqlite")
        if not database.is_file():
            raise YigaiError("this package has no SQLite database (only a release archive has one)",
                             file=str(database), hint="load the CSV files (format='csv') or a release archive")
    tables = {}
    for resource in descriptor.get("resources", []):
        schema = resource.get("schema")
        if not schema:
            continue
        try:
            if fmt == "parquet":
                frame = _parquet(folder, resource)
            elif fmt == "sqlite":
                frame = _sqlite(folder, resource, database)
            else:
                frame = _csv(folder, resource)
        except (OSError, ValueError, UnicodeDecodeError, sqlite3.Error) as exc:
            raise YigaiError(f"table {resource['name']} cannot be read as {fmt}: {exc}", file=resource["path"],
                             hint="check the file, or load the package with its hash checks on") from None
        for spec in schema["fields"]:
            try:
                frame[spec["name"]] = coerce(frame[spec["name"]], spec.get("type", "string"))
            except (ValueError, TypeError, KeyError) as exc:
                raise YigaiError(f"cannot read column as {spec.get('type')}: {exc}", file=resource["path"],
                                 field=spec["name"]) from None
        tables[resource["name"]] = frame.reset_index(drop=True)
    return tables
