"""Runs matching + rules for a batch of encounters and writes the results.

A batch costs a constant number of queries whatever its size: the encounters (locked), the
candidate entry records for every blocking key of the batch in one OR-ed query, then the
extensions, work permits, guest registrations and travel documents of the matched people in
one query each, then bulk writes. Nothing here loops over people with a query inside.

Idempotent: the Verification row is updated in place, a Flag is unique per (encounter, kind)
and is updated, reopened (when it was cleared) or cleared (when no longer true) — unless a
supervisor already decided it (DECIDED_STATUSES), then it is left as it is.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import transaction
from django.db.models import Exists, F, Lookup, OuterRef, Q
from django.utils import timezone

from accounts.services import audit_write
from inspections.models import (
    DECIDED_STATUSES,
    SCREENING_QUESTIONS,
    Encounter,
    Flag,
    FlagStatus,
    Inspection,
    InspectionStatus,
    Verification,
    VerificationStatus,
)
from inspections.verification import matching, rules
from registry.models import EntryRecord, GuestRegistration, StayExtension, TravelDocument, WorkPermit
from registry.normalisation import normalise_country, normalise_document_number

logger = logging.getLogger(__name__)

ERROR_STATUSES = (VerificationStatus.PENDING, VerificationStatus.ERROR)
_FLAG_FIELDS = ["severity", "details", "status", "held_for_victim_screening", "province", "district",
                "premises_type", "nationality", "inspected_on"]
_VERIFICATION_FIELDS = ["status", "matched_entry", "match_score", "match_method", "rules_version", "checked_at",
                        "attempts", "error"]


@dataclass(frozen=True)
class BatchResult:
    encounters: int
    clear: int
    flagged: int
    exempt: int
    error: int
    inspections_verified: int


def match_settings() -> matching.MatchSettings:
    return matching.MatchSettings.from_mapping(settings.VERIFICATION)


def screening_settings() -> rules.ScreeningSettings:
    return rules.ScreeningSettings.from_mapping(settings.TRAFFICKING_SCREENING, SCREENING_QUESTIONS)


# --- loading -------------------------------------------------------------------------------

def inspection_date(inspection: Inspection) -> dt.date:
    return timezone.localtime(inspection.started_at).date()


def encounter_facts(encounter: Encounter) -> matching.EncounterFacts:
    inspection = encounter.inspection
    return matching.EncounterFacts(
        key=str(encounter.pk),
        surname=encounter.surname,
        given_names=encounter.given_names,
        date_of_birth=encounter.date_of_birth,
        sex=encounter.sex,
        nationality=normalise_country(encounter.nationality),
        document_type=encounter.document_type,
        document_number=normalise_document_number(encounter.document_number),
        issuing_country=normalise_country(encounter.document_issuing_country),
        document_expiry=encounter.document_expiry,
        role=encounter.role,
        premises_id=str(inspection.premises_id),
        inspected_on=inspection_date(inspection),
        screening=encounter.screening_answers(),
    )


_ENTRY_COLUMNS = ("id", "source_id", "foreigner_id", "document_type", "document_number", "issuing_country",
                  "nationality", "surname", "given_names", "date_of_birth", "sex", "entry_date", "permitted_until",
                  "exit_date", "visa_type__code", "visa_type__allows_work", "visa_type__is_diplomatic", "name_key")


def entry_facts(row: tuple) -> matching.EntryFacts:
    """From a values_list row of _ENTRY_COLUMNS (no model instances: thousands per batch)."""
    values = list(row)
    values[2] = str(values[2]) if values[2] else None
    return matching.EntryFacts(*values)


class AnyOf(Lookup):
    """``column IN values``, written ``column = ANY(%s)`` with the whole list as ONE array parameter
    on PostgreSQL. A batch's blocking keys are ~1,300 values per 50 people (document numbers and
    their one-edit variants): as an IN list, building, binding and parsing ~1,300 placeholders cost
    more than the index lookups. Same rows, same plan (PostgreSQL turns IN lists into = ANY)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def _values(self, connection) -> list:
        field = self.lhs.output_field
        values = [field.get_db_prep_value(v, connection, prepared=False) for v in self.rhs]
        if not values:
            raise EmptyResultSet
        return values

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        values = self._values(connection)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*params, *values]

    def as_postgresql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*params, self._values(connection)]


def candidate_query(keys: matching.BlockingKeys, latest: dt.date) -> Q | None:
    """One OR-ed condition for every blocking key of the batch."""
    q = Q()
    if keys.documents:
        q |= Q(AnyOf(F("document_number"), sorted(keys.documents)))
    for nationality, dobs in sorted(keys.nationality_dobs.items()):
        q |= Q(AnyOf(F("date_of_birth"), sorted(dobs)), nationality=nationality)
    if keys.name_keys and keys.dobs:
        q |= Q(AnyOf(F("name_key"), sorted(keys.name_keys)), AnyOf(F("date_of_birth"), sorted(keys.dobs)))
    if not q:
        return None
    return q & Q(entry_date__lte=latest)


def load_candidates(facts: Sequence[matching.EncounterFacts]) -> matching.CandidateIndex:
    keys = matching.blocking_keys(facts)
    condition = candidate_query(keys, max((f.inspected_on for f in facts), default=dt.date.min))
    if condition is None:
        return matching.CandidateIndex(())
    rows = EntryRecord.objects.filter(condition).values_list(*_ENTRY_COLUMNS)
    return matching.CandidateIndex(entry_facts(row) for row in rows)


def load_registry_facts(
    facts: Sequence[matching.EncounterFacts], matches: dict[str, matching.MatchResult]
) -> dict[str, rules.RegistryFacts]:
    """Extensions, permits, registrations and document expiry of the batch: one query each."""
    entry_ids = {m.entry.id for m in matches.values() if m.entry is not None}
    foreigners = {m.entry.foreigner_id for m in matches.values() if m.entry is not None and m.entry.foreigner_id}
    documents: dict[str, set[tuple[str, str]]] = {}
    for f in facts:
        docs = set()
        if f.doc:
            docs.add((f.doc, f.country))
        m = matches.get(f.key)
        if m is not None and m.entry is not None:
            docs.add((m.entry.doc, normalise_country(m.entry.issuing_country)))
        documents[f.key] = docs
    numbers = sorted({number for docs in documents.values() for number, _ in docs})
    premises = sorted({f.premises_id for f in facts if f.role in rules.LODGING_ROLES and f.premises_id})
    workers = any(f.role == rules.WORKER for f in facts)

    extensions = defaultdict(list)
    if entry_ids:
        for x in StayExtension.objects.filter(entry_id__in=sorted(entry_ids)).select_related("visa_type"):
            extensions[x.entry_id].append(rules.ExtensionFacts(
                x.granted_on, x.valid_until, x.visa_type.code, x.visa_type.allows_work, x.visa_type.is_diplomatic))

    permits_by_doc, permits_by_foreigner = defaultdict(list), defaultdict(list)
    if workers and (numbers or foreigners):
        permit_q = Q(document_number__in=numbers) | Q(foreigner_id__in=sorted(foreigners))
        for p in WorkPermit.objects.filter(permit_q).only(
                "document_number", "issuing_country", "foreigner_id", "valid_from", "valid_until"):
            fact = rules.PermitFacts(p.valid_from, p.valid_until)
            permits_by_doc[(p.document_number, p.issuing_country)].append(fact)
            if p.foreigner_id:
                permits_by_foreigner[str(p.foreigner_id)].append(fact)

    regs_by_doc, regs_by_foreigner = defaultdict(list), defaultdict(list)
    if premises and (numbers or foreigners):
        reg_q = Q(premises_id__in=premises) & (Q(document_number__in=numbers) | Q(foreigner_id__in=sorted(foreigners)))
        for r in GuestRegistration.objects.filter(reg_q).only(
                "premises_id", "document_number", "issuing_country", "foreigner_id", "check_in", "check_out"):
            fact = rules.RegistrationFacts(str(r.premises_id), r.check_in, r.check_out)
            regs_by_doc[(r.document_number, r.issuing_country)].append(fact)
            if r.foreigner_id:
                regs_by_foreigner[str(r.foreigner_id)].append(fact)

    expiry_by_doc = {}
    encounter_numbers = sorted({f.doc for f in facts if f.doc and f.document_expiry is None})
    if encounter_numbers:
        for number, country, expiry in TravelDocument.objects.filter(
                number__in=encounter_numbers, expiry_date__isnull=False).values_list(
                "number", "issuing_country", "expiry_date"):
            expiry_by_doc[(number, country)] = expiry

    out = {}
    for f in facts:
        m = matches.get(f.key)
        entry = m.entry if m is not None else None
        docs = documents[f.key]
        foreigner = entry.foreigner_id if entry is not None else None

        def gather(by_doc, by_foreigner, docs=docs, foreigner=foreigner):
            found = {item for doc in docs for item in by_doc.get(doc, ())}
            if foreigner:
                found |= set(by_foreigner.get(foreigner, ()))
            return tuple(sorted(found, key=repr))

        out[f.key] = rules.RegistryFacts(
            extensions=tuple(extensions.get(entry.id, ())) if entry is not None else (),
            work_permits=gather(permits_by_doc, permits_by_foreigner),
            guest_registrations=gather(regs_by_doc, regs_by_foreigner),
            document_expiry=expiry_by_doc.get((f.doc, f.country)),
        )
    return out


# --- writing -------------------------------------------------------------------------------

def _flag_values(raised: rules.RaisedFlag, encounter: Encounter, on: dt.date) -> dict:
    premises = encounter.inspection.premises
    return {
        "severity": raised.severity,
        "details": raised.details,
        "held_for_victim_screening": raised.held_for_victim_screening,
        "province_id": premises.district.province_id,
        "district_id": premises.district_id,
        "premises_type": premises.premises_type,
        "nationality": normalise_country(encounter.nationality),
        "inspected_on": on,
    }


def reconcile_flags(existing: Iterable[Flag], raised: Iterable[rules.RaisedFlag], encounter: Encounter,
                    on: dt.date) -> tuple[list[Flag], list[Flag]]:
    """(flags to create, flags to update) so that the stored flags say what the rules say.

    Decided flags are never touched. A cleared flag that applies again reopens. A flag no longer
    raised is cleared. Unchanged flags are not written at all.
    """
    by_kind = {f.kind: f for f in existing}
    create, update = [], []
    raised_kinds = set()
    for r in raised:
        raised_kinds.add(r.kind)
        values = _flag_values(r, encounter, on)
        flag = by_kind.get(r.kind)
        if flag is None:
            create.append(Flag(encounter=encounter, kind=r.kind, status=FlagStatus.OPEN, **values))
            continue
        if flag.status in DECIDED_STATUSES:
            continue
        changed = False
        if flag.status == FlagStatus.CLEARED:
            flag.status = FlagStatus.OPEN
            changed = True
        for name, value in values.items():
            if getattr(flag, name) != value:
                setattr(flag, name, value)
                changed = True
        if changed:
            update.append(flag)
    for kind, flag in by_kind.items():
        if kind not in raised_kinds and flag.status not in DECIDED_STATUSES and flag.status != FlagStatus.CLEARED:
            flag.status = FlagStatus.CLEARED
            update.append(flag)
    return create, update


def _short_error(exc: Exception) -> str:
    # The class name only: messages may quote recorded names or document numbers.
    return f"verification failed: {type(exc).__name__}"[:300]


@transaction.atomic
def verify_encounters(*, encounter_ids: Iterable, now: dt.datetime | None = None) -> BatchResult:
    """Verify one batch of encounters (of submitted or verified inspections; drafts are skipped)."""
    now = now or timezone.now()
    ids = sorted({str(i) for i in encounter_ids})
    if not ids:
        return BatchResult(0, 0, 0, 0, 0, 0)
    m_settings, s_settings = match_settings(), screening_settings()
    rules_version = settings.VERIFICATION["RULES_VERSION"]

    encounters = list(
        Encounter.objects.select_for_update(of=("self",))
        .filter(pk__in=ids, anonymised_at__isnull=True,
                inspection__status__in=[InspectionStatus.SUBMITTED, InspectionStatus.VERIFIED])
        .select_related("inspection__premises__district", "verification")
        .order_by("pk")
    )
    if not encounters:
        return BatchResult(0, 0, 0, 0, 0, 0)
    existing_flags = defaultdict(list)
    # locked too: a supervisor deciding one of these flags meanwhile waits instead of being overwritten
    for flag in Flag.objects.select_for_update().filter(encounter__in=encounters).order_by("pk"):
        existing_flags[flag.encounter_id].append(flag)

    facts, failures = {}, {}
    for enc in encounters:
        try:
            facts[str(enc.pk)] = encounter_facts(enc)
        except Exception as exc:  # noqa: BLE001 - one bad record must not stop the batch
            failures[str(enc.pk)] = _short_error(exc)

    index = load_candidates(list(facts.values()))
    matches = {}
    for key, f in facts.items():
        try:
            matches[key] = matching.match_encounter(f, index, m_settings)
        except Exception as exc:  # noqa: BLE001
            failures[key] = _short_error(exc)
    matched_facts = [f for k, f in facts.items() if k in matches]
    registry = load_registry_facts(matched_facts, matches)

    v_create, v_update, f_create, f_update, link = [], [], [], [], []
    counts = defaultdict(int)
    for enc in encounters:
        key = str(enc.pk)
        try:
            verification = enc.verification
        except Verification.DoesNotExist:
            verification = Verification(encounter=enc)
            v_create.append(verification)
        else:
            v_update.append(verification)
        verification.attempts += 1
        verification.checked_at = now
        verification.rules_version = rules_version
        if key not in failures:
            try:
                f, match = facts[key], matches[key]
                outcome = rules.evaluate(f, match, registry[key], s_settings)
                create, update = reconcile_flags(existing_flags.get(enc.pk, ()), outcome.flags, enc, f.inspected_on)
            except Exception as exc:  # noqa: BLE001
                failures[key] = _short_error(exc)
            else:
                f_create += create
                f_update += update
                verification.status = outcome.status
                verification.matched_entry_id = match.entry.id if match.entry is not None else None
                verification.match_score = match.score
                verification.match_method = match.method
                verification.error = ""
                if enc.foreigner_id is None and match.entry is not None and match.entry.foreigner_id:
                    enc.foreigner_id = match.entry.foreigner_id
                    link.append(enc)
        if key in failures:
            verification.status = VerificationStatus.ERROR
            verification.error = failures[key]
            logger.warning("verification error encounter=%s %s", key, failures[key])
        counts[verification.status] += 1

    # Upserts: one INSERT ... ON CONFLICT DO UPDATE per table, whatever the mix of new and
    # existing rows (bulk_update's CASE expressions cost more than the whole verification).
    Verification.objects.bulk_create(v_create + v_update, update_conflicts=True, unique_fields=["encounter"],
                                     update_fields=_VERIFICATION_FIELDS)
    for flag in f_update:
        flag.updated_at = now
    if f_create or f_update:
        Flag.objects.bulk_create(f_create + f_update, update_conflicts=True, unique_fields=["encounter", "kind"],
                                 update_fields=_FLAG_FIELDS + ["updated_at"])
    if link:
        Encounter.objects.bulk_update(link, ["foreigner"])

    inspection_ids = sorted({str(enc.inspection_id) for enc in encounters})
    verified = inspections_mark_verified(inspection_ids=inspection_ids, now=now)
    audit_write(actor=None, action="verification.run", object_type="inspections.verification",
                after={"encounters": len(encounters), "clear": counts[VerificationStatus.CLEAR],
                       "flagged": counts[VerificationStatus.FLAGGED], "exempt": counts[VerificationStatus.EXEMPT],
                       "error": counts[VerificationStatus.ERROR], "inspections_verified": verified,
                       "rules_version": rules_version})
    return BatchResult(len(encounters), counts[VerificationStatus.CLEAR], counts[VerificationStatus.FLAGGED],
                       counts[VerificationStatus.EXEMPT], counts[VerificationStatus.ERROR], verified)


def inspections_mark_verified(*, inspection_ids: Sequence[str], now: dt.datetime) -> int:
    """Submitted inspections whose every encounter has a final result become verified (one UPDATE)."""
    unfinished = Encounter.objects.filter(inspection=OuterRef("pk")).filter(
        Q(verification__isnull=True) | Q(verification__status__in=ERROR_STATUSES))
    return (Inspection.objects.filter(pk__in=inspection_ids, status=InspectionStatus.SUBMITTED)
            .exclude(Exists(unfinished)).update(status=InspectionStatus.VERIFIED, verified_at=now, updated_at=now))


def batches(ids: Sequence, size: int | None = None) -> list[list]:
    size = size or settings.VERIFICATION["BATCH_SIZE"]
    return [list(ids[i:i + size]) for i in range(0, len(ids), size)]


def inspection_verify(*, inspection_id, now: dt.datetime | None = None) -> list[BatchResult]:
    """Every encounter of one submitted inspection, in batches; an empty inspection is verified at once."""
    now = now or timezone.now()
    ids = list(Encounter.objects.filter(inspection_id=inspection_id).order_by("pk").values_list("pk", flat=True))
    results = [verify_encounters(encounter_ids=chunk, now=now) for chunk in batches(ids)]
    if not ids:
        inspections_mark_verified(inspection_ids=[str(inspection_id)], now=now)
    return results


def encounters_needing_verification(limit: int | None = None) -> list:
    """Encounters of submitted/verified inspections never verified, still pending or in error."""
    qs = (Encounter.objects.filter(inspection__status__in=[InspectionStatus.SUBMITTED, InspectionStatus.VERIFIED],
                                   anonymised_at__isnull=True)
          .filter(Q(verification__isnull=True) | Q(verification__status__in=ERROR_STATUSES))
          .order_by("pk").values_list("pk", flat=True))
    return list(qs[:limit] if limit else qs)
