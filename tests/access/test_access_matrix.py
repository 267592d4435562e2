"""The access matrix, generated from the URL conf and the OpenAPI schema so that a new endpoint cannot slip in
unscoped.

A world of objects that belong to the Taobao buyers of the after-sales team, and outsiders who may not see
them: an agent and a manager of the pre-sales team, and an integration bound to Douyin.

- Every route with an ``<id:…>`` is classified by the object it names (a route nobody classified fails the
  test). For each outsider and each method, the answer for a real object is the same as for an id that does
  not exist — 404 (or 403/405 for what the role may never do) — so nothing tells an outsider the object
  exists; and nothing the outsiders sent changed anything.
- Every list (API ``GET`` operations of the schema without a path parameter, and the staff list pages) leaves
  the objects' marked texts out for each outsider; the insiders' lists show them.
"""

from __future__ import annotations

import io
import re
from datetime import time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from PIL import Image

from accounts.roles import Role
from aftersales.models import AfterSalesRequest, Approval, Evidence, Offer
from aftersales.services.approvals import aftersales_approval_request
from aftersales.services.intake import EvidenceInput, LineInput, aftersales_request_create
from aftersales.services.offers import aftersales_offer_make
from aftersales.services.transitions import aftersales_transition
from complaints.models import Complaint, FollowUp
from complaints.services import complaint_resolve
from integrations import services as integration_services
from integrations.scopes import ALL_SCOPES
from knowledge.models import ArticleVersion
from knowledge.services.articles import article_create, article_publish
from knowledge.services.categories import category_create
from notifications.models import Notification
from notifications.services import notifications_create
from replies.services.canned import canned_reply_create, folder_create
from replies.services.wording import wording_rule_create
from surveys.models import SurveyFollowUp, SurveyInvitation
from surveys.services import survey_ensure_default, survey_submit
from tests.browser import staff_user
from tests.factories import CustomerFactory, OrderFactory, OrderLineFactory, TeamFactory, make_ticket
from tickets.models import Message, MessageAttachment, Ticket, TicketEvent
from tickets.services.attachments import attachments_check
from tickets.services.messages import ticket_reply
from tickets.services.transitions import ticket_transition
from tickets.tracking import tracking_token
from webhooks.services.endpoints import webhook_endpoint_create
from workforce.models import Shift, Skill
from workforce.services.handover import handover_create
from workforce.services.routing import routing_rule_create

pytestmark = pytest.mark.django_db

SECRET = "机密-7Q3Z"  # in every subject and name of the world's objects: an outsider must never see it
MISSING = 2**62  # an id no object has

# Which object each id route names: the first pattern that matches the route wins.
ROUTE_OBJECTS = [
    (r"^(api/v1/)?complaints/follow-ups/", "complaint_follow_up"),
    (r"^(api/v1/)?complaints/", "complaint_ticket"),
    (r"^(api/v1/)?aftersales/requests/", "request"),
    (r"^aftersales/tickets/", "aftersales_ticket"),
    (r"^(api/v1/)?aftersales/offers/", "offer"),
    (r"^(api/v1/)?aftersales/approvals/", "approval"),
    (r"^(api/v1/)?aftersales/evidence/", "evidence"),
    (r"^survey/follow-ups/", "survey_follow_up"),
    # attachments (issue 16): a ticket whose one file has the ticket's id, so one number fills both ids
    (r"^(api/v1/)?tickets/<id:pk>/attachments/", "ticket_attachment"),
    # the buyer's file under their signed link: outsiders have no token (the route answers 404 without one)
    (r"^track/", "tracking_attachment"),
    (r"^(api/v1/)?tickets/", "ticket"),
    (r"^escalations/", "ticket"),
    (r"^(api/v1/)?customers/", "customer"),
    (r"^api/v1/orders/", "order"),
    (r"^notifications/", "notification"),
    (r"^api/v1/integrations/", "integration"),
    (r"^api/v1/api-keys/", "api_key"),
    (r"^api/v1/webhooks/endpoints/", "endpoint"),
    (r"^api/v1/webhooks/deliveries/", "delivery"),
    (r"^(work|api/v1)/handovers?/", "handover"),
    (r"^(work|api/v1)/shifts/", "shift"),
    # workforce (board slice): a team's work settings, an agent's work profile, a skill
    (r"^(api/v1/|work/)teams/", "work_team"),
    (r"^(api/v1/|work/)agents/", "work_agent"),
    (r"^(api/v1/|work/)skills/", "skill"),
    (r"^(work/routing/|api/v1/routing-rules/)", "routing_rule"),
    # Wording rules (issue 16): the reply box's check is about a ticket; the rules are read by every agent.
    (r"^replies/wording/check/", "ticket"),
    (r"^(replies/wording/|api/v1/wording-rules/)", "wording_rule"),
    # replies (canned slice): a team's canned reply and folder; the picker inserts into a ticket's reply box
    (r"^replies/picker/insert/", "ticket"),
    (r"^replies/folders/", "reply_folder"),
    (r"^(replies/|api/v1/canned-replies/)", "canned_reply"),
    # knowledge base: an article and a category are open to all staff; "article from this ticket" names a ticket
    (r"^kb/from-ticket/", "ticket"),
    (r"^(kb|api/v1/kb)/articles/", "kb_article"),
    (r"^(kb|api/v1/kb)/categories/", "kb_category"),
    (r"^kb/versions/", "kb_version"),
]
# Buyers and their orders are open to every member of staff (a profile lists only the tickets its reader may
# see); only an integration of another platform must not reach them. Integration-owned objects likewise.
STAFF_MAY_OPEN = {
    "customer",
    "order",
    "integration",
    "api_key",
    "endpoint",
    "delivery",
    "skill",
    "wording_rule",
    "kb_article",
    "kb_category",
    "kb_version",
}
# A key with workforce:read reads every team's shifts and handover book (a team's internal log, no buyer's):
# the answer may differ from a missing id, but a ticket it may not see shows neither its subject nor its note.
KEYS_MAY_OPEN = {"shift", "handover", "wording_rule"}  # wording rules: the shop's own wording, no buyer's


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def world(settings, tmp_path, manager):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    survey_ensure_default()
    after, pre = TeamFactory(name="售后 After-sales"), TeamFactory(name="售前 Pre-sales")
    insider = staff_user("after_agent", Role.AGENT)
    after.members.add(insider)
    after.managers.add(manager)
    outsiders = {
        "agent": staff_user("pre_agent", Role.AGENT),
        "manager": staff_user("pre_manager", Role.MANAGER),
    }
    pre.members.add(outsiders["agent"])
    pre.managers.add(outsiders["manager"])
    taobao = integration_services.integration_create(name="Taobao", platform="taobao", scopes=ALL_SCOPES)
    douyin = integration_services.integration_create(name="Douyin", platform="douyin", scopes=ALL_SCOPES)
    taobao_key = integration_services.api_key_create(integration=taobao)
    spare_key = integration_services.api_key_create(integration=taobao, name="spare")  # the one rotated/revoked
    douyin_key = integration_services.api_key_create(integration=douyin)

    buyer = CustomerFactory(platform="taobao", name=f"买家{SECRET}")
    order = OrderFactory(
        customer=buyer,
        order_number="TB-SECRET-1",
        paid_amount=Decimal("300.00"),
        total_amount=Decimal("300.00"),
        delivered_at=timezone.now(),
    )
    line = OrderLineFactory(order=order, sku="TS", title=f"T恤{SECRET}", quantity=3, unit_price=Decimal("100.00"))
    ticket = make_ticket(team=after, customer=buyer, subject=f"咨询{SECRET}", order=order)
    complaint_ticket = make_ticket(
        kind="complaint", category="logistics", team=after, customer=buyer, subject=f"投诉{SECRET}"
    )
    complaint_resolve(
        complaint=Complaint.objects.get(ticket=complaint_ticket),
        actor=manager,
        root_cause="a",
        outcome="b",
        message="c",
    )
    aftersales_ticket = make_ticket(
        kind="aftersales", category="return_refund", team=after, customer=buyer, subject=f"售后{SECRET}"
    )
    request = aftersales_request_create(
        order=order,
        customer=buyer,
        type="compensation",
        reason_code="quality_defect",
        lines=[LineInput(order_line_id=line.pk, quantity=1)],
        compensation_amount=Decimal("50"),
        evidence=[EvidenceInput(kind="product_photo", file=_png()), EvidenceInput(kind="defect_photo", file=_png())],
        created_by=insider,
    )
    request.ticket.team = after
    request.ticket.subject = f"退款{SECRET}"
    request.ticket.save(update_fields=["team", "subject"])
    aftersales_transition(request=request, to_status="under_review", actor=insider)
    aftersales_offer_make(request=request, resolution="compensation", actor=insider, amount=Decimal("10"))
    aftersales_approval_request(request=request, actor=insider)
    surveyed = make_ticket(team=after, customer=buyer, subject=f"回访{SECRET}")
    ticket_reply(ticket=surveyed, author=insider, body="您好")
    ticket_transition(ticket=surveyed, to_status="resolved", actor=insider)
    survey_submit(
        invitation=SurveyInvitation.objects.get(ticket=surveyed),
        scores={"professional": 1, "attitude": 1, "speed": 1},
        comment=SECRET,
    )
    shift = Shift.objects.create(team=after, name="早班", start_time=time(8), end_time=time(16))
    shift.members.add(insider)
    held = make_ticket(team=after, customer=buyer, subject=f"交接{SECRET}", assignee=insider)
    handover = handover_create(
        author=insider, team=after, notes="交接", items=[{"ticket": held, "action": "keep", "note": f"备注{SECRET}"}]
    )
    notifications_create(recipients=[insider], verb="assigned", message=f"工单{SECRET}", url="/")
    endpoint = webhook_endpoint_create(integration=taobao, url="http://127.0.0.1:9/hook", events=["ticket.created"])
    make_ticket(team=after, customer=buyer, subject=f"推送{SECRET}")  # one webhook delivery for the endpoint

    attached = make_ticket(team=after, customer=buyer, subject=f"附件{SECRET}")
    reply = ticket_reply(ticket=attached, author=insider, body="见附件", attachments=attachments_check([_png()]))
    MessageAttachment.objects.filter(message=reply).update(id=attached.pk)

    # A rule of the after-sales team (made last, and never matching, so it routes none of the tickets above).
    routing_rule = routing_rule_create(actor=None, name="售后规则", team=after, keywords=["从不出现"], add_tags=["x"])
    # A canned reply and a folder of the after-sales team (an API key sees global replies only).
    reply_folder = folder_create(actor=manager, name=f"文件夹{SECRET}", team=after)
    canned = canned_reply_create(
        actor=manager, scope="team", team=after, title=f"话术{SECRET}", shortcut="secret", body=f"正文{SECRET}"
    )

    objects = {
        "routing_rule": routing_rule.pk,
        "canned_reply": canned.pk,
        "reply_folder": reply_folder.pk,
        "ticket": ticket.pk,
        "complaint_ticket": complaint_ticket.pk,
        "complaint_follow_up": FollowUp.objects.get().pk,
        "aftersales_ticket": aftersales_ticket.pk,
        "request": request.pk,
        "offer": Offer.objects.get().pk,
        "approval": Approval.objects.get().pk,
        "evidence": Evidence.objects.first().pk,
        "survey_follow_up": SurveyFollowUp.objects.get().pk,
        "customer": buyer.pk,
        "order": order.pk,
        "notification": Notification.objects.get(recipient=insider).pk,
        "integration": taobao.pk,
        "api_key": spare_key.api_key.pk,
        "endpoint": endpoint.pk,
        "delivery": endpoint.deliveries.first().pk,
        "handover": handover.pk,
        "shift": shift.pk,
        "work_team": after.pk,
        "work_agent": insider.pk,
        "skill": Skill.objects.create(name="退款").pk,  # the catalogue is open to staff: no secret
        "ticket_attachment": attached.pk,
        "tracking_attachment": attached.pk,
        # Every agent reads the wording rules (a team's apply to its tickets): no secret.
        "wording_rule": wording_rule_create(
            actor=None, kind="discouraged", match="contains", pattern="不知道", explanation="x", team=after
        ).pk,
        # the knowledge base is open to staff; an API key reads published public articles only
        "kb_article": article_publish(
            article=article_create(author=manager, title=f"内部知识{SECRET}", audience="internal"), actor=manager
        ).pk,
        "kb_category": category_create(actor=manager, name="内部分类", is_public=False).pk,
        "kb_version": ArticleVersion.objects.get(article__title=f"内部知识{SECRET}").pk,
    }
    return {
        "objects": objects,
        "insider": insider,
        "outsiders": outsiders,
        "douyin_secret": douyin_key.secret,
        "taobao_secret": taobao_key.secret,
        "tracking_token": tracking_token(attached),
    }


def _id_routes() -> list[str]:
    def walk(resolver: URLResolver, prefix: str = "") -> list[str]:
        found = []
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                found += walk(pattern, route)
            elif isinstance(pattern, URLPattern) and "<id:" in route:
                found.append(route)
        return found

    return walk(get_resolver())


def _object_of(route: str) -> str:
    for pattern, name in ROUTE_OBJECTS:
        if re.match(pattern, route):
            return name
    raise AssertionError(f"unclassified route {route}: add it to ROUTE_OBJECTS (and scope it)")


def _state() -> tuple[int, ...]:
    return (
        Ticket.objects.filter(assignee__isnull=False).count(),
        TicketEvent.objects.count(),
        Message.objects.count(),
        AfterSalesRequest.objects.exclude(status="under_review").count(),
        Approval.objects.exclude(status="pending").count(),
        Offer.objects.exclude(status="pending").count(),
        FollowUp.objects.filter(done_at__isnull=False).count(),
        SurveyFollowUp.objects.exclude(status="open").count(),
        Notification.objects.filter(read_at__isnull=False).count(),
    )


def _clients(world, api_client_for, key_client):  # type: ignore[no-untyped-def]
    """name -> (browser client, API client, whether staff may open the shared families)."""
    clients = {}
    for name, user in world["outsiders"].items():
        browser = Client()
        browser.force_login(user)
        clients[name] = (browser, api_client_for(user), True)
    clients["douyin key"] = (None, key_client(world["douyin_secret"]), False)
    return clients


def test_no_outsider_can_tell_an_object_exists_by_its_id(world, api_client_for, key_client):
    before = _state()
    checked = 0
    for route in _id_routes():
        family = _object_of(route)
        real = "/" + re.sub(r"<id:\w+>", str(world["objects"][family]), route)
        missing = "/" + re.sub(r"<id:\w+>", str(MISSING), route)
        for name, (browser, api, staff) in _clients(world, api_client_for, key_client).items():
            if staff and family in STAFF_MAY_OPEN:
                continue
            client = api if route.startswith("api/") else browser
            if client is None:
                continue
            for method in ("get", "post", "patch", "delete"):
                got = getattr(client, method)(real)
                if not staff and family in KEYS_MAY_OPEN:
                    assert SECRET not in got.content.decode(errors="replace"), (name, method.upper(), real)
                    continue
                expected = getattr(client, method)(missing)
                assert got.status_code == expected.status_code, (name, method.upper(), real, got.status_code)
                assert got.status_code in (403, 404, 405), (name, method.upper(), real, got.status_code)
                assert SECRET not in got.content.decode(errors="replace"), (name, method.upper(), real)
                checked += 1
    assert checked > 300
    assert _state() == before  # nothing an outsider sent changed anything


def test_the_ids_are_right_insiders_open_every_object(world, client, api_client_for, key_client):
    """Guards the test above: with the wrong ids it would pass for nothing. For someone allowed, a real id
    answers differently from a missing one (a page, a 400 for the empty form, a 409 …), by GET or by POST."""
    admin = staff_user("boss", Role.ADMIN)
    client.force_login(admin)
    admin_api = api_client_for(admin)
    recipient = Client()
    recipient.force_login(world["insider"])
    for route in _id_routes():
        family = _object_of(route)
        # The buyer's own routes take their signed token (the insider here holds the buyer's link).
        signed = route.replace("<str:token>", world["tracking_token"])
        real = "/" + re.sub(r"<id:\w+>", str(world["objects"][family]), signed)
        missing = "/" + re.sub(r"<id:\w+>", str(MISSING), signed)
        if route.startswith("api/v1/webhooks/"):
            insider = key_client(world["taobao_secret"])
        elif family == "notification":  # one's own only, admins included
            insider = recipient
        else:
            insider = admin_api if route.startswith("api/") else client
        answers = [
            (getattr(insider, method)(real).status_code, getattr(insider, method)(missing).status_code)
            for method in ("get", "post")
        ]
        assert any(got != expected for got, expected in answers), (real, answers)


def _list_paths() -> tuple[list[str], list[str]]:
    """The API's list operations (GET without a path parameter, from the OpenAPI schema) and the staff list
    pages (routes without a parameter)."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    api = [
        path
        for path, operations in schema["paths"].items()
        if "get" in operations and "{" not in path and not path.endswith(("/schema/", "/docs/"))
    ]
    pages = [
        "/",
        "/?view=open",
        "/?view=team",
        "/escalations/?all=1",
        "/complaints/?view=all",
        "/complaints/follow-ups/",
        "/aftersales/?view=all",
        "/aftersales/approvals/",
        "/survey/responses/",
        "/survey/follow-ups/",
        "/notifications/",
        "/reports/tickets.csv?period=this_year",
        "/work/handover/",
        "/work/handover/overview/",
        "/replies/",
        "/replies/picker/?q=secret",
        "/replies/export/?format=csv",
    ]
    return api, pages


def test_no_list_shows_an_outsider_what_it_may_not_see(world, api_client_for, key_client):
    api_paths, pages = _list_paths()
    assert len(api_paths) > 15
    for name, (browser, api, _staff) in _clients(world, api_client_for, key_client).items():
        for path in api_paths:
            body = api.get(path).content.decode(errors="replace")
            if path.startswith(("/api/v1/customers/", "/api/v1/orders/", "/api/v1/kb/")):
                if _staff:
                    continue  # buyers, orders and the knowledge base are open to staff
            assert SECRET not in body, (name, path)
        if browser is not None:
            for path in pages:
                response = browser.get(path)
                body = b"".join(response.streaming_content) if response.streaming else response.content
                assert SECRET not in body.decode(errors="replace"), (name, path)


def test_the_insiders_lists_show_the_objects(world, client, api_client_for, key_client):
    client.force_login(world["insider"])
    assert SECRET in client.get("/?view=team").content.decode() or SECRET in client.get("/?view=mine").content.decode()
    assert SECRET in client.get("/work/handover/").content.decode()
    taobao = key_client(world["taobao_secret"])
    assert SECRET in taobao.get("/api/v1/tickets/").content.decode()
    assert SECRET in taobao.get("/api/v1/customers/").content.decode()


def test_the_ticket_page_s_collision_routes_are_in_the_matrix():
    """Collision detection (issue 15): the ticket page's live stream, heartbeat and timeline fragment are id
    routes of the ticket family, so the tests above check that an outsider cannot tell a ticket exists by them."""
    routes = {route: _object_of(route) for route in _id_routes()}
    for route in ("tickets/<id:pk>/live/", "tickets/<id:pk>/viewing/", "tickets/<id:pk>/timeline/"):
        assert routes.get(route) == "ticket", route
