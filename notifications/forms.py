from django import forms
from django.utils.translation import gettext_lazy as _


class NotificationSettingsForm(forms.Form):
    notify_by_email = forms.BooleanField(
        label=_("Also send me each new notification by e-mail"),
        required=False,
        help_text=_("Escalations are e-mailed to managers in any case."),
    )
