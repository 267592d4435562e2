"""After-sales vocabulary and the allowed-transition table: the one place that says which status may follow
which, and which statuses each request type passes through."""

from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class RequestType(TextChoices):
    REFUND_ONLY = "refund_only", _("Refund only")
    RETURN_REFUND = "return_refund", _("Return and refund")
    EXCHANGE = "exchange", _("Exchange")
    RESHIP = "reship", _("Reship")
    COMPENSATION = "compensation", _("Compensation")


class RequestStatus(TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WAITING_FOR_RETURN = "waiting_for_return", _("Waiting for the buyer's parcel")
    RECEIVED = "received", _("Parcel received")
    INSPECTED = "inspected", _("Inspected")
    REFUNDED = "refunded", _("Refunded")
    REPLACEMENT_SHIPPED = "replacement_shipped", _("Replacement shipped")
    COMPENSATED = "compensated", _("Compensated")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


S = RequestStatus

# Which status may follow which, for any type. ``TYPE_STEPS`` below then removes the steps a type skips.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.UNDER_REVIEW, S.CANCELLED}),
    S.UNDER_REVIEW: frozenset({S.APPROVED, S.REJECTED, S.CANCELLED}),
    S.APPROVED: frozenset({S.WAITING_FOR_RETURN, S.REFUNDED, S.REPLACEMENT_SHIPPED, S.COMPENSATED, S.CANCELLED}),
    S.WAITING_FOR_RETURN: frozenset({S.RECEIVED, S.CANCELLED}),
    S.RECEIVED: frozenset({S.INSPECTED}),
    # A parcel that fails inspection (not the item sold, damaged by the buyer) ends the request as rejected.
    S.INSPECTED: frozenset({S.REFUNDED, S.REPLACEMENT_SHIPPED, S.REJECTED}),
    S.REFUNDED: frozenset({S.COMPLETED}),
    S.REPLACEMENT_SHIPPED: frozenset({S.COMPLETED}),
    S.COMPENSATED: frozenset({S.COMPLETED}),
    S.REJECTED: frozenset(),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
}

_COMMON = frozenset({S.SUBMITTED, S.UNDER_REVIEW, S.APPROVED, S.REJECTED, S.COMPLETED, S.CANCELLED})
_PARCEL = frozenset({S.WAITING_FOR_RETURN, S.RECEIVED, S.INSPECTED})

# The statuses each type passes through: refund-only, reship and compensation have no parcel coming back.
TYPE_STEPS: dict[str, frozenset[str]] = {
    RequestType.REFUND_ONLY: _COMMON | {S.REFUNDED},
    RequestType.RETURN_REFUND: _COMMON | _PARCEL | {S.REFUNDED},
    RequestType.EXCHANGE: _COMMON | _PARCEL | {S.REPLACEMENT_SHIPPED},
    RequestType.RESHIP: _COMMON | {S.REPLACEMENT_SHIPPED},
    RequestType.COMPENSATION: _COMMON | {S.COMPENSATED},
}

TERMINAL_STATUSES = (S.REJECTED, S.COMPLETED, S.CANCELLED)
# The happy path in order, as the buyer's tracking page shows it (each type keeps the steps it has).
CUSTOMER_PATH = (
    S.SUBMITTED,
    S.UNDER_REVIEW,
    S.APPROVED,
    S.WAITING_FOR_RETURN,
    S.RECEIVED,
    S.INSPECTED,
    S.REFUNDED,
    S.REPLACEMENT_SHIPPED,
    S.COMPENSATED,
    S.COMPLETED,
)
# Requests that no longer claim their order lines (for the "not beyond the quantity bought" rule).
RELEASED_STATUSES = (S.REJECTED, S.CANCELLED)
# Before approval the amounts and the offered resolution may still change.
NEGOTIABLE_STATUSES = (S.SUBMITTED, S.UNDER_REVIEW)
# Statuses an agent sets by judgement (review, approve, reject).
JUDGEMENT_STATUSES = (S.UNDER_REVIEW, S.APPROVED, S.REJECTED)
# What a shop platform may report: the buyer's parcel on its way or at the warehouse, the buyer withdrawing.
# Money moving (refunded, compensated), replacements and completion are the helpdesk's own steps.
INTEGRATION_STATUSES = (S.WAITING_FOR_RETURN, S.RECEIVED, S.CANCELLED)

# The timestamp column each status sets when entered.
STATUS_TIMESTAMP: dict[str, str] = {
    S.UNDER_REVIEW: "reviewed_at",
    S.APPROVED: "approved_at",
    S.REJECTED: "rejected_at",
    S.WAITING_FOR_RETURN: "waiting_for_return_at",
    S.RECEIVED: "received_at",
    S.INSPECTED: "inspected_at",
    S.REFUNDED: "refunded_at",
    S.REPLACEMENT_SHIPPED: "replacement_shipped_at",
    S.COMPENSATED: "compensated_at",
    S.COMPLETED: "completed_at",
    S.CANCELLED: "cancelled_at",
}


def can_transition(*, request_type: str, from_status: str, to_status: str) -> bool:
    steps = TYPE_STEPS.get(request_type, frozenset())
    if to_status not in ALLOWED_TRANSITIONS.get(from_status, frozenset()) or to_status not in steps:
        return False
    # A type with a parcel coming back is refunded or replaced only after the parcel was received and inspected.
    if from_status == S.APPROVED and S.WAITING_FOR_RETURN in steps:
        return to_status in (S.WAITING_FOR_RETURN, S.CANCELLED)
    return True


class EvidenceKind(TextChoices):
    PRODUCT_PHOTO = "product_photo", _("Product photo")
    DEFECT_PHOTO = "defect_photo", _("Defect photo")
    OTHER = "other", _("Other file")


class Resolution(TextChoices):
    """The rungs of the compensation ladder, in the order they are offered (DESIGN rule 7)."""

    COMPENSATION = "compensation", _("Small compensation")
    EXCHANGE = "exchange", _("Exchange")
    RETURN = "return", _("Return and refund")


LADDER = (Resolution.COMPENSATION, Resolution.EXCHANGE, Resolution.RETURN)


class OfferStatus(TextChoices):
    PENDING = "pending", _("Waiting for the customer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class ApprovalStatus(TextChoices):
    PENDING = "pending", _("Waiting for a manager")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUPERSEDED = "superseded", _("Superseded")


# Reason codes the default data migration creates (the admin may add more).
class DefaultReason(TextChoices):
    SIZE = "size", _("Size doesn't fit")
    QUALITY = "quality_defect", _("Quality defect")
    WRONG_ITEM = "wrong_item", _("Wrong item sent")
    DAMAGED = "damaged_in_transit", _("Damaged in transit")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    NO_REASON = "no_reason", _("No reason (within the return window)")
    OTHER = "other", _("Other")


# What the button that moves a request *to* a status says (the status names describe a state, not an act).
ACTION_LABELS: dict[str, Any] = {
    S.UNDER_REVIEW: _("Start review"),
    S.APPROVED: _("Approve"),
    S.REJECTED: _("Reject"),
    S.WAITING_FOR_RETURN: _("Wait for the buyer's parcel"),
    S.RECEIVED: _("Parcel received"),
    S.INSPECTED: _("Inspection passed"),
    S.REFUNDED: _("Refund issued"),
    S.REPLACEMENT_SHIPPED: _("Replacement shipped"),
    S.COMPENSATED: _("Compensation paid"),
    S.COMPLETED: _("Complete"),
    S.CANCELLED: _("Cancel request"),
}
