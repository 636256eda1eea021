"""Compare jobs: the request, the record, its events, the store and the runner."""

from docdiff.jobs.models import CompareRequest, Job, JobEvent, JobStatus
from docdiff.jobs.runner import JobRunner
from docdiff.jobs.store import JobStore

__all__ = ["CompareRequest", "Job", "JobEvent", "JobRunner", "JobStatus", "JobStore"]
