"""Uploaded files (after-sales evidence, ticket attachments): recognise the real content (not the name), enforce
the size limit, make thumbnails. Used by every upload path, so there is one check, not one per app."""

from __future__ import annotations

import io
import logging
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from core.errors import ValidationFailed

logger = logging.getLogger(__name__)

# Pillow format → (content type, extension). Only these images are accepted; anything else must be a PDF.
IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
}
PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
# Office documents (agents' attachments only): a zip whose parts say which program wrote it. Recognised by
# their parts, never by the name, and always served as a download (never inline).
OFFICE_FORMATS = {
    "word/document.xml": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xl/workbook.xml": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
# What a browser may show in its own tab; everything else is served as a download.
INLINE_TYPES = frozenset({*(content_type for content_type, _ext in IMAGE_FORMATS.values()), "application/pdf"})
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


def check_upload(
    upload: Any, *, field: str = "file", max_bytes: int | None = None, allow_documents: bool = False
) -> CheckedFile:
    """Read an uploaded file and say what it really is. Refuses files over ``max_bytes`` (default
    ``EVIDENCE_MAX_BYTES``) and anything that is not a JPEG/PNG/GIF/WebP image or a PDF, whatever its name or
    declared type. ``allow_documents`` also accepts Word and Excel files (.docx, .xlsx), recognised by the
    parts inside the zip (a zip that is not one of them is refused, whatever it is called)."""
    limit = settings.EVIDENCE_MAX_BYTES if max_bytes is None else max_bytes
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
    if allow_documents and content.startswith(ZIP_MAGIC):
        office = _office_format(content)
        if office is not None:
            return CheckedFile(content, office[0], office[1], name)
    image_format, thumbnail = _decode_image(content, name, field, allow_documents=allow_documents)
    content_type, extension = IMAGE_FORMATS[image_format]
    return CheckedFile(content, content_type, extension, name, thumbnail)


def _office_format(content: bytes) -> tuple[str, str] | None:
    """A Word or Excel file's type, from the zip's table of contents only (nothing is decompressed, so a zip
    bomb costs nothing here); ``None`` for any other zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for part, found in OFFICE_FORMATS.items():
        if part in names:
            return found
    return None


def _decode_image(content: bytes, name: str, field: str, *, allow_documents: bool = False) -> tuple[str, bytes]:
    """Recognise an image, refuse one too large in pixels, and decode it completely (a truncated file
    fails here) while making its thumbnail. Runs before any transaction: decoding takes time."""
    if allow_documents:
        not_an_image = ValidationFailed(
            _("%(name)s is not an image, a PDF or an Office document.") % {"name": name or _("The file")},
            fields={field: [_("Attach a photo (JPEG, PNG, GIF, WebP), a PDF, or a Word or Excel file.")]},
        )
    else:
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


def delete_stored(names: list[str]) -> None:
    """Remove files stored for rows that were never committed (a failed transaction)."""
    for name in names:
        if name:
            try:
                default_storage.delete(name)
            except OSError:
                logger.warning("could not delete orphaned upload %s", name)


@contextmanager
def removed_on_failure() -> Iterator[list[str]]:
    """Collect the names of files stored inside a transaction; if the block fails, delete them (the rows that
    named them were rolled back). Use it *around* ``transaction.atomic()``."""
    saved: list[str] = []
    try:
        yield saved
    except BaseException:
        delete_stored(saved)
        raise


def evidence_response(evidence: Any, *, thumbnail: bool, download_name: str = "") -> FileResponse:
    """Stream a stored file (evidence, a ticket attachment: anything with ``file``, ``thumbnail`` and
    ``content_type``) with its checked content type, never sniffed into HTML: images and PDFs inline, anything
    else as a download. The sandbox CSP keeps even a PDF viewer from running the file's scripts against us."""
    stored = evidence.thumbnail if thumbnail and evidence.thumbnail else evidence.file
    content_type = "image/jpeg" if thumbnail and evidence.thumbnail else evidence.content_type
    if content_type not in INLINE_TYPES and not content_type.startswith("application/vnd.openxmlformats"):
        content_type = "application/octet-stream"  # nothing we did not recognise goes out under its own type
    response = FileResponse(default_storage.open(stored.name, "rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    if content_type in INLINE_TYPES:
        response["Content-Disposition"] = "inline"
    else:
        response["Content-Disposition"] = _attachment_disposition(download_name or stored.name.rsplit("/", 1)[-1])
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _attachment_disposition(name: str) -> str:
    ascii_name = "".join(c for c in name if c.isascii() and (c.isalnum() or c in "._-")) or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
