"""Tables compared by primary key without holding them in memory: CSV streamed to Parquet, joined in DuckDB.

A published CSV is read exactly as `csv.DictReader` reads it (cells are text as published; a missing cell or column
is ""; of two columns with the same header the later wins) and written to a Parquet file, column i as `c<i>`, with the
row's position as `__row`. When two rows share a primary key, the later one is the row (as when a dict is filled
row by row). Comparisons are SQL over those files in DuckDB, which spills to disk beyond its memory limit: rows are
matched by key and compared by an MD5 digest of their cells, and only rows that differ are read back into Python.
"""

from __future__ import annotations

import contextlib
import csv
import tempfile
from pathlib import Path
from typing import Any, Iterator

ROW = "file_row_number"  # a row's position in its stored Parquet file, which keeps file order
BATCH_ROWS = 65_536
MEMORY_LIMIT = "1GB"


def column(i: int) -> str:
    """The Parquet/SQL name of stored column i."""
    return f"c{i}"


def _header(source: Path) -> tuple[list[str], bool]:
    """The header as csv.DictReader reads it, and whether DuckDB can read the file itself (see store_csv)."""
    with open(source, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle), [])
    with open(source, "rb") as handle:
        first = handle.readline()
        direct = bool(header) and first.endswith(b"\n")
        try:
            direct = direct and next(csv.reader([first.decode("utf-8")[:-1]]), None) == header
        except (csv.Error, UnicodeDecodeError):
            direct = False
        handle.seek(0)
        while direct and (chunk := handle.read(1 << 24)):
            direct = b"\r" not in chunk
    return header, direct


def _copy(con, source: Path, width: int, skip: int, positions: list[int | None], target: Path) -> None:
    columns = "{" + ", ".join(f"'{column(i)}': 'VARCHAR'" for i in range(width)) + "}"
    cells = ", ".join(f"coalesce({column(p)}, '') AS {column(i)}" if p is not None else f"'' AS {column(i)}"
                      for i, p in enumerate(positions))
    con.execute(f"COPY (SELECT {cells} FROM read_csv({_quoted(source)}, header = false, skip = {skip}, "
                f"delim = ',', quote = '\"', escape = '\"', new_line = '\\n', strict_mode = true, "
                f"allow_quoted_nulls = false, auto_detect = false, columns = {columns})) "
                f"TO {_quoted(target)} (FORMAT parquet)")


def store_csv(source: Path, names: list[str], target: Path) -> int:
    """Write the columns `names` of a CSV file to Parquet (in file order); return the number of data rows.

    A file whose header is one line and that has no carriage return is read by DuckDB (strictly: any row it cannot
    read exactly, such as a short row or a stray quote, stops it); any other file, or one DuckDB refuses, is read by
    Python's csv module and handed to DuckDB re-quoted.

    Raises:
        UnicodeDecodeError: when the file is not UTF-8.
    """
    import duckdb

    header, direct = _header(source)
    where = {name: i for i, name in enumerate(header)}  # a repeated header: the later column wins
    positions = [where.get(name) for name in names]
    with session() as con:
        if direct:
            try:
                _copy(con, source, len(header), 1, positions, target)
                return con.execute(f"SELECT count(*) FROM read_parquet({_quoted(target)})").fetchone()[0]
            except duckdb.Error:
                pass
        normalised = target.with_suffix(".csv")
        with open(source, encoding="utf-8", newline="") as handle, \
                open(normalised, "w", encoding="utf-8", newline="") as out:
            reader = csv.reader(handle)
            next(reader, None)
            writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
            for row in reader:
                if row:  # csv.DictReader skips blank lines; a missing cell is ""
                    writer.writerow([row[p] if p is not None and p < len(row) else "" for p in positions])
        _copy(con, normalised, len(names), 0, list(range(len(names))), target)
        normalised.unlink()
        return con.execute(f"SELECT count(*) FROM read_parquet({_quoted(target)})").fetchone()[0]


@contextlib.contextmanager
def session() -> Iterator[Any]:
    """A DuckDB connection with bounded memory that spills to a temporary folder (closed and removed afterwards).

    Text compares by its UTF-8 bytes, which is code point order, as in Python.
    """
    import duckdb

    with tempfile.TemporaryDirectory(prefix="yigai-duckdb-") as temp:
        con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": temp})
        try:
            yield con
        finally:
            con.close()


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _scan(path: Path) -> str:
    """SQL reading a stored table, with each row's position in the file."""
    return f"read_parquet({_quoted(path)}, file_row_number = true)"


def _cols(indexes: list[int], alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    return ", ".join(f"{prefix}{column(i)}" for i in indexes)


def _digest(indexes: list[int]) -> str:
    """SQL for an MD5 of the given cells, each prefixed by its length so that no two rows share an encoding."""
    if not indexes:
        return "md5('')"
    return "md5(concat(" + ", ".join(f"length({column(i)}), ':', {column(i)}" for i in indexes) + "))"


def _keys_as(key: list[int]) -> str:
    return ", ".join(f"{column(c)} AS k{i}" for i, c in enumerate(key))


def _latest(path: Path, key: list[int], select: str) -> str:
    """SQL selecting `select` from the last row of each key of a stored table."""
    return (f"SELECT {select} FROM {_scan(path)} "
            f"QUALIFY row_number() OVER (PARTITION BY {_cols(key)} ORDER BY {ROW} DESC) = 1")


def distinct_keys(con, path: Path, key: list[int]) -> int:
    """The number of different primary keys in a stored table (its rows, once repeated keys are merged)."""
    return con.execute(f"SELECT count(*) FROM (SELECT DISTINCT {_cols(key)} FROM {_scan(path)})"
                       ).fetchone()[0]


def rows_by_key(con, path: Path, key: list[int], names: list[str]) -> Iterator[tuple[tuple, dict[str, str]]]:
    """Every row of a stored table (the last of each key) as (key, {name: cell}), in key order."""
    wanted = list(range(len(names)))
    cursor = con.execute(_latest(path, key, f"{_cols(wanted)}") + f" ORDER BY {_cols(key)}")
    while batch := cursor.fetchmany(BATCH_ROWS):
        for cells in batch:
            yield tuple(cells[i] for i in key), dict(zip(names, cells))


def similarity(con, old: Path, old_key: list[int], new: Path, new_key: list[int], old_col: int, new_col: int
               ) -> tuple[int, int]:
    """(rows with the same key in both, of which the given old and new columns are equal)."""
    if len(old_key) != len(new_key):
        return 0, 0
    on = " AND ".join(f"o.k{i} = n.k{i}" for i in range(len(old_key)))
    old_select = ", ".join(f"{column(c)} AS k{i}" for i, c in enumerate(old_key)) + f", {column(old_col)} AS v"
    new_select = ", ".join(f"{column(c)} AS k{i}" for i, c in enumerate(new_key)) + f", {column(new_col)} AS v"
    common, same = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE o.v = n.v) FROM ({_latest(old, old_key, old_select)}) o "
        f"JOIN ({_latest(new, new_key, new_select)}) n ON {on}").fetchone()
    return common, same


def _fetch(con, path: Path, rows_sql: str, names: list[str]) -> list[dict[str, str]]:
    """Full rows of a stored table whose positions `rows_sql` lists (columns pos, ord), in `ord` order."""
    wanted = _cols(list(range(len(names))), "p")
    cursor = con.execute(f"SELECT {wanted} FROM {_scan(path)} p JOIN ({rows_sql}) w "
                         f"ON p.{ROW} = w.pos ORDER BY w.ord")
    out: list[dict[str, str]] = []
    while batch := cursor.fetchmany(BATCH_ROWS):
        out += [dict(zip(names, cells)) for cells in batch]
    return out


def row_diff(con, old: Path, old_names: list[str], old_key: list[int], new: Path, new_names: list[str],
             new_key: list[int], rekey: list[int] | None, pairs: list[tuple[int, int]]
             ) -> tuple[list[dict], list[dict], list[tuple[dict, dict]]]:
    """Rows added, removed and changed between two stored tables, each list in order of the new key.

    Args:
        old, new: the stored tables; *_names their column names; *_key the positions of their primary keys.
        rekey: positions in the old table of the new key's columns (None when the old table lacks one of them:
            then no old row can be matched, and every new row counts as added).
        pairs: (old position, new position) of the columns both versions have, compared for changes.

    Returns:
        (added new rows, removed old rows, (old row, new row) of rows whose compared cells differ).
    """
    if rekey is None:
        return _fetch(con, new, _latest(new, new_key, f"{ROW} AS pos, row_number() OVER (ORDER BY "
                                                      f"{_cols(new_key)}) AS ord"), new_names), [], []
    keys = ", ".join(f"k{i}" for i in range(len(new_key)))
    latest_old = (f"SELECT {_keys_as(rekey)}, {ROW} AS pos, {_digest([o for o, _ in pairs])} AS h, "
                  f"min({ROW}) OVER (PARTITION BY {_cols(old_key)}) AS first_row FROM {_scan(old)} "
                  f"QUALIFY row_number() OVER (PARTITION BY {_cols(old_key)} ORDER BY {ROW} DESC) = 1")
    if rekey != old_key:  # re-keyed old rows: of rows that now share a key, the last by first appearance wins
        latest_old = f"SELECT * FROM ({latest_old}) QUALIFY row_number() OVER (PARTITION BY {keys} " \
                     f"ORDER BY first_row DESC) = 1"
    latest_new = _latest(new, new_key, f"{_keys_as(new_key)}, {ROW} AS pos, {_digest([n for _, n in pairs])} AS h")
    con.execute(f"CREATE OR REPLACE TEMP TABLE old_keys AS {latest_old}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE new_keys AS {latest_new}")
    try:
        added = _fetch(con, new, f"SELECT pos, row_number() OVER (ORDER BY {keys}) AS ord FROM "
                                 f"(SELECT * FROM new_keys ANTI JOIN old_keys USING ({keys}))", new_names)
        removed = _fetch(con, old, f"SELECT pos, row_number() OVER (ORDER BY {keys}) AS ord FROM "
                                   f"(SELECT * FROM old_keys ANTI JOIN new_keys USING ({keys}))", old_names)
        con.execute(f"CREATE OR REPLACE TEMP TABLE changed AS SELECT o.pos AS old_pos, n.pos AS new_pos, "
                    f"row_number() OVER (ORDER BY {', '.join(f'n.k{i}' for i in range(len(new_key)))}) AS ord "
                    f"FROM old_keys o JOIN new_keys n USING ({keys}) WHERE o.h <> n.h")
        before = _fetch(con, old, "SELECT old_pos AS pos, ord FROM changed", old_names)
        after = _fetch(con, new, "SELECT new_pos AS pos, ord FROM changed", new_names)
    finally:
        con.execute("DROP TABLE IF EXISTS old_keys; DROP TABLE IF EXISTS new_keys; DROP TABLE IF EXISTS changed")
    return added, removed, list(zip(before, after))


def load_rows(con, path: Path, key: list[int], names: list[str]) -> dict[tuple, dict[str, Any]]:
    """All rows of a stored table in memory, by primary key (for small tables and callers that need a dict)."""
    return dict(rows_by_key(con, path, key, names))
