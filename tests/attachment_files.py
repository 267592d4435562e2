"""Files for the attachment tests: real photos and PDFs, and the disguised ones the checks must refuse."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png(name: str = "photo.png", size: tuple[int, int] = (64, 48)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name: str = "invoice.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    return buffer.getvalue()


def zip_named_png() -> SimpleUploadedFile:
    """A zip archive calling itself a PNG."""
    return SimpleUploadedFile("photo.png", _zip({"evil.exe": b"MZ..."}), content_type="image/png")


def docx(name: str = "售后说明.docx") -> SimpleUploadedFile:
    parts = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
    return SimpleUploadedFile(name, _zip(parts), content_type="application/octet-stream")


def svg_with_script() -> SimpleUploadedFile:
    content = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
    return SimpleUploadedFile("logo.svg", content, content_type="image/svg+xml")


def html_named_jpg() -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg")


def huge(megabytes: int = 50) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "big.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (megabytes * 1024 * 1024), content_type="image/png"
    )
