"""Reading the published warehouse for the reports: query results as dicts (column name → value)."""

from __future__ import annotations

import duckdb


def records(con: duckdb.DuckDBPyConnection, sql: str, parameters: list | None = None) -> list[dict]:
    cur = con.execute(sql, parameters)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
