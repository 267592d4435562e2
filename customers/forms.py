from django import forms
from django.utils.translation import gettext_lazy as _

from core.platforms import Platform


class CustomerLinkForm(forms.Form):
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    platform_account_id = forms.CharField(label=_("Account id"), max_length=128)
