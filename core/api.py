"""API conventions every app shares: cursor pagination and strict ``?ordering=``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import CursorPagination


class StandardCursorPagination(CursorPagination):
    """Newest first by default; ``page_size`` up to 200; follow ``next`` until it is null."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class StrictOrderingFilter(OrderingFilter):
    """``?ordering=`` with a field we do not sort by is a 400, not silently ignored."""

    def get_ordering(self, request, queryset, view):  # type: ignore[no-untyped-def]
        params = request.query_params.get(self.ordering_param)
        if params:
            allowed = {field for field, _label in self.get_valid_fields(queryset, view, {"request": request})}
            unknown = [p.strip().lstrip("-") for p in params.split(",") if p.strip().lstrip("-") not in allowed]
            if unknown:
                raise ValidationError(
                    {self.ordering_param: [_("Sort by one of: %(fields)s.") % {"fields": ", ".join(sorted(allowed))}]}
                )
        return super().get_ordering(request, queryset, view)
