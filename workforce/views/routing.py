"""Routing-rule pages (智能分流), for managers and admins: the ordered lists, create, edit, delete, move, and
"try a sample ticket". Thin: parse, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import manager_required
from core.errors import ApplicationError, Forbidden
from core.forms import form_add_error

from ..forms_routing import RoutingRuleForm, RoutingSampleForm, rule_initial
from ..models import RoutingRule
from ..selectors_routing import (
    routing_editable_teams,
    routing_rule_groups,
    routing_rules_visible_to,
    rule_action_dicts,
    rule_condition_labels,
)
from ..services.routing import (
    PreviewResult,
    routing_may_edit,
    routing_preview,
    routing_rule_build,
    routing_rule_create,
    routing_rule_delete,
    routing_rule_move,
    routing_rule_update,
    routing_sample_clean,
)

SAMPLE_PREFIX = "sample"


def _rule_row(rule: RoutingRule) -> dict[str, Any]:
    return {"rule": rule, "conditions": rule_condition_labels(rule), "actions": rule_action_dicts(rule)}


def _get_rule(request: HttpRequest, pk: int) -> RoutingRule:
    # Another team's rule is a 404 to a manager: its list is not theirs to read.
    return get_object_or_404(routing_rules_visible_to(request.user), pk=pk)


def _preview_context(result: PreviewResult | None) -> dict[str, Any]:
    if result is None:
        return {"preview": None}
    outcome = result.outcome
    return {
        "preview": {
            "fired": outcome.fired,
            "team": result.team,
            "priority": result.priority,
            "skill": outcome.required_skill,
            "owner": outcome.owner,
            "tags": outcome.tags,
            "restricted": outcome.restricted,
            "stopped_by": outcome.stopped_by,
            "considered": result.considered,
        }
    }


@manager_required
def routing_list_view(request: HttpRequest) -> HttpResponse:
    groups = [
        {"team": group.team, "editable": group.editable, "rows": [_rule_row(rule) for rule in group.rules]}
        for group in routing_rule_groups(request.user)
    ]
    return render(request, "workforce/routing_list.html", {"groups": groups})


def _edit_page(request: HttpRequest, *, rule: RoutingRule | None, template_status: int = 200) -> HttpResponse:
    teams = routing_editable_teams(request.user)
    posted = request.method == "POST"
    form = RoutingRuleForm(
        request.POST if posted else None,
        teams=teams,
        initial=rule_initial(rule) if rule is not None else {"team": request.GET.get("team") or None},
    )
    sample_form = RoutingSampleForm(request.POST if posted else None, prefix=SAMPLE_PREFIX)
    result: PreviewResult | None = None
    status = 200
    if posted and "preview" in request.POST:
        # "Which rule would fire?" with this rule as typed (unsaved) in its place in the list. Writes nothing.
        if form.is_valid() and sample_form.is_valid():
            try:
                edited = routing_rule_build(rule=rule, **form.values())
                result = routing_preview(sample=routing_sample_clean(sample_form.values()), replacing=edited)
            except ApplicationError as exc:
                form_add_error(form, exc)
                status = 400
        else:
            status = 400
    elif posted:
        if form.is_valid():
            try:
                if rule is None:
                    saved = routing_rule_create(actor=request.user, **form.values())
                else:
                    saved = routing_rule_update(rule=rule, actor=request.user, **form.values())
            except Forbidden as exc:
                raise PermissionDenied(exc.message) from exc
            except ApplicationError as exc:
                form_add_error(form, exc)
            else:
                messages.success(request, _("Rule “%(name)s” saved.") % {"name": saved.name})
                return redirect("workforce:routing")
        status = 400
    context = {"form": form, "sample_form": sample_form, "rule": rule, **_preview_context(result)}
    return render(request, "workforce/routing_edit.html", context, status=status)


@manager_required
def routing_create_view(request: HttpRequest) -> HttpResponse:
    return _edit_page(request, rule=None)


@manager_required
def routing_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _get_rule(request, pk)
    if not routing_may_edit(request.user, rule.team):
        raise PermissionDenied
    return _edit_page(request, rule=rule)


@manager_required
def routing_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _get_rule(request, pk)
    if request.method == "POST":
        try:
            routing_rule_delete(rule=rule, actor=request.user)
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        messages.success(request, _("Rule “%(name)s” deleted.") % {"name": rule.name})
        return redirect("workforce:routing")
    return render(request, "workforce/routing_delete.html", {"row": _rule_row(rule)})


@manager_required
@require_POST
def routing_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _get_rule(request, pk)
    try:
        routing_rule_move(rule=rule, direction=request.POST.get("direction", ""), actor=request.user)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("workforce:routing")


@manager_required
def routing_try_view(request: HttpRequest) -> HttpResponse:
    """Try a sample ticket against the saved rules."""
    sample_form = RoutingSampleForm(request.GET if "kind" in request.GET else None)
    result = None
    if sample_form.is_bound and sample_form.is_valid():
        try:
            result = routing_preview(sample=routing_sample_clean(sample_form.values()))
        except ApplicationError as exc:
            form_add_error(sample_form, exc)
    return render(request, "workforce/routing_try.html", {"sample_form": sample_form, **_preview_context(result)})


urlpatterns: list[URLPattern] = [
    path("routing/", routing_list_view, name="routing"),
    path("routing/new/", routing_create_view, name="routing-create"),
    path("routing/try/", routing_try_view, name="routing-try"),
    path("routing/<id:pk>/", routing_edit_view, name="routing-edit"),
    path("routing/<id:pk>/move/", routing_move_view, name="routing-move"),
    path("routing/<id:pk>/delete/", routing_delete_view, name="routing-delete"),
]
