"""Files on a ticket's messages: agents' replies and notes, and the buyer's photos."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .tickets import Message


def _attachment_path(instance: MessageAttachment, filename: str) -> str:
    return f"tickets/attachments/{filename}"


def _thumbnail_path(instance: MessageAttachment, filename: str) -> str:
    return f"tickets/thumbnails/{filename}"


class MessageAttachment(models.Model):
    """A checked file (``core.files.check_upload``) stored under a name we chose. Never served from a public
    media URL: staff get it through the ticket page's view, the buyer through their signed tracking link (public
    messages only), a platform through a signed expiring link in the webhook."""

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("message")
    )
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=255)
    thumbnail = models.FileField(_("thumbnail"), upload_to=_thumbnail_path, max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name or f"#{self.pk}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def display_name(self) -> str:
        """The buyer's or agent's name for the file, else one made from its type."""
        return self.original_name or self.file.name.rsplit("/", 1)[-1]
