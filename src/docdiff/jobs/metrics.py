"""Prometheus metrics of the job runner, served at `/metrics`."""

from prometheus_client import Counter, Histogram

JOBS_STARTED = Counter("docdiff_jobs_started", "Compare jobs created.")
JOBS_FINISHED = Counter("docdiff_jobs_finished", "Compare jobs finished, by final status.", ["status"])
JOB_SECONDS = Histogram(
    "docdiff_job_seconds",
    "Duration of successful compare jobs.",
    buckets=(0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120),
)
