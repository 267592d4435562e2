from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.platforms import Platform

from .enums import CustomerTier, LinkAction, OrderStatus


class Person(models.Model):
    """One human behind buyer accounts on several platforms. Only ``customers.services`` links accounts."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return str(_("Person #%(id)s") % {"id": self.pk})


class Customer(models.Model):
    """A buyer, identified by their account on one shop platform. Accounts of one human share a ``person``."""

    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    platform_account_id = models.CharField(_("platform account id"), max_length=128)
    tier = models.CharField(_("tier"), max_length=20, choices=CustomerTier.choices, default=CustomerTier.REGULAR)
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name=_("person"),
        help_text=_("The same human's accounts on other platforms share this."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "platform_account_id"], name="customer_unique_platform_account"
            ),
        ]
        indexes = [models.Index(fields=["updated_at"], name="customer_updated_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_platform_display()})"


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders", verbose_name=_("customer"))
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    order_number = models.CharField(_("order number"), max_length=64)
    status = models.CharField(_("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.PAID)
    total_amount = models.DecimalField(_("total amount"), max_digits=12, decimal_places=2, default=0)
    paid_amount = models.DecimalField(_("paid amount"), max_digits=12, decimal_places=2, default=0)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(fields=["platform", "order_number"], name="order_unique_platform_number"),
        ]
        indexes = [models.Index(fields=["updated_at"], name="order_updated_idx")]

    def __str__(self) -> str:
        return self.order_number


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order"))
    sku = models.CharField(_("SKU"), max_length=64)
    title = models.CharField(_("title"), max_length=300)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.sku} × {self.quantity}"

    @property
    def line_total(self):  # type: ignore[no-untyped-def]
        return self.unit_price * self.quantity


class CustomerLinkEvent(models.Model):
    """An audit row: who linked, merged or unlinked buyer accounts, and when."""

    action = models.CharField(_("action"), max_length=20, choices=LinkAction.choices)
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="link_events", verbose_name=_("customer")
    )
    other = models.ForeignKey(
        Customer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("other account"),
    )
    # Plain ids, not keys: a merge deletes the absorbed person, and the trail must still say which it was.
    person_ref = models.PositiveBigIntegerField(_("person id"), null=True, blank=True)
    merged_person_ref = models.PositiveBigIntegerField(
        _("merged person id"), null=True, blank=True, help_text=_("The person absorbed by a merge.")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("account link event")
        verbose_name_plural = _("account link events")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.customer_id} ↔ {self.other_id}"
