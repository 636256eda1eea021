import httpx
import pytest

from docdiff.settings import Settings
from tests.servers import DOCUMENTS, start_demo_site, start_service


class DemoSite:
    def __init__(self, server) -> None:
        self.server = server
        self.url = server.url
        self.token = server.token
        self.cookie = f"demo_sid={server.token}"

    def sheet(self, doc_id: str) -> str:
        return f"{self.url}/sheet/{doc_id}"

    def set_knobs(self, **knobs) -> None:
        httpx.put(f"{self.url}/_demo/knobs", json=knobs, timeout=5).raise_for_status()

    def reset_knobs(self) -> None:
        httpx.post(f"{self.url}/_demo/knobs/reset", timeout=5).raise_for_status()


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory):
    server = start_demo_site(tmp_path_factory.mktemp("site"))
    yield DemoSite(server)
    server.stop()


@pytest.fixture
def site(demo_site):
    """The shared demo site with its knobs reset before and after the test."""
    demo_site.reset_knobs()
    yield demo_site
    demo_site.reset_knobs()


@pytest.fixture(scope="session")
def service(tmp_path_factory, demo_site):
    server = start_service(tmp_path_factory.mktemp("service"), demo_site.url)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def site_settings(demo_site) -> Settings:
    host = demo_site.url.split("://", 1)[1]
    return Settings(profile_hosts={"tencent": [host]})


@pytest.fixture
def documents():
    return DOCUMENTS
