# The project image: Python 3.11 with the same pinned set as `make install` (requirements-bootstrap.txt,
# requirements.lock).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    AIRFLOW_HOME=/opt/airflow \
    PROJECT_ROOT=/opt/annual-reports

RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends build-essential libpq-dev curl \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 50000 airflow
WORKDIR /opt/annual-reports

# The same path as `make install`: the pinned installer first, then the lock exactly as it stands (--no-deps:
# pip never resolves against the index), then the project, then `pip check`.
COPY requirements-bootstrap.txt requirements.lock pyproject.toml README.md ./
RUN python -m pip install --no-cache-dir --require-hashes -r requirements-bootstrap.txt \
 && python -m pip install --no-cache-dir --require-hashes --no-deps -r requirements.lock

COPY ingest ./ingest
COPY expectations ./expectations
COPY publish ./publish
COPY pipeline ./pipeline
COPY dbt_project ./dbt_project
COPY dags ./dags
COPY config ./config
RUN python -m pip install --no-cache-dir --no-deps --no-build-isolation -e . \
 && python -m pip check \
 && mkdir -p /opt/airflow /data/landing /data/lake /data/warehouse /data/reports \
 && chown -R airflow /opt/airflow /data /opt/annual-reports

USER airflow
