"""The job request, the job record and its events."""

import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from docdiff.diff.model import CompareOptions
from docdiff.i18n import normalize_lang

STAGES = ("queued", "login", "baseline", "target", "diff")
# Browsers send Cookie headers of at most a few KB; a JSON export of every
# cookie of a site with its attributes stays well under this.
MAX_COOKIE_CHARS = 64 * 1024
TERMINAL_EVENTS = ("result", "error")


class JobStatus(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.succeeded, JobStatus.failed, JobStatus.cancelled)


class CompareRequest(BaseModel):
    """Body of a compare request. `public()` leaves out the cookie, so the job record never contains it."""

    baseline: str = Field(description="Document URL of the baseline version.", min_length=1, max_length=4096)
    target: str = Field(description="Document URL of the target version.", min_length=1, max_length=4096)
    cookie: SecretStr = Field(
        SecretStr(""),
        max_length=MAX_COOKIE_CHARS,
        description="Cookie header value or JSON cookie list of a logged-in session.",
    )
    format: Literal["csv", "xlsx"] = Field("csv", description="Export format to download.")
    options: CompareOptions = Field(default_factory=CompareOptions)
    lang: str | None = Field(
        None, description="Language of messages: zh-CN or en. Default: from the Accept-Language header."
    )

    model_config = ConfigDict(extra="forbid")

    @field_validator("lang")
    @classmethod
    def _known_lang(cls, value: str | None) -> str | None:
        return None if value is None else normalize_lang(value)

    @field_validator("baseline", "target")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    def public(self) -> dict[str, Any]:
        """Return the request without the cookie, as stored in the job record."""
        return self.model_dump(mode="json", exclude={"cookie"})


@dataclass
class JobEvent:
    id: int
    event: str
    data: dict[str, Any]

    @property
    def terminal(self) -> bool:
        return self.event in TERMINAL_EVENTS


@dataclass
class Job:
    id: str
    request: dict[str, Any]
    lang: str
    status: JobStatus = JobStatus.queued
    created_at: float = field(default_factory=time.time)
    finished_at: float | None = None
    started_monotonic: float = field(default_factory=time.monotonic)
    timings_ms: dict[str, int] = field(default_factory=dict)
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    events: list[JobEvent] = field(default_factory=list)
    reports: dict[str, bytes] = field(default_factory=dict)

    def elapsed_ms(self) -> int:
        return int((time.monotonic() - self.started_monotonic) * 1000)

    def describe(self) -> dict[str, Any]:
        """Return the job record for clients. URLs are relative, so they stay right behind a proxy."""
        return {
            "id": self.id,
            "status": self.status.value,
            "created_at": self.created_at,
            "finished_at": self.finished_at,
            "request": self.request,
            "timings_ms": self.timings_ms,
            "status_url": f"/api/jobs/{self.id}",
            "events_url": f"/api/jobs/{self.id}/events",
            "report_urls": {
                "xlsx": f"/api/jobs/{self.id}/report.xlsx",
                "csv": f"/api/jobs/{self.id}/report.csv",
            }
            if self.reports
            else {},
            "last_event_id": self.events[-1].id if self.events else 0,
            "result": self.result,
            "error": self.error,
        }
