"""docker-compose.yml and the Dockerfile checked against the project (no Docker engine runs here)."""

from __future__ import annotations

import re
import subprocess

import yaml

from pipeline.settings import PROJECT_ROOT

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
CORE = ["postgres", "airflow-init", "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer"]


def _host_and_container(volume: str) -> tuple[str, str]:
    """`${LANDING_HOST_DIR:-./data/samples}:/data/landing:ro` → ('./data/samples', '/data/landing')."""
    resolved = re.sub(r"\$\{[A-Z_]+:-([^}]+)\}", r"\1", volume)
    host, container = resolved.split(":")[:2]
    return host, container


def settings_env_names() -> set[str]:
    source = "".join((PROJECT_ROOT / "pipeline" / name).read_text(encoding="utf-8")
                     for name in ("settings.py",))
    return set(re.findall(r'"([A-Z][A-Z0-9_]+)"', source)) - {"INGEST_WORKERS"}


def test_services_and_healthchecks() -> None:
    assert set(CORE) <= set(SERVICES)
    for name in CORE:
        if name != "airflow-init":
            assert "healthcheck" in SERVICES[name], name
    for name in ("redis", "airflow-worker"):
        assert SERVICES[name]["profiles"] == ["celery"] and "healthcheck" in SERVICES[name]
    assert SERVICES["airflow-worker"]["command"] == "celery worker"


def test_airflow_services_get_every_setting_the_pipeline_reads() -> None:
    env = SERVICES["airflow-scheduler"]["environment"]
    assert settings_env_names() <= set(env), settings_env_names() - set(env)
    assert env["AIRFLOW__CORE__DAGS_FOLDER"] == "/opt/annual-reports/dags"
    mounts = {c: h for h, c in map(_host_and_container, SERVICES["airflow-scheduler"]["volumes"])}
    assert mounts["/opt/annual-reports/dags"] == "./dags"
    for container_path in (env["LANDING_DIR"], env["LAKE_DIR"], env["REPORTS_DIR"]):
        assert container_path in mounts
    assert env["WAREHOUSE_PATH"].rsplit("/", 1)[0] in mounts


def test_mounted_host_paths_exist_in_the_project() -> None:
    for volume in SERVICES["airflow-scheduler"]["volumes"]:
        host, _ = _host_and_container(volume)
        if host.startswith("./") and host not in ("./warehouse", "./reports", "./data/lake"):  # outputs
            assert (PROJECT_ROOT / host).exists(), host


def test_every_compose_variable_is_documented_in_env_example() -> None:
    text = (PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"(?<!\$)\$\{([A-Z_]+)", text))
    documented = set(re.findall(r"^([A-Z_]+)=", (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8"), re.M))
    assert used <= documented, used - documented


def test_secrets_come_from_the_environment_and_the_api_requires_login() -> None:
    env = SERVICES["airflow-scheduler"]["environment"]
    for key in ("AIRFLOW__CORE__FERNET_KEY", "AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__API__SECRET_KEY"):
        assert env[key].startswith("${") and ":?" in env[key], key
    assert "${POSTGRES_PASSWORD" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert "SimpleAuthManager" in env["AIRFLOW__CORE__AUTH_MANAGER"]
    assert "SIMPLE_AUTH_MANAGER_ALL_ADMINS" not in str(env)
    assert SERVICES["airflow-apiserver"]["ports"] == ["127.0.0.1:8080:8080"]


# Options that change only what pip prints or caches, not what gets installed.
QUIET_OPTIONS = {"$(PIP_FLAGS)", "--no-cache-dir", "--quiet", "--disable-pip-version-check"}


def pip_steps(text: str) -> list[list[str]]:
    """Every `pip install …` and `pip check` of a Makefile recipe or a Dockerfile, in order, as its arguments."""
    steps = []
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    for match in re.finditer(r"\bpip (install|check)\b((?:[^\n&\\;]|\\\n)*)", text):
        args = [a for a in match.group(2).replace("\\\n", " ").split() if a not in QUIET_OPTIONS]
        steps.append([match.group(1), *args])
    return steps


def install_recipe() -> str:
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    return makefile.split("$(STAMP):", 1)[1].split("\n\n", 1)[0]


def test_install_takes_the_pinned_installer_then_the_lock_as_it_stands() -> None:
    assert pip_steps(install_recipe()) == [
        ["install", "--require-hashes", "-r", "requirements-bootstrap.txt"],
        ["install", "--require-hashes", "--no-deps", "-r", "requirements.lock"],
        ["install", "--no-deps", "--no-build-isolation", "-e", "."],
        ["check"],
    ]


def test_the_image_installs_the_same_way() -> None:
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11\S*", dockerfile, re.M)
    assert pip_steps(dockerfile) == pip_steps(install_recipe())
    copied = set(re.findall(r"^COPY (.+) \./\S*$", dockerfile, re.M))
    copied = {name for line in copied for name in line.split()}
    for name in ("requirements-bootstrap.txt", "requirements.lock", "pyproject.toml", "ingest", "expectations",
                 "publish", "pipeline", "dbt_project", "dags", "config"):
        assert name in copied, name


def test_env_file_is_not_tracked() -> None:
    tracked = subprocess.run(["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                             check=True).stdout.splitlines()
    assert ".env" not in tracked and ".env.example" in tracked
    assert ".env" in (PROJECT_ROOT / ".gitignore").read_text(encoding="utf-8").split()


def locked(name: str) -> dict[str, str]:
    """Package → entry of a hashed requirements file (one `name==version \\ --hash=…` entry per package)."""
    text = (PROJECT_ROOT / name).read_text(encoding="utf-8")
    entries = re.split(r"\n(?=[A-Za-z])", "\n".join(ln for ln in text.splitlines() if not ln.startswith("#")).strip())
    return {e.split("==")[0].split("[")[0].lower().replace("_", "-"): e for e in entries}


def test_every_locked_package_is_pinned_with_hashes() -> None:
    lock, bootstrap = locked("requirements.lock"), locked("requirements-bootstrap.txt")
    assert len(lock) > 150 and set(bootstrap) == {"pip", "setuptools", "wheel"}
    assert not set(lock) & set(bootstrap), "the installer is locked in requirements-bootstrap.txt alone"
    for entry in [*lock.values(), *bootstrap.values()]:
        assert re.match(r"^[A-Za-z0-9_.\-]+(\[[a-z0-9,\-]+\])?==[^\s\\]+", entry), entry
        assert "--hash=sha256:" in entry, entry.split()[0]
    for dep in ("apache-airflow", "dbt-core", "dbt-duckdb", "great-expectations", "duckdb"):
        assert dep in lock
    assert lock["dbt-core"].startswith("dbt-core==1.11.")
