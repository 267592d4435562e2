"""The knowledge API under /api/v1/kb/.

Reading: staff (session or token) read every article by their role, as on the /kb/ pages; an API key
(``kb:read``) reads only what the help centre shows — published public articles in public categories — whatever
its platform, since the help centre is public anyway and internal articles are the helpdesk's own wording.
Writing: staff write as on the pages (agents drafts, managers publish); a key with ``kb:write`` may create drafts
(an import from another knowledge base), which a manager reviews and publishes."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import roles
from core.api import StandardOffsetPagination
from core.errors import Forbidden, NotFound, ValidationFailed
from integrations.idempotency import idempotent
from integrations.permissions import ApiKeyScope
from integrations.scopes import Scope

from .. import permissions, selectors
from ..enums import ArticleStatus
from ..models import Article, Category
from ..services import articles as services
from .serializers import (
    ArticleDetailOutput,
    ArticleFilterInput,
    ArticleInput,
    ArticleOutput,
    ArticleUpdateInput,
    CategoryOutput,
)


class IsStaffOrIntegration(BasePermission):
    message = gettext_lazy("Staff accounts and API keys only.")

    def has_permission(self, request: Any, view: Any) -> bool:
        return roles.is_agent(request.user) or roles.is_integration(request.user)


class _KbApi(APIView):
    permission_classes = [IsAuthenticated, ApiKeyScope, IsStaffOrIntegration]
    required_scopes = (Scope.KB_READ, Scope.KB_WRITE)


def _staff(request: Request) -> bool:
    return permissions.may_read_kb(request.user)


def _visible(request: Request) -> QuerySet[Article]:
    if _staff(request):
        return Article.objects.all()
    return Article.objects.filter(selectors.public_articles_q())


def _category(slug: str | None, *, field: str = "category") -> Category | None:
    if not slug:
        return None
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        raise ValidationFailed(_("No such category."), fields={field: [_("No such category.")]})
    return category


def _article_or_404(request: Request, pk: int) -> Article:
    article = _visible(request).select_related("category").prefetch_related("tags", "related").filter(pk=pk).first()
    if article is None:
        raise NotFound(_("No such article."))
    return article


def _detail(request: Request, article: Article, *, code: int = status.HTTP_200_OK) -> Response:
    related = list(article.related.all()) if _staff(request) else selectors.related_public(article)
    return Response(ArticleDetailOutput(article, context={"related": related}).data, status=code)


class ArticleListCreateApi(_KbApi, ListAPIView):
    """Articles, newest change first; with ``q`` the best matches first (at most 100), each with a highlighted
    snippet. Staff see every status when they filter by one, published articles otherwise."""

    serializer_class = ArticleOutput
    pagination_class = StandardOffsetPagination
    filter_backends: list[Any] = []

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ArticleFilterInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        category = Category.objects.filter(slug=v["category"]).first() if v.get("category") else None
        articles = _visible(request).select_related("category").prefetch_related("tags")
        if v.get("category"):
            articles = articles.filter(category=category) if category else articles.none()
        if v.get("tag"):
            articles = articles.filter(tags__name=v["tag"])
        articles = articles.filter(status=v.get("status") or ArticleStatus.PUBLISHED)
        if v.get("audience"):
            articles = articles.filter(audience=v["audience"])
        snippets: dict[int, str] = {}
        rows: Any
        if (v.get("q") or "").strip():
            hits = selectors.article_search(
                query=v["q"], user=request.user, public_only=not _staff(request), limit=100, base=articles
            )
            rows = [hit.article for hit in hits]
            snippets = {hit.article.pk: hit.snippet_html for hit in hits}
        else:
            rows = articles.defer("search_vector", "search_document").order_by("-updated_at", "-pk")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ArticleOutput(page, many=True, context={"snippets": snippets}).data)

    @extend_schema(parameters=[ArticleFilterInput])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=ArticleInput, responses={201: ArticleDetailOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        """A new draft (agents, managers, and keys with ``kb:write``)."""
        data = ArticleInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        article = services.article_create(
            author=request.user,
            title=v["title"],
            body=v["body"],
            slug=v["slug"],
            category=_category(v["category"]),
            tags=v["tags"],
            audience=v["audience"],
            related=v["related"],
        )
        article = Article.objects.select_related("category").prefetch_related("tags", "related").get(pk=article.pk)
        return _detail(request, article, code=status.HTTP_201_CREATED)


class ArticleDetailApi(_KbApi, GenericAPIView):
    serializer_class = ArticleDetailOutput

    @extend_schema(responses=ArticleDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        """One article with its Markdown body, the body rendered (sanitised HTML) and its related articles."""
        return _detail(request, _article_or_404(request, pk))

    @extend_schema(request=ArticleUpdateInput, responses=ArticleDetailOutput)
    def patch(self, request: Request, pk: int) -> Response:
        """Change an article (agents: drafts; managers: any). Each change of title or body is a new version."""
        article = _article_or_404(request, pk)
        if not permissions.may_edit(request.user, article):
            raise Forbidden(_("Only managers edit an article that is published or archived."))
        data = ArticleUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.article_update(
            article=article,
            actor=request.user,
            title=v.get("title", article.title),
            body=v.get("body", article.body),
            category=_category(v["category"]) if "category" in v else article.category,
            tags=v["tags"] if "tags" in v else [tag.name for tag in article.tags.all()],
            audience=v.get("audience", article.audience),
            slug=v.get("slug") or article.slug,
            related=v["related"] if "related" in v else [other.pk for other in article.related.all()],
            note=v.get("note", ""),
            expected_version=v.get("version"),
        )
        return _detail(request, _article_or_404(request, pk))


def _status_api(action: Any, doc: str) -> type[APIView]:
    class ArticleStatusApi(_KbApi):
        @extend_schema(request=None, responses=ArticleDetailOutput, description=doc)
        @idempotent
        def post(self, request: Request, pk: int) -> Response:
            article = _article_or_404(request, pk)
            action(article=article, actor=request.user)
            return _detail(request, _article_or_404(request, pk))

    return ArticleStatusApi


ArticlePublishApi = _status_api(services.article_publish, "Publish (managers).")
ArticleArchiveApi = _status_api(services.article_archive, "Archive (managers): out of the help centre and searches.")
ArticlePublishApi.__name__ = ArticlePublishApi.__qualname__ = "ArticlePublishApi"
ArticleArchiveApi.__name__ = ArticleArchiveApi.__qualname__ = "ArticleArchiveApi"


class CategoryListApi(_KbApi, ListAPIView):
    """The categories: staff see every one, API keys those shown in the help centre. Not paginated (a few)."""

    serializer_class = CategoryOutput
    pagination_class = None
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        categories = Category.objects.all()
        if getattr(self, "swagger_fake_view", False) or _staff(self.request):
            return categories
        return categories.filter(is_public=True)


urlpatterns: list[URLPattern] = [
    path("kb/articles/", ArticleListCreateApi.as_view(), name="kb-article-list"),
    path("kb/articles/<id:pk>/", ArticleDetailApi.as_view(), name="kb-article-detail"),
    path("kb/articles/<id:pk>/publish/", ArticlePublishApi.as_view(), name="kb-article-publish"),
    path("kb/articles/<id:pk>/archive/", ArticleArchiveApi.as_view(), name="kb-article-archive"),
    path("kb/categories/", CategoryListApi.as_view(), name="kb-category-list"),
]
