"""A buyer's photos on an after-sales ticket count as the request's evidence (tickets' event listener)."""

from __future__ import annotations

from django.core.cache import cache
from django.test import Client

from aftersales.models import Evidence
from tests.aftersales.conftest import png_upload
from tests.factories import make_ticket
from tickets.services.attachments import attachments_check
from tickets.services.messages import ticket_add_customer_message
from tickets.tracking import tracking_token


def test_photos_from_the_tracking_page_become_evidence_sharing_the_stored_file(make_request):
    cache.clear()
    request = make_request()
    url = f"/track/{tracking_token(request.ticket)}/"
    assert Client().post(url, {"body": "破损照片", "attachments": [png_upload("破损.png")]}).status_code == 302
    [evidence] = Evidence.objects.filter(request=request)
    attachment = request.ticket.messages.get(author_type="customer").attachments.get()
    assert evidence.kind == "product_photo" and evidence.original_name == "破损.png"
    assert evidence.file.name == attachment.file.name and evidence.thumbnail.name == attachment.thumbnail.name
    assert request.ticket.events.filter(type="workflow").exists()  # "the buyer's files were added as evidence"


def test_no_request_no_evidence_and_other_kinds_are_left_alone(customer):
    for kind in ("aftersales", "complaint"):
        ticket = make_ticket(kind=kind, customer=customer)
        ticket_add_customer_message(ticket=ticket, body="", attachments=attachments_check([png_upload()]))
    assert Evidence.objects.count() == 0
