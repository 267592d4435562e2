import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from core.platforms import Platform

from ..models import Customer, Order


class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number in the range of the id column (anything else is a 400, never a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class _UpdatedSinceMixin(django_filters.FilterSet):
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        method="filter_updated_since",
        help_text="Incremental sync: rows changed at or after this ISO 8601 time. Use with ordering=updated_at.",
    )

    def filter_updated_since(self, queryset, name, value):  # type: ignore[no-untyped-def]
        # Dates near year 1 or 9999 overflow once shifted to UTC; nothing here is that old or that new anyway.
        if not 1970 <= value.year <= 9000:
            raise ValidationError({"updated_since": [_("Give a date between 1970 and 9000.")]})
        return queryset.filter(updated_at__gte=value)


class CustomerFilter(_UpdatedSinceMixin):
    platform = django_filters.ChoiceFilter(choices=Platform.choices)
    platform_account_id = django_filters.CharFilter()
    person = IdFilter(field_name="person_id", help_text="Accounts linked as one person.")
    q = django_filters.CharFilter(method="filter_q", help_text="Part of the name or of the platform account id.")

    class Meta:
        model = Customer
        fields: list[str] = []

    def filter_q(self, queryset, name, value):  # type: ignore[no-untyped-def]
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(platform_account_id__icontains=value))


class OrderFilter(_UpdatedSinceMixin):
    platform = django_filters.ChoiceFilter(choices=Platform.choices)
    order_number = django_filters.CharFilter()
    customer = IdFilter(field_name="customer_id", help_text="The buyer account's id.")

    class Meta:
        model = Order
        fields: list[str] = []
