from django.core.management.base import BaseCommand

from tickets.services.escalation import sla_sweep


class Command(BaseCommand):
    help = "Run one SLA sweep now, synchronously, and print what it escalated."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        results = sla_sweep()
        for result in results:
            self.stdout.write(
                f"escalated {result.reference} {result.target} level {result.level} ({result.late_seconds}s late)"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(results)} escalation(s)"))
