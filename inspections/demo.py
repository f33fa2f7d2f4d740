"""Demo inspections for ``seed_demo``: what a few weeks of visits in Phnom Penh look like.

Connected to ``registry.signals.demo_seeded``. Every inspection is made the way an officer makes
one — through the services, then submitted — so the verification worker produces the flags the
dashboard shows. The people met are drawn from the demo registry with the situations the
inspections exist to find: people in order, overstays, tourists at work, workers without
permits, people with no entry record, possible trafficking victims, and a diplomat.
"""

import datetime
import random

from django.db.models import Q
from django.utils import timezone

from accounts.models import Role
from inspections.models import Answer, EncounterRole
from inspections.services import encounter_add, inspection_create, inspection_submit
from registry.models import DocumentType, EntryRecord, Premises, PremisesType

INSPECTIONS = 14
# (premises type, roles of the people met)
VISITS = [
    (PremisesType.HOTEL, [EncounterRole.GUEST] * 4),
    (PremisesType.CONSTRUCTION, [EncounterRole.WORKER] * 4 + [EncounterRole.EMPLOYER]),
    (PremisesType.COMPOUND, [EncounterRole.WORKER] * 4),
    (PremisesType.BRICK_KILN, [EncounterRole.WORKER] * 3),
    (PremisesType.ENTERTAINMENT, [EncounterRole.WORKER] * 2 + [EncounterRole.GUEST]),
    (PremisesType.RESIDENTIAL, [EncounterRole.RESIDENT] * 3),
    (PremisesType.COMPANY, [EncounterRole.WORKER] * 2 + [EncounterRole.EMPLOYER]),
]
NO_RECORD_PEOPLE = [
    ("CHEN", "XIAO MING", "CHN", "M"), ("TRAN", "THI HOA", "VNM", "F"), ("OKAFOR", "CHUKWUEMEKA", "NGA", "M"),
    ("SOMCHAI", "NARONG", "THA", "M"), ("RAHMAN", "MOHAMMAD ABDUR", "BGD", "M"),
]


def _entry_fields(entry: EntryRecord, role: str) -> dict:
    return {
        "surname": entry.surname, "given_names": entry.given_names, "date_of_birth": entry.date_of_birth,
        "sex": entry.sex, "nationality": entry.nationality, "document_type": entry.document_type,
        "document_number": entry.document_number, "document_issuing_country": entry.issuing_country,
        "role": role,
    }


def _victim_answers(rng: random.Random) -> dict:
    answers = {"document_withheld": Answer.YES, "not_free_to_leave": Answer.YES, "debt_owed": Answer.YES,
               "wages_withheld": Answer.YES, "lives_at_workplace": Answer.YES}
    if rng.random() < 0.5:
        answers["isolated"] = Answer.YES
    return answers


def _screening_clear() -> dict:
    return {name: Answer.NO for name in ("document_withheld", "not_free_to_leave", "debt_owed", "wages_withheld",
                                         "threats_or_violence", "under_18")}


def _person(rng, role, premises_type, on, pools) -> dict:
    """One person met: mostly people in order, with the situations inspections look for."""
    roll = rng.random()
    worker_like = role in (EncounterRole.WORKER, EncounterRole.RESIDENT)
    if premises_type in (PremisesType.COMPOUND, PremisesType.BRICK_KILN) and role == EncounterRole.WORKER \
            and roll < 0.35 and pools["present"]:
        fields = _entry_fields(rng.choice(pools["present"]), role)
        fields.update(_victim_answers(rng))
        return fields
    if roll < 0.08:
        surname, given, nationality, sex = rng.choice(NO_RECORD_PEOPLE)
        fields = {"surname": surname, "given_names": given, "nationality": nationality, "sex": sex,
                  "date_of_birth": datetime.date(1985 + rng.randrange(15), 1 + rng.randrange(12),
                                                 1 + rng.randrange(28)),
                  "document_type": DocumentType.PASSPORT, "document_issuing_country": nationality,
                  "document_number": f"N{rng.randrange(10**7):07d}", "role": role}
    elif roll < 0.25 and pools["overstayers"]:
        fields = _entry_fields(rng.choice(pools["overstayers"]), role)
    elif roll < 0.30 and pools["diplomats"]:
        fields = _entry_fields(rng.choice(pools["diplomats"]), role)
    else:
        fields = _entry_fields(rng.choice(pools["present"]), role)
    if worker_like:
        fields.update(_screening_clear())
    return fields


POOL_SIZE = 500  # candidates per pool: enough variety, and a bounded query at millions of entries


def _pools(today: datetime.date) -> dict:
    two_months_ago = today - datetime.timedelta(days=60)
    entries = EntryRecord.objects.select_related("visa_type").filter(entry_date__lte=two_months_ago)
    still_here = entries.filter(exit_date__isnull=True)

    def first(queryset) -> list[EntryRecord]:
        return list(queryset.order_by("source_id")[:POOL_SIZE])

    return {
        "present": first(still_here.filter(permitted_until__gte=today, visa_type__is_diplomatic=False,
                                           document_type=DocumentType.PASSPORT)),
        "overstayers": first(still_here.filter(permitted_until__lt=two_months_ago)),
        "diplomats": first(entries.filter(Q(visa_type__is_diplomatic=True)
                                          | Q(document_type=DocumentType.DIPLOMATIC))),
    }


def seed_inspections(*, ctx) -> int:
    """Make and submit the demo inspections; returns how many."""
    officer = ctx.users.get(Role.OFFICER)
    if officer is None:
        return 0
    rng = random.Random(ctx.seed + 1)
    today = timezone.localdate()
    pools = _pools(today)
    if not pools["present"]:
        return 0
    made = 0
    for index in range(INSPECTIONS):
        premises_type, roles = VISITS[index % len(VISITS)]
        premises = (Premises.objects.filter(premises_type=premises_type, district__province__code="KH-12")
                    .order_by("name")[index // len(VISITS): index // len(VISITS) + 1].first())
        if premises is None:
            continue
        days_ago = 3 + (INSPECTIONS - index) * 4
        morning = timezone.localtime().replace(hour=9, minute=30, second=0, microsecond=0)
        started = morning - datetime.timedelta(days=days_ago)
        inspection = inspection_create(
            actor=officer, premises=premises, started_at=started, ended_at=started + datetime.timedelta(hours=2),
            foreigners_present=len(roles) + rng.randrange(3), refused_access=rng.randrange(2),
            notes="Routine visit (demo).",
        )
        for role in roles:
            encounter_add(actor=officer, inspection=inspection,
                          **_person(rng, role, premises_type, started.date(), pools))
        inspection_submit(actor=officer, inspection=inspection)
        made += 1
    ctx.counts["inspections"] = made
    return made

