"""customers 0004/0005: the contact reveals recorded before the audit log move into it (who, which buyer,
where, when), and the ContactReveal table goes. Backwards they come back; forwards again copies nothing twice."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("customers", "0003_person_links")
AFTER = ("customers", "0005_delete_contactreveal")


def _migrate(customers):  # type: ignore[no-untyped-def]
    """Every app at its latest migration but customers, at ``customers``; the models as they were then."""
    executor = MigrationExecutor(connection)
    targets = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "customers"] + [customers]
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_reveals_move_into_the_audit_log_and_back():
    try:
        apps = _migrate(BEFORE)
        User = apps.get_model("accounts", "User")
        Customer = apps.get_model("customers", "Customer")
        ContactReveal = apps.get_model("customers", "ContactReveal")
        manager = User.objects.create(username="manager1")
        buyer = Customer.objects.create(
            name="王小明", phone="13812345678", platform="taobao", platform_account_id="tb_wxm"
        )
        reveal = ContactReveal.objects.create(customer=buyer, user=manager, context="HD-000123")
        revealed_at = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
        ContactReveal.objects.filter(pk=reveal.pk).update(revealed_at=revealed_at)

        apps = _migrate(AFTER)
        AuditEntry = apps.get_model("audit", "AuditEntry")
        entry = AuditEntry.objects.get()
        assert (entry.action, entry.actor_id, entry.actor_label) == ("contact_revealed", manager.pk, "manager1")
        assert (entry.target_type, entry.target_id, entry.target_label) == (
            "customers.customer",
            buyer.pk,
            "王小明 · taobao tb_wxm",
        )
        assert (entry.context, entry.created_at) == ("HD-000123", revealed_at)
        assert "customers_contactreveal" not in connection.introspection.table_names()

        apps = _migrate(BEFORE)
        back = apps.get_model("customers", "ContactReveal").objects.get()
        assert (back.customer_id, back.user_id, back.context, back.revealed_at) == (
            buyer.pk,
            manager.pk,
            "HD-000123",
            revealed_at,
        )
        apps = _migrate(AFTER)
        assert apps.get_model("audit", "AuditEntry").objects.count() == 1
    finally:
        _migrate(AFTER)
