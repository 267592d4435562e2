"""Move open tickets to the running-total clock model, and date the met escalations.

Until now the clocks ran 24×7 and a due time was start + target + paused time. The running total that gives
the same due times: time used = (when the clocks stopped, or now) − received_at − paused time.
"""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone

RUNNING = ("new", "open")


def forwards(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    Escalation = apps.get_model("tickets", "Escalation")
    now = timezone.now()
    for ticket in Ticket.objects.iterator(chunk_size=2000):
        paused = timedelta(seconds=ticket.sla_paused_seconds)
        if ticket.status in RUNNING and ticket.sla_paused_at is None:
            ticket.sla_clock_started_at = now
            stopped_at = now
        else:
            ticket.sla_clock_started_at = None
            stopped_at = ticket.sla_paused_at or ticket.resolved_at or ticket.closed_at or now
        ticket.sla_elapsed = max(timedelta(0), stopped_at - ticket.received_at - paused)
        ticket.save(update_fields=["sla_clock_started_at", "sla_elapsed"])
    for escalation in Escalation.objects.select_related("ticket").iterator(chunk_size=2000):
        met = (
            escalation.ticket.first_responded_at
            if escalation.target == "first_response"
            else escalation.ticket.resolved_at
        )
        if met is not None:
            escalation.met_at = met
            escalation.save(update_fields=["met_at"])


class Migration(migrations.Migration):
    dependencies = [("tickets", "0006_business_calendars_and_sla_depth")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
