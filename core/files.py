"""Uploaded files (after-sales evidence, ticket attachments): recognise the real content (not the name), enforce
the size limit, make thumbnails. Used by every upload path, so there is one check, not one per app."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from core.errors import ValidationFailed

# Pillow format → (content type, extension). Only these images are accepted; anything else must be a PDF.
IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
}
PDF_MAGIC = b"%PDF-"
THUMBNAIL_SIZE = (240, 240)
# A phone photo is 12–50 MP; more than this is refused before decoding (a small file can hold a huge image).
MAX_PIXELS = 50_000_000


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    extension: str
    original_name: str
    thumbnail: bytes | None = None

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def check_upload(upload: Any, *, field: str = "file") -> CheckedFile:
    """Read an uploaded file and say what it really is. Refuses files over ``EVIDENCE_MAX_BYTES`` and
    anything that is not a JPEG/PNG/GIF/WebP image or a PDF, whatever its name or declared type."""
    limit = settings.EVIDENCE_MAX_BYTES
    name = str(getattr(upload, "name", "") or "")[:255]
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _too_large(field, name, limit)
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise _too_large(field, name, limit)
    if not content:
        raise ValidationFailed(
            _("The file %(name)s is empty.") % {"name": name}, fields={field: [_("The file is empty.")]}
        )
    if content.startswith(PDF_MAGIC):
        return CheckedFile(content, "application/pdf", "pdf", name)
    image_format, thumbnail = _decode_image(content, name, field)
    content_type, extension = IMAGE_FORMATS[image_format]
    return CheckedFile(content, content_type, extension, name, thumbnail)


def _decode_image(content: bytes, name: str, field: str) -> tuple[str, bytes]:
    """Recognise an image, refuse one too large in pixels, and decode it completely (a truncated file
    fails here) while making its thumbnail. Runs before any transaction: decoding takes time."""
    not_an_image = ValidationFailed(
        _("%(name)s is not an image or a PDF.") % {"name": name or _("The file")},
        fields={field: [_("Upload a photo (JPEG, PNG, GIF, WebP) or a PDF.")]},
    )
    try:
        with Image.open(io.BytesIO(content)) as image:
            image_format = image.format or ""
            if image_format not in IMAGE_FORMATS:
                raise not_an_image
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationFailed(
                    _("%(name)s has too many pixels.") % {"name": name or _("The file")},
                    fields={field: [_("Photos may have at most %(mp)s megapixels.") % {"mp": MAX_PIXELS // 1_000_000}]},
                )
            image.draft("RGB", THUMBNAIL_SIZE)  # JPEG: decode at a reduced size
            image.thumbnail(THUMBNAIL_SIZE)  # loads every byte: a truncated file raises OSError
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=80)
    except ValidationFailed:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise not_an_image from exc
    return image_format, out.getvalue()


def _too_large(field: str, name: str, limit: int) -> ValidationFailed:
    megabytes = f"{limit / 1024 / 1024:.1f}".rstrip("0").rstrip(".")
    return ValidationFailed(
        _("%(name)s is larger than %(limit)s MB.") % {"name": name or _("The file"), "limit": megabytes},
        fields={field: [_("Files may be at most %(limit)s MB.") % {"limit": megabytes}]},
    )


def stored_name(checked: CheckedFile) -> str:
    """A name we choose (never the buyer's): unguessable and with the extension of the real content."""
    return f"{uuid.uuid4().hex}.{checked.extension}"


def make_thumbnail(checked: CheckedFile) -> ContentFile[bytes] | None:
    """A small JPEG of an image, or ``None`` for PDFs and images Pillow cannot render."""
    if checked.thumbnail is None:
        return None
    return ContentFile(checked.thumbnail, name=f"{uuid.uuid4().hex}.jpg")


def evidence_response(evidence: Any, *, thumbnail: bool) -> FileResponse:
    """Stream a stored evidence file with its checked content type (never sniffed into HTML)."""
    stored = evidence.thumbnail if thumbnail and evidence.thumbnail else evidence.file
    content_type = "image/jpeg" if thumbnail and evidence.thumbnail else evidence.content_type
    response = FileResponse(default_storage.open(stored.name, "rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
