"""Finding a person's entry record. Pure: no ORM, no HTTP, no settings reads.

The engine loads, for a whole batch, the entry records that share a blocking key with any
encounter in the batch (see ``blocking_keys``), wraps them in a ``CandidateIndex`` and calls
``match_encounter`` per person. Thresholds and weights come in as a ``MatchSettings`` built once
from ``settings.VERIFICATION``.

Order of work for one person:
1. exact: normalised document number + issuing country. If the names and date of birth agree
   (identity score >= ``identity_threshold``) that is the match ("exact"). If they do not, the
   document is recorded as an identity conflict and step 2 still looks for the person.
2. fuzzy: candidates sharing a blocking key (nationality + date of birth or its day/month swap,
   the order-free name key + date of birth whatever the nationality, or a document number one
   edit away) are scored on names, date of
   birth, sex, nationality and document number; the best identity at or above
   ``match_threshold`` wins unless a different identity scores within ``ambiguity_margin``
   of it (then nothing is matched: a person is never silently attached to the wrong record).
3. Of the matched identity's entries (same foreigner, or same document), the latest one on or
   before the inspection date is returned.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import JaroWinkler, Levenshtein

from registry.normalisation import (
    name_key,
    name_tokens,
    normalise_country,
    normalise_document_number,
    phonetic_token,
)

EXACT = "exact"
FUZZY = "fuzzy"
NONE = "none"

# How the encounter's document relates to the matched entry's document.
DOC_SAME = "same"
DOC_TYPO = "typo"  # one edit away: a recording error, not another document
DOC_OTHER = "other"  # another document (e.g. a new passport)
DOC_MISSING = "missing"  # the officer recorded no document number

# Characters that OCR and hurried hands confuse on passports; used to enumerate near numbers.
_CONFUSABLE = {"0": "OD", "O": "0D", "D": "0O", "1": "IL", "I": "1L", "L": "1I", "5": "S", "S": "5",
               "8": "B", "B": "8", "2": "Z", "Z": "2", "6": "G", "G": "6"}


@dataclass(frozen=True)
class MatchSettings:
    match_threshold: float = 0.86
    identity_threshold: float = 0.80
    ambiguity_margin: float = 0.02
    # a fuzzy match on another document also needs names at least this close
    other_document_name_min: float = 0.90
    # ... and a date of birth at least this close (0.9: the same, or day/month swapped)
    other_document_dob_min: float = 0.90
    weight_name: float = 0.55
    weight_dob: float = 0.25
    weight_sex: float = 0.05
    weight_nationality: float = 0.05
    weight_document: float = 0.10

    @classmethod
    def from_mapping(cls, values: Mapping) -> MatchSettings:
        """From settings.VERIFICATION (keys in upper case); unknown keys are ignored."""
        kwargs = {}
        for name in cls.__dataclass_fields__:
            key = name.upper()
            if key in values:
                kwargs[name] = float(values[key])
        return cls(**kwargs)


@dataclass(frozen=True)
class EncounterFacts:
    """What the officer recorded, plus where and when."""

    key: str
    surname: str
    given_names: str
    date_of_birth: dt.date | None
    sex: str
    nationality: str
    document_type: str
    document_number: str
    issuing_country: str
    document_expiry: dt.date | None
    role: str
    premises_id: str | None
    inspected_on: dt.date
    screening: Mapping[str, str] = field(default_factory=dict)

    @property
    def doc(self) -> str:
        return normalise_document_number(self.document_number)

    @property
    def country(self) -> str:
        return normalise_country(self.issuing_country)


@dataclass(frozen=True)
class EntryFacts:
    """One entry record as the border system recorded it, with its visa type's properties."""

    id: int
    source_id: str
    foreigner_id: str | None
    document_type: str
    document_number: str
    issuing_country: str
    nationality: str
    surname: str
    given_names: str
    date_of_birth: dt.date
    sex: str
    entry_date: dt.date
    permitted_until: dt.date
    exit_date: dt.date | None
    visa_code: str
    visa_allows_work: bool
    visa_is_diplomatic: bool
    name_key: str = ""

    @property
    def doc(self) -> str:
        return normalise_document_number(self.document_number)

    @property
    def identity(self):
        """Entries of one person: the same foreigner, else the same document."""
        if self.foreigner_id:
            return ("foreigner", str(self.foreigner_id))
        return ("document", self.doc, normalise_country(self.issuing_country))


@dataclass(frozen=True)
class MatchResult:
    entry: EntryFacts | None
    score: float | None
    method: str
    document_relation: str = DOC_MISSING
    # the entry whose document number matched while names/date of birth did not
    conflict: EntryFacts | None = None
    conflict_score: float | None = None
    # the identities that were too close to call (> 1 means ambiguous, nothing matched)
    ambiguous: int = 0


# --- normalisation -------------------------------------------------------------------------

def swapped_dob(dob: dt.date | None) -> dt.date | None:
    """The day/month swap of a date of birth, when it is a different valid date."""
    if dob is None or dob.day > 12 or dob.day == dob.month:
        return None
    try:
        return dob.replace(month=dob.day, day=dob.month)
    except ValueError:
        return None


def document_variants(number: str) -> set[str]:
    """Numbers one edit away that recording errors produce: a deleted character, two
    neighbours transposed, an OCR-confusable character substituted. Used as a bounded IN list
    for blocking; ``is_one_edit`` then checks any candidate precisely."""
    number = normalise_document_number(number)
    if len(number) < 5:
        return set()
    out = set()
    for i in range(len(number)):
        out.add(number[:i] + number[i + 1:])
        if i + 1 < len(number) and number[i] != number[i + 1]:
            out.add(number[:i] + number[i + 1] + number[i] + number[i + 2:])
        for sub in _CONFUSABLE.get(number[i], ""):
            out.add(number[:i] + sub + number[i + 1:])
    out.discard(number)
    return out


def is_one_edit(a: str, b: str) -> bool:
    """Levenshtein distance 1, or one transposition of neighbours."""
    if a == b or not a or not b:
        return False
    if Levenshtein.distance(a, b, score_cutoff=1) <= 1:
        return True
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    return False


# --- scoring -------------------------------------------------------------------------------

@lru_cache(maxsize=262144)
def _token_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    raw = JaroWinkler.normalized_similarity(a, b)
    folded = JaroWinkler.normalized_similarity(phonetic_token(a), phonetic_token(b))
    return max(raw, folded)


def name_similarity(surname_a: str, given_a: str, surname_b: str, given_b: str) -> float:
    """Order-insensitive, transliteration-folded Jaro-Winkler similarity in [0, 1].

    Tokens are paired greedily by best similarity; a missing token (e.g. given names not
    recorded) costs a little, a wrong one costs a lot. Joined forms catch names written
    together or apart ('VANAN' / 'VAN AN') and surname-first vs surname-last.
    """
    a = name_tokens(surname_a, given_a)
    b = name_tokens(surname_b, given_b)
    if not a or not b:
        return 0.0
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    pairs = sorted(((_token_similarity(s, t), i, j) for i, s in enumerate(short) for j, t in enumerate(long)),
                   reverse=True)
    used_s, used_l, total = set(), set(), 0.0
    for sim, i, j in pairs:
        if i in used_s or j in used_l:
            continue
        used_s.add(i)
        used_l.add(j)
        total += sim * len(short[i])
    token_score = total / sum(len(t) for t in short)
    coverage = len(short) / len(long)
    token_score *= 0.9 + 0.1 * coverage
    joined_b = "".join(b)
    a_surname_last = name_tokens(given_a) + name_tokens(surname_a)
    joined = max(_token_similarity("".join(a), joined_b), _token_similarity("".join(a_surname_last), joined_b))
    return max(token_score, joined)


def dob_similarity(a: dt.date | None, b: dt.date | None) -> float:
    """1 same; 0.9 day/month swapped; 0.7 one part off by a typo; 0.5 unknown; else 0."""
    if a is None or b is None:
        return 0.5
    if a == b:
        return 1.0
    if swapped_dob(a) == b:
        return 0.9
    same = (a.year == b.year) + (a.month == b.month) + (a.day == b.day)
    if same == 2:
        if a.year != b.year:
            off = Levenshtein.distance(str(a.year), str(b.year)) == 1 or abs(a.year - b.year) == 1
        elif a.month != b.month:
            off = Levenshtein.distance(f"{a.month:02d}", f"{b.month:02d}") == 1
        else:
            off = Levenshtein.distance(f"{a.day:02d}", f"{b.day:02d}") == 1
        return 0.7 if off else 0.2
    return 0.0


def sex_similarity(a: str, b: str) -> float:
    if not a or not b or "X" in (a, b):
        return 0.5
    return 1.0 if a == b else 0.0


def document_relation(encounter: EncounterFacts, entry: EntryFacts) -> str:
    doc = encounter.doc
    if not doc:
        return DOC_MISSING
    other = entry.doc
    if doc == other and (not encounter.country or encounter.country == normalise_country(entry.issuing_country)):
        return DOC_SAME
    if is_one_edit(doc, other):
        return DOC_TYPO
    return DOC_OTHER


_DOC_SCORE = {DOC_SAME: 1.0, DOC_TYPO: 0.8, DOC_OTHER: 0.4, DOC_MISSING: 0.4}


def identity_score(encounter: EncounterFacts, entry: EntryFacts, s: MatchSettings) -> float:
    """Names, date of birth and sex only: does this document's holder look like this person?"""
    weight = s.weight_name + s.weight_dob + s.weight_sex
    total = (
        s.weight_name * name_similarity(encounter.surname, encounter.given_names, entry.surname, entry.given_names)
        + s.weight_dob * dob_similarity(encounter.date_of_birth, entry.date_of_birth)
        + s.weight_sex * sex_similarity(encounter.sex, entry.sex)
    )
    return total / weight


def match_score(encounter: EncounterFacts, entry: EntryFacts, s: MatchSettings) -> tuple[float, float, str]:
    """(score in [0, 1], name similarity, document relation). The name similarity (the costly
    part) is skipped, and reported as 0, when even identical names could not reach the threshold."""
    relation = document_relation(encounter, entry)
    nationality = 1.0 if normalise_country(encounter.nationality) == normalise_country(entry.nationality) else 0.0
    rest = (
        s.weight_dob * dob_similarity(encounter.date_of_birth, entry.date_of_birth)
        + s.weight_sex * sex_similarity(encounter.sex, entry.sex)
        + s.weight_nationality * nationality
        + s.weight_document * _DOC_SCORE[relation]
    )
    weight = s.weight_name + s.weight_dob + s.weight_sex + s.weight_nationality + s.weight_document
    if (rest + s.weight_name) / weight < s.match_threshold:
        return rest / weight, 0.0, relation
    names = name_similarity(encounter.surname, encounter.given_names, entry.surname, entry.given_names)
    return (rest + s.weight_name * names) / weight, names, relation


# --- blocking ------------------------------------------------------------------------------

@dataclass(frozen=True)
class BlockingKeys:
    """What the engine asks the database for, for a whole batch (set-based, no per-person query)."""

    documents: frozenset[str]  # exact and one-edit variants
    nationality_dobs: Mapping[str, frozenset[dt.date]]
    # name keys, asked together with every date of birth of the batch (and swaps): the index
    # keeps only the pairs that belong to one person
    name_keys: frozenset[str]
    dobs: frozenset[dt.date] = frozenset()


def encounter_name_key(encounter: EncounterFacts) -> str:
    return name_key(encounter.surname, encounter.given_names)


def blocking_keys(encounters: Iterable[EncounterFacts]) -> BlockingKeys:
    documents: set[str] = set()
    nat_dobs: dict[str, set[dt.date]] = defaultdict(set)
    keys: set[str] = set()
    for e in encounters:
        if e.doc:
            documents.add(e.doc)
            documents |= document_variants(e.doc)
        if e.date_of_birth and e.nationality:
            nat = normalise_country(e.nationality)
            nat_dobs[nat].add(e.date_of_birth)
            swapped = swapped_dob(e.date_of_birth)
            if swapped:
                nat_dobs[nat].add(swapped)
        key = encounter_name_key(e)
        if key:
            keys.add(key)
    dobs = frozenset(d for v in nat_dobs.values() for d in v)
    return BlockingKeys(frozenset(documents), {k: frozenset(v) for k, v in nat_dobs.items()}, frozenset(keys), dobs)


class CandidateIndex:
    """The batch's candidate entry records, indexed by each blocking key."""

    def __init__(self, entries: Iterable[EntryFacts]):
        self.by_doc: dict[tuple[str, str], list[EntryFacts]] = defaultdict(list)
        self.by_doc_number: dict[str, list[EntryFacts]] = defaultdict(list)
        self.by_nat_dob: dict[tuple[str, dt.date], list[EntryFacts]] = defaultdict(list)
        # name key + date of birth: the same person recorded under another nationality
        self.by_name_key: dict[tuple[str, dt.date], list[EntryFacts]] = defaultdict(list)
        seen = set()
        for entry in entries:
            if entry.id in seen:
                continue
            seen.add(entry.id)
            doc = entry.doc
            self.by_doc[(doc, normalise_country(entry.issuing_country))].append(entry)
            self.by_doc_number[doc].append(entry)
            self.by_nat_dob[(normalise_country(entry.nationality), entry.date_of_birth)].append(entry)
            if entry.name_key:
                self.by_name_key[(entry.name_key, entry.date_of_birth)].append(entry)

    def exact(self, encounter: EncounterFacts) -> list[EntryFacts]:
        if not encounter.doc:
            return []
        if encounter.country:
            return list(self.by_doc.get((encounter.doc, encounter.country), ()))
        return list(self.by_doc_number.get(encounter.doc, ()))

    def block(self, encounter: EncounterFacts) -> list[EntryFacts]:
        found: dict[int, EntryFacts] = {}
        nat = normalise_country(encounter.nationality)
        for dob in (encounter.date_of_birth, swapped_dob(encounter.date_of_birth)):
            if dob is not None:
                for entry in self.by_nat_dob.get((nat, dob), ()):
                    found[entry.id] = entry
        key = encounter_name_key(encounter)
        for dob in (encounter.date_of_birth, swapped_dob(encounter.date_of_birth)):
            for entry in self.by_name_key.get((key, dob), ()) if dob is not None else ():
                found[entry.id] = entry
        if encounter.doc:
            for variant in document_variants(encounter.doc) | {encounter.doc}:
                for entry in self.by_doc_number.get(variant, ()):
                    found[entry.id] = entry
        return list(found.values())


# --- matching ------------------------------------------------------------------------------

def latest_on_or_before(entries: Iterable[EntryFacts], on: dt.date) -> EntryFacts | None:
    eligible = [e for e in entries if e.entry_date <= on]
    if not eligible:
        return None
    return max(eligible, key=lambda e: (e.entry_date, e.id))


def _identity_entries(index_entries: Iterable[EntryFacts], chosen: EntryFacts) -> list[EntryFacts]:
    ident = chosen.identity
    return [e for e in index_entries if e.identity == ident]


def match_encounter(encounter: EncounterFacts, index: CandidateIndex, settings: MatchSettings) -> MatchResult:
    on = encounter.inspected_on
    conflict = conflict_score = None

    exact_hits = [e for e in index.exact(encounter) if e.entry_date <= on]
    if exact_hits:
        latest_doc = latest_on_or_before(exact_hits, on)
        score = identity_score(encounter, latest_doc, settings)
        if score >= settings.identity_threshold:
            # the person's latest entry, also on another of their documents (same foreigner)
            pool = _identity_entries(index.block(encounter) + exact_hits, latest_doc)
            latest = latest_on_or_before(pool, on) or latest_doc
            return MatchResult(latest, round(score, 4), EXACT, document_relation(encounter, latest))
        conflict, conflict_score = latest_doc, round(score, 4)

    best: dict[tuple, tuple[float, EntryFacts]] = {}
    candidates = [e for e in index.block(encounter) if e.entry_date <= on]
    if conflict is not None:
        candidates = [e for e in candidates if e.identity != conflict.identity]
    for entry in candidates:
        score, names, relation = match_score(encounter, entry, settings)
        if score < settings.match_threshold:
            continue
        if relation in (DOC_OTHER, DOC_MISSING) and (
                names < settings.other_document_name_min
                or dob_similarity(encounter.date_of_birth, entry.date_of_birth) < settings.other_document_dob_min):
            continue  # without document evidence, names and date of birth must both hold
        ident = entry.identity
        if ident not in best or score > best[ident][0]:
            best[ident] = (score, entry)
    if not best:
        return MatchResult(None, None, NONE, conflict=conflict, conflict_score=conflict_score)
    ranked = sorted(best.values(), key=lambda pair: pair[0], reverse=True)
    top_score, top_entry = ranked[0]
    close = [s for s, _ in ranked[1:] if top_score - s < settings.ambiguity_margin]
    if close:
        return MatchResult(None, None, NONE, conflict=conflict, conflict_score=conflict_score,
                           ambiguous=1 + len(close))
    latest = latest_on_or_before(_identity_entries(candidates, top_entry), on) or top_entry
    return MatchResult(latest, round(top_score, 4), FUZZY, document_relation(encounter, latest),
                       conflict=conflict, conflict_score=conflict_score)
