"""Signals the registry sends so that apps above it can react without the registry importing them.

``records_imported`` is sent (after the import's transaction commits) with
``kind`` ("entry_records", "stay_extensions", "work_permits", "guest_registrations", "premises") and
``documents``: a list of (normalised document number, issuing country) pairs the import touched.
The inspections app listens and re-verifies the encounters those records could change.
"""

from django.dispatch import Signal

records_imported = Signal()

# Sent by registry.demo.seed_demo (inside its transaction) with ``context``: a
# registry.demo.DemoContext (seed, rng, units, users, counts). Apps above the registry connect
# here to add their own demo data (e.g. inspections and encounters).
demo_seeded = Signal()
