"""A plaintext eligibility check run from the site: flags with the evidence, no status change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.urls import reverse  # noqa: E402

from recuento.simulate import simulate_lists, simulate_population, write_lists  # noqa: E402
from recuento.web.roll.models import EligibilityCheck, Member, StatusChange  # noqa: E402


@pytest.fixture(scope="module")
def uk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 80 movement members and 2,000 party members (synthetic, uk_roll scenario)."""
    directory = tmp_path_factory.mktemp("uk")
    pop = simulate_population(4000, seed=5, setting="uk")
    write_lists(simulate_lists(pop, scenario="uk_roll", seed=6), directory)
    return directory


def _upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes(), "text/csv")


def test_plaintext_check_flags_every_member_and_changes_no_status(
    client: Any, make_user: Any, media_root: Any, uk: Path
) -> None:
    client.force_login(make_user("coordinator"))
    imported = client.post(reverse("roll:import"), {"file": _upload(uk / "movement.csv")})
    assert imported.status_code == 302
    members = Member.objects.count()
    assert members > 50
    response = client.post(
        reverse("roll:eligibility"),
        {"mode": "plaintext", "deadline": "2017-07-01", "roll": _upload(uk / "party.csv")},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    check = EligibilityCheck.objects.get()
    assert check.mode == "plaintext" and check.unmatched == 0
    assert sum(check.counts.values()) == members
    assert check.counts.get("eligible", 0) > members // 2
    assert check.files[0]["name"] == "party.csv" and len(check.files[0]["sha256"]) == 64
    assert not Member.objects.filter(flag="").exists()
    assert set(Member.objects.values_list("admin_status", flat=True)) == {""}
    assert not StatusChange.objects.exists()
    eligible = check.flags.filter(flag="eligible")
    assert all(f.roll_probability is not None and f.roll_probability >= 0.95 for f in eligible)
