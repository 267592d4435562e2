import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from ..enums import Category, Channel, Priority, TicketKind, TicketStatus
from ..models import Team, Ticket
from ..selectors import assignable_users


class TicketFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=TicketKind.choices)
    category = django_filters.ChoiceFilter(choices=Category.choices)
    status = django_filters.MultipleChoiceFilter(choices=TicketStatus.choices)
    priority = django_filters.MultipleChoiceFilter(choices=Priority.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    team = django_filters.ModelChoiceFilter(queryset=Team.objects.all())
    assignee = django_filters.ModelChoiceFilter(queryset=assignable_users())
    unassigned = django_filters.BooleanFilter(field_name="assignee", lookup_expr="isnull")
    overdue = django_filters.BooleanFilter(method="filter_overdue")
    escalated = django_filters.BooleanFilter(method="filter_escalated")
    customer_platform = django_filters.CharFilter(field_name="customer__platform")
    customer_account = django_filters.CharFilter(field_name="customer__platform_account_id")
    order_number = django_filters.CharFilter(field_name="order__order_number")
    updated_after = django_filters.IsoDateTimeFilter(field_name="updated_at", method="filter_after")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", method="filter_after")
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        method="filter_after",
        help_text="Incremental sync: tickets changed at or after this time. Use with ordering=updated_at.",
    )
    external_id = django_filters.CharFilter(field_name="external_id")

    class Meta:
        model = Ticket
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):  # type: ignore[no-untyped-def]
        overdue = queryset.overdue(timezone.now())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))

    def filter_after(self, queryset, name, value):  # type: ignore[no-untyped-def]
        # Dates near year 1 or 9999 overflow once shifted to UTC; no ticket is that old or that new anyway.
        if not 1970 <= value.year <= 9000:
            raise ValidationError({name: [_("Give a date between 1970 and 9000.")]})
        return queryset.filter(**{f"{name}__gte": value})

    def filter_escalated(self, queryset, name, value):  # type: ignore[no-untyped-def]
        return queryset.filter(escalation_level__gt=0) if value else queryset.filter(escalation_level=0)
