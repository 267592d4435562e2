"""Free text has a maximum length (core.limits), the same on every path: the API (declared as maxLength in the
schema), the browser forms and the services refuse longer text with a 400 naming the field. A 10 MB description
used to be stored and echoed back in every answer about its ticket."""

from __future__ import annotations

import json

import pytest

from aftersales.services.transitions import aftersales_transition
from complaints.models import Complaint
from complaints.services import complaint_resolve, complaint_update
from core.errors import ValidationFailed
from core.limits import BODY_MAX, NOTE_MAX, SHORT_NOTE_MAX, SUBJECT_MAX
from tests.abuse import json_body_schema, operations, string_fields
from tests.factories import CustomerFactory, make_ticket
from tickets.services.messages import ticket_add_customer_message, ticket_add_note, ticket_reply

CUSTOMER = {"name": "王小明", "platform": "taobao", "platform_account_id": "tb_wxm"}
# Strings whose length their format bounds: times, dates, decimals.
BOUNDED_FORMATS = {"date-time", "date", "time", "decimal"}


def test_every_free_text_field_of_every_request_body_declares_its_max_length():
    unbounded = [
        (method, path, ".".join(field))
        for path, method, operation in operations()
        if (schema := json_body_schema(operation)) is not None
        for field, prop in string_fields(schema)
        if "enum" not in prop and "maxLength" not in prop and prop.get("format") not in BOUNDED_FORMATS
    ]
    assert unbounded == []


@pytest.mark.django_db
def test_the_api_refuses_a_subject_or_description_over_the_limit_naming_the_field(api, team):
    for endpoint in ("/api/v1/tickets/", "/api/v1/complaints/"):
        for field, limit in (("subject", SUBJECT_MAX), ("description", BODY_MAX)):
            body = {"kind": "inquiry", "subject": "s", "customer": CUSTOMER, field: "长" * (limit + 1)}
            response = api.post(endpoint, json.dumps(body), content_type="application/json")
            assert response.status_code == 400, (endpoint, field)
            assert list(response.json()["error"]["fields"]) == [field]
        at_the_limit = {"kind": "inquiry", "subject": "s" * SUBJECT_MAX, "description": "长" * BODY_MAX}
        response = api.post(
            endpoint, json.dumps({**at_the_limit, "customer": CUSTOMER}), content_type="application/json"
        )
        assert response.status_code == 201, endpoint


@pytest.mark.django_db
def test_the_new_ticket_form_refuses_a_long_description_naming_the_field(client, agent):
    client.force_login(agent)
    form = {
        "kind": "inquiry",
        "category": "other",
        "channel": "phone",
        "priority": "normal",
        "subject": "电话咨询",
        "description": "x" * (BODY_MAX + 1),
        "customer_platform": "taobao",
        "customer_account": "tb_1",
        "customer_name": "王",
    }
    response = client.post("/tickets/new/", form)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["description"]
    assert f'maxlength="{BODY_MAX}"' in response.content.decode()


@pytest.mark.django_db
def test_the_services_refuse_long_text_whatever_the_path(agent, manager, team):
    customer = CustomerFactory()
    too_long = "x" * (BODY_MAX + 1)
    with pytest.raises(ValidationFailed) as refused:
        make_ticket(customer=customer, description=too_long)
    assert list(refused.value.fields) == ["description"]
    with pytest.raises(ValidationFailed) as refused:
        make_ticket(customer=customer, subject="x" * (SUBJECT_MAX + 1))
    assert list(refused.value.fields) == ["subject"]
    ticket = make_ticket(customer=customer, team=team)
    for write in (ticket_reply, ticket_add_note):
        with pytest.raises(ValidationFailed) as refused:
            write(ticket=ticket, author=agent, body=too_long)
        assert list(refused.value.fields) == ["body"]
    with pytest.raises(ValidationFailed):
        ticket_add_customer_message(ticket=ticket, body=too_long)
    complaint = Complaint.objects.get(ticket=make_ticket(kind="complaint", category="logistics", team=team))
    with pytest.raises(ValidationFailed) as refused:
        complaint_update(complaint=complaint, actor=manager, root_cause="x" * (NOTE_MAX + 1))
    assert list(refused.value.fields) == ["root_cause"]
    with pytest.raises(ValidationFailed) as refused:
        complaint_resolve(complaint=complaint, actor=manager, root_cause="r", outcome="o", message=too_long)
    assert list(refused.value.fields) == ["message"]
    assert ticket.messages.count() == 0


@pytest.mark.django_db
def test_after_sales_notes_are_refused_over_their_limit_by_the_service(agent, team):
    with pytest.raises(ValidationFailed) as refused:
        aftersales_transition(request=1, to_status="approved", actor=agent, note="x" * (SHORT_NOTE_MAX + 1))
    assert list(refused.value.fields) == ["note"]
