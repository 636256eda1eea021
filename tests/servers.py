"""Start the demo site and the service as real uvicorn servers in subprocesses."""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

STARTUP_DEADLINE_S = 30.0
DOCUMENTS = Path(__file__).resolve().parents[1] / "src" / "docdiff" / "demo_site" / "documents"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, deadline_s: float = STARTUP_DEADLINE_S) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before {url} answered")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"{url} did not answer within {deadline_s:g} s")


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path
    token: str = ""
    extra: dict = field(default_factory=dict)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def start_demo_site(tmp: Path, documents: Path | None = None) -> Server:
    """Start the demo site on a free port, serving `documents` or the bundled documents."""
    port = free_port()
    token = secrets.token_urlsafe(24)
    log_path = tmp / f"demo-site-{port}.log"
    env = {**os.environ, "DOCDIFF_DEMO_SESSION": token}
    folder = ["--documents", str(documents)] if documents is not None else []
    process = subprocess.Popen(
        [sys.executable, "-m", "docdiff.demo_site", "--host", "127.0.0.1", "--port", str(port), *folder],
        env=env,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_healthy(f"{url}/healthz", process)
    return Server(url=url, process=process, log_path=log_path, token=token)


def start_service(tmp: Path, site_url: str, **settings: object) -> Server:
    port = free_port()
    log_path = tmp / f"service-{port}.log"
    site_host = site_url.split("://", 1)[1]
    env = {
        **os.environ,
        "DOCDIFF_PROFILE_HOSTS": json.dumps({"tencent": [site_host]}),
        "DOCDIFF_DATA_DIR": str(tmp / "data"),
    }
    for name, value in settings.items():
        env[f"DOCDIFF_{name.upper()}"] = value if isinstance(value, str) else json.dumps(value)
    process = subprocess.Popen(
        [sys.executable, "-m", "docdiff.cli", "serve", "--port", str(port), "--log-level", "debug"],
        env=env,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_healthy(f"{url}/healthz", process)
    return Server(url=url, process=process, log_path=log_path)
