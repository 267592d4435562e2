"""Tags on tickets: free words anyone working a ticket adds, and managed ones (curated by managers, with a
colour) that routing rules and reports rely on."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

TAG_NAME_MAX = 40


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=TAG_NAME_MAX, unique=True)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour like #1a7f37."))],
    )
    is_managed = models.BooleanField(
        _("managed"), default=False, help_text=_("Curated by managers; free tags are made by whoever types them.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
