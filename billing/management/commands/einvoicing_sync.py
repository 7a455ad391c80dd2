"""Read back the platform's statuses and receive supplier invoices (run it by cron or
the worker's schedule, e.g. every quarter of an hour)."""

from django.core.management.base import BaseCommand

from billing import exchange


class Command(BaseCommand):
    help = "Read the approved platform: statuses of sent documents, supplier invoices."

    def handle(self, *args, **options):
        recorded, received = exchange.sync()
        self.stdout.write(f"{recorded} status(es) recorded, {received} supplier invoice(s).")
