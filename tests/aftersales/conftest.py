from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from aftersales.services.intake import EvidenceInput, LineInput, aftersales_request_create
from aftersales.services.transitions import aftersales_transition
from tests.factories import OrderFactory, OrderLineFactory, make_ticket


def png_bytes(size: tuple[int, int] = (64, 48), color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def png_upload(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def order(customer):  # type: ignore[no-untyped-def]
    """Delivered two days ago: a T-shirt × 2 at ¥79 and a pair of trousers at ¥120, paid in full."""
    order = OrderFactory(
        customer=customer,
        total_amount=Decimal("278.00"),
        paid_amount=Decimal("278.00"),
        delivered_at=timezone.now() - timedelta(days=2),
    )
    OrderLineFactory(order=order, sku="TS-COT-L", title="纯棉T恤 L", quantity=2, unit_price=Decimal("79.00"))
    OrderLineFactory(order=order, sku="PT-KHK-32", title="卡其裤 32", quantity=1, unit_price=Decimal("120.00"))
    return order


@pytest.fixture
def shirt(order):  # type: ignore[no-untyped-def]
    return order.lines.get(sku="TS-COT-L")


@pytest.fixture
def trousers(order):  # type: ignore[no-untyped-def]
    return order.lines.get(sku="PT-KHK-32")


@pytest.fixture
def as_ticket(customer, team):  # type: ignore[no-untyped-def]
    return make_ticket(kind="aftersales", category="return_refund", customer=customer, team=team, subject="退货")


@pytest.fixture
def make_request(as_ticket, order, shirt, agent):  # type: ignore[no-untyped-def]
    """Create a request through the service; defaults: a no-reason return of one T-shirt."""

    def make(**overrides):  # type: ignore[no-untyped-def]
        params = {
            "ticket": as_ticket,
            "order": order,
            "type": "return_refund",
            "reason_code": "no_reason",
            "lines": [LineInput(order_line_id=shirt.pk, quantity=1)],
            "description": "不想要了",
            "created_by": agent,
        }
        params.update(overrides)
        if "evidence" in params:
            params["evidence"] = [EvidenceInput(kind=k, file=f) for k, f in params["evidence"]]
        return aftersales_request_create(**params)

    return make


def walk(request, statuses, actor, **kwargs):  # type: ignore[no-untyped-def]
    for status in statuses:
        extra = dict(kwargs)
        if status in ("received", "replacement_shipped", "waiting_for_return"):
            extra.setdefault("tracking_number", "SF1234567890")
        if status == "rejected":
            extra.setdefault("note", "不符合")
        request = aftersales_transition(request=request, to_status=status, actor=actor, **extra)
    return request


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """Assertions read the English messages (the default language is Simplified Chinese)."""
    from django.utils import translation

    with translation.override("en"):
        yield
