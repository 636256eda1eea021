"""HTTP routes: jobs, their event streams, health, metrics and the web page."""

from pathlib import Path

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from docdiff.api.sse import job_event_stream, parse_last_event_id
from docdiff.errors import DocdiffError, InvalidRequest, JobFinished, JobNotFound, ReportNotReady
from docdiff.i18n import accepted_lang
from docdiff.jobs import CompareRequest, Job

STATIC_DIR = Path(__file__).parent / "static"

router = APIRouter()


def _job(request: Request, job_id: str) -> Job:
    job = request.app.state.store.get(job_id)
    if job is None:
        raise JobNotFound(job_id=job_id)
    return job


async def _submit(request: Request, body: CompareRequest) -> Job:
    """Check what can be checked at once, then start the job.

    A missing or malformed cookie, a URL that is not http(s) and a host that
    is not allowed are rejected with an HTTP error before any job exists;
    everything that needs the browser arrives later as the job's error event.
    """
    if body.lang is None:
        body.lang = accepted_lang(request.headers.get("accept-language"))
    runner = request.app.state.runner
    try:
        runner.validate(body)
    except DocdiffError as error:
        error.lang = body.lang
        raise
    return await runner.submit(body)


@router.post("/api/jobs", status_code=202)
async def create_job(request: Request, body: CompareRequest) -> JSONResponse:
    job = await _submit(request, body)
    description = job.describe()
    return JSONResponse(description, status_code=202, headers={"Location": description["status_url"]})


@router.post("/compare/stream")
async def compare_stream(request: Request, body: CompareRequest):
    """Create a job and stream its events in the response body."""
    job = await _submit(request, body)
    settings = request.app.state.settings
    response = job_event_stream(request.app.state.store, job, 0, settings.ping_interval_s)
    response.headers["X-Job-Id"] = job.id
    response.headers["Location"] = f"/api/jobs/{job.id}"
    return response


@router.get("/api/jobs/{job_id}")
async def get_job(request: Request, job_id: str) -> dict:
    return _job(request, job_id).describe()


@router.get("/api/jobs/{job_id}/events")
async def job_events(
    request: Request,
    job_id: str,
    last_event_id_header: str | None = Header(None, alias="Last-Event-ID"),
    last_event_id: str | None = Query(None),
):
    job = _job(request, job_id)
    after = parse_last_event_id(last_event_id_header, last_event_id)
    settings = request.app.state.settings
    return job_event_stream(request.app.state.store, job, after, settings.ping_interval_s)


REPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@router.get("/api/jobs/{job_id}/report.{extension}")
async def job_report(request: Request, job_id: str, extension: str) -> Response:
    """Return the highlighted workbook (`xlsx`) or daff's highlighter CSV (`csv`) of a finished job."""
    job = _job(request, job_id)
    if extension not in REPORT_TYPES:
        raise InvalidRequest(reason="unknown_report", extension=extension)
    content = job.reports.get(extension)
    if content is None:
        raise ReportNotReady(job_id=job_id, status=job.status.value)
    filename = f"docdiff-{job.id}.{extension}"
    return Response(
        content,
        media_type=REPORT_TYPES[extension],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.delete("/api/jobs/{job_id}")
async def cancel_job(request: Request, job_id: str) -> dict:
    job = _job(request, job_id)
    if job.status.finished:
        raise JobFinished(job_id=job_id, status=job.status.value)
    await request.app.state.runner.cancel(job)
    return job.describe()


@router.get("/healthz")
async def healthz(request: Request) -> dict:
    return {
        "status": "ok",
        "browser_connected": request.app.state.pool.connected,
        "browser_launches": request.app.state.pool.launches,
        "jobs": len(request.app.state.store),
    }


@router.get("/metrics")
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


@router.get("/", include_in_schema=False)
async def index() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html")
