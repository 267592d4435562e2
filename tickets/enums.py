"""Ticket vocabulary and the allowed-transition table: the one place that says which status may follow which."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class TicketKind(TextChoices):
    INQUIRY = "inquiry", _("Inquiry")
    COMPLAINT = "complaint", _("Complaint")
    AFTERSALES = "aftersales", _("After-sales")


class Category(TextChoices):
    # Inquiries (咨询)
    PRODUCT_QUESTION = "product_question", _("Product question")
    ORDER_QUERY = "order_query", _("Order query")
    SHIPPING_URGE = "shipping_urge", _("Shipping urge")
    ORDER_CHANGE = "order_change", _("Order change")
    AFTERSALES_QUESTION = "aftersales_question", _("After-sales question")
    # Complaints (投诉)
    PRODUCT_QUALITY = "product_quality", _("Product quality")
    LOGISTICS = "logistics", _("Logistics")
    SERVICE_ATTITUDE = "service_attitude", _("Service attitude")
    NEGATIVE_REVIEW = "negative_review", _("Negative review")
    # After-sales requests (售后)
    REFUND_ONLY = "refund_only", _("Refund only")
    RETURN_REFUND = "return_refund", _("Return and refund")
    EXCHANGE = "exchange", _("Exchange")
    RESHIP = "reship", _("Reship")
    COMPENSATION = "compensation", _("Compensation")
    # Any kind
    OTHER = "other", _("Other")


CATEGORIES_BY_KIND: dict[str, tuple[str, ...]] = {
    TicketKind.INQUIRY: (
        Category.PRODUCT_QUESTION,
        Category.ORDER_QUERY,
        Category.SHIPPING_URGE,
        Category.ORDER_CHANGE,
        Category.AFTERSALES_QUESTION,
        Category.OTHER,
    ),
    TicketKind.COMPLAINT: (
        Category.PRODUCT_QUALITY,
        Category.LOGISTICS,
        Category.SERVICE_ATTITUDE,
        Category.NEGATIVE_REVIEW,
        Category.OTHER,
    ),
    TicketKind.AFTERSALES: (
        Category.REFUND_ONLY,
        Category.RETURN_REFUND,
        Category.EXCHANGE,
        Category.RESHIP,
        Category.COMPENSATION,
        Category.OTHER,
    ),
}


class Channel(TextChoices):
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Online chat")
    EMAIL = "email", _("E-mail")
    WEB_FORM = "web_form", _("Web form")
    API = "api", _("Shop platform (API)")
    SOCIAL = "social", _("Social media")


class Priority(TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}


class TicketStatus(TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING_CUSTOMER = "pending_customer", _("Pending customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


# Which status may follow which. Closing is the end: a buyer who writes again after that gets a new ticket.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    TicketStatus.NEW: frozenset({TicketStatus.OPEN, TicketStatus.PENDING_CUSTOMER, TicketStatus.RESOLVED}),
    TicketStatus.OPEN: frozenset({TicketStatus.PENDING_CUSTOMER, TicketStatus.RESOLVED}),
    TicketStatus.PENDING_CUSTOMER: frozenset({TicketStatus.OPEN, TicketStatus.RESOLVED}),
    TicketStatus.RESOLVED: frozenset({TicketStatus.OPEN, TicketStatus.CLOSED}),
    TicketStatus.CLOSED: frozenset(),
}

# Statuses in which the SLA clocks can run (pending customer pauses them; resolved and closed stop them).
RUNNING_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN)
UNRESOLVED_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING_CUSTOMER)


class MessageVisibility(TextChoices):
    PUBLIC = "public", _("Public reply")
    INTERNAL = "internal", _("Internal note")


class AuthorType(TextChoices):
    AGENT = "agent", _("Agent")
    CUSTOMER = "customer", _("Customer")
    SYSTEM = "system", _("System")


class EventType(TextChoices):
    CREATED = "created", _("Created")
    REPLIED = "replied", _("Replied")
    NOTED = "noted", _("Internal note added")
    CUSTOMER_REPLIED = "customer_replied", _("Customer replied")
    STATUS_CHANGED = "status_changed", _("Status changed")
    PRIORITY_CHANGED = "priority_changed", _("Priority changed")
    RECLASSIFIED = "reclassified", _("Kind or category changed")
    ASSIGNED = "assigned", _("Assigned")
    TEAM_CHANGED = "team_changed", _("Team changed")
    FIRST_RESPONDED = "first_responded", _("First response given")
    NEXT_REPLIED = "next_replied", _("Next reply given")
    SLA_PAUSED = "sla_paused", _("SLA clocks paused")
    SLA_RESUMED = "sla_resumed", _("SLA clocks resumed")
    ESCALATED = "escalated", _("Escalated")
    SLA_RECOMPUTED = "sla_recomputed", _("SLA due times recomputed")
    SLA_WARNED = "sla_warned", _("SLA warning")
    WORKFLOW = "workflow", _("Workflow")
    ROUTED = "routed", _("Routed by rules")
    # A reply sent past a blocking reply check (a forbidden wording rule) with the sender's reason.
    REPLY_CHECK_OVERRIDDEN = "reply_check_overridden", _("Reply check overridden")


class SlaTarget(TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_REPLY = "next_reply", _("Next reply")
    RESOLUTION = "resolution", _("Resolution")


class EscalationTarget(TextChoices):
    """What an escalation is about: a breached SLA target, or an agent asking the managers for help."""

    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_REPLY = "next_reply", _("Next reply")
    RESOLUTION = "resolution", _("Resolution")
    REQUESTED = "requested", _("Help requested")
