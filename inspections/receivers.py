"""Reactions to registry events (registry.signals), connected in InspectionsConfig.ready().

New entry / stay / permit / guest-registration records can change the result of encounters
that were unmatched or flagged: find them set-based and re-verify them in chunks.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver

from inspections.demo import seed_inspections
from inspections.models import Encounter, FlagKind, FlagStatus, InspectionStatus, VerificationStatus
from registry.normalisation import normalise_country, normalise_document_number
from registry.signals import demo_seeded, records_imported

# Encounters whose result an import could change: not yet final, or flagged.
REVISABLE = (VerificationStatus.PENDING, VerificationStatus.ERROR, VerificationStatus.FLAGGED)
DOCUMENT_CHUNK = 500


def encounters_touched(*, kind: str, documents) -> list[str]:
    """Ids of encounters of submitted/verified inspections with one of these documents whose
    result could change; for entry records also NO_ENTRY_RECORD encounters of the same
    nationalities (their fuzzy candidates cannot be known from documents), bounded by a setting."""
    pairs = {(normalise_document_number(n), normalise_country(c)) for n, c in documents or ()}
    pairs.discard(("", ""))
    live = Q(inspection__status__in=[InspectionStatus.SUBMITTED, InspectionStatus.VERIFIED],
             anonymised_at__isnull=True)
    revisable = Q(verification__isnull=True) | Q(verification__status__in=REVISABLE)
    found: set[str] = set()
    ordered = sorted(pairs)
    candidates = Encounter.objects.filter(live & revisable).exclude(document_number="")
    all_numbers = {n for n, _ in pairs}
    if len(all_numbers) > DOCUMENT_CHUNK and candidates.count() < len(all_numbers):
        # A large import: reading the fewer revisable encounters once beats looking up each of
        # its documents (a million documents were 2,000 queries).
        for pk, number, country in candidates.values_list(
                "pk", "document_number", "document_issuing_country").iterator(chunk_size=5000):
            if number in all_numbers and (
                    (normalise_document_number(number), normalise_country(country)) in pairs or not country):
                found.add(str(pk))
        ordered = []
    for start in range(0, len(ordered), DOCUMENT_CHUNK):
        chunk = ordered[start:start + DOCUMENT_CHUNK]
        numbers = sorted({n for n, _ in chunk})
        for pk, number, country in Encounter.objects.filter(live & revisable, document_number__in=numbers).values_list(
                "pk", "document_number", "document_issuing_country"):
            if (normalise_document_number(number), normalise_country(country)) in pairs or not country:
                found.add(str(pk))
    if kind == "entry_records" and pairs:
        nationalities = sorted({c for _, c in pairs if c})
        limit = settings.VERIFICATION["REVERIFY_NO_ENTRY_LIMIT"]
        no_entry = (Encounter.objects.filter(live, nationality__in=nationalities,
                                             flags__kind=FlagKind.NO_ENTRY_RECORD, flags__status=FlagStatus.OPEN)
                    .order_by("-inspection__started_at").values_list("pk", flat=True)[:limit])
        found |= {str(pk) for pk in no_entry}
    return sorted(found)


@receiver(records_imported, dispatch_uid="inspections.reverify_on_import")
def reverify_on_import(sender, kind: str = "", documents=(), **kwargs):
    from inspections.tasks import encounters_reverify_task

    if kind == "premises":
        return
    ids = encounters_touched(kind=kind, documents=documents)
    size = settings.VERIFICATION["REVERIFY_CHUNK"]
    for start in range(0, len(ids), size):
        chunk = ids[start:start + size]
        transaction.on_commit(lambda chunk=chunk: encounters_reverify_task.delay(chunk))


@receiver(demo_seeded)
def on_demo_seeded(sender, context, **kwargs):
    """seed_demo made the registry: add demo inspections, submitted for verification."""
    made = seed_inspections(ctx=context)
    context.write(f"Demo inspections: {made} submitted for verification.")
