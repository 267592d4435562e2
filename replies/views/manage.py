"""The canned-reply management page (/replies/): agents keep their personal replies and see the team and
global ones; managers keep their teams' and the global ones, see which are used, and manage folders. Import
and export as CSV or XLSX."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import roles
from accounts.decorators import agent_required
from core.errors import ApplicationError
from core.forms import form_add_error

from ..forms import FilterForm, FolderForm, ImportForm, ReplyForm
from ..models import CannedReply, Folder
from ..permissions import may_edit_reply, may_manage_folder
from ..selectors_canned import ReplyFilters, canned_reply_get, canned_reply_list, editable_ids, folders_for
from ..services.canned import (
    canned_reply_create,
    canned_reply_delete,
    canned_reply_update,
    folder_create,
    folder_delete,
)
from ..services.transfer import canned_reply_import, export_csv, export_xlsx
from ..variables import VARIABLES

PAGE_SIZE = 50


def _filters(request: HttpRequest) -> tuple[FilterForm, ReplyFilters]:
    form = FilterForm(request.GET)
    filters = ReplyFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = ReplyFilters(
            query=data["q"] or "", folder_id=data["folder"], scope=data["scope"] or "", sort=data["sort"] or "title"
        )
    return form, filters


def _page_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    form, filters = _filters(request)
    queryset = canned_reply_list(user=request.user, filters=filters, manage=True)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    replies = list(page.object_list)
    may_edit = editable_ids(user=request.user, replies=replies)
    for reply in replies:
        reply.may_edit = reply.pk in may_edit  # type: ignore[attr-defined]
    folders = folders_for(request.user)
    for folder in folders:
        folder.may_manage = may_manage_folder(request.user, folder)  # type: ignore[attr-defined]
    may_manage_folders = roles.is_manager(request.user)
    context: dict[str, Any] = {
        "filter_form": form,
        "filters": filters,
        "page": page,
        "replies": replies,
        "folders": folders,
        "variables": VARIABLES,
        "is_manager": roles.is_manager(request.user),
        "may_manage_folders": may_manage_folders,
        "folder_form": FolderForm(user=request.user) if may_manage_folders else None,
        "import_form": ImportForm(),
        "filtered": bool(request.GET.get("q") or request.GET.get("folder") or request.GET.get("scope")),
    }
    context.update(extra)
    return context


@agent_required
@require_GET
def reply_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "replies/list.html", _page_context(request))


def _form_values(form: ReplyForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {"title": data["title"], "shortcut": data["shortcut"], "body": data["body"], "folder": data["folder"]}


@agent_required
def reply_create_view(request: HttpRequest) -> HttpResponse:
    form = ReplyForm(request.POST or None, user=request.user, initial={"scope": "personal", "is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            reply = canned_reply_create(
                actor=request.user,
                scope=form.cleaned_data["scope"],
                team=form.cleaned_data.get("team"),
                is_active=form.cleaned_data["is_active"],
                **_form_values(form),
            )
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Canned reply #%(shortcut)s saved.") % {"shortcut": reply.shortcut})
            return redirect("replies:list")
    status = 400 if request.method == "POST" else 200
    return render(request, "replies/edit.html", {"form": form, "reply": None, "variables": VARIABLES}, status=status)


def _editable(request: HttpRequest, pk: int) -> CannedReply:
    reply = canned_reply_get(user=request.user, pk=pk, manage=True)
    if reply is None:
        raise Http404(_("No such canned reply."))
    if not may_edit_reply(request.user, reply):
        raise Http404(_("No such canned reply."))  # seen, but not the user's to change: as if absent
    return reply


@agent_required
def reply_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    reply = _editable(request, pk)
    initial = {
        "folder": reply.folder,
        "title": reply.title,
        "shortcut": reply.shortcut,
        "body": reply.body,
        "is_active": reply.is_active,
    }
    form = ReplyForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            canned_reply_update(
                reply=reply, actor=request.user, is_active=form.cleaned_data["is_active"], **_form_values(form)
            )
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Canned reply #%(shortcut)s saved.") % {"shortcut": reply.shortcut})
            return redirect("replies:list")
    status = 400 if request.method == "POST" else 200
    return render(request, "replies/edit.html", {"form": form, "reply": reply, "variables": VARIABLES}, status=status)


@agent_required
@require_POST
def reply_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    reply = _editable(request, pk)
    canned_reply_delete(reply=reply, actor=request.user)
    messages.success(request, _("Canned reply #%(shortcut)s deleted.") % {"shortcut": reply.shortcut})
    return redirect("replies:list")


@agent_required
@require_POST
def folder_create_view(request: HttpRequest) -> HttpResponse:
    if not roles.is_manager(request.user):
        raise Http404
    form = FolderForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            folder_create(actor=request.user, name=form.cleaned_data["name"], team=form.cleaned_data["team"])
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Folder added."))
            return redirect("replies:list")
    return render(request, "replies/list.html", _page_context(request, folder_form=form), status=400)


@agent_required
@require_POST
def folder_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    folder = Folder.objects.filter(pk=pk, pk__in=[f.pk for f in folders_for(request.user)]).first()
    if folder is None or not may_manage_folder(request.user, folder):
        raise Http404
    folder_delete(folder=folder, actor=request.user)
    messages.success(request, _("Folder deleted; its replies are kept without a folder."))
    return redirect("replies:list")


@agent_required
@require_GET
def reply_export_view(request: HttpRequest) -> HttpResponse:
    """The replies the page lists (same filters), as CSV (``?format=csv``) or XLSX (default)."""
    _form, filters = _filters(request)
    replies = canned_reply_list(user=request.user, filters=filters, manage=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if request.GET.get("format") == "csv":
        response = HttpResponse(export_csv(replies), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="canned-replies-{stamp}.csv"'
        return response
    response = HttpResponse(
        export_xlsx(replies), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="canned-replies-{stamp}.xlsx"'
    return response


@agent_required
@require_POST
def reply_import_view(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    import_errors: dict[str, list[str]] = {}
    if form.is_valid():
        try:
            result = canned_reply_import(actor=request.user, content=form.cleaned_data["file"].read())
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            import_errors = {key: value for key, value in exc.fields.items() if key != "file"}
        else:
            messages.success(
                request,
                _("Imported: %(created)s new, %(updated)s updated.")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect("replies:list")
    context = _page_context(request, import_form=form, import_errors=import_errors)
    return render(request, "replies/list.html", context, status=400)
