"""audit.services.audit_record: the one writer of the audit log. It takes who, what and about what from the
caller and where from (request id, page / API / admin, address) from the request being served; the entries
it writes cannot be changed or deleted."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from audit.enums import AuditAction, AuditSource
from audit.models import AppendOnlyError, AuditEntry
from audit.services import audit_record, source_for_path
from core.request_id import RequestIdMiddleware
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


def _record_during_request(path: str, **headers: str) -> AuditEntry:
    entries = []

    def view(request):  # type: ignore[no-untyped-def]
        entries.append(audit_record(action=AuditAction.CUSTOMER_VIEWED, actor=UserFactory(username="manager1")))
        return HttpResponse()

    request = RequestFactory().get(path, REMOTE_ADDR="203.0.113.7", **headers)
    RequestIdMiddleware(view)(request)
    return entries[0]


def test_an_entry_made_during_a_request_keeps_its_request_id_source_and_address():
    entry = _record_during_request("/customers/1/", HTTP_X_REQUEST_ID="req-abc-12345")
    assert (entry.request_id, entry.source, entry.ip_address) == ("req-abc-12345", "page", "203.0.113.7")
    assert (entry.actor.username, entry.actor_label) == ("manager1", "manager1")


def test_the_source_is_read_from_the_path():
    assert _record_during_request("/api/v1/customers/1/").source == AuditSource.API
    assert source_for_path("/admin/customers/customer/") == AuditSource.ADMIN
    assert source_for_path("/audit/") == AuditSource.PAGE
    assert source_for_path(None) == AuditSource.SYSTEM


def test_outside_a_request_the_system_acted_and_there_is_no_request_id():
    entry = audit_record(action=AuditAction.API_KEY_CREATED, actor=None, target_label="demo")
    assert (entry.source, entry.request_id, entry.ip_address, entry.actor) == ("system", "", None, None)


def test_an_anonymous_caller_is_recorded_as_nobody_with_the_name_they_gave():
    entry = audit_record(action=AuditAction.LOGIN_FAILED, actor=AnonymousUser(), actor_label="admin")
    assert (entry.actor, entry.actor_label) == (None, "admin")


def test_the_target_is_kept_as_type_id_and_label_not_as_a_key():
    customer = CustomerFactory(name="王小明", platform_account_id="tb_wxm")
    entry = audit_record(action=AuditAction.CUSTOMER_VIEWED, actor=None, target=customer, target_label="王小明 tb_wxm")
    assert (entry.target_type, entry.target_id, entry.target_label) == (
        "customers.customer",
        customer.pk,
        "王小明 tb_wxm",
    )


def test_entries_cannot_be_changed_or_deleted():
    entry = audit_record(action=AuditAction.LOGGED_IN, actor=UserFactory())
    entry.context = "edited"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(context="edited")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).context == ""


def test_a_user_with_a_history_cannot_be_deleted():
    from django.db.models import ProtectedError

    user = UserFactory()
    audit_record(action=AuditAction.LOGGED_IN, actor=user)
    with pytest.raises(ProtectedError):
        user.delete()
