"""Categories of the knowledge base (managers)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from pypinyin import lazy_pinyin

from core.errors import Forbidden, ValidationFailed

from .. import permissions
from ..models import Category


def _clean(*, name: str, name_en: str, description: str, slug: str) -> dict[str, str]:
    name, name_en, description = (name or "").strip(), (name_en or "").strip(), (description or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("This field is required.")]
    for field, value, limit in (("name", name, 60), ("name_en", name_en, 60), ("description", description, 300)):
        if len(value) > limit:
            errors[field] = [_("At most %(max)s characters.") % {"max": limit}]
    slug = slugify(slug or " ".join(lazy_pinyin(name)))[:60].strip("-")
    if not slug and not errors:
        errors["slug"] = [_("Letters or digits, please.")]
    if errors:
        raise ValidationFailed(_("The category cannot be saved."), fields=errors)
    return {"name": name, "name_en": name_en, "description": description, "slug": slug}


def _taken(exc: IntegrityError) -> ValidationFailed:
    message = _("Another category already has this name or slug.")
    return ValidationFailed(message, fields={"name": [message]}, code="category_taken")


@transaction.atomic
def category_create(
    *,
    actor: Any,
    name: str,
    name_en: str = "",
    description: str = "",
    slug: str = "",
    position: int = 0,
    is_public: bool = True,
) -> Category:
    """A new category (managers). Refuses a name or slug another category has (400)."""
    if not permissions.may_manage_categories(actor):
        raise Forbidden(_("Only managers manage categories."))
    values = _clean(name=name, name_en=name_en, description=description, slug=slug)
    try:
        with transaction.atomic():
            return Category.objects.create(**values, position=max(0, min(int(position), 32767)), is_public=is_public)
    except IntegrityError as exc:
        raise _taken(exc) from exc


@transaction.atomic
def category_update(
    *,
    category: Category,
    actor: Any,
    name: str,
    name_en: str = "",
    description: str = "",
    slug: str = "",
    position: int = 0,
    is_public: bool = True,
) -> Category:
    if not permissions.may_manage_categories(actor):
        raise Forbidden(_("Only managers manage categories."))
    values = _clean(name=name, name_en=name_en, description=description, slug=slug or category.slug)
    for field, value in values.items():
        setattr(category, field, value)
    category.position = max(0, min(int(position), 32767))
    category.is_public = is_public
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError as exc:
        raise _taken(exc) from exc
    return category


@transaction.atomic
def category_delete(*, category: Category, actor: Any) -> None:
    """Delete a category; its articles stay, without a category."""
    if not permissions.may_manage_categories(actor):
        raise Forbidden(_("Only managers manage categories."))
    category.delete()
