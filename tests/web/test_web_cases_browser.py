"""The cases app in a real browser, as the issue's acceptance test asks: file a ficha,
publish its poster, check that no non-public field appears in the PDF text or on the public
page, verify the folio, leave an anonymous tip, enter remains that match and see the
candidate. Screenshots go to ``build/screenshots/cases-*.png`` (or ``RECUENTO_SCREENSHOTS``).

Playwright drives Chromium (Debian's ``chromium``, or ``RECUENTO_CHROMIUM``) against
``recuento serve`` on a free port with a fresh data directory.
"""

from __future__ import annotations

import io
import os
import re
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
pytest.importorskip("fpdf", reason=WEB_MISSING)
pypdf = pytest.importorskip("pypdf", reason="pip install 'recuento[dev]' (pypdf)")
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: pip install playwright"
)

ROOT = Path(__file__).resolve().parents[2]
ADMIN, PASSWORD = "coordinacion", "pizarra-verde-1987"
pytestmark = pytest.mark.slow

SECRET = {
    "curp": "CURPSECRETAX1",
    "family_phone": "6569998877",
    "companions": "ACOMPANANTEX2",
    "medical_notes": "MEDICOX3",
    "aliases": "APODOX4",
}


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
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
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
                pytest.fail(
                    f"recuento serve did not start: {(data.parent / 'serve.log').read_text()}"
                )
            time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser(site: str) -> Iterator[Any]:
    executable = _chromium()
    with sync_api.sync_playwright() as playwright:
        # Chromium's sandbox cannot start as root (containers, CI): run without it there.
        args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        launched = playwright.chromium.launch(executable_path=executable, args=args)
        yield launched
        launched.close()


def _submit(page: Any, form: str) -> None:
    with page.expect_navigation():
        page.click(f"{form} button")


def test_file_a_ficha_publish_verify_tip_and_see_a_candidate(
    site: str, browser: Any, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("RECUENTO_SCREENSHOTS", ROOT / "build" / "screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="es-MX", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{site}/cases/")
    page.fill("input[name=username]", ADMIN)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    # File the ficha.
    page.goto(f"{site}/cases/new/")
    fields = {
        "given_names": "Lupita",
        "surname_1": "Prueba",
        "age_min": "17",
        "age_max": "17",
        "height_min_cm": "155",
        "height_max_cm": "160",
        "last_seen_date": "21/03/2009",
        "place_municipality": "Juárez",
        "public_contact": "Colectivo de prueba 656 000 0000",
        **SECRET,
    }
    for name, value in fields.items():
        page.fill(f"[name={name}]", value)
    page.select_option("select[name=sex]", "F")
    _submit(page, "main form")
    case_url = page.url
    assert re.search(r"/cases/\d+/$", case_url), page.content()[:2000]

    # A tattoo by body location.
    page.click("summary:has-text('Agregar una seña')")
    page.select_option("form[action$='/marks/'] select[name=kind]", "tattoo")
    page.select_option("form[action$='/marks/'] select[name=body_part]", "forearm")
    page.select_option("form[action$='/marks/'] select[name=side]", "left")
    page.fill("form[action$='/marks/'] [name=description]", "rosa")
    _submit(page, "form[action$='/marks/']")

    # The family's consent, then the poster.
    page.goto(f"{case_url}consent/")
    page.check("input[name=consent_public]")
    page.check("input[name=consent_collective]")
    page.fill("textarea[name=note]", "la madre, en persona")
    _submit(page, "main form")
    _submit(page, "form[action$='/posters/']")
    page.screenshot(path=shots / "cases-01-case.png", full_page=True)
    pdf_href = page.locator("a[href*='.pdf']").first.get_attribute("href")
    pdf = page.request.get(f"{site}{pdf_href}").body()
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Lupita Prueba" in text and "rosa" in text
    for value in SECRET.values():
        assert value not in text, value
    png_href = page.locator("a[href*='.png']").first.get_attribute("href")
    (shots / "cases-02-poster.png").write_bytes(page.request.get(f"{site}{png_href}").body())

    # Anyone verifies the folio from the address printed under the QR code.
    verify = re.search(r"http://\S+/cases/v/\S+/", text)
    assert verify is not None
    public = browser.new_context(locale="es-MX").new_page()
    public.goto(verify.group(0))
    assert "es auténtica y está vigente" in public.content()
    for value in SECRET.values():
        assert value not in public.content(), value
    public.screenshot(path=shots / "cases-03-verify.png", full_page=True)

    # An anonymous tip, no login.
    with public.expect_navigation():
        public.click("a:has-text('Dejar un aviso anónimo')")
    public.fill("textarea[name=text]", "La vi en la parada del camión.")
    _submit(public, "main form")
    page.goto(f"{site}/cases/tips/")
    assert "parada del cami" in page.content()

    # A forensic service's list with remains that match; the candidate appears.
    remains = tmp_path / "pfsi.csv"
    remains.write_text(
        "id,sex,age_min,age_max,height_min_cm,height_max_cm,found_date,found_place,lat,lon,"
        "condition,marks,clothing\n"
        "PFSI-77,F,15,22,150,165,2010-01-10,Juárez,,,momificado,tatuaje|antebrazo|izquierdo|rosa,\n",
        encoding="utf-8",
    )
    page.goto(f"{site}/cases/remains/import/")
    page.set_input_files("input[type=file]", str(remains))
    _submit(page, "main form")
    page.goto(case_url)
    page.screenshot(path=shots / "cases-04-candidate.png", full_page=True)
    assert page.locator("a:has-text('PFSI-77')").count() == 1
