import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


class User(AbstractUser):
    """A person who works in the helpdesk. The role comes from group membership (see ``accounts.roles``)."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai", choices=TIME_ZONE_CHOICES)
    notify_by_email = models.BooleanField(
        _("e-mail me my notifications"),
        default=False,
        help_text=_("Each new notification is also sent to the account's e-mail address."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username
