"""After-sales browser pages: the queue, the create page, the panel on the ticket page, the managers'
approvals list and the staff-only evidence view. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.decorators import agent_required, manager_required
from aftersales.services.approvals import aftersales_approval_decide, aftersales_approval_request
from aftersales.services.evidence import aftersales_evidence_add
from aftersales.services.intake import EvidenceInput, LineInput, aftersales_request_create
from aftersales.services.offers import aftersales_offer_answer, aftersales_offer_make
from aftersales.services.transitions import aftersales_transition
from core.errors import ApplicationError
from core.files import evidence_response
from core.forms import form_add_error
from core.integers import parse_id
from tickets.enums import Channel, TicketKind
from tickets.models import Ticket
from tickets.pages import render_ticket_page
from tickets.selectors import ticket_get_for_agent

from . import selectors
from .enums import ACTION_LABELS, TYPE_STEPS, EvidenceKind, RequestStatus, RequestType
from .forms import (
    DecisionForm,
    EvidenceForm,
    NoteForm,
    OfferAnswerForm,
    OfferForm,
    QueueFilterForm,
    RequestCreateForm,
    TransitionForm,
)
from .models import PROCESSING_TARGET, AfterSalesRequest

# The order the path is drawn on the panel (each type shows only its own steps).
PATH_ORDER = [
    RequestStatus.SUBMITTED,
    RequestStatus.UNDER_REVIEW,
    RequestStatus.APPROVED,
    RequestStatus.WAITING_FOR_RETURN,
    RequestStatus.RECEIVED,
    RequestStatus.INSPECTED,
    RequestStatus.REFUNDED,
    RequestStatus.REPLACEMENT_SHIPPED,
    RequestStatus.COMPENSATED,
    RequestStatus.COMPLETED,
]
# Buttons that need a tracking number or a note field next to them.
TRACKING_STEPS = (RequestStatus.WAITING_FOR_RETURN, RequestStatus.RECEIVED, RequestStatus.REPLACEMENT_SHIPPED)


# --- queue ------------------------------------------------------------------------------------------------


@agent_required
def queue_view(request: HttpRequest) -> HttpResponse:
    view = request.GET.get("view", "open")
    if view not in selectors.QUEUE_VIEWS:
        view = "open"
    form = QueueFilterForm(request.GET or None)
    filters = form.to_filters() if request.GET else {}
    now = timezone.now()
    page = Paginator(selectors.aftersales_queue(user=request.user, view=view, filters=filters, now=now), 50).get_page(
        request.GET.get("page")
    )
    rows = [{"request": r, "processing": _processing(r, now)} for r in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("view", None)
    context = {
        "view": view,
        "form": form,
        "page": page,
        "rows": rows,
        "filter_query": query.urlencode(),
        "counts": {
            name: selectors.aftersales_queue(user=request.user, view=name, now=now).count()
            for name in ("open", "approval", "overdue")
        },
    }
    return render(request, "aftersales/queue.html", context)


def _processing(request: AfterSalesRequest, now: Any) -> dict[str, Any] | None:
    """The 3-day processing clock, shaped for the sla-badge styles."""
    seconds = request.processing_seconds(now)
    if seconds is None:
        return None
    target = int(PROCESSING_TARGET.total_seconds())
    done = request.completed_at is not None
    if done:
        css = "sla-met" if seconds <= target else "sla-overdue"
    else:
        css = "sla-on_time" if seconds <= target else "sla-overdue"
    return {
        "seconds": seconds,
        "hours": round(seconds / 3600, 1),
        "target_hours": target // 3600,
        "css": css,
        "done": done,
        "late": seconds > target,
        "due_at": request.processing_due_at,
    }


# --- create -----------------------------------------------------------------------------------------------


@agent_required
def create_view(request: HttpRequest, ticket_pk: int) -> HttpResponse:
    """A request for an after-sales ticket: choose the order, the lines and quantities, the reason, evidence."""
    ticket = ticket_get_for_agent(pk=ticket_pk, user=request.user)
    if ticket is None or ticket.kind != TicketKind.AFTERSALES:
        raise Http404(_("No such after-sales ticket."))
    if AfterSalesRequest.objects.filter(ticket=ticket).exists():
        messages.info(request, _("This ticket already has an after-sales request."))
        return redirect("tickets:detail", pk=ticket.pk)
    raw_order = request.POST.get("order") or request.GET.get("order") or ""
    order_id = parse_id(raw_order) or ticket.order_id
    order = ticket.customer.orders.filter(pk=order_id).prefetch_related("lines").first() if order_id else None
    if order is None:
        order = ticket.customer.orders.order_by("-created_at").prefetch_related("lines").first()
    initial = {
        "order": order.pk if order else None,
        "type": ticket.category if ticket.category in RequestType.values else None,
    }
    if request.method == "POST" and order is not None and str(order.pk) == request.POST.get("order"):
        form = RequestCreateForm(request.POST, request.FILES, customer=ticket.customer, order=order)
        if form.is_valid():
            d = form.cleaned_data
            try:
                created = aftersales_request_create(
                    ticket=ticket,
                    order=d["order"],
                    type=d["type"],
                    reason_code=d["reason"].code,
                    description=d["description"],
                    lines=[LineInput(order_line_id=pk, quantity=q) for pk, q in d["lines"]],
                    refund_amount=d["refund_amount"],
                    compensation_amount=d["compensation_amount"],
                    evidence=[
                        EvidenceInput(kind=kind, file=upload)
                        for kind in EvidenceKind.values
                        for upload in d.get(kind) or []
                    ],
                    evidence_tracking_number=d["evidence_tracking_number"],
                    channel=ticket.channel or Channel.WEB_FORM,
                    created_by=request.user,
                )
            except ApplicationError as exc:
                form_add_error(form, exc)
                if "lines" in exc.fields:
                    form.add_error(None, " ".join(exc.fields["lines"]))
            else:
                messages.success(request, _("After-sales request created."))
                return redirect(reverse("tickets:detail", args=[created.ticket_id]) + "#aftersales")
        status = 400
    else:
        form = RequestCreateForm(initial=initial, customer=ticket.customer, order=order)
        status = 200
    return render(request, "aftersales/new.html", {"ticket": ticket, "order": order, "form": form}, status=status)


# --- the panel on the ticket page ---------------------------------------------------------------------------


PANEL_KEY = "aftersales"  # our entry in the ticket page's panel state: the refusal to show


def request_panel(request: Any, ticket: Ticket, state: dict[str, Any] | None) -> str:
    """The after-sales card on the ticket page (a ``tickets.panels`` panel). ``state``, after a refused
    action, is ``{"message": …, "fields": {…}}``, or ``{"approval": …}`` for a refused approval decision."""
    found = selectors.aftersales_for_ticket(ticket=ticket, user=request.user)
    context: dict[str, Any] = {"ticket": ticket, "as_request": found, "panel_error": state}
    if found is not None:
        now = timezone.now()
        overview = selectors.aftersales_overview(request=found, actor=request.user, now=now)
        steps = TYPE_STEPS[found.type]
        reached = {e.to_status: e for e in found.events.all()}
        context.update(
            {
                "overview": overview,
                "processing": _processing(found, now),
                "is_manager": roles.is_manager(request.user),
                "path": [
                    {
                        "status": s,
                        "label": RequestStatus(s).label,
                        "event": reached.get(s),
                        "current": s == found.status,
                    }
                    for s in PATH_ORDER
                    if s in steps
                ],
                "actions": [
                    {
                        "status": s,
                        "label": ACTION_LABELS.get(s, RequestStatus(s).label),
                        "needs_tracking": s in TRACKING_STEPS,
                        "needs_note": s == RequestStatus.REJECTED,
                        "blocked": s == RequestStatus.APPROVED and bool(overview.approval_needed_for_actor),
                    }
                    for s in found.next_statuses
                ],
                "pending_offer": next((o for o in found.offers.all() if o.status == "pending"), None),
                "negotiable": found.status in ("submitted", "under_review"),
                "evidence_kinds": EvidenceKind.choices,
            }
        )
    return render_to_string("aftersales/_panel.html", context, request=request)


def _panel_action(
    request: HttpRequest,
    request_pk: int,
    form_class: type,
    act: Callable[[AfterSalesRequest, dict[str, Any]], Any],
    success: str,
) -> HttpResponse:
    """Run one service for a panel button; on refusal show the ticket page again (status 400) with the
    message in the after-sales panel."""
    found = get_object_or_404(selectors.requests_visible_to(request.user).select_related("ticket"), pk=request_pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            act(found, form.cleaned_data)
        except ApplicationError as exc:
            error: dict[str, Any] = {"message": exc.message, "fields": exc.fields}
        else:
            messages.success(request, success)
            return redirect(reverse("tickets:detail", args=[found.ticket_id]) + "#aftersales")
    else:
        error = {"message": _("Check the form."), "fields": {k: [str(e) for e in v] for k, v in form.errors.items()}}
    return render_ticket_page(request, found.ticket_id, panel_state={PANEL_KEY: error}, status=400)


@agent_required
@require_POST
def transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _panel_action(
        request,
        pk,
        TransitionForm,
        lambda r, d: aftersales_transition(
            request=r,
            to_status=d["to_status"],
            actor=request.user,
            note=d["note"],
            tracking_number=d["tracking_number"],
            expected_status=d["expected_status"] or None,
        ),
        _("After-sales request updated."),
    )


@agent_required
@require_POST
def approval_request_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _panel_action(
        request,
        pk,
        NoteForm,
        lambda r, d: aftersales_approval_request(request=r, actor=request.user, note=d["note"]),
        _("A manager has been asked to approve."),
    )


@agent_required
@require_POST
def offer_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _panel_action(
        request,
        pk,
        OfferForm,
        lambda r, d: aftersales_offer_make(
            request=r, resolution=d["resolution"], amount=d["amount"], actor=request.user
        ),
        _("Offer recorded."),
    )


@agent_required
@require_POST
def offer_answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(selectors.offers_visible_to(request.user), pk=pk)
    return _panel_action(
        request,
        offer.request_id,
        OfferAnswerForm,
        lambda r, d: aftersales_offer_answer(offer=offer, accepted=d["answer"] == "accept", actor=request.user),
        _("The customer's answer is recorded."),
    )


@agent_required
@require_POST
def evidence_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _panel_action(
        request,
        pk,
        EvidenceForm,
        lambda r, d: aftersales_evidence_add(request=r, kind=d["kind"], file=d["file"], actor=request.user),
        _("Evidence added."),
    )


# --- approvals (managers) -----------------------------------------------------------------------------------


@manager_required
def approvals_view(request: HttpRequest) -> HttpResponse:
    return _approvals_page(request)


def _approvals_page(
    request: HttpRequest, *, decision_error: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    pending = selectors.pending_approvals(user=request.user)
    # A refusal shows once, at the form it refuses; at the top only if that approval is no longer listed.
    shown_in_row = decision_error is not None and any(a.pk == decision_error["approval_id"] for a in pending)
    context = {
        "pending": pending,
        "recent": selectors.recent_approvals(user=request.user),
        "decision_error": decision_error if shown_in_row else None,
        "error": decision_error["message"] if decision_error is not None and not shown_in_row else "",
    }
    return render(request, "aftersales/approvals.html", context, status=status)


@manager_required
@require_POST
def approval_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Decide from the approvals page or from the ticket page's panel (``next``). A refusal (no note to
    reject, not within the manager's authority, already decided) shows that page again with the message
    once, at the note field, and the note as typed."""
    approval = get_object_or_404(selectors.approvals_visible_to(request.user).select_related("request"), pk=pk)
    form = DecisionForm(request.POST)
    back = request.POST.get("next") or reverse("aftersales:approvals")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("aftersales:approvals")
    if form.is_valid():
        try:
            aftersales_approval_decide(
                approval=approval,
                actor=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            decision_error = {
                "approval_id": approval.pk,
                "message": (exc.fields.get("note") or [exc.message])[0],
                "on_note": "note" in exc.fields,
                "note": form.cleaned_data["note"],
            }
            ticket_page = reverse("tickets:detail", args=[approval.request.ticket_id])
            if back.split("#", 1)[0] == ticket_page:
                return render_ticket_page(
                    request,
                    approval.request.ticket_id,
                    panel_state={PANEL_KEY: {"approval": decision_error}},
                    status=exc.status_code,
                )
            return _approvals_page(request, decision_error=decision_error, status=exc.status_code)
        messages.success(request, _("Decision recorded."))
    else:
        messages.error(request, _("Choose approve or reject."))
    return redirect(back)


# --- evidence files (staff only) ----------------------------------------------------------------------------


@agent_required
def evidence_file_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Evidence is never served from a public media URL: only logged-in staff get it, through here."""
    evidence = get_object_or_404(selectors.evidence_visible_to(request.user), pk=pk)
    response: HttpResponse = evidence_response(evidence, thumbnail=request.GET.get("thumbnail") == "1")  # type: ignore[assignment]
    return response
