"""``Idempotency-Key`` on creates: a retry with the same key and body gets the first response again (same
status, same body, header ``Idempotent-Replayed: true``) and causes nothing new.

How: the record is inserted first, in the same transaction as the create. A concurrent request with the
same key blocks on the unique index until the first commits, then finds the finished record and replays
it. An error response rolls the record back with everything else, so a failed request may be retried with
the same key. The same key with a different request (method, path or body) is a 409. Records are kept
``IDEMPOTENCY_KEY_TTL_HOURS`` (at least 24 h) and then purged by a beat task.

Every POST of the API takes the header: this decorator, or ``core.idempotency.idempotent_by_nature`` for the
few that must not store what they answer. The key's form is checked in ``core.idempotency``.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.errors import Conflict
from core.idempotency import HEADER, MAX_KEY_LENGTH, REPLAYED_HEADER, idempotency_key_clean, mark_idempotent

from .models import ApiKey, IdempotencyRecord

__all__ = ["HEADER", "MAX_KEY_LENGTH", "REPLAYED_HEADER", "idempotency_purge", "idempotent", "ttl"]


def ttl() -> timedelta:
    return timedelta(hours=max(24.0, float(settings.IDEMPOTENCY_KEY_TTL_HOURS)))


def _owner(request: Any) -> str:
    api_key = request.auth
    if isinstance(api_key, ApiKey):
        return f"integration:{api_key.integration_id}"
    return f"user:{request.user.pk}"


def _canonical(value: Any, digest: Any) -> Any:
    if isinstance(value, UploadedFile):
        content = hashlib.sha256()
        for chunk in value.chunks():
            content.update(chunk)
        value.seek(0)
        return {"file": value.name, "size": value.size, "sha256": content.hexdigest()}
    if isinstance(value, dict):
        return {str(k): _canonical(v, digest) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v, digest) for v in value]
    return value


def _fingerprint(request: Any) -> str:
    data = request.data
    if hasattr(data, "lists"):  # a QueryDict (form or multipart): every value of every field
        data = {key: values for key, values in data.lists()}
    body = json.dumps(_canonical(data, None), sort_keys=True, separators=(",", ":"), default=str)
    raw = f"{request.method}\n{request.get_full_path()}\n{body}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(record.response_body or b"", status=record.status_code, content_type="application/json")
    response[REPLAYED_HEADER] = "true"
    return response


def idempotent(handler: Callable[..., Response]) -> Callable[..., HttpResponse]:
    """Decorate a view's ``post``: it then honours ``Idempotency-Key``."""

    @functools.wraps(handler)
    def wrapper(view: Any, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        raw = request.headers.get(HEADER)
        if raw is None:
            return handler(view, request, *args, **kwargs)
        key = idempotency_key_clean(raw)
        owner = _owner(request)
        fingerprint = _fingerprint(request)
        with transaction.atomic():
            record = _claim(owner=owner, key=key, fingerprint=fingerprint, request=request)
            if record.status_code is not None:
                if record.fingerprint != fingerprint:
                    raise Conflict(
                        _(
                            "This Idempotency-Key was used for a different request (%(method)s %(path)s or another "
                            "body). Use a new key for a new request."
                        )
                        % {"method": record.method, "path": record.path},
                        code="idempotency_key_reused",
                    )
                return _replay(record)
            response = handler(view, request, *args, **kwargs)
            if response.status_code >= 400:
                transaction.set_rollback(True)  # nothing kept: the client may retry with the same key
                return response
            # Stored as the client sees it, so the replay is the same bytes.
            body = JSONRenderer().render(response.data).decode() if response.data is not None else None
            IdempotencyRecord.objects.filter(pk=record.pk).update(status_code=response.status_code, response_body=body)
            return response

    mark_idempotent(wrapper, replays=True)
    return wrapper


def _claim(*, owner: str, key: str, fingerprint: str, request: Any) -> IdempotencyRecord:
    """Insert the record, or return the finished one an earlier request left (waiting for it to commit)."""
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(
                    owner=owner,
                    key=key,
                    fingerprint=fingerprint,
                    method=request.method,
                    path=request.get_full_path()[:500],
                )
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
            if existing is None:
                continue  # the other request rolled back: try again
            if existing.created_at < timezone.now() - ttl():
                existing.delete()  # expired but not purged yet: a new request
                continue
            if existing.status_code is None:
                # Only possible on a database without blocking unique inserts.
                raise Conflict(
                    _("A request with this Idempotency-Key is still in progress; retry in a moment."),
                    code="idempotency_key_in_progress",
                ) from None
            return existing
    raise Conflict(
        _("A request with this Idempotency-Key is still in progress; retry in a moment."),
        code="idempotency_key_in_progress",
    )


def idempotency_purge(*, now: Any = None) -> int:
    cutoff = (now or timezone.now()) - ttl()
    deleted, _rows = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
