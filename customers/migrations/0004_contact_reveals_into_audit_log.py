"""Every contact reveal recorded so far moves into the audit log (audit.AuditEntry), which from now on is the
one record of them (the next migration drops the ContactReveal table). Backwards, the reveals in the audit log
are copied into ContactReveal again; the audit log keeps its entries (it is never deleted from), and running
forwards once more copies only what it does not hold yet."""

from django.db import migrations

BATCH = 1000
TARGET = "customers.customer"


def _label(customer):
    # customers.services.buyers.customer_audit_label, as it is when this migration was written.
    return f"{customer.name} · {customer.platform} {customer.platform_account_id}"[:200]


def reveals_into_audit_log(apps, schema_editor):
    ContactReveal = apps.get_model("customers", "ContactReveal")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    held = set(
        AuditEntry.objects.filter(action="contact_revealed", target_type=TARGET).values_list(
            "actor_id", "target_id", "created_at", "context"
        )
    )
    batch = []
    for reveal in ContactReveal.objects.select_related("customer", "user").order_by("id").iterator(chunk_size=BATCH):
        if (reveal.user_id, reveal.customer_id, reveal.revealed_at, reveal.context) in held:
            continue
        batch.append(
            AuditEntry(
                created_at=reveal.revealed_at,
                action="contact_revealed",
                actor_id=reveal.user_id,
                actor_label=reveal.user.username[:150],
                target_type=TARGET,
                target_id=reveal.customer_id,
                target_label=_label(reveal.customer),
                context=reveal.context,
            )
        )
        if len(batch) >= BATCH:
            AuditEntry.objects.bulk_create(batch)
            batch = []
    AuditEntry.objects.bulk_create(batch)


def audit_log_into_reveals(apps, schema_editor):
    ContactReveal = apps.get_model("customers", "ContactReveal")
    Customer = apps.get_model("customers", "Customer")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    customers = set(Customer.objects.values_list("pk", flat=True))
    entries = AuditEntry.objects.filter(
        action="contact_revealed", target_type=TARGET, actor__isnull=False
    ).order_by("created_at", "id")
    for entry in entries.iterator(chunk_size=BATCH):
        if entry.target_id not in customers:
            continue  # the buyer is gone; ContactReveal cannot name them (the audit log still does)
        reveal = ContactReveal.objects.create(customer_id=entry.target_id, user_id=entry.actor_id, context=entry.context)
        # revealed_at is auto_now_add: set to the time of the reveal afterwards.
        ContactReveal.objects.filter(pk=reveal.pk).update(revealed_at=entry.created_at)


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_person_links"), ("audit", "0001_initial")]
    operations = [migrations.RunPython(reveals_into_audit_log, audit_log_into_reveals)]
