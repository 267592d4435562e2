"""Wording-rule pages (话术规范, issue 16 point 6): the list (agents read it, managers manage it) with a
"test this text" box, create, edit, delete; the reply box's check as the agent types, and its composer tool.
Thin: parse, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.decorators import agent_required
from core.errors import ApplicationError, error_body
from core.forms import form_add_error
from core.limits import BODY_MAX
from tickets.models import Ticket
from tickets.selectors import ticket_get_for_agent

from ..forms_wording import WordingRuleForm, WordingTestForm
from ..models import WordingRule
from ..selectors_wording import (
    reply_check_result,
    wording_editable_teams,
    wording_rules_for_team,
    wording_rules_visible_to,
)
from ..services.wording import (
    wording_findings,
    wording_may_edit,
    wording_rule_create,
    wording_rule_delete,
    wording_rule_update,
)

# --- the reply box -----------------------------------------------------------------------------------------------


def wording_composer_tool(request: HttpRequest, ticket: Ticket) -> str:
    """Inside the reply form: where the warnings appear as the agent types (static/js/wording_check.js)."""
    return render_to_string("replies/wording_composer.html", {"ticket": ticket}, request=request)


@agent_required
@require_POST
def wording_check_view(request: HttpRequest, pk: int) -> JsonResponse:
    """The reply box's check while typing: ``body`` → ``{"blocking": bool, "problems": [...]}``. Reads only; the
    server checks again when the reply is sent."""
    ticket = ticket_get_for_agent(pk=pk, user=request.user)
    if ticket is None:
        raise Http404(_("No such ticket."))
    body = request.POST.get("body", "")
    if len(body) > BODY_MAX:
        message = _("At most %(max)s characters (this has %(length)s).") % {"max": BODY_MAX, "length": len(body)}
        return JsonResponse(error_body("validation_error", message, {"body": [message]}), status=400)
    response = JsonResponse(reply_check_result(ticket=ticket, body=body.strip(), actor=request.user))
    response["Cache-Control"] = "no-store"
    return response


# --- the rules pages ---------------------------------------------------------------------------------------------


def _list_context(request: HttpRequest, test_form: WordingTestForm, findings: list[Any] | None) -> dict[str, Any]:
    rules = list(wording_rules_visible_to(request.user))
    # Two queries for the whole list, not two per team rule.
    may_global = wording_may_edit(request.user, None)
    own_teams = set(wording_editable_teams(request.user).values_list("pk", flat=True)) if may_global else set()
    return {
        "rows": [
            {"rule": rule, "editable": may_global and (rule.team_id is None or rule.team_id in own_teams)}
            for rule in rules
        ],
        "may_create": may_global,
        "is_manager": roles.is_manager(request.user),
        "test_form": test_form,
        "findings": findings,
        "matched_ids": {finding.rule.pk for finding in findings or []},
    }


@agent_required
def wording_list_view(request: HttpRequest) -> HttpResponse:
    """Every rule, with how often it warned and was overridden; managers manage them, agents read them. The
    "test this text" box (a POST that writes nothing) shows which active rules a reply would trip."""
    test_form = WordingTestForm(request.POST or None)
    findings = None
    status = 200
    if request.method == "POST":
        if test_form.is_valid():
            team = test_form.cleaned_data["team"]
            rules = wording_rules_for_team(team_id=team.pk if team else None)
            findings = wording_findings(body=test_form.cleaned_data["text"].strip(), rules=rules)
        else:
            status = 400
    return render(request, "replies/wording_list.html", _list_context(request, test_form, findings), status=status)


def _save(request: HttpRequest, rule: WordingRule | None) -> HttpResponse:
    if rule is not None and not wording_may_edit(request.user, rule.team):
        raise PermissionDenied
    initial = (
        {name: getattr(rule, name) for name in ("kind", "match", "pattern", "explanation", "suggestion", "active")}
        | {"team": rule.team_id}
        if rule
        else None
    )
    form = WordingRuleForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            if rule is None:
                wording_rule_create(actor=request.user, **form.cleaned_data)
            else:
                wording_rule_update(rule=rule, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            if exc.status_code == 403:
                raise PermissionDenied(exc.message) from exc
            form_add_error(form, exc)
        else:
            messages.success(request, _("Wording rule saved."))
            return redirect("replies:wording-list")
    status = 400 if request.method == "POST" else 200
    return render(request, "replies/wording_edit.html", {"form": form, "rule": rule}, status=status)


@agent_required
def wording_create_view(request: HttpRequest) -> HttpResponse:
    if not wording_may_edit(request.user, None):  # managers may always add a global rule; agents none
        raise PermissionDenied
    return _save(request, None)


@agent_required
def wording_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _save(request, get_object_or_404(wording_rules_visible_to(request.user), pk=pk))


@agent_required
@require_POST
def wording_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(wording_rules_visible_to(request.user), pk=pk)
    try:
        wording_rule_delete(rule=rule, actor=request.user)
    except ApplicationError as exc:
        if exc.status_code == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Wording rule deleted."))
    return redirect("replies:wording-list")
