"""Run compare jobs in tasks that no HTTP request owns.

A job goes through the stages queued, login, baseline, target and diff.
Login opens both documents concurrently and checks each is logged in;
then both exports run concurrently; then the two files are parsed and
compared. Every step appends a `progress` event, and the job ends with
exactly one `result` or `error` event.

The cookie is passed to the job's coroutine and nowhere else: it is not in
the job record, in any event, in any log line or in any error.
"""

import asyncio
import logging
from typing import Any

from docdiff.diff import CompareOptions, DiffResult, Table, diff_workbooks, load_sheets
from docdiff.diff.model import gc_paused
from docdiff.diff.report import render_daff_csv, render_xlsx
from docdiff.download import BrowserPool, parse_cookies, resolve_profile
from docdiff.download.browser import ExportedFile
from docdiff.download.cookies import Cookie
from docdiff.download.profiles import SiteProfile
from docdiff.errors import Cancelled, DocdiffError, InternalError
from docdiff.i18n import DEFAULT_LANG, translate
from docdiff.jobs import metrics
from docdiff.jobs.models import CompareRequest, Job, JobStatus
from docdiff.jobs.store import JobStore
from docdiff.settings import Settings

logger = logging.getLogger(__name__)

# Share of the progress bar each finished stage adds.
STAGE_WEIGHTS = {"queued": 0.0, "login": 0.2, "baseline": 0.3, "target": 0.3, "diff": 0.2}


class JobRunner:
    def __init__(self, settings: Settings, store: JobStore, pool: BrowserPool) -> None:
        self.settings = settings
        self.store = store
        self.pool = pool
        self._tasks: dict[str, asyncio.Task] = {}

    def validate(self, request: CompareRequest) -> None:
        """Raise the coded error of a request that cannot succeed: bad cookie, URL or host."""
        parse_cookies(request.cookie.get_secret_value())
        # No job exists yet, so the errors belong to no stage.
        resolve_profile(request.baseline, self.settings, side="baseline")
        resolve_profile(request.target, self.settings, side="target")

    async def submit(self, request: CompareRequest) -> Job:
        """Create the job, record its `queued` event and start it in the background."""
        job = self.store.create(request.public(), request.lang or DEFAULT_LANG)
        await self.store.append(
            job,
            "progress",
            self._progress_data(job, "queued", "done", translate("progress.queued", job.lang), 0.0),
        )
        task = asyncio.create_task(self._run(job, request), name=f"job-{job.id}")
        self._tasks[job.id] = task
        task.add_done_callback(lambda _: self._tasks.pop(job.id, None))
        metrics.JOBS_STARTED.inc()
        logger.info("job %s: created", job.id)
        return job

    async def cancel(self, job: Job) -> bool:
        task = self._tasks.get(job.id)
        if task is None or task.done():
            return False
        task.cancel()
        await asyncio.wait({task})
        return True

    async def close(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)

    async def _run(self, job: Job, request: CompareRequest) -> None:
        run = _JobRun(self, job, request)
        try:
            self.store.mark(job, JobStatus.running)
            result = await run.execute()
        except asyncio.CancelledError:
            await self._fail(job, Cancelled(stage=run.stage), JobStatus.cancelled)
            return
        except DocdiffError as error:
            await self._fail(job, error, JobStatus.failed)
            return
        except Exception as exc:  # a bug: report it as `internal` and keep the service up
            logger.exception("job %s: unexpected error", job.id)
            await self._fail(job, InternalError(stage=run.stage, detail=type(exc).__name__), JobStatus.failed)
            return

        job.result = result
        self.store.mark(job, JobStatus.succeeded)
        await self.store.append(job, "result", {"job_id": job.id, "elapsed_ms": job.elapsed_ms(), "result": result})
        metrics.JOBS_FINISHED.labels(status="succeeded").inc()
        metrics.JOB_SECONDS.observe(job.elapsed_ms() / 1000)
        logger.info("job %s: succeeded in %d ms", job.id, job.elapsed_ms())

    async def _fail(self, job: Job, error: DocdiffError, status: JobStatus) -> None:
        job.error = error.to_dict(job.lang)
        self.store.mark(job, status)
        await self.store.append(job, "error", {"job_id": job.id, "elapsed_ms": job.elapsed_ms(), **job.error})
        metrics.JOBS_FINISHED.labels(status=status.value).inc()
        # The English message names the failing value; no error carries a cookie.
        logger.warning(
            "job %s: %s at stage %s: %s: %s", job.id, status.value, error.stage, error.code, error.message("en")
        )

    def _progress_data(self, job: Job, stage: str, state: str, message: str, progress: float) -> dict[str, Any]:
        return {
            "job_id": job.id,
            "stage": stage,
            "state": state,
            "progress": round(progress, 3),
            "message": message,
            "elapsed_ms": job.elapsed_ms(),
        }


class _JobRun:
    """The steps of one job. It keeps the cookie for the job's lifetime only."""

    def __init__(self, runner: JobRunner, job: Job, request: CompareRequest) -> None:
        self.runner = runner
        self.job = job
        self.request = request
        self.stage = "login"
        self.done_weight = 0.0
        self.documents_open = 0
        self.logged_in = asyncio.Event()

    async def emit(self, stage: str, state: str, key: str, **params: Any) -> None:
        if state == "done":
            self.done_weight += STAGE_WEIGHTS[stage]
            self.job.timings_ms[stage] = self.job.elapsed_ms()
        message = translate(key, self.job.lang, **params)
        data = self.runner._progress_data(self.job, stage, state, message, min(self.done_weight, 1.0))
        await self.runner.store.append(self.job, "progress", data)

    async def execute(self) -> dict[str, Any]:
        settings = self.runner.settings
        await self.emit("login", "started", "progress.login.started")
        cookies = parse_cookies(self.request.cookie.get_secret_value())
        baseline_profile = resolve_profile(self.request.baseline, settings, stage="login", side="baseline")
        target_profile = resolve_profile(self.request.target, settings, stage="login", side="target")

        try:
            async with asyncio.TaskGroup() as group:
                baseline_task = group.create_task(self.fetch("baseline", self.request.baseline, cookies, baseline_profile))
                target_task = group.create_task(self.fetch("target", self.request.target, cookies, target_profile))
        except BaseExceptionGroup as failures:
            raise _first_failure(failures) from None
        baseline, target = baseline_task.result(), target_task.result()

        self.stage = "diff"
        await self.emit("diff", "started", "progress.diff.started")
        result, reports, payload = await asyncio.to_thread(self.compare, baseline, target)
        self.job.reports = reports
        done = "progress.diff.done_title" if result.summary.title_changed else "progress.diff.done"
        changes = len(result.changes) + sum(len(sheet.changes) for sheet in result.other_sheets)
        await self.emit("diff", "done", done, changes=changes)
        return payload

    def compare(self, baseline: list[Table], target: list[Table]) -> tuple[DiffResult, dict[str, bytes], dict]:
        """Diff the sheets, render the downloadable reports and the JSON payload, off the event loop."""
        try:
            result, pairs = diff_workbooks(baseline, target, self.options())
        except DocdiffError as error:
            # An unknown key or ignored column is found only here, once both tables are in.
            error.stage = error.stage or "diff"
            raise
        # The daff CSV has room for one table, the primary sheet. The XLSX report has every matched sheet.
        reports = {
            "xlsx": render_xlsx(pairs, result, self.job.lang),
            "csv": render_daff_csv(*pairs[0], result).encode("utf-8"),
        }
        with gc_paused():
            payload = result.model_dump(mode="json")
        return result, reports, payload

    def options(self) -> CompareOptions:
        return self.request.options

    async def fetch(self, side: str, url: str, cookies: list[Cookie], profile: SiteProfile) -> list[Table]:
        """Open, log in, export and parse one side; the login stage ends when both sides are in."""
        pool = self.runner.pool
        async with pool.open_document(url, cookies, profile, side) as document:
            try:
                await document.open()
            except DocdiffError as error:
                # Opening and checking the session belong to the login stage,
                # and `side` still names the document that failed.
                error.stage = "login"
                raise
            self.documents_open += 1
            if self.documents_open == 2:
                await self.emit("login", "done", "progress.login.done")
                self.logged_in.set()
            await self.logged_in.wait()
            self.stage = side
            await self.emit(side, "started", "progress.document.exporting", side=side, format=self.request.format.upper())
            exported = await document.export(self.request.format)

        tables = await asyncio.to_thread(self.parse, side, exported)
        await self.emit(
            side, "done", "progress.document.done", side=side, rows=tables[0].height, columns=len(tables[0].header)
        )
        return tables

    @staticmethod
    def parse(side: str, exported: ExportedFile) -> list[Table]:
        try:
            return load_sheets(exported.content, exported.name or side)
        except DocdiffError as error:
            error.stage = side
            error.params.setdefault("side", side)
            raise


def _first_failure(failures: BaseExceptionGroup) -> BaseException:
    """Pick the error to report from a failed task group: a coded error before anything else."""
    leaves = []
    pending = [failures]
    while pending:
        current = pending.pop(0)
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        else:
            leaves.append(current)
    for leaf in leaves:
        if isinstance(leaf, DocdiffError):
            return leaf
    return leaves[0]
