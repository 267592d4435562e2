"""The staff pages under /kb/: the list with search and filters, an article, the editor with preview and related
articles picker, the version history with diffs, categories (managers), and "article from this ticket"."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.decorators import agent_required, manager_required
from core.errors import ApplicationError
from core.integers import parse_id
from tickets.selectors import ticket_get_for_agent

from . import permissions, selectors
from .forms import ArticleFilterForm, ArticleForm, CategoryForm
from .links import article_public_url
from .markdown import render_markdown
from .models import Article, ArticleVersion, Category
from .services import articles as article_services
from .services import categories as category_services
from .services.cases import article_create_from_ticket

PAGE_SIZE = 30


def _article_or_404(request: HttpRequest, pk: int) -> Article:
    article = selectors.article_get_for_staff(pk=pk, user=request.user)
    if article is None:
        raise Http404
    return article


@agent_required
def article_list_view(request: HttpRequest) -> HttpResponse:
    form = ArticleFilterForm(request.GET or None)
    filters = selectors.ArticleFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.ArticleFilters(
            query=data["q"].strip(),
            category=data["category"],
            status=data["status"],
            audience=data["audience"],
            tag=data["tag"].strip(),
        )
    page = None
    hits: list[selectors.SearchHit] = []
    if filters.query:
        hits = selectors.article_search_staff(user=request.user, filters=filters)
    else:
        page = Paginator(selectors.article_list(user=request.user, filters=filters), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        hits = [selectors.SearchHit(article=article) for article in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "knowledge/list.html",
        {
            "form": form,
            "hits": hits,
            "page": page,
            "searching": bool(filters.query),
            "filter_query": query.urlencode(),
            "tags": selectors.tags_in_use(),
            "is_manager": roles.is_manager(request.user),
            "may_write": permissions.may_write(request.user),
        },
    )


@agent_required
def article_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article_or_404(request, pk)
    return render(
        request,
        "knowledge/detail.html",
        {
            "article": article,
            "body_html": render_markdown(article.body),
            "tags": [tag.name for tag in article.tags.all()],
            "related": list(article.related.all()),
            "may_edit": permissions.may_edit(request.user, article),
            "may_publish": permissions.may_publish(request.user),
            "is_manager": roles.is_manager(request.user),
            "public_url": article_public_url(article) if article.is_public() else "",
        },
    )


def _initial(article: Article) -> dict[str, Any]:
    return {
        "title": article.title,
        "slug": article.slug,
        "category": article.category,
        "audience": article.audience,
        "tags": ", ".join(tag.name for tag in article.tags.all()),
        "body": article.body,
        "related": ", ".join(str(pk) for pk in article.related.values_list("pk", flat=True)),
        "version": article.version_count,
    }


def _editor(request: HttpRequest, form: ArticleForm, article: Article | None, status: int = 200) -> HttpResponse:
    return render(
        request,
        "knowledge/edit.html",
        {"form": form, "article": article, "related": _related_titles(form)},
        status=status,
    )


def _related_titles(form: ArticleForm) -> list[Article]:
    raw = form["related"].value() or ""
    pieces = (parse_id(piece.strip().lstrip("#")) for piece in str(raw).replace("，", ",").split(","))
    ids = [pk for pk in pieces if pk is not None][:20]
    return list(Article.objects.filter(pk__in=ids).only("pk", "title", "status"))


def _apply_errors(form: ArticleForm | CategoryForm, exc: ApplicationError) -> None:
    placed = False
    for field, errors in exc.fields.items():
        if field in form.fields:
            for error in errors:
                form.add_error(field, error)
            placed = True
    if not placed or not exc.fields:
        form.add_error(None, exc.message)


@agent_required
def article_create_view(request: HttpRequest) -> HttpResponse:
    if not permissions.may_write(request.user):
        raise Http404
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            article = article_services.article_create(
                author=request.user,
                title=data["title"],
                body=data["body"],
                category=data["category"],
                tags=article_services.parse_tags(data["tags"]),
                audience=data["audience"],
                slug=data["slug"],
                related=data["related"],
            )
        except ApplicationError as exc:
            _apply_errors(form, exc)
            return _editor(request, form, None, status=exc.status_code)
        messages.success(request, _("Draft saved."))
        return redirect("knowledge:detail", pk=article.pk)
    return _editor(request, form, None, status=400 if request.method == "POST" else 200)


@agent_required
def article_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article_or_404(request, pk)
    if not permissions.may_edit(request.user, article):
        messages.error(request, _("Only managers edit an article that is published or archived."))
        return redirect("knowledge:detail", pk=article.pk)
    form = ArticleForm(request.POST or None, initial=_initial(article))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            article_services.article_update(
                article=article,
                actor=request.user,
                title=data["title"],
                body=data["body"],
                category=data["category"],
                tags=article_services.parse_tags(data["tags"]),
                audience=data["audience"],
                slug=data["slug"],
                related=data["related"],
                note=data["note"],
                expected_version=data["version"],
            )
        except ApplicationError as exc:
            _apply_errors(form, exc)
            return _editor(request, form, article, status=exc.status_code)
        messages.success(request, _("Article saved."))
        return redirect("knowledge:detail", pk=article.pk)
    return _editor(request, form, article, status=400 if request.method == "POST" else 200)


STATUS_ACTIONS = {
    "publish": article_services.article_publish,
    "archive": article_services.article_archive,
    "unpublish": article_services.article_unpublish,
}


@require_POST
@agent_required
def article_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article_or_404(request, pk)
    action = STATUS_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Unknown action."))
        return redirect("knowledge:detail", pk=article.pk)
    try:
        article = action(article=article, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The article is now: %(status)s.") % {"status": article.get_status_display()})
    return redirect("knowledge:detail", pk=article.pk)


@require_POST
@agent_required
def preview_view(request: HttpRequest) -> HttpResponse:
    """The editor's preview: the Markdown rendered exactly as the article page will show it."""
    body = request.POST.get("body", "")[:60_000]
    return render(request, "knowledge/_preview.html", {"body_html": render_markdown(body)})


@agent_required
def picker_view(request: HttpRequest) -> HttpResponse:
    """The related-articles picker: up to 8 articles matching the words, each with an "add" button."""
    query = request.GET.get("q", "")[:200]
    exclude = parse_id(request.GET.get("exclude", ""))
    hits = selectors.article_search(query=query, user=request.user, limit=8)
    if exclude is not None:
        hits = [hit for hit in hits if hit.article.pk != exclude]
    return render(request, "knowledge/_picker.html", {"hits": hits, "query": query})


@agent_required
def version_list_view(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article_or_404(request, pk)
    versions = list(article.versions.select_related("author"))
    diff = []
    old = new = None
    if len(versions) > 1:
        numbers = {version.number: version for version in versions}
        try:
            new = numbers.get(int(request.GET.get("to", versions[0].number)))
            old = numbers.get(int(request.GET.get("from", new.number - 1 if new else 0)))
        except ValueError:
            new = old = None
        if new is None or old is None:
            messages.error(request, _("No such version."))
            new, old = versions[0], versions[1]
        diff = selectors.version_diff(old=old, new=new)
    return render(
        request,
        "knowledge/versions.html",
        {"article": article, "versions": versions, "diff": diff, "old": old, "new": new},
    )


@agent_required
def version_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.may_read_kb(request.user):
        raise Http404
    version = get_object_or_404(ArticleVersion.objects.select_related("article", "author"), pk=pk)
    return render(
        request,
        "knowledge/version.html",
        {"article": version.article, "version": version, "body_html": render_markdown(version.body)},
    )


@manager_required
def category_list_view(request: HttpRequest) -> HttpResponse:
    form = CategoryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                category_services.category_create(actor=request.user, **form.values())
            except ApplicationError as exc:
                _apply_errors(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("Category added."))
                return redirect("knowledge:categories")
        else:
            status = 400
    categories = Category.objects.all()
    return render(request, "knowledge/categories.html", {"form": form, "categories": categories}, status=status)


@manager_required
def category_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    category = get_object_or_404(Category, pk=pk)
    initial = {field: getattr(category, field) for field in CategoryForm.base_fields}
    form = CategoryForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                category_services.category_update(category=category, actor=request.user, **form.values())
            except ApplicationError as exc:
                _apply_errors(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("Category saved."))
                return redirect("knowledge:categories")
        else:
            status = 400
    return render(request, "knowledge/category_edit.html", {"form": form, "category": category}, status=status)


@require_POST
@manager_required
def category_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    category = get_object_or_404(Category, pk=pk)
    category_services.category_delete(category=category, actor=request.user)
    messages.success(request, _("Category deleted; its articles have no category now."))
    return redirect("knowledge:categories")


@require_POST
@agent_required
def article_from_ticket_view(request: HttpRequest, ticket_pk: int) -> HttpResponse:
    """The case library's button on a resolved ticket: a draft internal article, opened in the editor."""
    ticket = ticket_get_for_agent(pk=ticket_pk, user=request.user)
    if ticket is None:
        raise Http404
    try:
        article = article_create_from_ticket(ticket=ticket, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("tickets:detail", pk=ticket.pk)
    messages.success(
        request, _("Draft written from the ticket. Check that no personal data is left before publishing.")
    )
    return redirect("knowledge:edit", pk=article.pk)
