"""Tables compared by primary key without holding them in memory: CSV streamed into SQLite, joined there.

A published CSV is read exactly as `csv.DictReader` reads it (cells are text as published; a missing cell or column
is ""; of two columns with the same header the later wins; blank lines are skipped) and written to a table of an
SQLite database file (the standard library's sqlite3, so the base install can diff): one row per data row, with its
position in the file as `pos` and column i as c<i>. When two rows share a primary key, the later one is the row (as
when a dict is filled row by row). Comparisons are SQL over those files: SQLite works from disk through a bounded
page cache and sorts in temporary files, so memory does not grow with the rows. Rows are matched by key and their
cells compared in SQL; only rows that differ are read back into Python. Text compares by its UTF-8 bytes, which is
code point order, as in Python.
"""

from __future__ import annotations

import contextlib
import csv
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

BATCH_ROWS = 10_000
CACHE_KIB = 65_536  # SQLite's page cache per connection, and the memory a sort may use before it spills to disk


def column(i: int) -> str:
    """The SQL name of stored column i."""
    return f"c{i}"


@dataclass(frozen=True)
class Stored:
    """A table stored for comparison: the database file and the table's name in it."""

    path: Path
    table: str


def _pragmas(con: sqlite3.Connection) -> None:
    con.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    con.execute("PRAGMA temp_store = FILE")


class Store:
    """A database file that a snapshot's tables are written to (one table each), and read from afterwards."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.con = sqlite3.connect(self.path, isolation_level=None)
        self.con.execute("PRAGMA journal_mode = OFF")
        self.con.execute("PRAGMA synchronous = OFF")
        _pragmas(self.con)
        self.count = 0

    def store_csv(self, source: Path, names: list[str]) -> tuple[Stored, int]:
        """Store the columns `names` of a CSV file (in file order); return where, and the number of data rows.

        Raises:
            UnicodeDecodeError: when the file is not UTF-8.
            csv.Error: when the csv module cannot read it.
        """
        table = f"t{self.count}"
        self.count += 1
        cells = ", ".join(f"{column(i)} TEXT NOT NULL" for i in range(len(names)))
        self.con.execute(f"CREATE TABLE {table} (pos INTEGER PRIMARY KEY, {cells})")
        insert = f"INSERT INTO {table} VALUES ({', '.join('?' * (len(names) + 1))})"
        rows = 0
        self.con.execute("BEGIN")
        try:
            with open(source, encoding="utf-8", newline="") as handle:
                reader = csv.reader(handle)
                where = {name: i for i, name in enumerate(next(reader, []))}  # a repeated header: the later wins
                positions = [where.get(name) for name in names]
                batch: list[list] = []
                for row in reader:
                    if not row:  # csv.DictReader skips blank lines
                        continue
                    batch.append([rows] + [row[p] if p is not None and p < len(row) else "" for p in positions])
                    rows += 1
                    if len(batch) >= BATCH_ROWS:
                        self.con.executemany(insert, batch)
                        batch = []
                self.con.executemany(insert, batch)
        finally:
            self.con.execute("COMMIT")
        return Stored(self.path, table), rows

    def close(self) -> None:
        """Finish writing: the file is read by comparison sessions from now on."""
        self.con.close()


class Session:
    """A connection that compares stored tables: each store file is attached once; work tables live in a temporary
    database file of the session's own."""

    def __init__(self, folder: Path):
        self.con = sqlite3.connect(Path(folder) / "work.sqlite", isolation_level=None)
        self.con.execute("PRAGMA journal_mode = OFF")
        self.con.execute("PRAGMA synchronous = OFF")
        _pragmas(self.con)
        self._schemas: dict[Path, str] = {}
        self._work = 0

    def name(self, stored: Stored) -> str:
        """The SQL name of a stored table (its file attached on first use)."""
        schema = self._schemas.get(stored.path)
        if schema is None:
            schema = f"s{len(self._schemas)}"
            self.con.execute(f"ATTACH DATABASE ? AS {schema}", (str(stored.path),))
            self._schemas[stored.path] = schema
        return f"{schema}.{stored.table}"

    def work_table(self, select: str, index: list[str] | None = None) -> str:
        """A new work table holding the rows of `select` (indexed on `index` when given)."""
        name = f"w{self._work}"
        self._work += 1
        self.con.execute(f"CREATE TABLE {name} AS {select}")
        if index:
            self.con.execute(f"CREATE INDEX {name}_key ON {name} ({', '.join(index)})")
        return name

    def drop(self, *names: str) -> None:
        """Drop work tables."""
        for name in names:
            self.con.execute(f"DROP TABLE IF EXISTS {name}")

    def execute(self, sql: str, parameters: tuple = ()) -> sqlite3.Cursor:
        """Run SQL on the session's connection."""
        return self.con.execute(sql, parameters)

    def close(self) -> None:
        """Close the connection."""
        self.con.close()


@contextlib.contextmanager
def session() -> Iterator[Session]:
    """A comparison session whose work files are removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="yigai-keyed-") as temp:
        current = Session(Path(temp))
        try:
            yield current
        finally:
            current.close()


def _cols(indexes: list[int], alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    return ", ".join(f"{prefix}{column(i)}" for i in indexes)


def _keys(count: int, alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    return ", ".join(f"{prefix}k{i}" for i in range(count))


def _on(count: int) -> str:
    return " AND ".join(f"o.k{i} = n.k{i}" for i in range(count)) or "1"


def _latest(con: Session, stored: Stored, key: list[int]) -> str:
    """A work table of the last row of each key: k0… (the key), pos (that row), first (the key's first row)."""
    keys = ", ".join(f"{column(c)} AS k{i}" for i, c in enumerate(key))
    group = _cols(key)
    return con.work_table(f"SELECT {keys}, max(pos) AS pos, min(pos) AS first FROM {con.name(stored)} "
                          f"GROUP BY {group}", [f"k{i}" for i in range(len(key))])


def distinct_keys(con: Session, stored: Stored, key: list[int]) -> int:
    """The number of different primary keys in a stored table (its rows, once repeated keys are merged)."""
    return con.execute(f"SELECT count(*) FROM (SELECT DISTINCT {_cols(key)} FROM {con.name(stored)})").fetchone()[0]


def _fetch(con: Session, stored: Stored, sql: str, names: list[str], count: int) -> list[dict[str, str]]:
    """Full rows of a stored table at the positions `sql` selects (columns pos, k0…), in key order."""
    cursor = con.execute(f"SELECT {_cols(list(range(len(names))), 'p')} FROM ({sql}) w "
                         f"JOIN {con.name(stored)} p ON p.pos = w.pos ORDER BY {_keys(count, 'w')}")
    out: list[dict[str, str]] = []
    while batch := cursor.fetchmany(BATCH_ROWS):
        out += [dict(zip(names, cells)) for cells in batch]
    return out


def rows_by_key(con: Session, stored: Stored, key: list[int], names: list[str]
                ) -> Iterator[tuple[tuple, dict[str, str]]]:
    """Every row of a stored table (the last of each key) as (key, {name: cell}), in key order."""
    latest = _latest(con, stored, key)
    try:
        cursor = con.execute(f"SELECT {_cols(list(range(len(names))), 'p')} FROM {latest} w "
                             f"JOIN {con.name(stored)} p ON p.pos = w.pos ORDER BY {_keys(len(key), 'w')}")
        while batch := cursor.fetchmany(BATCH_ROWS):
            for cells in batch:
                yield tuple(cells[i] for i in key), dict(zip(names, cells))
    finally:
        con.drop(latest)


def load_rows(con: Session, stored: Stored, key: list[int], names: list[str]) -> dict[tuple, dict[str, Any]]:
    """All rows of a stored table in memory, by primary key (for small tables and callers that need a dict)."""
    return dict(rows_by_key(con, stored, key, names))


def similarity(con: Session, old: Stored, old_key: list[int], new: Stored, new_key: list[int], old_col: int,
               new_col: int) -> tuple[int, int]:
    """(rows with the same key in both, of which the given old and new columns are equal)."""
    if len(old_key) != len(new_key):
        return 0, 0
    old_latest, new_latest = _latest(con, old, old_key), _latest(con, new, new_key)
    try:
        common, same = con.execute(
            f"SELECT count(*), coalesce(sum(po.{column(old_col)} = pn.{column(new_col)}), 0) "
            f"FROM {old_latest} o JOIN {new_latest} n ON {_on(len(old_key))} "
            f"JOIN {con.name(old)} po ON po.pos = o.pos JOIN {con.name(new)} pn ON pn.pos = n.pos").fetchone()
    finally:
        con.drop(old_latest, new_latest)
    return common, same


def row_diff(con: Session, old: Stored, old_names: list[str], old_key: list[int], new: Stored, new_names: list[str],
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
    count = len(new_key)
    new_latest = _latest(con, new, new_key)
    work = [new_latest]
    try:
        if rekey is None:
            return _fetch(con, new, f"SELECT * FROM {new_latest}", new_names, count), [], []
        old_latest = _latest(con, old, old_key)
        work.append(old_latest)
        # The last row of each old key, under the new key's columns; of old keys that now share a key, the one
        # that first appeared last wins (as when a dict by the old key is re-keyed in its order).
        rekeyed = ", ".join(f"p.{column(c)} AS k{i}" for i, c in enumerate(rekey))
        old_keys = con.work_table(f"SELECT {_keys(count)}, pos, max(first) AS first FROM (SELECT {rekeyed}, l.pos, "
                                  f"l.first FROM {old_latest} l JOIN {con.name(old)} p ON p.pos = l.pos) "
                                  f"GROUP BY {_keys(count)}", [f"k{i}" for i in range(count)])
        work.append(old_keys)
        added = _fetch(con, new, f"SELECT * FROM {new_latest} n WHERE NOT EXISTS (SELECT 1 FROM {old_keys} o "
                                 f"WHERE {_on(count)})", new_names, count)
        removed = _fetch(con, old, f"SELECT * FROM {old_keys} o WHERE NOT EXISTS (SELECT 1 FROM {new_latest} n "
                                   f"WHERE {_on(count)})", old_names, count)
        differs = " OR ".join(f"po.{column(a)} <> pn.{column(b)}" for a, b in pairs) or "0"
        changed = con.work_table(f"SELECT o.pos AS old_pos, n.pos AS new_pos, {_keys(count, 'n')} FROM {old_keys} o "
                                 f"JOIN {new_latest} n ON {_on(count)} JOIN {con.name(old)} po ON po.pos = o.pos "
                                 f"JOIN {con.name(new)} pn ON pn.pos = n.pos WHERE {differs}")
        work.append(changed)
        keys = _keys(count)
        before = _fetch(con, old, f"SELECT old_pos AS pos, {keys} FROM {changed}", old_names, count)
        after = _fetch(con, new, f"SELECT new_pos AS pos, {keys} FROM {changed}", new_names, count)
    finally:
        con.drop(*work)
    return added, removed, list(zip(before, after))
