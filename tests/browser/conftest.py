"""Browser tests: Debian's Chromium driven by Playwright, against a real ``ronda serve``.

Playwright's own browser download does not work here, so the tests launch the
system's Chromium. Without it they skip and say why; ``RONDA_TEST_REQUIRE_BROWSER=1``
(set by CI) turns that into a failure.
"""

import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server.conftest import LiveServer, live_database, live_server  # noqa: F401

VIEWPORT = {"width": 360, "height": 740}
PAGE_BUDGET_BYTES = 100 * 1024
OUTPUT = Path(
    os.environ.get("RONDA_TEST_OUTPUT", Path(__file__).resolve().parents[2] / "test-output")
)


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = _chromium()
    reason = None
    if executable is None:
        reason = "chromium not installed (apt-get install chromium)"
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            reason = "playwright not installed (pip install -e '.[test]')"
    if reason is not None:
        if os.environ.get("RONDA_TEST_REQUIRE_BROWSER") == "1":
            pytest.fail(f"RONDA_TEST_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


@dataclass
class Phone:
    """One phone's browser: what it fetched, what it tried to fetch elsewhere."""

    page: Any
    base_url: str
    shots: Path
    outside: list[str] = field(default_factory=list)
    weights: dict[str, int] = field(default_factory=dict)
    _loading: list[int] = field(default_factory=list)
    _count: int = 0

    def open(self, path: str) -> None:
        self.measure(lambda: self.page.goto(self.base_url + path))

    def measure(self, action: Callable[[], Any]) -> None:
        """Run ``action`` (a navigation) and record the bytes its page took to load."""
        self._loading.clear()
        action()
        self.page.wait_for_load_state("load")
        self.weights[self.page.url] = sum(self._loading)

    def follow(self, selector: str) -> None:
        """Tap a link or button that loads another page."""

        def tap() -> None:
            with self.page.expect_navigation():
                self.page.locator(selector).first.click()

        self.measure(tap)

    def shot(self, name: str) -> None:
        self._count += 1
        self.shots.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(self.shots / f"{self._count:02d}-{name}.png"), full_page=True)
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORT["width"], f"{name}: {width} px wide at 360 px"


@pytest.fixture
def phone(browser: Any, request: pytest.FixtureRequest) -> Callable[[str], Phone]:
    contexts: list[Any] = []

    def make(base_url: str, name: str = "phone") -> Phone:
        context = browser.new_context(
            viewport=VIEWPORT, is_mobile=True, has_touch=True, locale="id-ID"
        )
        contexts.append(context)
        page = context.new_page()
        test = re.sub(r"[^\w.-]+", "_", request.node.name)
        device = Phone(page=page, base_url=base_url, shots=OUTPUT / "screenshots" / test / name)

        def guard(route: Any) -> None:
            url = route.request.url
            if url.startswith(base_url) or url.startswith(("data:", "blob:")):
                route.continue_()
            else:
                device.outside.append(url)
                route.abort()

        context.route("**/*", guard)

        def finished(req: Any) -> None:
            sizes = req.sizes()
            device._loading.append(sizes["responseBodySize"] + sizes["responseHeadersSize"])

        page.on("requestfinished", finished)
        return device

    yield make  # type: ignore[misc]
    for context in contexts:
        context.close()


def make_rt(server: LiveServer, *, head_password: str, **rt_settings: Any) -> dict[str, Any]:
    """A kota down to one RT, with an RT head who signs in with a password."""
    api = httpx.Client(base_url=server.base_url + "/api/v1", headers=server.admin_headers)
    made: dict[str, Any] = {"api": api}
    parent = api.post("/areas", json={"kind": "kota", "name": "Kota Contoh"}).json()
    for kind, name in (("kecamatan", "Sukamaju"), ("kelurahan", "Bulusan"), ("rw", "RW 03")):
        created = api.post(f"/areas/{parent['id']}/children", json={"kind": kind, "name": name})
        parent = made[kind] = created.json()
    rt = api.post(
        f"/areas/{parent['id']}/children",
        json={"kind": "rt", "name": "RT 07", "team_size": 3} | rt_settings,
    )
    assert rt.status_code == 201, rt.text
    made["rt"] = rt.json()
    head = api.post(
        f"/areas/{made['rt']['id']}/users",
        json={
            "username": "ketua.rt07",
            "full_name": "Bapak Hendra",
            "password": head_password,
            "role": "rt_head",
        },
    )
    assert head.status_code == 201, head.text
    return made
