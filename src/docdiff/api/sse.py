"""Turn a job's event log into a Server-Sent Events response.

Each event keeps its per-job sequence number as the SSE `id`, so a client
that reconnects with `Last-Event-ID` resumes after the last event it saw.
The stream closes after the terminal event. Comment pings every
`ping_interval_s` keep proxies from closing an idle stream. Closing the
stream, or the client going away, stops only the stream: the job runs on.
"""

import json
from collections.abc import AsyncIterator

from sse_starlette import EventSourceResponse

from docdiff.jobs import Job, JobStore

# Reconnect delay suggested to EventSource clients, in milliseconds.
RETRY_MS = 1000


def parse_last_event_id(header: str | None, query: str | None) -> int:
    """Read the last seen event id from the header or the `last_event_id` query parameter."""
    for raw in (header, query):
        if raw is None or raw == "":
            continue
        try:
            return max(int(raw), 0)
        except ValueError:
            continue
    return 0


async def _job_events(store: JobStore, job: Job, after: int) -> AsyncIterator[dict]:
    async for event in store.subscribe(job, after):
        yield {
            "id": str(event.id),
            "event": event.event,
            "data": json.dumps(event.data, ensure_ascii=False),
            "retry": RETRY_MS,
        }


def job_event_stream(store: JobStore, job: Job, after: int, ping_interval_s: float) -> EventSourceResponse:
    return EventSourceResponse(
        _job_events(store, job, after),
        ping=max(int(ping_interval_s), 1),
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
