"""Complaint pages: the managers' queue, follow-ups, and the complaint panel on the ticket page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.decorators import agent_required
from core.errors import ApplicationError, Forbidden
from core.forms import form_add_error
from tickets.access import visible_tickets_q
from tickets.models import Ticket
from tickets.pages import render_ticket_page
from tickets.sla import clock_state

from . import selectors, services
from .enums import Severity
from .forms import ComplaintDetailsForm, ComplaintResolveForm, FollowUpForm
from .models import Complaint, FollowUp

PANEL_KEY = "complaints"  # our entry in the ticket page's panel state: {form name: the refused form}


def complaint_panel(request: HttpRequest, ticket: Ticket, state: dict[str, Any] | None) -> str:
    complaint = Complaint.objects.select_related("owner").filter(ticket=ticket).first()
    if complaint is None:
        return ""
    stashed = state or {}
    details_form = stashed.get("details") or ComplaintDetailsForm(
        initial={
            "severity": complaint.severity,
            "customer_request": complaint.customer_request,
            "root_cause": complaint.root_cause,
            "review_link": complaint.review_link,
            "review_outcome": complaint.review_outcome,
        }
    )
    resolve_form = stashed.get("resolve") or ComplaintResolveForm(initial={"root_cause": complaint.root_cause})
    follow_ups = list(complaint.follow_ups.select_related("done_by").order_by("-due_at"))
    context = {
        "complaint": complaint,
        "ticket": ticket,
        "details_form": details_form,
        "resolve_form": resolve_form,
        "follow_up_form": stashed.get("follow_up") or FollowUpForm(),
        "follow_ups": follow_ups,
        "can_resolve": roles.is_manager(request.user) and ticket.status not in ("resolved", "closed"),
        "resolvable": ticket.status not in ("resolved", "closed"),
        "now": timezone.now(),
    }
    return render_to_string("complaints/_panel.html", context, request=request)


def _refused(request: HttpRequest, ticket_pk: int, name: str, form: Any) -> HttpResponse:
    return render_ticket_page(request, ticket_pk, panel_state={PANEL_KEY: {name: form}}, status=400)


@agent_required
@require_POST
def complaint_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(
        Complaint.objects.filter(visible_tickets_q(request.user, prefix="ticket__")), ticket__pk=pk
    )
    form = ComplaintDetailsForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_update(complaint=complaint, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Complaint details saved."))
            return redirect("tickets:detail", pk=pk)
    return _refused(request, pk, "details", form)


@agent_required
@require_POST
def complaint_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(
        Complaint.objects.filter(visible_tickets_q(request.user, prefix="ticket__")), ticket__pk=pk
    )
    # The role is checked before the form, as the API does: an agent gets 403, never a form error to fix.
    if not roles.is_manager(request.user):
        raise PermissionDenied(_("Only managers resolve complaints."))
    form = ComplaintResolveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.complaint_resolve(
                complaint=complaint,
                actor=request.user,
                root_cause=data["root_cause"],
                outcome=data["outcome"],
                message=data["message"],
                compensation_amount=data["compensation_amount"] or Decimal("0"),
                compensation_note=data["compensation_note"],
            )
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Complaint resolved; the follow-up call is scheduled."))
            return redirect("tickets:detail", pk=pk)
    return _refused(request, pk, "resolve", form)


@agent_required
@require_POST
def follow_up_record_view(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_object_or_404(
        FollowUp.objects.select_related("complaint").filter(
            visible_tickets_q(request.user, prefix="complaint__ticket__")
        ),
        pk=pk,
    )
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up_record(
                follow_up=follow_up,
                actor=request.user,
                satisfied=form.cleaned_data["satisfied"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Follow-up recorded."))
            if request.POST.get("next") == "follow-ups":
                return redirect("complaints:follow-ups")
            return redirect("tickets:detail", pk=follow_up.complaint.ticket_id)
    return _refused(request, follow_up.complaint.ticket_id, "follow_up", form)


@agent_required
def queue_view(request: HttpRequest) -> HttpResponse:
    view = request.GET.get("view", "open")
    if view not in selectors.QUEUE_VIEWS:
        view = "open"
    severity = request.GET.get("severity", "")
    if severity not in Severity.values:
        severity = ""
    page = Paginator(selectors.complaint_queue(user=request.user, view=view, severity=severity), 50).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    rows = [{"complaint": c, "ticket": c.ticket, "clock": clock_state(c.ticket, "resolution", now)} for c in page]
    return render(
        request,
        "complaints/queue.html",
        {
            "page": page,
            "rows": rows,
            "view": view,
            "severity": severity,
            "severities": Severity.choices,
            "due_follow_ups": selectors.follow_up_list(user=request.user, due_only=True).count(),
        },
    )


@agent_required
def follow_up_list_view(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "due")
    follow_ups = (
        selectors.follow_up_list(user=request.user, due_only=show == "due")
        if show != "done"
        else selectors.follow_ups_done(user=request.user)
    )
    return render(
        request,
        "complaints/follow_ups.html",
        {"follow_ups": follow_ups, "show": show, "form": FollowUpForm(), "now": timezone.now()},
    )
