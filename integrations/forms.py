from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import Integration
from .scopes import Scope


class IntegrationAdminForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=capfirst(_("scopes")), choices=Scope.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Integration
        fields = ["name", "platform", "scopes", "rate_limit_per_minute", "is_active", "notes"]

    def clean_name(self) -> str:
        # The service refuses names that differ only in case; say so on the form, not as a server error.
        name = self.cleaned_data["name"].strip()
        if Integration.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("An integration named “%(name)s” exists already.") % {"name": name})
        return name
