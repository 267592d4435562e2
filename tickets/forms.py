from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.limits import BODY_MAX, SUBJECT_MAX
from core.platforms import Platform
from customers.enums import CustomerTier

from .enums import CATEGORIES_BY_KIND, Category, Channel, Priority, TicketKind, TicketStatus
from .models import Team
from .selectors import assignable_users
from .services.messages import OVERRIDE_REASON_MAX


def _grouped_categories() -> list[tuple[Any, Any]]:
    return [
        (TicketKind(kind).label, [(value, Category(value).label) for value in values])
        for kind, values in CATEGORIES_BY_KIND.items()
    ]


class TicketCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TicketKind.choices)
    category = forms.ChoiceField(label=_("Category"), choices=_grouped_categories, initial=Category.OTHER)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=BODY_MAX
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("By kind")
    )
    # Whoever takes a call or chat and logs it usually answers it too: theirs unless they say otherwise.
    assign_to_me = forms.BooleanField(label=_("Assign to me"), required=False, initial=True)
    customer_platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    customer_account = forms.CharField(label=_("Platform account id"), max_length=128)
    customer_name = forms.CharField(label=_("Customer name"), max_length=200)
    customer_phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    customer_email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)
    customer_tier = forms.ChoiceField(
        label=_("Tier"), choices=[("", _("Keep (new customers: regular)")), *CustomerTier.choices], required=False
    )
    order_number = forms.CharField(label=_("Order number"), max_length=64, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind, category = cleaned.get("kind"), cleaned.get("category")
        if kind and category and category not in CATEGORIES_BY_KIND[kind]:
            self.add_error("category", _("This category does not belong to the chosen kind."))
        return cleaned


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=BODY_MAX)


class AttachedMessageForm(forms.Form):
    """A reply, note or buyer message that may come with files (``request.FILES["attachments"]``, checked by
    the service's caller): the text may then be empty."""

    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=BODY_MAX, required=False
    )


class ReplyForm(AttachedMessageForm):
    """The reply pane: the reply, the status to set with it ("send and resolve") and, when a reply check
    blocks it, the reason to send it anyway."""

    then_status = forms.ChoiceField(
        label=_("Then set the status to"),
        choices=[
            ("", "—"),
            (TicketStatus.PENDING_CUSTOMER, TicketStatus.PENDING_CUSTOMER.label),
            (TicketStatus.RESOLVED, TicketStatus.RESOLVED.label),
        ],
        required=False,
    )
    override_reason = forms.CharField(
        label=_("Reason for sending anyway"), max_length=OVERRIDE_REASON_MAX, required=False
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TicketStatus.choices)


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)


class ClassificationForm(forms.Form):
    """Kind and category in one select (“Complaint — Logistics”); an inquiry may become another kind."""

    classification = forms.ChoiceField(label=_("Kind and category"))

    def __init__(self, *args: Any, ticket: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = TicketKind.values if ticket is None or ticket.kind == TicketKind.INQUIRY else [ticket.kind]
        field = self.fields["classification"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (
                TicketKind(kind).label,
                [(f"{kind}:{category}", Category(category).label) for category in CATEGORIES_BY_KIND[kind]],
            )
            for kind in kinds
        ]
        if ticket is not None:
            self.initial.setdefault("classification", f"{ticket.kind}:{ticket.category}")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "classification" in data:
            data["kind"], data["category"] = data["classification"].split(":", 1)
        return data


class TeamForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("No team")
    )


class AssigneeForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=assignable_users(), required=False, empty_label=_("Unassigned")
    )


class InboxFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Reference, subject, customer, order no."), "type": "search"}),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any kind")), *TicketKind.choices], required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any unresolved")), *TicketStatus.choices], required=False
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=[("", _("Any priority")), *Priority.choices], required=False
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("Any team")
    )
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        assignee_field = self.fields["assignee"]
        assert isinstance(assignee_field, forms.ChoiceField)
        assignee_field.choices = [
            ("", _("Anyone")),
            ("none", _("Unassigned")),
            *[(str(user.pk), str(user)) for user in assignable_users()],
        ]

    def to_filters(self) -> dict[str, Any]:
        # Filters that parse are applied even when another one is wrong (the page says which were ignored).
        self.is_valid()
        data = dict(self.cleaned_data)
        data["team"] = data["team"].pk if data.get("team") else None
        return data


class HelpRequestForm(forms.Form):
    """Ask the ticket's managers for help (``tickets.services.help.ticket_request_help`` checks it again)."""

    reason = forms.CharField(
        label=_("What do you need help with?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
    )
