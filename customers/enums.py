from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class CustomerTier(TextChoices):
    REGULAR = "regular", _("Regular")
    SILVER = "silver", _("Silver")
    GOLD = "gold", _("Gold")
    VIP = "vip", _("VIP")


class OrderStatus(TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
    PAID = "paid", _("Paid")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


class LinkAction(TextChoices):
    LINKED = "linked", _("Linked")
    MERGED = "merged", _("Merged")
    UNLINKED = "unlinked", _("Unlinked")
