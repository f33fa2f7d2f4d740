import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from registry.demo import DEMO_USERS, has_data, logins_text, seed_demo


class Command(BaseCommand):
    help = ("Create demo units, one demo user per role (logins printed) and a believable registry: premises of "
            "every type across provinces, entry records, stay extensions, work permits, guest registrations.")

    def add_arguments(self, parser):
        parser.add_argument("--entries", type=int, default=3000, help="entry records to create (default 3000)")
        parser.add_argument("--premises", type=int, default=300, help="premises to create (default 300)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed: the same seed gives the same data")
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing if the registry already holds premises or entry records")

    def handle(self, *args, entries, premises, seed, if_empty, **options):
        if entries < 0 or premises < 0:
            raise CommandError("--entries and --premises must not be negative")
        if has_data():
            if if_empty:
                self.stdout.write("The registry already holds data; seed_demo did nothing.")
                if get_user_model().objects.filter(username__in=[u[0] for u in DEMO_USERS]).exists():
                    self.stdout.write(logins_text())
                return
            if not premises and not entries:
                raise CommandError("nothing to do")
        started = time.monotonic()
        ctx = seed_demo(entries=entries, premises=premises, seed=seed, write=self.stdout.write)
        elapsed = time.monotonic() - started
        counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in ctx.counts.items())
        self.stdout.write(self.style.SUCCESS(
            f"Demo data in {elapsed:.1f} s: {ctx.premises_count} premises, {counts}."))
        self.stdout.write(logins_text())
