"""Service settings, read once from `DOCDIFF_*` environment variables.

One `Settings` object is built at start-up and passed down; no module reads
the environment on its own.
"""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOCDIFF_", extra="ignore")

    host: str = Field("127.0.0.1", description="Address that `docdiff serve` binds to.")
    port: int = Field(8000, ge=1, le=65535, description="Port that `docdiff serve` listens on.")
    data_dir: Path = Field(
        Path("data"),
        description="Folder for the service's working files. An exported file stays here "
        "only while its job reads it.",
    )

    browser_path: Path = Field(
        Path("/usr/bin/chromium"), description="Chromium executable that Playwright launches."
    )
    browser_headless: bool = Field(True, description="Run Chromium without a window.")
    browser_no_sandbox: bool | None = Field(
        None,
        description="Pass --no-sandbox to Chromium. Unset: only when running as root, "
        "where Chromium refuses to start with its sandbox.",
    )

    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Extra hosts (host or host:port, `*` wildcards) that may be opened with "
        "the default profile, besides the hosts each profile serves.",
    )
    profile_hosts: dict[str, list[str]] = Field(
        default_factory=dict,
        description='Replace the hosts a profile serves, as JSON: {"tencent": ["127.0.0.1:8765"]}.',
    )
    default_profile: str = Field(
        "tencent", description="Profile used for hosts that only `allowed_hosts` names."
    )

    page_timeout_s: float = Field(20.0, gt=0, description="Deadline for a document page to load.")
    login_timeout_s: float = Field(
        5.0,
        gt=0,
        description="Deadline for the page to show it is logged in or logged out, after it loaded.",
    )
    step_timeout_s: float = Field(
        10.0, gt=0, description="Deadline for each export menu step (a menu or item to appear)."
    )
    export_timeout_s: float = Field(
        60.0,
        gt=0, description="Deadline for the site to produce the exported file and start the download."
    )
    max_file_bytes: int = Field(
        50 * 1024 * 1024,
        ge=1,
        description="Largest exported file accepted, in bytes. Larger files end the job "
        "with file_too_large.",
    )
    max_concurrent_downloads: int = Field(
        8,
        ge=1,
        description="Documents open in the browser at once across all jobs; further "
        "documents wait for a free slot.",
    )

    ping_interval_s: float = Field(
        15.0, gt=0, description="Seconds between SSE comment pings that keep idle proxies from closing streams."
    )
    job_ttl_s: float = Field(
        3600.0, gt=0, description="Seconds a finished job and its events stay available."
    )
    max_jobs: int = Field(
        1000, ge=1, description="Jobs kept in memory; the oldest finished jobs are dropped first."
    )

    def browser_args(self, running_as_root: bool) -> list[str]:
        """Return the Chromium flags: quiet networking always, no sandbox when required."""
        args = [
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-gpu",
            "--no-first-run",
        ]
        no_sandbox = self.browser_no_sandbox
        if no_sandbox is None:
            no_sandbox = running_as_root
        if no_sandbox:
            args.append("--no-sandbox")
        return args
