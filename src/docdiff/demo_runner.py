"""Run the demo: the demo site and the service in one event loop, then one compare.

Both servers listen on free loopback ports and stop when the compare ends.
"""

import asyncio
import secrets
import time
from collections.abc import Callable
from pathlib import Path

import uvicorn
from rich.console import Console

from docdiff.client import AsyncCompareClient, Event
from docdiff.i18n import translate
from docdiff.serving import bind
from docdiff.settings import Settings

# Deadline for both servers to start listening, in seconds.
STARTUP_DEADLINE_S = 30.0


async def _wait_started(servers: list[uvicorn.Server], tasks: list[asyncio.Task]) -> None:
    deadline = time.monotonic() + STARTUP_DEADLINE_S
    while not all(server.started for server in servers):
        for task in tasks:
            if task.done():
                task.result()
                raise RuntimeError("a demo server stopped during start-up")
        if time.monotonic() > deadline:
            raise TimeoutError(f"demo servers did not start within {STARTUP_DEADLINE_S:g} s")
        await asyncio.sleep(0.02)


async def run_demo(
    baseline_id: str, target_id: str, lang: str, on_event: Callable[[Event], None], console: Console
) -> Event:
    """Serve both apps, run one compare of two bundled documents and return the terminal event."""
    from docdiff.api import create_app
    from docdiff.demo_site import DemoKnobs, DemoSiteConfig, create_app as create_demo_app

    token = secrets.token_urlsafe(24)
    site_socket = bind("127.0.0.1", 0)
    service_socket = bind("127.0.0.1", 0)
    site_port = site_socket.getsockname()[1]
    service_port = service_socket.getsockname()[1]

    documents = Path(__file__).parent / "demo_site" / "documents"
    site_app = create_demo_app(DemoSiteConfig(documents_dir=documents, session_token=token, knobs=DemoKnobs()))
    settings = Settings(profile_hosts={"tencent": [f"127.0.0.1:{site_port}"]})
    servers = [
        uvicorn.Server(uvicorn.Config(site_app, log_level="warning", lifespan="on")),
        uvicorn.Server(uvicorn.Config(create_app(settings), log_level="warning", lifespan="on")),
    ]
    tasks = [
        asyncio.create_task(servers[0].serve(sockets=[site_socket])),
        asyncio.create_task(servers[1].serve(sockets=[service_socket])),
    ]
    try:
        await _wait_started(servers, tasks)
        site = f"http://127.0.0.1:{site_port}"
        service = f"http://127.0.0.1:{service_port}"
        console.print(translate("cli.demo.ready", lang, site=site, service=service), soft_wrap=True)
        request = {
            "baseline": f"{site}/sheet/{baseline_id}",
            "target": f"{site}/sheet/{target_id}",
            "cookie": f"demo_sid={token}",
            "lang": lang,
        }
        final = None
        async with AsyncCompareClient(service) as client:
            async for event in client.events(request):
                on_event(event)
                if event.terminal:
                    final = event
        return final
    finally:
        for server in servers:
            server.should_exit = True
        await asyncio.gather(*tasks, return_exceptions=True)
