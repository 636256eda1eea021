"""In-memory job store: job records and their event logs, with live subscriptions.

Events are appended with a per-job sequence number starting at 1, which is
the SSE `id`. A subscriber replays the events after the id it last saw,
then waits for new ones until the terminal event, so a client that
reconnects with the id of the last event it received gets every later
event once and no earlier one.

NOTE: jobs live only as long as the process. Finished jobs are dropped
after `job_ttl_s`, or earlier when more than `max_jobs` are kept.
"""

import asyncio
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any

from docdiff.jobs.models import Job, JobEvent, JobStatus


class JobStore:
    def __init__(self, ttl_s: float, max_jobs: int) -> None:
        self.ttl_s = ttl_s
        self.max_jobs = max_jobs
        self._jobs: dict[str, Job] = {}
        self._changed: dict[str, asyncio.Condition] = {}

    def create(self, request: dict[str, Any], lang: str) -> Job:
        self._expire()
        job = Job(id=secrets.token_urlsafe(16), request=request, lang=lang)
        self._jobs[job.id] = job
        self._changed[job.id] = asyncio.Condition()
        return job

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def __len__(self) -> int:
        return len(self._jobs)

    async def append(self, job: Job, event: str, data: dict[str, Any]) -> JobEvent:
        record = JobEvent(id=len(job.events) + 1, event=event, data=data)
        job.events.append(record)
        condition = self._changed[job.id]
        async with condition:
            condition.notify_all()
        return record

    async def subscribe(self, job: Job, after: int = 0) -> AsyncIterator[JobEvent]:
        """Yield the job's events with id > `after`, live, until the terminal event."""
        condition = self._changed[job.id]
        position = max(after, 0)
        while True:
            while position < len(job.events):
                event = job.events[position]
                position += 1
                yield event
                if event.terminal:
                    return
            if job.status.finished and position >= len(job.events):
                return
            async with condition:
                await condition.wait_for(lambda: len(job.events) > position or job.status.finished)

    def _expire(self) -> None:
        now = time.time()
        finished = [job for job in self._jobs.values() if job.status.finished]
        for job in finished:
            if job.finished_at is not None and now - job.finished_at > self.ttl_s:
                self._drop(job.id)
        overflow = len(self._jobs) - self.max_jobs + 1
        if overflow > 0:
            oldest = sorted(
                (job for job in self._jobs.values() if job.status.finished), key=lambda job: job.created_at
            )
            for job in oldest[:overflow]:
                self._drop(job.id)

    def _drop(self, job_id: str) -> None:
        self._jobs.pop(job_id, None)
        self._changed.pop(job_id, None)

    def mark(self, job: Job, status: JobStatus) -> None:
        job.status = status
        if status.finished:
            job.finished_at = time.time()
