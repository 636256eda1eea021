"""Time a compare of the tencent-plan-xhs pair through the demo site, end to end.

Starts the demo site and the service as real uvicorn servers on loopback,
then measures:
- cold: the first job after the service started (browser already launched
  by the service's start-up, as in production);
- warm: the median of N further jobs;
- first event: from sending `POST /compare/stream` to receiving the first
  SSE event, median over the warm jobs.

Usage: .venv/bin/python bench/e2e.py [--runs 10] [--pair BASELINE_ID,TARGET_ID]
"""

import argparse
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from httpx_sse import connect_sse

# The old tool's time for this compare as its users reported it; not measured here.
OLD_TOOL_SECONDS = 90.0
STARTUP_DEADLINE_S = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command: list[str], env: dict, health_url: str, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(command, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + STARTUP_DEADLINE_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{command[2]} exited early; see {log}")
        try:
            if httpx.get(health_url, timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    process.kill()
    raise SystemExit(f"{health_url} did not answer within {STARTUP_DEADLINE_S:g} s")


def run_job(client: httpx.Client, request: dict) -> tuple[float, float, str]:
    """Return (seconds to the first event, seconds to the terminal event, terminal event name)."""
    started = time.perf_counter()
    first = None
    with connect_sse(client, "POST", "/compare/stream", json=request) as source:
        for sse in source.iter_sse():
            if first is None:
                first = time.perf_counter() - started
            if sse.event in ("result", "error"):
                if sse.event == "error":
                    raise SystemExit(f"job failed: {json.loads(sse.data)['code']}")
                return first, time.perf_counter() - started, sse.event
    raise SystemExit("stream ended without a terminal event")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="warm jobs to time (default: 10)")
    parser.add_argument(
        "--pair",
        default="tencent-plan-xhs.baseline,tencent-plan-xhs.target-stars",
        help="document ids BASELINE,TARGET of the bundled demo documents",
    )
    args = parser.parse_args()
    baseline_id, target_id = args.pair.split(",")

    token = secrets.token_urlsafe(24)
    site_port, service_port = free_port(), free_port()
    logs = Path(tempfile.mkdtemp(prefix="docdiff-bench-"))
    site_env = {**os.environ, "DOCDIFF_DEMO_SESSION": token}
    service_env = {**os.environ, "DOCDIFF_PROFILE_HOSTS": json.dumps({"tencent": [f"127.0.0.1:{site_port}"]})}

    site = start(
        [sys.executable, "-m", "docdiff.demo_site", "--port", str(site_port)],
        site_env, f"http://127.0.0.1:{site_port}/healthz", logs / "site.log",
    )
    service_started = time.perf_counter()
    service = start(
        [sys.executable, "-m", "docdiff.cli", "serve", "--port", str(service_port), "--log-level", "warning"],
        service_env, f"http://127.0.0.1:{service_port}/healthz", logs / "service.log",
    )
    service_start_s = time.perf_counter() - service_started
    try:
        request = {
            "baseline": f"http://127.0.0.1:{site_port}/sheet/{baseline_id}",
            "target": f"http://127.0.0.1:{site_port}/sheet/{target_id}",
            "cookie": f"demo_sid={token}",
        }
        with httpx.Client(base_url=f"http://127.0.0.1:{service_port}", timeout=60) as client:
            cold_first, cold_total, _ = run_job(client, request)
            warm = [run_job(client, request) for _ in range(args.runs)]
    finally:
        service.terminate()
        site.terminate()
        service.wait()
        site.wait()

    warm_total = statistics.median(total for _, total, _ in warm)
    warm_first = statistics.median(first for first, _, _ in warm)
    print(f"pair: {baseline_id} vs {target_id}")
    print(f"service start-up (incl. browser launch): {service_start_s * 1000:8.0f} ms")
    print(f"cold compare (first job):                 {cold_total * 1000:8.0f} ms")
    print(f"warm compare (median of {args.runs}):             {warm_total * 1000:8.0f} ms"
          f"  (min {min(t for _, t, _ in warm) * 1000:.0f}, max {max(t for _, t, _ in warm) * 1000:.0f})")
    print(f"first SSE event (cold job):               {cold_first * 1000:8.1f} ms")
    print(f"first SSE event (warm median):            {warm_first * 1000:8.1f} ms")
    print(f"old tool (reported, {OLD_TOOL_SECONDS:.0f} s) / docdiff warm:  {OLD_TOOL_SECONDS / warm_total:8.1f}x")
    print(f"old tool (reported, {OLD_TOOL_SECONDS:.0f} s) / docdiff cold:  {OLD_TOOL_SECONDS / cold_total:8.1f}x")


if __name__ == "__main__":
    main()
