"""Browser forms of the staff pages. They parse input; the services decide (limits, slugs, permissions)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.integers import parse_id

from .enums import ArticleStatus, Audience
from .models import ARTICLE_BODY_MAX, SLUG_MAX, TITLE_MAX, Category


class ArticleFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Search articles…"), "type": "search", "data-testid": "kb-q"}),
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(), required=False, empty_label=_("All categories"), label=_("Category")
    )
    status = forms.ChoiceField(
        choices=[("", _("Any status")), *ArticleStatus.choices], required=False, label=_("Status")
    )
    audience = forms.ChoiceField(
        choices=[("", _("Any audience")), *Audience.choices], required=False, label=_("Audience")
    )
    tag = forms.CharField(
        required=False, max_length=40, widget=forms.TextInput(attrs={"placeholder": _("Tag")}), label=_("Tag")
    )


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    slug = forms.CharField(
        label=_("Slug"),
        max_length=SLUG_MAX,
        required=False,
        help_text=_("The address in the help centre. Empty: made from the title's pinyin."),
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(), required=False, label=_("Category"), empty_label=_("No category")
    )
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices, initial=Audience.INTERNAL)
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=500, help_text=_("Separated by commas or spaces.")
    )
    body = forms.CharField(
        label=_("Body (Markdown)"),
        required=False,
        max_length=ARTICLE_BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 16, "data-testid": "kb-body", "class": "kb-body"}),
    )
    related = forms.CharField(
        label=_("Related articles"),
        required=False,
        max_length=500,
        help_text=_("Article numbers, separated by commas; use the picker below."),
        widget=forms.TextInput(attrs={"data-testid": "kb-related", "class": "kb-related"}),
    )
    note = forms.CharField(label=_("What changed (optional)"), required=False, max_length=200)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)

    def clean_related(self) -> list[int]:
        raw = self.cleaned_data.get("related") or ""
        ids: list[int] = []
        for piece in raw.replace("，", ",").split(","):
            piece = piece.strip().lstrip("#")
            if not piece:
                continue
            pk = parse_id(piece)
            if pk is None:
                raise forms.ValidationError(_("“%(value)s” is not an article number.") % {"value": piece[:20]})
            ids.append(pk)
        return ids


class CategoryForm(forms.Form):
    # "Name" alone is a person's name in Chinese (姓名): a category has a 名称.
    name = forms.CharField(label=pgettext_lazy("category", "Name"), max_length=60)
    name_en = forms.CharField(label=_("English name"), max_length=60, required=False)
    slug = forms.CharField(label=_("Slug"), max_length=60, required=False)
    description = forms.CharField(label=pgettext_lazy("category", "Description"), max_length=300, required=False)
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=32767, initial=0)
    is_public = forms.BooleanField(label=_("Shown in the help centre"), required=False, initial=True)

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
