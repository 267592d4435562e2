"""Small input and output serializers for the ticket API. No writes here: views call services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.integers import MAX_ID
from core.limits import BODY_MAX, SUBJECT_MAX
from core.platforms import Platform
from customers.api.serializers import PAID_AMOUNT_HELP, MaskedContactOutput
from customers.enums import CustomerTier, OrderStatus
from customers.services.orders import MAX_LINE_QUANTITY

from ..calendars import calendar_get, calendar_id_for
from ..enums import (
    Category,
    Channel,
    EscalationTarget,
    EventType,
    MessageVisibility,
    Priority,
    SlaTarget,
    TicketKind,
    TicketStatus,
)
from ..models import Escalation, Message, MessageAttachment, Team, Ticket, TicketEvent
from ..selectors import assignable_users, ticket_sla_calendar
from ..services.messages import OVERRIDE_REASON_MAX
from ..sla import CLOCK_STATES, ticket_clocks
from ..tracking import tracking_url

User = get_user_model()
# Events only readers of internal notes see (staff; keys with notes:read): a note, and a reply sent past a
# blocking reply check (the agent's reason, the wording rules' explanations).
INTERNAL_EVENTS = frozenset({EventType.NOTED, EventType.REPLY_CHECK_OVERRIDDEN})


# --- input ----------------------------------------------------------------------------------------------------


class CustomerInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    platform = serializers.ChoiceField(choices=Platform.choices)
    platform_account_id = serializers.CharField(max_length=128)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    tier = serializers.ChoiceField(choices=CustomerTier.choices, required=False)


class OrderLineInput(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    title = serializers.CharField(max_length=300)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY, default=1)
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"), default=Decimal("0"))


def refuse_implausible_year(value: Any) -> Any:
    """Refuse a time outside 1970–9000, as the order sync does: near year 1 or 9999 it overflows once shifted to
    UTC, and long before 1970 it renders in the zone's local mean time (``+08:05:43``), which is no RFC 3339
    date-time, so the answer would break the schema. No ticket or order is that old or that new."""
    if not 1970 <= value.year <= 9000:
        raise serializers.ValidationError(_("Give a date between 1970 and 9000."))
    return value


class OrderInput(serializers.Serializer):
    platform = serializers.ChoiceField(
        choices=Platform.choices, required=False, help_text="Defaults to the customer's platform."
    )
    order_number = serializers.CharField(max_length=64)
    status = serializers.ChoiceField(choices=OrderStatus.choices, required=False)
    total_amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    paid_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, help_text=PAID_AMOUNT_HELP
    )
    paid_at = serializers.DateTimeField(required=False, validators=[refuse_implausible_year])
    shipped_at = serializers.DateTimeField(required=False, validators=[refuse_implausible_year])
    delivered_at = serializers.DateTimeField(required=False, validators=[refuse_implausible_year])
    lines = OrderLineInput(many=True, required=False)


class TicketCreateInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TicketKind.choices)
    category = serializers.ChoiceField(choices=Category.choices, default=Category.OTHER)
    subject = serializers.CharField(max_length=SUBJECT_MAX)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=BODY_MAX)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.API)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    customer = CustomerInput()
    order = OrderInput(required=False, allow_null=True)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False, allow_null=True)
    received_at = serializers.DateTimeField(required=False, help_text="When the buyer wrote; not later than now.")
    external_id = serializers.CharField(
        max_length=128,
        required=False,
        allow_blank=True,
        default="",
        help_text="The platform's id for this conversation or message. Sending the same (customer platform, "
        "external_id) again returns the existing ticket with status 200 instead of creating a second one.",
    )

    def validate_received_at(self, value: Any) -> Any:
        # The service allows a little clock skew; here the message is for the integrator.
        if value > timezone.now() + timedelta(minutes=2):
            raise serializers.ValidationError(_("Must not be later than now."))
        return refuse_implausible_year(value)


LAST_SEEN_HELP = (
    "The newest event id the client has shown (last_event_id of the ticket it read). Optional: with it, the "
    "change is refused (409, error.code stale_ticket, error.changes listing what changed) if since then the buyer "
    "wrote, someone else replied or someone else changed the status; send the new error.last_event_id to go "
    "ahead anyway. Internal notes and the caller's own steps never count. Without it nothing is checked."
)


class TicketUpdateInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=TicketStatus.choices, required=False)
    last_seen_event_id = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=f"Checked with status only. {LAST_SEEN_HELP}"
    )
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False, allow_null=True)
    assignee = serializers.PrimaryKeyRelatedField(queryset=assignable_users(), required=False, allow_null=True)
    kind = serializers.ChoiceField(
        choices=TicketKind.choices, required=False, help_text="Only an inquiry may become another kind."
    )
    category = serializers.ChoiceField(
        choices=Category.choices, required=False, help_text="Must belong to the (new) kind; give it with kind."
    )
    restricted = serializers.BooleanField(
        required=False, help_text="Only the ticket's team sees it (managers and admins may change this)."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not set(attrs) - {"last_seen_event_id"}:
            raise serializers.ValidationError(
                _("Give at least one of status, priority, team, assignee, kind, category, restricted.")
            )
        return attrs


ATTACHMENTS_HELP = (
    "Files (multipart/form-data only; repeat the field for each file). Checked by content, not by name: photos "
    "(JPEG, PNG, GIF, WebP), PDF, and for agents' replies and notes Word and Excel files (.docx, .xlsx); each at "
    "most ATTACHMENT_MAX_BYTES (10 MB by default), at most ATTACHMENT_MAX_PER_MESSAGE (10) per message. With "
    "files the body may be empty."
)


class MessageInput(serializers.Serializer):
    """A message with optional files: JSON (text only) or multipart/form-data (text and files)."""

    body = serializers.CharField(max_length=BODY_MAX, required=False, allow_blank=True, default="")
    attachments = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True), required=False, default=list, help_text=ATTACHMENTS_HELP
    )


class ReplyInput(MessageInput):
    last_seen_event_id = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=LAST_SEEN_HELP
    )
    status = serializers.ChoiceField(
        choices=[TicketStatus.PENDING_CUSTOMER, TicketStatus.RESOLVED],
        required=False,
        help_text="Set this status in the same transaction as the reply (“send and set pending”, “send and "
        "resolve”). If the ticket may not take it, neither the reply nor the status change happens (409).",
    )
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=OVERRIDE_REASON_MAX,
        help_text="Send the reply although a reply check (a forbidden wording rule) blocks it, for this reason. "
        "Without it such a reply is refused (400 `reply_blocked`, with `problems`); with it the reply goes out "
        "and a `reply_check_overridden` event records the reason. Ignored when nothing blocks the reply.",
    )


# --- output ---------------------------------------------------------------------------------------------------


class UserOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="__str__")


class TeamOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CustomerOutput(MaskedContactOutput):
    id = serializers.IntegerField()
    name = serializers.CharField()
    platform = serializers.ChoiceField(choices=Platform.choices)
    platform_account_id = serializers.CharField()
    tier = serializers.CharField()


class OrderLineOutput(serializers.Serializer):
    sku = serializers.CharField()
    title = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)


class OrderOutput(serializers.Serializer):
    id = serializers.IntegerField()
    platform = serializers.ChoiceField(choices=Platform.choices)
    order_number = serializers.CharField()
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    total_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    paid_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    paid_at = serializers.DateTimeField(allow_null=True, help_text="null until the order is paid")
    shipped_at = serializers.DateTimeField(allow_null=True, help_text="null until the order ships")
    delivered_at = serializers.DateTimeField(allow_null=True, help_text="null until the order is delivered")
    lines = OrderLineOutput(many=True)


class SlaClockOutput(serializers.Serializer):
    target = serializers.ChoiceField(choices=SlaTarget.choices)
    state = serializers.ChoiceField(
        choices=list(CLOCK_STATES),
        help_text="on_time, close (past the warning point), overdue, paused, met, met_late, stopped, or idle (a "
        "next-reply clock with no unanswered customer message)",
    )
    due_at = serializers.DateTimeField(allow_null=True)
    seconds_left = serializers.IntegerField(allow_null=True, help_text="Wall-clock seconds to the due time.")
    target_seconds = serializers.IntegerField(allow_null=True, help_text="The policy's target, in business seconds.")
    elapsed_seconds = serializers.IntegerField(
        allow_null=True, help_text="Business time this clock has used (pauses and closed hours excluded)."
    )
    remaining_seconds = serializers.IntegerField(
        allow_null=True, help_text="Business time left before the target; negative when over."
    )
    paused_seconds = serializers.IntegerField(
        allow_null=True, help_text="Business time the ticket's clocks have been paused (waiting on the buyer)."
    )
    started_at = serializers.DateTimeField(allow_null=True)
    met_at = serializers.DateTimeField(allow_null=True)
    breached_at = serializers.DateTimeField(allow_null=True)


class AttachmentOutput(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", help_text="The file's name as it was uploaded.")
    is_image = serializers.BooleanField()
    url = serializers.SerializerMethodField(help_text="Download with the same credentials as this API.")
    thumbnail_url = serializers.SerializerMethodField(help_text="A small JPEG of a photo; null for other files.")

    class Meta:
        model = MessageAttachment
        fields = ["id", "name", "content_type", "size", "is_image", "url", "thumbnail_url", "created_at"]

    def _url(self, attachment: MessageAttachment) -> str:
        path = reverse("ticket-attachment", args=[attachment.message.ticket_id, attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_url(self, attachment: MessageAttachment) -> str:
        return self._url(attachment)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_thumbnail_url(self, attachment: MessageAttachment) -> str | None:
        return f"{self._url(attachment)}?thumbnail=1" if attachment.thumbnail else None


class MessageOutput(serializers.ModelSerializer):
    author = UserOutput(allow_null=True)
    attachments = AttachmentOutput(many=True, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "visibility", "author_type", "author", "body", "created_at", "attachments"]


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": True,
        "description": "The event's details; the keys depend on its type. Changes carry old and new (with "
        "old_name and new_name for people and teams), escalations target, level and due_at, SLA events the "
        "targets and due times, workflow events the kind app's step. For people, not machines: sync on the "
        "ticket's fields, not on these.",
    }
)
class EventDataField(serializers.JSONField):
    """A timeline event's details: an object whose keys depend on the event's type."""


class EventOutput(serializers.ModelSerializer):
    actor = UserOutput(allow_null=True)
    type = serializers.ChoiceField(choices=EventType.choices)
    data = EventDataField()  # type: ignore[assignment]  # (DRF pops declared fields off the class)

    class Meta:
        model = TicketEvent
        fields = ["id", "type", "actor", "data", "created_at"]


class EscalationOutput(serializers.ModelSerializer):
    target = serializers.ChoiceField(
        choices=EscalationTarget.choices,
        help_text="The SLA target that was missed, or requested: an agent asked the managers for help.",
    )
    late_seconds = serializers.IntegerField(source="late_seconds_at_escalation")
    acknowledged_by = UserOutput(allow_null=True)
    requested_by = UserOutput(allow_null=True, help_text="For a help request: the agent who asked.")
    reason = serializers.CharField(help_text="For a help request: why the agent asked (empty otherwise).")

    class Meta:
        model = Escalation
        fields = [
            "id",
            "target",
            "level",
            "cycle",
            "due_at",
            "escalated_at",
            "late_seconds",
            "met_at",
            "acknowledged_at",
            "acknowledged_by",
            "requested_by",
            "reason",
        ]


class HelpRequestInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="What the agent needs help with (required).")


class TicketListOutput(serializers.ModelSerializer):
    reference = serializers.CharField()
    customer = CustomerOutput()
    team = TeamOutput(allow_null=True)
    assignee = UserOutput(allow_null=True)
    sla = serializers.SerializerMethodField(help_text="Every SLA clock: target, due time, business time used, state.")
    sla_policy: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="name", read_only=True, allow_null=True
    )
    sla_calendar = serializers.SerializerMethodField(help_text="The business calendar the clocks run on; null: 24×7.")

    class Meta:
        model = Ticket
        fields = [
            "id",
            "reference",
            "kind",
            "category",
            "subject",
            "channel",
            "priority",
            "status",
            "customer",
            "team",
            "assignee",
            "restricted",
            "received_at",
            "first_response_due_at",
            "next_reply_due_at",
            "resolution_due_at",
            "first_responded_at",
            "resolved_at",
            "closed_at",
            "escalation_level",
            "source_platform",
            "external_id",
            "sla_policy",
            "sla_calendar",
            "sla",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(SlaClockOutput(many=True))
    def get_sla(self, ticket: Ticket) -> list[dict[str, Any]]:
        now = self.context.get("now") or timezone.now()
        calendars = self.context.setdefault("calendars", {})  # one lookup per calendar per response
        calendar_id = calendar_id_for(policy=ticket.sla_policy, team=ticket.team)
        if calendar_id not in calendars:
            calendars[calendar_id] = calendar_get(calendar_id)
        return [SlaClockOutput(clock).data for clock in ticket_clocks(ticket, now, calendars[calendar_id])]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_sla_calendar(self, ticket: Ticket) -> str | None:
        calendar = ticket_sla_calendar(ticket=ticket)
        return calendar.name if calendar else None


class TicketDetailOutput(TicketListOutput):
    order = OrderOutput(allow_null=True)
    tracking_url = serializers.SerializerMethodField(help_text="Private link where the buyer follows this ticket.")
    messages = MessageOutput(many=True)
    events = EventOutput(many=True)
    escalations = EscalationOutput(many=True)
    last_event_id = serializers.SerializerMethodField(
        help_text="The id of the ticket's newest event (0 without any): send it back as last_seen_event_id with a "
        "reply or a status change to be told (409 stale_ticket) if the ticket changed since."
    )

    class Meta(TicketListOutput.Meta):
        fields = [
            *TicketListOutput.Meta.fields,
            "description",
            "order",
            "sla_paused_at",
            "sla_paused_seconds",
            "tracking_url",
            "messages",
            "events",
            "escalations",
            "last_event_id",
        ]

    def get_tracking_url(self, ticket: Ticket) -> str:
        return tracking_url(ticket)

    @extend_schema_field(serializers.IntegerField())
    def get_last_event_id(self, ticket: Ticket) -> int:
        # Every event, notes included: a client without notes:read sends back an id it did not see listed,
        # which is harmless (notes never make a change stale). Uses the prefetched events when present.
        return max((event.pk for event in ticket.events.all()), default=0)

    def to_representation(self, instance: Ticket) -> dict[str, Any]:
        data = super().to_representation(instance)
        # Internal notes (and the events that announce them) only for readers who may see them: staff, and
        # integrations with the notes:read scope (``tickets.access.may_read_notes``, passed in by the view).
        if not self.context.get("may_read_notes", False):
            data["messages"] = [m for m in data["messages"] if m["visibility"] != MessageVisibility.INTERNAL]
            # An overridden reply check's reason and the wording rules it names are the team's internal words
            # too; the reply itself is in "messages".
            data["events"] = [e for e in data["events"] if e["type"] not in INTERNAL_EVENTS]
            # A help request's reason is an internal note too.
            for escalation in data["escalations"]:
                escalation["reason"] = ""
            for event in data["events"]:
                if event["type"] == EventType.ESCALATED and isinstance(event["data"], dict):
                    event["data"] = {key: value for key, value in event["data"].items() if key != "reason"}
        return data


class EscalationListOutput(EscalationOutput):
    ticket = TicketListOutput()

    class Meta(EscalationOutput.Meta):
        fields = [*EscalationOutput.Meta.fields, "ticket"]
