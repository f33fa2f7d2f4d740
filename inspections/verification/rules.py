"""The verification rules: one small pure function per flag kind (DESIGN.md, Verification).

Each rule takes (encounter facts, match result, registry facts, inspection date) and returns
zero or one ``RaisedFlag``. ``evaluate`` applies the diplomatic exemption first, then every
rule, then the non-punishment hold. No ORM, no settings reads: the trafficking threshold comes
in as a ``ScreeningSettings``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from inspections.verification.matching import DOC_OTHER, EncounterFacts, MatchResult

# Flag kinds and severities; the same strings as inspections.models.FlagKind / Severity.
NO_ENTRY_RECORD = "NO_ENTRY_RECORD"
IDENTITY_CONFLICT = "IDENTITY_CONFLICT"
DOCUMENT_MISMATCH = "DOCUMENT_MISMATCH"
OVERSTAY = "OVERSTAY"
RECORDED_EXIT = "RECORDED_EXIT"
WORK_NOT_PERMITTED = "WORK_NOT_PERMITTED"
NO_WORK_PERMIT = "NO_WORK_PERMIT"
NOT_REGISTERED = "NOT_REGISTERED"
DOCUMENT_EXPIRED = "DOCUMENT_EXPIRED"
TRAFFICKING_INDICATORS = "TRAFFICKING_INDICATORS"

HIGH, MEDIUM, LOW = "high", "medium", "low"

STATUS_CLEAR, STATUS_FLAGGED, STATUS_EXEMPT = "clear", "flagged", "exempt"

DIPLOMATIC_DOCUMENT = "D"
WORKER = "worker"
LODGING_ROLES = ("guest", "resident")
YES = "yes"


@dataclass(frozen=True)
class ExtensionFacts:
    granted_on: dt.date
    valid_until: dt.date
    visa_code: str
    visa_allows_work: bool
    visa_is_diplomatic: bool


@dataclass(frozen=True)
class PermitFacts:
    valid_from: dt.date
    valid_until: dt.date


@dataclass(frozen=True)
class RegistrationFacts:
    premises_id: str
    check_in: dt.date
    check_out: dt.date | None


@dataclass(frozen=True)
class RegistryFacts:
    """What the registry knows about the matched person besides the entry record itself."""

    extensions: tuple[ExtensionFacts, ...] = ()
    work_permits: tuple[PermitFacts, ...] = ()
    guest_registrations: tuple[RegistrationFacts, ...] = ()
    # expiry of the encounter's document as the registry knows it (TravelDocument)
    document_expiry: dt.date | None = None


@dataclass(frozen=True)
class ScreeningSettings:
    strong: tuple[str, ...] = ("document_withheld", "not_free_to_leave", "threats_or_violence", "under_18")
    other_threshold: int = 3
    indicators: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, values: Mapping, indicators) -> ScreeningSettings:
        """From settings.TRAFFICKING_SCREENING and the screening field names."""
        return cls(strong=tuple(values["STRONG"]), other_threshold=int(values["OTHER_THRESHOLD"]),
                   indicators=tuple(indicators))


@dataclass(frozen=True)
class RaisedFlag:
    kind: str
    severity: str
    details: dict = field(default_factory=dict)
    held_for_victim_screening: bool = False


@dataclass(frozen=True)
class Outcome:
    status: str
    flags: tuple[RaisedFlag, ...]


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


# --- the rules -----------------------------------------------------------------------------

def rule_no_entry_record(enc: EncounterFacts, match: MatchResult, facts: RegistryFacts, on: dt.date):
    if match.entry is not None or match.conflict is not None:
        return None
    details = {"expected": "an entry record on or before the inspection date", "found": None}
    if match.ambiguous:
        details["ambiguous_candidates"] = match.ambiguous
    return RaisedFlag(NO_ENTRY_RECORD, HIGH, details)


def rule_identity_conflict(enc: EncounterFacts, match: MatchResult, facts: RegistryFacts, on: dt.date):
    entry = match.conflict
    if entry is None:
        return None
    return RaisedFlag(IDENTITY_CONFLICT, HIGH, {
        "entry_source_id": entry.source_id,
        "identity_score": match.conflict_score,
        "expected": {"surname": entry.surname, "given_names": entry.given_names,
                     "date_of_birth": _iso(entry.date_of_birth), "sex": entry.sex},
        "found": {"surname": enc.surname, "given_names": enc.given_names,
                  "date_of_birth": _iso(enc.date_of_birth), "sex": enc.sex},
    })


def rule_document_mismatch(enc: EncounterFacts, match: MatchResult, facts: RegistryFacts, on: dt.date):
    entry = match.entry
    if entry is None or match.document_relation != DOC_OTHER:
        return None
    return RaisedFlag(DOCUMENT_MISMATCH, MEDIUM, {
        "entry_source_id": entry.source_id,
        "expected": {"document_type": entry.document_type, "document_number": entry.doc,
                     "issuing_country": entry.issuing_country},
        "found": {"document_type": enc.document_type, "document_number": enc.doc,
                  "issuing_country": enc.country},
    })


def permitted_until(entry, facts: RegistryFacts) -> dt.date:
    """The entry's permitted-until date after every extension."""
    return max([entry.permitted_until] + [x.valid_until for x in facts.extensions])


def rule_overstay(enc: EncounterFacts, match: MatchResult, facts: RegistryFacts, on: dt.date):
    entry = match.entry
    if entry is None:
        return None
    if entry.exit_date is not None and entry.exit_date < on:
        return None  # RECORDED_EXIT's case
    until = permitted_until(entry, facts)
    if on <= until:
        return None
    return RaisedFlag(OVERSTAY, HIGH, {
        "entry_source_id": entry.source_id, "days": (on - until).days,
        "expected": {"permitted_until": _iso(until)}, "found": {"inspected_on": _iso(on)},
    })


def rule_recorded_exit(enc: EncounterFacts, match: MatchResult, facts: RegistryFacts, on: dt.date):
    # the match is already the latest entry on or before the inspection date: no later entry
    entry = match.entry
    if entry is None or entry.exit_date is None or entry.exit_date >= on:
        return None
    return RaisedFlag(RECORDED_EXIT, HIGH, {
        "entry_source_id": entry.source_id,
        "expected": {"present_after": None}, "found": {"exit_date": _iso(entry.exit_date),
                                                       "inspected_on": _iso(on)},
    })


def effective_visa(entry, facts: RegistryFacts, on: dt.date) -> tuple[str, bool, bool]:
    """(code, allows work, diplomatic) of the latest extension granted by that date, else the entry's."""
    granted = [x for x in facts.extensions if x.granted_on <= on]
    if granted:
        latest = max(granted, key=lambda x: (x.granted_on, x.valid_until))
        return latest.visa_code, latest.visa_allows_work, latest.visa_is_diplomatic
    return entry.visa_code, entry.visa_allows_work, entry.visa_is_diplomatic


def rule_work_not_permitted(enc: EncounterFacts, match: MatchResult, facts: RegistryFacts, on: dt.date):
    entry = match.entry
    if enc.role != WORKER or entry is None:
        return None
    code, allows_work, _ = effective_visa(entry, facts, on)
    if allows_work:
        return None
    return RaisedFlag(WORK_NOT_PERMITTED, MEDIUM, {
        "entry_source_id": entry.source_id,
        "expected": {"visa_allows_work": True}, "found": {"visa_type": code, "role": enc.role},
    })


def rule_no_work_permit(enc: EncounterFacts, match: MatchResult, facts: RegistryFacts, on: dt.date):
    if enc.role != WORKER:
        return None
    if any(p.valid_from <= on <= p.valid_until for p in facts.work_permits):
        return None
    latest = max((p.valid_until for p in facts.work_permits), default=None)
    return RaisedFlag(NO_WORK_PERMIT, MEDIUM, {
        "expected": {"work_permit_valid_on": _iso(on)},
        "found": {"work_permits": len(facts.work_permits), "latest_valid_until": _iso(latest)},
    })


def rule_not_registered(enc: EncounterFacts, match: MatchResult, facts: RegistryFacts, on: dt.date):
    if enc.role not in LODGING_ROLES:
        return None
    for reg in facts.guest_registrations:
        if (str(reg.premises_id) == str(enc.premises_id) and reg.check_in <= on
                and (reg.check_out is None or reg.check_out >= on)):
            return None
    return RaisedFlag(NOT_REGISTERED, LOW, {
        "expected": {"guest_registration_at_premises_on": _iso(on)},
        "found": {"registrations_elsewhere_or_other_dates": len(facts.guest_registrations)},
    })


def rule_document_expired(enc: EncounterFacts, match: MatchResult, facts: RegistryFacts, on: dt.date):
    expiry = enc.document_expiry or facts.document_expiry
    if expiry is None or expiry >= on:
        return None
    return RaisedFlag(DOCUMENT_EXPIRED, LOW, {
        "expected": {"valid_on": _iso(on)}, "found": {"expiry_date": _iso(expiry)},
    })


def trafficking_indicators_met(screening: Mapping[str, str], settings: ScreeningSettings) -> tuple[bool, list, list]:
    """(met, strong indicators answered yes, other indicators answered yes)."""
    strong = [name for name in settings.strong if screening.get(name) == YES]
    others = [name for name in (settings.indicators or screening)
              if name not in settings.strong and screening.get(name) == YES]
    return bool(strong) or len(others) >= settings.other_threshold, strong, others


def make_rule_trafficking(settings: ScreeningSettings) -> Callable:
    def rule_trafficking_indicators(enc: EncounterFacts, match: MatchResult, facts: RegistryFacts, on: dt.date):
        met, strong, others = trafficking_indicators_met(enc.screening, settings)
        if not met:
            return None
        return RaisedFlag(TRAFFICKING_INDICATORS, HIGH, {
            "expected": {"strong_yes": 0, "other_yes_below": settings.other_threshold},
            "found": {"strong_yes": strong, "other_yes": others},
        })
    return rule_trafficking_indicators


IMMIGRATION_RULES = (
    rule_no_entry_record,
    rule_identity_conflict,
    rule_document_mismatch,
    rule_overstay,
    rule_recorded_exit,
    rule_work_not_permitted,
    rule_no_work_permit,
    rule_not_registered,
    rule_document_expired,
)


def is_exempt(enc: EncounterFacts, match: MatchResult, facts: RegistryFacts, on: dt.date) -> bool:
    """A diplomatic passport, or a matched entry (or its current extension) on a diplomatic visa."""
    if enc.document_type == DIPLOMATIC_DOCUMENT:
        return True
    if match.entry is None:
        return False
    if match.entry.document_type == DIPLOMATIC_DOCUMENT and match.document_relation != DOC_OTHER:
        return True
    return effective_visa(match.entry, facts, on)[2] or match.entry.visa_is_diplomatic


def evaluate(enc: EncounterFacts, match: MatchResult, facts: RegistryFacts, screening: ScreeningSettings,
             on: dt.date | None = None) -> Outcome:
    on = on or enc.inspected_on
    if is_exempt(enc, match, facts, on):
        return Outcome(STATUS_EXEMPT, ())
    flags = [f for rule in IMMIGRATION_RULES if (f := rule(enc, match, facts, on)) is not None]
    trafficking = make_rule_trafficking(screening)(enc, match, facts, on)
    if trafficking is not None:
        # Non-punishment: a possible victim's immigration flags wait for the victim screening.
        flags = [replace(f, held_for_victim_screening=True) for f in flags] + [trafficking]
    return Outcome(STATUS_FLAGGED if flags else STATUS_CLEAR, tuple(flags))
