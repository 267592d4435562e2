from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from aftersales.services.evidence import aftersales_evidence_add
from core.errors import Conflict, ValidationFailed
from tests.aftersales.conftest import png_bytes, png_upload, walk

pytestmark = pytest.mark.django_db


def test_images_are_stored_under_media_root_with_a_thumbnail(make_request, agent, settings):
    request = make_request()
    evidence = aftersales_evidence_add(request=request, kind="product_photo", file=png_upload("我的.PNG"), actor=agent)
    assert evidence.content_type == "image/png" and evidence.original_name == "我的.PNG"
    stored = Path(settings.MEDIA_ROOT) / evidence.file.name
    assert stored.is_file() and stored.suffix == ".png"
    assert "我的" not in evidence.file.name  # our own unguessable name
    with Image.open(Path(settings.MEDIA_ROOT) / evidence.thumbnail.name) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) <= 240


def test_pdf_is_accepted_without_thumbnail(make_request, agent):
    pdf = SimpleUploadedFile("receipt.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF", content_type="application/pdf")
    evidence = aftersales_evidence_add(request=make_request(), kind="other", file=pdf, actor=agent)
    assert evidence.content_type == "application/pdf" and not evidence.thumbnail


@pytest.mark.parametrize(
    "name,content",
    [
        ("photo.png", b"MZ\x90\x00 this is an exe"),
        ("photo.jpg", b"<html><script>alert(1)</script></html>"),
        ("broken.png", png_bytes()[:40]),
        ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
    ],
)
def test_files_that_are_not_really_images_or_pdfs_are_refused(make_request, agent, name, content):
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    with pytest.raises(ValidationFailed) as exc:
        aftersales_evidence_add(request=make_request(), kind="product_photo", file=upload, actor=agent)
    assert exc.value.fields == {"file": ["Upload a photo (JPEG, PNG, GIF, WebP) or a PDF."]}


def test_files_over_the_limit_are_refused(make_request, agent, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    with pytest.raises(ValidationFailed) as exc:
        aftersales_evidence_add(request=make_request(), kind="product_photo", file=png_upload(), actor=agent)
    assert "file" in exc.value.fields


def test_no_evidence_once_the_request_has_ended(make_request, agent, settings):
    request = walk(make_request(), ["cancelled"], agent)
    with pytest.raises(Conflict):
        aftersales_evidence_add(request=request, kind="other", file=png_upload(), actor=agent)
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
