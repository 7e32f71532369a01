"""The poster engine and ``recuento poster``: what is given is printed, nothing else."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

pytest.importorskip("fpdf", reason="posters need the web extra: pip install 'recuento[web]'")
pypdf = pytest.importorskip("pypdf", reason="pip install 'recuento[dev]' (pypdf)")

from click.testing import CliRunner  # noqa: E402
from PIL import Image  # noqa: E402

from recuento.cli import cli  # noqa: E402
from recuento.posters import (  # noqa: E402
    SIZES,
    PosterData,
    PosterError,
    load_poster_json,
    qr_png,
    render_pdf,
    render_png,
)


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 400), (200, 180, 160)).save(out, format="JPEG")
    return out.getvalue()


def _data(lang: str = "es", **changes: object) -> PosterData:
    values: dict = {
        "lang": lang,
        "folio": "RC-TEST-0001",
        "verify_url": "https://recuento.example/cases/v/RC-TEST-0001/abc/",
        "name": "Nombre Sintético de Prueba",
        "contact": "Colectivo de prueba 656 000 0000",
        "facts": (("age", "17 años"), ("height", "155–160 cm"), ("place", "Juárez, Chihuahua")),
        "marks": ("Tatuaje (antebrazo izquierdo): rosa",),
        "clothing": ("blusa, roja",),
        "circumstances": "Salió del trabajo y no llegó a casa.",
        "issued": "2026-11-25",
        "photo": _photo(),
    }
    values.update(changes)
    return PosterData(**values)


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("size", list(SIZES))
def test_pdf_has_one_page_with_every_given_field_as_text(size: str) -> None:
    pdf = render_pdf(_data(), size)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = _text(pdf)
    for expected in (
        "FICHA DE BÚSQUEDA",
        "Nombre Sintético de Prueba",
        "RC-TEST-0001",
        "17 años",
        "155-160 cm",
        "Juárez, Chihuahua",
        "rosa",
        "blusa, roja",
        "Colectivo de prueba",
    ):
        assert expected in text, expected


def test_english_poster_uses_english_words() -> None:
    text = _text(render_pdf(_data("en")))
    assert "MISSING PERSON" in text and "Age" in text and "FICHA DE" not in text


def test_pdf_prints_nothing_that_was_not_given() -> None:
    text = _text(render_pdf(_data(marks=(), clothing=(), circumstances="", facts=())))
    assert "Señas particulares" not in text and "Hechos" not in text and "Edad" not in text


@pytest.mark.parametrize(
    ("size", "pixels"),
    [("square", (1080, 1080)), ("story", (1080, 1920)), ("letter", (1275, 1650))],
)
def test_png_has_the_size_of_its_use(size: str, pixels: tuple[int, int]) -> None:
    with Image.open(io.BytesIO(render_png(_data(), size))) as image:
        assert image.size == pixels


def test_qr_code_encodes_the_verification_url() -> None:
    with Image.open(io.BytesIO(qr_png("https://recuento.example/v/RC-1/x/"))) as image:
        assert image.format == "PNG" and image.width == image.height


def test_too_much_text_is_an_error_that_says_how_to_fix_it() -> None:
    with pytest.raises(PosterError, match="shorten"):
        render_pdf(_data(circumstances="palabra " * 5000), "square")


def test_data_without_a_contact_or_with_an_unknown_fact_is_refused() -> None:
    with pytest.raises(PosterError, match="contact is empty"):
        _data(contact=" ")
    with pytest.raises(PosterError, match="unknown fact keys curp"):
        _data(facts=(("curp", "X"),))


def test_json_round_trip_keeps_every_field() -> None:
    data = _data()
    assert PosterData.from_json(json.loads(json.dumps(data.to_json()))) == data


def test_cli_makes_a_pdf_from_the_sites_json_export(tmp_path: Path) -> None:
    source = tmp_path / "ficha.json"
    source.write_text(json.dumps({"es": _data().to_json(), "en": _data("en").to_json()}), "utf-8")
    out = tmp_path / "ficha.pdf"
    result = CliRunner().invoke(cli, ["poster", str(source), "--out", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "MISSING PERSON" in _text(out.read_bytes())


def test_cli_makes_a_png_story(tmp_path: Path) -> None:
    source = tmp_path / "ficha.json"
    source.write_text(json.dumps(_data().to_json()), "utf-8")
    out = tmp_path / "ficha.png"
    result = CliRunner().invoke(cli, ["poster", str(source), "--out", str(out), "--size", "story"])
    assert result.exit_code == 0, result.output
    with Image.open(out) as image:
        assert image.size == (1080, 1920)


def test_cli_reads_a_photo_path_relative_to_the_json(tmp_path: Path) -> None:
    (tmp_path / "imagen.jpg").write_bytes(_photo())
    data = {**_data().to_json(), "photo_base64": None, "photo": "imagen.jpg"}
    (tmp_path / "ficha.json").write_text(json.dumps(data), "utf-8")
    assert load_poster_json(tmp_path / "ficha.json").photo == _photo()


def test_cli_errors_are_one_paragraph_without_a_traceback(tmp_path: Path) -> None:
    source = tmp_path / "ficha.json"
    source.write_text("{not json", "utf-8")
    result = CliRunner().invoke(cli, ["poster", str(source), "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1
    assert "ficha.json is not valid UTF-8 JSON" in result.output
    assert "Traceback" not in result.output
    result = CliRunner().invoke(cli, ["poster", str(source), "--out", str(tmp_path / "x.docx")])
    assert result.exit_code == 2
    assert "--out must end in .pdf or .png" in result.output


def test_cli_refuses_unknown_keys_so_a_private_field_is_not_printed_by_mistake(
    tmp_path: Path,
) -> None:
    source = tmp_path / "ficha.json"
    source.write_text(json.dumps({**_data().to_json(), "curp": "X"}), "utf-8")
    result = CliRunner().invoke(cli, ["poster", str(source), "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1
    assert "unknown keys: curp" in result.output
