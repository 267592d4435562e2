"""Browser forms of the canned-reply pages. Thin: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import roles
from core.integers import MAX_ID
from tickets.models import Team

from .models import Folder, ReplyScope
from .models.canned import FOLDER_NAME_MAX, REPLY_BODY_MAX, SHORTCUT_MAX, TITLE_MAX
from .permissions import managed_teams
from .selectors_canned import folders_for
from .services.transfer import IMPORT_MAX_BYTES

SORT_CHOICES = [
    ("title", _("Title")),
    ("usage", _("Most used")),
    ("last_used", _("Last used")),
    ("updated", _("Last changed")),
]


def scope_choices(user: Any) -> list[tuple[str, Any]]:
    choices = [(ReplyScope.PERSONAL.value, ReplyScope.PERSONAL.label)]
    if managed_teams(user).exists():
        choices.append((ReplyScope.TEAM.value, ReplyScope.TEAM.label))
    if roles.is_manager(user):
        choices.append((ReplyScope.GLOBAL.value, ReplyScope.GLOBAL.label))
    return choices


class ReplyForm(forms.Form):
    scope = forms.ChoiceField(label=_("Scope"))
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, label=_("Team"))
    folder = forms.ModelChoiceField(queryset=Folder.objects.none(), required=False, label=_("Folder"))
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    shortcut = forms.CharField(
        label=_("Shortcut"),
        max_length=SHORTCUT_MAX + 1,
        help_text=_("Typed after # in the reply box, e.g. 发货 for #发货."),
    )
    body = forms.CharField(label=_("Text"), max_length=REPLY_BODY_MAX, widget=forms.Textarea(attrs={"rows": 8}))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope, team, folder = self.fields["scope"], self.fields["team"], self.fields["folder"]
        assert isinstance(scope, forms.ChoiceField) and isinstance(team, forms.ModelChoiceField)
        assert isinstance(folder, forms.ModelChoiceField)
        scope.choices = scope_choices(user)
        team.queryset = managed_teams(user)
        folder.queryset = Folder.objects.filter(pk__in=[f.pk for f in folders_for(user)])
        if not team.queryset.exists():  # an agent writes personal replies only
            del self.fields["team"]
        if editing:  # a reply keeps its scope and team
            del self.fields["scope"]
            self.fields.pop("team", None)


class FilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=50, label=_("Search"))
    folder = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, label=_("Folder"))
    scope = forms.ChoiceField(required=False, choices=[("", _("All scopes")), *ReplyScope.choices], label=_("Scope"))
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, label=_("Sort"))


class FolderForm(forms.Form):
    name = forms.CharField(label=_("Folder name"), max_length=FOLDER_NAME_MAX)
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), required=False, label=_("Team"), empty_label=_("Shared (every team)")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team = self.fields["team"]
        assert isinstance(team, forms.ModelChoiceField)
        team.queryset = managed_teams(user)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"), help_text=_("Columns: scope, team, folder, title, shortcut, body.")
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large: at most %(max)s MB.") % {"max": IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload
