"""HTTP client for the docdiff service, sync and async with the same surface.

`events(request)` posts a compare to `/compare/stream` and yields its
events as they arrive. If the connection drops before the terminal event,
the client reconnects to `/api/jobs/{id}/events` with `Last-Event-ID`, so
no event is lost or repeated. The job runs on while the client is away.
"""

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
from httpx_sse import aconnect_sse, connect_sse

DEFAULT_SERVER = "http://127.0.0.1:8000"
# Reconnects allowed after the stream drops, before the client gives up.
MAX_RECONNECTS = 5
# Reads wait longer than two SSE pings (15 s each by default) before
# calling the connection dead.
DEFAULT_TIMEOUT = httpx.Timeout(10.0, read=45.0)


@dataclass
class Event:
    id: int
    event: str
    data: dict[str, Any]

    @property
    def terminal(self) -> bool:
        return self.event in ("result", "error")


class StreamBroken(Exception):
    """The stream ended before the terminal event and reconnecting did not help."""


def _parse(sse) -> Event | None:
    if sse.event not in ("progress", "result", "error"):
        return None
    return Event(id=int(sse.id or 0), event=sse.event, data=json.loads(sse.data))


class CompareClient:
    def __init__(self, server: str = DEFAULT_SERVER, timeout: httpx.Timeout = DEFAULT_TIMEOUT) -> None:
        self._http = httpx.Client(base_url=server, timeout=timeout)

    def __enter__(self) -> "CompareClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def events(self, request: dict[str, Any]) -> Iterator[Event]:
        job_id = None
        last_id = 0
        try:
            with connect_sse(self._http, "POST", "/compare/stream", json=request) as source:
                _raise_for_error(source.response)
                job_id = source.response.headers.get("x-job-id")
                for sse in source.iter_sse():
                    event = _parse(sse)
                    if event is None:
                        continue
                    last_id = event.id
                    yield event
                    if event.terminal:
                        return
        except httpx.TransportError:
            if job_id is None:
                raise
        yield from self.resume(job_id, last_id)

    def resume(self, job_id: str, last_id: int) -> Iterator[Event]:
        """Yield the events of job `job_id` after `last_id`, reconnecting when the stream drops."""
        for _ in range(MAX_RECONNECTS):
            try:
                headers = {"Last-Event-ID": str(last_id)}
                with connect_sse(self._http, "GET", f"/api/jobs/{job_id}/events", headers=headers) as source:
                    _raise_for_error(source.response)
                    for sse in source.iter_sse():
                        event = _parse(sse)
                        if event is None:
                            continue
                        last_id = event.id
                        yield event
                        if event.terminal:
                            return
            except httpx.TransportError:
                continue
        raise StreamBroken(f"job {job_id}: stream ended after event {last_id} without a result")

    def job(self, job_id: str) -> dict[str, Any]:
        response = self._http.get(f"/api/jobs/{job_id}")
        _raise_for_error(response)
        return response.json()

    def cancel(self, job_id: str) -> dict[str, Any]:
        response = self._http.delete(f"/api/jobs/{job_id}")
        _raise_for_error(response)
        return response.json()

    def report(self, job_id: str, extension: str) -> bytes:
        """Download a finished job's report: `xlsx` (highlighted workbook) or `csv` (daff format)."""
        response = self._http.get(f"/api/jobs/{job_id}/report.{extension}")
        _raise_for_error(response)
        return response.content


class AsyncCompareClient:
    def __init__(self, server: str = DEFAULT_SERVER, timeout: httpx.Timeout = DEFAULT_TIMEOUT) -> None:
        self._http = httpx.AsyncClient(base_url=server, timeout=timeout)

    async def __aenter__(self) -> "AsyncCompareClient":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._http.aclose()

    async def events(self, request: dict[str, Any]) -> AsyncIterator[Event]:
        job_id = None
        last_id = 0
        try:
            async with aconnect_sse(self._http, "POST", "/compare/stream", json=request) as source:
                await _araise_for_error(source.response)
                job_id = source.response.headers.get("x-job-id")
                async for sse in source.aiter_sse():
                    event = _parse(sse)
                    if event is None:
                        continue
                    last_id = event.id
                    yield event
                    if event.terminal:
                        return
        except httpx.TransportError:
            if job_id is None:
                raise
        async for event in self.resume(job_id, last_id):
            yield event

    async def resume(self, job_id: str, last_id: int) -> AsyncIterator[Event]:
        for _ in range(MAX_RECONNECTS):
            try:
                headers = {"Last-Event-ID": str(last_id)}
                async with aconnect_sse(self._http, "GET", f"/api/jobs/{job_id}/events", headers=headers) as source:
                    await _araise_for_error(source.response)
                    async for sse in source.aiter_sse():
                        event = _parse(sse)
                        if event is None:
                            continue
                        last_id = event.id
                        yield event
                        if event.terminal:
                            return
            except httpx.TransportError:
                continue
        raise StreamBroken(f"job {job_id}: stream ended after event {last_id} without a result")

    async def job(self, job_id: str) -> dict[str, Any]:
        response = await self._http.get(f"/api/jobs/{job_id}")
        await _araise_for_error(response)
        return response.json()

    async def report(self, job_id: str, extension: str) -> bytes:
        response = await self._http.get(f"/api/jobs/{job_id}/report.{extension}")
        await _araise_for_error(response)
        return response.content


class ServiceError(Exception):
    """The service rejected a request; carries its error code and message."""

    def __init__(self, status_code: int, error: dict[str, Any]) -> None:
        self.status_code = status_code
        self.error = error
        super().__init__(f"{error.get('code', 'internal')}: {error.get('message', '')}")


def _error_of(response: httpx.Response, body: bytes) -> ServiceError:
    try:
        error = json.loads(body).get("error") or {}
    except (ValueError, AttributeError):
        error = {"code": "internal", "message": f"HTTP {response.status_code}"}
    return ServiceError(response.status_code, error)


def _raise_for_error(response: httpx.Response) -> None:
    if response.status_code >= 400:
        raise _error_of(response, response.read())


async def _araise_for_error(response: httpx.Response) -> None:
    if response.status_code >= 400:
        raise _error_of(response, await response.aread())
