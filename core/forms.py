"""Showing a service's error on a browser form."""

from __future__ import annotations

from django import forms

from .errors import ApplicationError


def form_add_error(form: forms.Form, exc: ApplicationError) -> None:
    """Put a service's error on the fields it names when the form has them, else at the top of the form.

    Services name nested input with dots (``order.order_number``, ``customer.platform``): a form that flattens
    it gets the error on its field named like the last part, when it has one.
    """
    placed = False
    for field, messages in exc.fields.items():
        name = field if field in form.fields else field.rsplit(".", 1)[-1]
        if name in form.fields:
            for message in messages:
                form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)
