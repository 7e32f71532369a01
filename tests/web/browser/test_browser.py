"""The site in a real browser: log in, bring two lists in (their records stored in the
background), run the linkage, decide a pair, see the count change. Screenshots of the main
pages are kept as test artifacts.

Playwright drives Chromium (Debian's ``chromium`` package, or the browser named by
``RECUENTO_CHROMIUM``) against ``recuento serve`` started on a free port with a fresh data
directory (its worker process carries out the linkage runs).
Screenshots go to ``build/screenshots/`` (or ``RECUENTO_SCREENSHOTS``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

WEB_MISSING = "the web extra is not installed: pip install 'recuento[web]'"
pytest.importorskip("django_otp", reason=WEB_MISSING)
pytest.importorskip("waitress", reason=WEB_MISSING)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: pip install playwright"
)

ROOT = Path(__file__).resolve().parents[3]
ADMIN, PASSWORD = "coordinacion", "pizarra-verde-1987"
pytestmark = pytest.mark.slow


def _chromium() -> str:
    candidates = [os.environ.get("RECUENTO_CHROMIUM", ""), "/usr/bin/chromium"]
    candidates += [shutil.which(n) or "" for n in ("chromium", "chromium-browser")]
    for path in candidates:
        if path and os.access(path, os.X_OK):
            return path
    pytest.skip("Chromium is not installed: apt-get install chromium (or set RECUENTO_CHROMIUM)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """``recuento serve`` on a free port with a fresh data directory; stopped afterwards."""
    data = tmp_path_factory.mktemp("data")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RECUENTO_", "DJANGO_"))}
    env.update(
        RECUENTO_DATA_DIR=str(data),
        RECUENTO_ADMIN_USERNAME=ADMIN,
        RECUENTO_ADMIN_PASSWORD=PASSWORD,
    )
    log = (data.parent / "serve.log").open("w")
    recuento = Path(sys.executable).with_name("recuento")
    server = subprocess.Popen(
        [str(recuento), "serve", "--data-dir", str(data), "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                log.flush()
                output = (data.parent / "serve.log").read_text()
                pytest.fail(f"recuento serve did not start: {output}")
            time.sleep(0.5)
        yield {"url": url, "data": data, "env": env}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser(site: dict[str, Any]) -> Iterator[Any]:
    executable = _chromium()
    with sync_api.sync_playwright() as playwright:
        # Chromium's sandbox cannot start as root (containers, CI): run without it there.
        args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        launched = playwright.chromium.launch(executable_path=executable, args=args)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def shots() -> Path:
    directory = Path(os.environ.get("RECUENTO_SCREENSHOTS", ROOT / "build" / "screenshots"))
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture(scope="module")
def lists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two synthetic lists (a newspaper's and an NGO's) of the same simulated population."""
    from recuento.simulate import simulate_lists, simulate_population, write_lists

    directory = tmp_path_factory.mktemp("lists")
    sim = simulate_lists(simulate_population(300, seed=3), scenario="juarez", seed=3)
    write_lists(sim, directory, formats={"*": "csv"})
    return {name: directory / f"{name}.csv" for name in ("prensa", "ong")}


def _finished_run(page: Any, site: dict[str, Any], run: int) -> dict[str, Any]:
    """Poll the run's JSON until the worker ``recuento serve`` started has carried it out."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        summary: dict[str, Any] = page.request.get(f"{site['url']}/runs/{run}.json").json()["run"]
        if summary["status"] in ("done", "failed"):
            assert summary["status"] == "done", summary["message"]
            return summary
        time.sleep(1)
    pytest.fail(f"linkage run {run} did not finish in 10 minutes")


def test_a_team_brings_lists_in_links_them_decides_a_pair_and_sees_the_count_change(
    site: dict[str, Any], browser: Any, shots: Path, lists: dict[str, Path]
) -> None:
    context = browser.new_context(locale="es-MX", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    base = site["url"]

    # Anonymous: the login page, in the browser's language.
    page.goto(f"{base}/sources/")
    assert "/accounts/login/" in page.url
    assert page.locator("html").get_attribute("lang") == "es"
    page.screenshot(path=shots / "01-login.png", full_page=True)
    page.fill("input[name=username]", ADMIN)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/sources/")
    page.goto(f"{base}/")
    page.screenshot(path=shots / "02-home.png", full_page=True)

    # Two lists brought in through the upload form.
    for name, path in lists.items():
        page.goto(f"{base}/sources/upload/")
        page.set_input_files("input[type=file]", str(path))
        page.fill("input[name=name]", name)
        with page.expect_navigation():
            page.click("main form[enctype='multipart/form-data'] button[type=submit]")
        assert "/sources/" in page.url and "upload" not in page.url, page.content()[:3000]
        # The worker stores the records in the background; the page reloads itself when
        # it has (only stored lists are offered to a linkage run).
        page.wait_for_selector("#source-status[data-status=stored]", timeout=120_000)
        page.screenshot(path=shots / f"03-source-{name}.png", full_page=True)
    page.goto(f"{base}/sources/")
    page.screenshot(path=shots / "04-sources.png", full_page=True)
    assert page.locator("text=prensa").count() and page.locator("text=ong").count()

    # A linkage run, carried out in the background.
    page.goto(f"{base}/runs/")
    with page.expect_navigation():
        page.click("main form[action$='/runs/'] button[type=submit]")
    run = int(page.url.rstrip("/").rsplit("/", 1)[1])
    first = _finished_run(page, site, run)
    page.reload()
    page.screenshot(path=shots / "05-run.png", full_page=True)
    page.goto(f"{base}/counts/")
    page.screenshot(path=shots / "06-counts.png", full_page=True)
    assert str(first["persons"]) in page.content()
    page.goto(f"{base}/persons/")
    page.screenshot(path=shots / "07-persons.png", full_page=True)

    # The review queue: decide the pair that matters most, with the keyboard.
    queue = page.request.get(f"{base}/review/index.json").json()
    pairs = queue["pairs"]
    assert pairs, "the run left no uncertain pair to review"
    pair = next((p for p in pairs if not p["same_person"]), pairs[0])
    page.goto(f"{base}/review/")
    page.screenshot(path=shots / "08-review-queue.png", full_page=True)
    page.goto(f"{base}/review/{pair['id']}/")
    page.screenshot(path=shots / "09-review-pair.png", full_page=True)
    with page.expect_navigation():
        page.keyboard.press("d" if pair["same_person"] else "s")
    decided = page.request.get(f"{base}/review/{pair['id']}.json").json()
    wanted = "different" if pair["same_person"] else "same"
    assert decided["pair"]["decision"]["decision"] == wanted

    # Run again: the decision overrides the model, and the count changes.
    page.goto(f"{base}/runs/{run}/")
    with page.expect_navigation():
        page.click("main form[action$='/repeat/'] button")
    again = int(page.url.rstrip("/").rsplit("/", 1)[1])
    assert again != run
    second = _finished_run(page, site, again)
    # The run's page refreshes itself while the run is going: load it as finished, or its
    # refresh may interrupt the next navigation.
    page.reload()
    if pair["same_person"]:
        assert second["persons"] > first["persons"]
    else:
        assert second["persons"] == first["persons"] - 1
    page.goto(f"{base}/counts/")
    page.screenshot(path=shots / "10-counts-after-review.png", full_page=True)
    assert str(second["persons"]) in page.content()

    # The audit log shows the decision, and its chain is intact.
    page.goto(f"{base}/audit/")
    page.screenshot(path=shots / "11-audit.png", full_page=True)
    assert "La cadena está íntegra." in page.content()
    context.close()


def test_every_page_in_the_menu_opens_in_both_languages(
    site: dict[str, Any], browser: Any, shots: Path
) -> None:
    context = browser.new_context(locale="es-MX", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    base = site["url"]
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", ADMIN)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    links = page.eval_on_selector_all("header nav a", "links => links.map(a => a.href)")
    assert len(links) >= 5, links  # an administrator sees every app
    for language in ("es", "en"):
        if language == "en":
            with page.expect_navigation():
                page.select_option("#language-switch", "en")
        for url in links:
            response = page.goto(url)
            assert response is not None and response.status < 400, url
            assert page.locator("html").get_attribute("lang") == language
            slug = url.replace(base, "").strip("/").replace("/", "-") or "home"
            page.screenshot(path=shots / f"menu-{language}-{slug}.png", full_page=True)
    context.close()
