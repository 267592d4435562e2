import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


class TicketScope(models.TextChoices):
    """Which tickets an agent sees (managers see their teams' tickets, admins every ticket)."""

    ALL = "all", _("All tickets (except other teams' restricted ones)")
    TEAMS = "teams", _("Their teams' tickets and those assigned to them")
    ASSIGNED = "assigned", _("Only tickets assigned to them")


class User(AbstractUser):
    """A person who works in the helpdesk. The role comes from group membership (see ``accounts.roles``)."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai", choices=TIME_ZONE_CHOICES)
    notify_by_email = models.BooleanField(
        _("e-mail me my notifications"),
        default=False,
        help_text=_("Each new notification is also sent to the account's e-mail address."),
    )
    ticket_scope = models.CharField(
        _("ticket scope"),
        max_length=10,
        choices=TicketScope.choices,
        default=TicketScope.TEAMS,
        help_text=_("Which tickets this agent sees. Managers see their teams' tickets; admins see every ticket."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username
