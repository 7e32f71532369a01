"""Photos: type and size checked, re-encoded without metadata (EXIF, GPS, XMP, ICC, text).

The image is decoded and its pixels copied into a new image, which is saved as JPEG or PNG
with nothing else: camera, date, place and any comment are gone. The stored file is named by
the SHA-256 of what is stored, and never served as a static file (only through the views,
which check the viewer's tier).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2400
_ALLOWED = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}


class PhotoError(ValueError):
    """The upload is not a photo we accept; the message says why (no personal values)."""


@dataclass(frozen=True)
class CleanPhoto:
    content: ContentFile
    content_type: str
    width: int
    height: int
    sha256: str


def clean_photo(data: bytes) -> CleanPhoto:
    """Check and re-encode an uploaded photo without any metadata.

    Raises:
        PhotoError: too large, not a JPEG or PNG, or not decodable.
    """
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoError(
            _("The photo is larger than %(mb)d MB; send a smaller one.")
            % {"mb": MAX_PHOTO_BYTES // (1024 * 1024)}
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format or ""
            if kind not in _ALLOWED:
                raise PhotoError(_("Only JPEG and PNG photos are accepted."))
            if probe.width * probe.height > MAX_PIXELS:
                raise PhotoError(_("The photo has too many pixels; send a smaller one."))
            probe.load()
            # Turn the picture upright first: the orientation is in the EXIF we drop.
            upright = ImageOps.exif_transpose(probe)
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as e:
        raise PhotoError(_("The file is not a readable JPEG or PNG photo.")) from e
    mode = "RGB" if kind == "JPEG" else ("RGBA" if "A" in upright.getbands() else "RGB")
    pixels = upright.convert(mode)
    pixels.thumbnail((MAX_SIDE, MAX_SIDE))
    clean = Image.new(mode, pixels.size)
    clean.paste(pixels)
    out = io.BytesIO()
    if kind == "JPEG":
        clean.save(out, format="JPEG", quality=88)
    else:
        clean.save(out, format="PNG")
    content = out.getvalue()
    digest = hashlib.sha256(content).hexdigest()
    content_type, ext = _ALLOWED[kind]
    return CleanPhoto(
        ContentFile(content, name=f"{digest}.{ext}"),
        content_type,
        clean.width,
        clean.height,
        digest,
    )
