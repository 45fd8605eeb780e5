"""Where the pipeline reads and writes, from environment variables with defaults inside the project."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _path(env: str, default: str) -> Path:
    raw = os.environ.get(env) or default
    p = Path(raw).expanduser()
    return p if p.is_absolute() else (Path.cwd() / p if env in os.environ else PROJECT_ROOT / p).resolve()


def lake_beside(warehouse: Path) -> Path:
    """The lake of a warehouse given without one: a folder beside the file (`x.duckdb` → `x.lake`), so two
    warehouses never share a lake (and its ledger) by default."""
    return warehouse.with_name(warehouse.stem + ".lake")


def _lake_path() -> Path:
    """LAKE_DIR when set; beside WAREHOUSE_PATH when only that is set; else the project's data/lake (the
    default warehouse's lake)."""
    if os.environ.get("LAKE_DIR") or not os.environ.get("WAREHOUSE_PATH"):
        return _path("LAKE_DIR", "data/lake")
    return lake_beside(_path("WAREHOUSE_PATH", "warehouse/warehouse.duckdb"))


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse_path: Path
    reports_dir: Path
    lake_dir: Path
    owners_file: Path
    dbt_project_dir: Path
    workers: int
    smtp_host: str | None
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    smtp_sender: str
    admin_email: str | None

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            landing_dir=_path("LANDING_DIR", "data/samples"),
            warehouse_path=_path("WAREHOUSE_PATH", "warehouse/warehouse.duckdb"),
            reports_dir=_path("REPORTS_DIR", "reports"),
            lake_dir=_lake_path(),
            owners_file=_path("OWNERS_FILE", "config/owners.yml"),
            dbt_project_dir=PROJECT_ROOT / "dbt_project",
            workers=int(os.environ.get("INGEST_WORKERS") or max(1, os.cpu_count() or 1)),
            smtp_host=os.environ.get("SMTP_HOST") or None,
            smtp_port=int(os.environ.get("SMTP_PORT") or 25),
            smtp_user=os.environ.get("SMTP_USER") or None,
            smtp_password=os.environ.get("SMTP_PASSWORD") or None,
            smtp_sender=os.environ.get("SMTP_SENDER") or "annual-reports@localhost",
            admin_email=os.environ.get("ADMIN_EMAIL") or None,
        )

    def with_paths(self, **paths: Path | None) -> Settings:
        """A copy with some paths overridden (CLI flags); None keeps the current value."""
        given = {k: Path(v).expanduser().resolve() for k, v in paths.items() if v is not None}
        if "warehouse_path" in given and "lake_dir" not in given and not os.environ.get("LAKE_DIR"):
            given["lake_dir"] = lake_beside(given["warehouse_path"])  # a warehouse of its own, a lake of its own
        return replace(self, **given)
