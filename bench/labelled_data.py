"""Labelled data for the verification benchmarks: entry records of many nationalities (names
romanised as passports print them) and encounters derived from them with the errors officers and
documents really have, plus people with no record, with ground truth.

    python -m bench.labelled_data --people 1000 --encounters 200 --out bench/out/sample

writes entries.csv (DESIGN.md's entry-record format) and encounters.csv (with truth columns).
The benchmarks import ``generate`` directly.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

# surnames, given-name tokens, document-number prefix, visa codes people usually enter on
POOLS = {
    "VNM": (["NGUYEN", "TRAN", "LE", "PHAM", "HOANG", "HUYNH", "PHAN", "VU", "VO", "DANG", "BUI", "DO", "HO",
             "NGO", "DUONG", "LY", "TRINH", "DINH", "LAM", "MAI"],
            ["VAN", "THI", "DUC", "MINH", "HUU", "NGOC", "AN", "ANH", "BINH", "CUONG", "DUNG", "HAI", "HANH",
             "HOA", "HUNG", "HUONG", "KHANH", "LAN", "LINH", "LONG", "NAM", "NGA", "PHUONG", "QUANG", "SON",
             "THAO", "THANH", "TRANG", "TUAN", "VIET", "XUAN", "YEN", "DAT", "HIEU", "TRUNG", "THUY"], "C", 3),
    "CHN": (["WANG", "LI", "ZHANG", "LIU", "CHEN", "YANG", "HUANG", "ZHAO", "WU", "ZHOU", "XU", "SUN", "MA",
             "ZHU", "HU", "GUO", "HE", "LIN", "LUO", "GAO", "ZHENG", "LIANG", "XIE", "TANG", "FENG"],
            ["WEI", "FANG", "NA", "XIUYING", "MIN", "JING", "QIANG", "LEI", "JUN", "YONG", "YAN", "JIE", "TAO",
             "MING", "CHAO", "XIULAN", "XIA", "PING", "HAO", "YU", "JIANHUA", "ZHIQIANG", "XIAOMING", "HONG",
             "GUIYING", "LING", "BO", "HUI", "JIANGUO", "YUXUAN", "ZIHAN", "HAORAN"], "E", 2),
    "THA": (["SUKSAWAT", "SRISAI", "CHAROENSUK", "WONGSAWAT", "THONGCHAI", "BOONMA", "SAETANG", "KAEWKLA",
             "PHROMMA", "RATTANAKORN", "SANGSRI", "CHAIYAPHUM", "SRIWICHAI", "INTHARA", "PHANTHONG"],
            ["SOMCHAI", "SOMSAK", "ANAN", "KANYA", "MALEE", "NIRAN", "PRASERT", "SUDA", "WIRAT", "CHAIYA",
             "PORNTHIP", "SUNEE", "KITTI", "NATTAPONG", "SIRIPORN", "THANAWAT", "ARUNEE", "PRAYUT"], "AA", 1),
    "KOR": (["KIM", "LEE", "PARK", "CHOI", "JUNG", "KANG", "CHO", "YOON", "JANG", "LIM", "HAN", "OH", "SEO",
             "SHIN", "KWON"],
            ["MIN JUN", "SEO YEON", "JI HOON", "HYUN WOO", "SU BIN", "JI WOO", "YE JIN", "DONG HYUN", "SUNG MIN",
             "JI YOUNG", "EUN JI", "JAE HO", "HYE JIN", "YOUNG SOO", "MIN SEO", "JUN HO"], "M", 1),
    "IDN": (["SETIAWAN", "WIJAYA", "SAPUTRA", "HIDAYAT", "KURNIAWAN", "SANTOSO", "PRASETYO", "NUGROHO",
             "GUNAWAN", "SUSANTO", "HALIM", "WIBOWO"],
            ["BUDI", "AGUS", "DEWI", "SITI", "RINA", "ADI", "EKO", "WAHYU", "PUTRI", "INDAH", "JOKO", "SRI",
             "YULIA", "ARIF", "DIAN"], "B", 2),
    "PHL": (["DELA CRUZ", "GARCIA", "REYES", "RAMOS", "MENDOZA", "SANTOS", "FLORES", "GONZALES", "BAUTISTA",
             "VILLANUEVA", "FERNANDEZ", "CRUZ", "DE LEON", "AQUINO", "CASTILLO"],
            ["MARIA", "JUAN", "JOSE", "MARK ANTHONY", "JOHN PAUL", "MARY GRACE", "JERICHO", "KRISTINE", "ROSALIE",
             "JOMAR", "ANGELICA", "RHEA", "JOSEPHINE", "ARNEL", "MARICEL"], "P", 2),
    "IND": (["KUMAR", "SINGH", "SHARMA", "PATEL", "GUPTA", "YADAV", "REDDY", "DAS", "NAIR", "KHAN", "VERMA",
             "MISHRA", "IYER", "JOSHI", "MEHTA"],
            ["RAHUL", "AMIT", "PRIYA", "SUNIL", "ANIL", "DEEPAK", "POOJA", "RAJESH", "SANJAY", "VIJAY", "ANJALI",
             "SURESH", "KAVITA", "ARJUN", "NEHA", "RAVI", "LAKSHMI"], "K", 2),
    "BGD": (["HOSSAIN", "RAHMAN", "ISLAM", "AHMED", "CHOWDHURY", "UDDIN", "ALAM", "MIAH", "KHAN", "SARKER",
             "BEGUM", "AKTER", "HAQUE", "KABIR"],
            ["MOHAMMED", "ABDUL", "NASRIN", "FATEMA", "RASHED", "KAMRUL", "SHAHIDUL", "RUBINA", "JAHANGIR",
             "MIZANUR", "SHIRIN", "ANWAR", "RAFIQUL", "TASLIMA"], "A", 2),
    "RUS": (["IVANOV", "SMIRNOV", "KUZNETSOV", "POPOV", "VASILIEV", "PETROV", "SOKOLOV", "MIKHAILOV",
             "NOVIKOV", "FEDOROV", "MOROZOV", "VOLKOV", "ALEKSEEV", "LEBEDEV", "SEMENOV"],
            ["ALEXANDER", "DMITRY", "SERGEY", "ANDREY", "ALEXEY", "MAXIM", "IVAN", "OLGA", "TATIANA", "ELENA",
             "NATALIA", "NIKOLAY", "YURI", "ANNA", "EKATERINA", "VLADIMIR", "MIKHAIL"], "7", 2),
    "NGA": (["OKAFOR", "ADEYEMI", "OKONKWO", "IBRAHIM", "BELLO", "OGUNLEYE", "EZE", "NWOSU", "ABUBAKAR",
             "ADEBAYO", "OKEKE", "EKWUEME", "BALOGUN", "USMAN"],
            ["CHINEDU", "EMEKA", "NGOZI", "OLUWASEUN", "AISHA", "FOLAKE", "TUNDE", "CHIDI", "AMAKA", "YUSUF",
             "BLESSING", "IFEANYI", "KEHINDE", "FATIMA"], "A", 2),
    "MMR": (["AUNG", "KYAW", "MYA", "HLA", "TUN", "WIN", "THEIN", "ZAW", "SOE", "MAUNG"],
            ["MIN", "THU", "NAING", "OO", "HTET", "SAN", "MOE", "PHYO", "LWIN", "AYE", "NYEIN", "KHAING"], "MA", 2),
    "LAO": (["PHOMMAVONG", "KEOVONGSA", "SOUVANNA", "VONGSAVANH", "SIHARATH", "CHANTHAVONG", "INTHAVONG"],
            ["SOMPHONE", "KHAMPHOU", "BOUNMY", "VILAYPHONE", "CHANTHA", "SOUKSAVANH", "NOY", "KHAMLA"], "P", 2),
}
# Spellings of the same name that different systems (or officers) use.
VARIANTS = [
    ["MOHAMMED", "MUHAMMAD", "MOHAMMAD", "MOHAMED"], ["CHOWDHURY", "CHOUDHURY", "CHOWDHURI"],
    ["HOSSAIN", "HOSSEN", "HUSSAIN"], ["UDDIN", "UDDEEN"], ["AHMED", "AHMAD"], ["ALEXANDER", "ALEKSANDR"],
    ["ALEXEY", "ALEKSEY", "ALEXEI"], ["DMITRY", "DMITRIY", "DMITRII"], ["SERGEY", "SERGEI"], ["ANDREY", "ANDREI"],
    ["VASILIEV", "VASILYEV"], ["FEDOROV", "FYODOROV"], ["TATIANA", "TATYANA"], ["NATALIA", "NATALYA"],
    ["YURI", "YURIY"], ["NIKOLAY", "NIKOLAI"], ["SEMENOV", "SEMYONOV"], ["ALEKSEEV", "ALEXEEV"],
    ["ZHANG", "CHANG"], ["ZHOU", "CHOU"], ["XU", "HSU"], ["LEE", "YI", "RHEE"], ["PARK", "PAK", "BAK"],
    ["CHOI", "CHOE"], ["JUNG", "JEONG", "CHUNG"], ["KANG", "GANG"], ["YOON", "YUN"], ["LIM", "IM"],
    ["HUYNH", "HUINH"], ["THI", "THY"], ["SOMCHAI", "SOMCHAY"], ["PRASERT", "PRASOET"], ["BOONMA", "BUNMA"],
    ["CHAROENSUK", "JAROENSUK"], ["SINGH", "SING"], ["OLUWASEUN", "OLUSEUN"], ["YUSUF", "YUSSUF"],
    ["PHOMMAVONG", "PHOMMAVONH"], ["KYAW", "KYAWE"], ["JOSEPHINE", "JOSEFINE"],
]
VARIANT_OF = {name: group for group in VARIANTS for name in group}
WORK_VISAS = ("EB", "EG")
OTHER_VISAS = ("T", "T", "T", "E", "ES", "ER", "K")
INSPECTION_START = dt.date(2026, 9, 1)
INSPECTION_END = dt.date(2026, 11, 25)


@dataclass
class Person:
    pid: int
    nationality: str
    surname: str
    given_names: str
    date_of_birth: dt.date
    sex: str
    documents: list[str]


@dataclass
class Entry:
    id: int
    source_id: str
    person: int
    document_type: str
    document_number: str
    issuing_country: str
    nationality: str
    surname: str
    given_names: str
    date_of_birth: dt.date
    sex: str
    entry_date: dt.date
    port_of_entry: str
    visa_type: str
    permitted_until: dt.date
    exit_date: dt.date | None
    extension_until: dt.date | None = None


@dataclass
class LabelledEncounter:
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
    premises_id: str
    inspected_on: dt.date
    screening: dict = field(default_factory=dict)
    # ground truth
    true_source_id: str | None = None
    expected_flags: frozenset = frozenset()
    errors: tuple = ()
    scenario: str = ""
    work_permit: bool = False
    registered: bool = False


def _doc(rng: random.Random, prefix: str) -> str:
    return prefix + "".join(rng.choice("0123456789") for _ in range(9 - len(prefix)))


def _person(rng: random.Random, pid: int) -> Person:
    nationality = rng.choice(list(POOLS))
    surnames, given, prefix, n_given = POOLS[nationality]
    tokens = rng.sample(given, k=rng.randint(1, n_given)) if n_given > 1 else [rng.choice(given)]
    if nationality == "VNM":
        tokens = [rng.choice(["VAN", "THI", "DUC", "MINH", "HUU", "NGOC"]), rng.choice(given[6:])]
    surname = rng.choice(surnames)
    if nationality == "IDN" and rng.random() < 0.3:  # one name only, printed as the surname
        surname, tokens = rng.choice(given), []
    dob = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 45))
    return Person(pid, nationality, surname, " ".join(tokens), dob, rng.choice("MF"), [_doc(rng, prefix)])


def _entries(rng: random.Random, person: Person, next_id: int, worker_visa: bool) -> list[Entry]:
    out = []
    n = rng.choice((1, 1, 2, 3))
    day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(0, 400))
    for i in range(n):
        last = i == n - 1
        if last:  # the latest entry lands before the inspection window, or well inside it
            day = max(day, dt.date(2026, 1, 1)) + dt.timedelta(days=rng.randrange(0, 200))
            day = min(day, INSPECTION_START - dt.timedelta(days=rng.randrange(1, 60)))
        visa = rng.choice(WORK_VISAS) if worker_visa else rng.choice(OTHER_VISAS)
        permitted = day + dt.timedelta(days=rng.choice((30, 30, 60, 90, 180, 365)))
        left = not last or rng.random() < 0.1  # some left for good before being inspected
        exit_date = min(permitted, day + dt.timedelta(days=rng.randrange(5, 60))) if left else None
        out.append(Entry(next_id + i, f"BX-{next_id + i:09d}", person.pid, "P", person.documents[-1],
                         person.nationality, person.nationality, person.surname, person.given_names,
                         person.date_of_birth, person.sex, day, rng.choice(["Bavet", "Poipet", "PNH", "REP"]),
                         visa, permitted, exit_date))
        day = (exit_date or permitted) + dt.timedelta(days=rng.randrange(30, 200))
    return out


def generate_registry(people: int, seed: int = 7, max_entries: int | None = None) -> tuple[list[Person], list[Entry]]:
    """``people`` persons and their entries; with ``max_entries``, stop at the person whose entries
    reach that count and cut the list there (the same sequence as without it, only shorter)."""
    rng = random.Random(seed)
    persons, entries = [], []
    for pid in range(people):
        person = _person(rng, pid)
        persons.append(person)
        entries += _entries(rng, person, len(entries) + 1, worker_visa=rng.random() < 0.35)
        if max_entries is not None and len(entries) >= max_entries:
            del entries[max_entries:]
            break
    return persons, entries


# --- officer and document errors -------------------------------------------------------------

def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("sub", "del", "ins", "swap"))
    letter = rng.choice("AEIOUNRSTLHMKY")
    if kind == "sub":
        return word[:i] + letter + word[i + 1:]
    if kind == "del":
        return word[:i] + word[i + 1:]
    if kind == "ins":
        return word[:i] + letter + word[i:]
    return word[:i - 1] + word[i] + word[i - 1] + word[i + 1:]


def _variant(rng: random.Random, name: str) -> str | None:
    tokens = name.split()
    options = [i for i, t in enumerate(tokens) if t in VARIANT_OF]
    if not options:
        return None
    i = rng.choice(options)
    tokens[i] = rng.choice([v for v in VARIANT_OF[tokens[i]] if v != tokens[i]])
    return " ".join(tokens)


def _doc_typo(rng: random.Random, number: str) -> str:
    i = rng.randrange(2, len(number))
    if rng.random() < 0.5 and i + 1 < len(number) and number[i] != number[i + 1]:
        return number[:i] + number[i + 1] + number[i] + number[i + 2:]
    return number[:i] + rng.choice([d for d in "0123456789" if d != number[i]]) + number[i + 1:]


ERRORS = ("typo", "variant", "swap_names", "dob_swap", "missing_given", "new_passport", "doc_typo")


def apply_errors(rng: random.Random, enc: LabelledEncounter, errors: list[str], prefix: str) -> list[str]:
    applied = []
    for error in errors:
        if error == "typo":
            if enc.given_names and rng.random() < 0.5:
                tokens = enc.given_names.split()
                j = rng.randrange(len(tokens))
                tokens[j] = _typo(rng, tokens[j])
                enc.given_names = " ".join(tokens)
            else:
                enc.surname = _typo(rng, enc.surname)
        elif error == "variant":
            changed = _variant(rng, enc.surname)
            if changed:
                enc.surname = changed
            else:
                changed = _variant(rng, enc.given_names)
                if not changed:
                    continue
                enc.given_names = changed
        elif error == "swap_names":
            if not enc.given_names:
                continue
            enc.surname, enc.given_names = enc.given_names, enc.surname
        elif error == "dob_swap":
            d = enc.date_of_birth
            if d.day > 12 or d.day == d.month:
                continue
            enc.date_of_birth = d.replace(month=d.day, day=d.month)
        elif error == "missing_given":
            if not enc.given_names:
                continue
            enc.given_names = ""
        elif error == "new_passport":
            enc.document_number = _doc(rng, prefix)
        elif error == "doc_typo":
            enc.document_number = _doc_typo(rng, enc.document_number)
        applied.append(error)
    return applied


def _screening(rng: random.Random, trafficked: bool) -> dict:
    from inspections.models import SCREENING_QUESTIONS  # noqa: PLC0415 - field names only

    answers = {name: rng.choice(("no", "no", "unknown")) for name in SCREENING_QUESTIONS}
    if trafficked:
        if rng.random() < 0.5:
            answers[rng.choice(["document_withheld", "not_free_to_leave", "threats_or_violence"])] = "yes"
        else:
            for name in rng.sample(["debt_owed", "wages_withheld", "excessive_hours", "isolated",
                                    "lives_at_workplace", "deceived_about_job"], 3):
                answers[name] = "yes"
    return answers


def _latest(entries: list[Entry], on: dt.date) -> Entry | None:
    eligible = [e for e in entries if e.entry_date <= on]
    return max(eligible, key=lambda e: (e.entry_date, e.id)) if eligible else None


def _identity_keys(person: Person, nationality: str | None = None):
    nationality = nationality or person.nationality
    tokens = set((person.surname + " " + person.given_names).split())
    dob = person.date_of_birth
    dobs = {dob}
    if dob.day <= 12:
        dobs.add(dob.replace(month=dob.day, day=dob.month))
    return [(nationality, d, t) for d in dobs for t in tokens]


def _fresh_person(rng: random.Random, pid: int, taken: set, nationality: str | None = None) -> Person:
    """A person with no record who is not indistinguishable from a registered one (same nationality,
    date of birth and a shared name): with passport-sized name pools such twins exist, and no
    linker could tell them from the registered person on a new passport."""
    while True:
        person = _person(rng, pid)
        if nationality:
            person.nationality = nationality
        if not any(key in taken for key in _identity_keys(person)):
            return person


def generate_encounters(persons: list[Person], entries: list[Entry], count: int, seed: int = 11,
                        unknown_share: float = 0.1, conflict_share: float = 0.02,
                        error_rate: float = 0.6) -> list[LabelledEncounter]:
    rng = random.Random(seed)
    by_person: dict[int, list[Entry]] = {}
    for e in entries:
        by_person.setdefault(e.person, []).append(e)
    out = []
    taken = {key for p in persons for key in _identity_keys(p)}
    next_pid = len(persons) + 1_000_000
    for n in range(count):
        on = INSPECTION_START + dt.timedelta(days=rng.randrange(0, (INSPECTION_END - INSPECTION_START).days))
        role = rng.choice(("guest", "resident", "worker", "worker", "other"))
        trafficked = rng.random() < 0.03
        roll = rng.random()
        expected = set()
        if roll < unknown_share:
            person = _fresh_person(rng, next_pid, taken)
            next_pid += 1
            scenario, truth, latest = "no_record", None, None
            expected.add("NO_ENTRY_RECORD")
            doc = person.documents[-1]
        elif roll < unknown_share + conflict_share:
            victim = rng.choice(persons)
            person = _fresh_person(rng, next_pid, taken, nationality=victim.nationality)
            next_pid += 1
            doc = victim.documents[-1]
            scenario, truth, latest = "borrowed_document", None, None
            expected.add("IDENTITY_CONFLICT")
        else:
            person = rng.choice(persons)
            latest = _latest(by_person[person.pid], on)
            scenario, truth, doc = "known", latest.source_id, person.documents[-1]
        _, _, prefix, _ = POOLS[person.nationality]
        enc = LabelledEncounter(
            key=f"enc-{n}", surname=person.surname, given_names=person.given_names,
            date_of_birth=person.date_of_birth, sex=person.sex, nationality=person.nationality,
            document_type="P", document_number=doc, issuing_country=person.nationality,
            document_expiry=on + dt.timedelta(days=rng.randrange(-60, 3000)) if rng.random() < 0.5 else None,
            role=role, premises_id=f"premises-{rng.randrange(500)}", inspected_on=on,
            screening=_screening(rng, trafficked), scenario=scenario, true_source_id=truth)
        errors = []
        if scenario == "known" and rng.random() < error_rate:
            errors = rng.sample(ERRORS, k=rng.choice((1, 1, 1, 2)))
        elif scenario != "known" and rng.random() < 0.3:
            errors = rng.sample(("typo", "variant", "missing_given"), k=1)
        enc.errors = tuple(apply_errors(rng, enc, errors, prefix))
        enc.work_permit = role == "worker" and rng.random() < 0.6
        enc.registered = role in ("guest", "resident") and rng.random() < 0.7
        if latest is not None:
            if "new_passport" in enc.errors:
                expected.add("DOCUMENT_MISMATCH")
            until = max(latest.permitted_until, latest.extension_until or latest.permitted_until)
            if latest.exit_date is not None and latest.exit_date < on:
                expected.add("RECORDED_EXIT")
            elif on > until:
                expected.add("OVERSTAY")
            if role == "worker" and latest.visa_type not in WORK_VISAS:
                expected.add("WORK_NOT_PERMITTED")
        if role == "worker" and not enc.work_permit:
            expected.add("NO_WORK_PERMIT")
        if role in ("guest", "resident") and not enc.registered:
            expected.add("NOT_REGISTERED")
        if enc.document_expiry is not None and enc.document_expiry < on:
            expected.add("DOCUMENT_EXPIRED")
        if trafficked:
            expected.add("TRAFFICKING_INDICATORS")
        enc.expected_flags = frozenset(expected)
        out.append(enc)
    return out


def add_extensions(entries: list[Entry], share: float = 0.15, seed: int = 13) -> None:
    """Some stays extended after entry (StayExtension.valid_until beyond permitted_until)."""
    rng = random.Random(seed)
    for e in entries:
        if e.exit_date is None and rng.random() < share:
            e.extension_until = e.permitted_until + dt.timedelta(days=rng.choice((30, 60, 90)))


def generate(people: int, encounters: int, seed: int = 7, **kwargs):
    persons, entries = generate_registry(people, seed)
    add_extensions(entries, seed=seed + 1)
    return persons, entries, generate_encounters(persons, entries, encounters, seed=seed + 2, **kwargs)


ENTRY_COLUMNS = ["source_id", "document_type", "document_number", "issuing_country", "nationality", "surname",
                 "given_names", "date_of_birth", "sex", "entry_date", "port_of_entry", "visa_type",
                 "permitted_until", "exit_date"]


def main():
    import django  # noqa: PLC0415

    django.setup()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--encounters", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("bench/out/sample"))
    args = parser.parse_args()
    _, entries, encs = generate(args.people, args.encounters, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "entries.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(ENTRY_COLUMNS)
        for e in entries:
            row = asdict(e)
            w.writerow([row[c] if row[c] is not None else "" for c in ENTRY_COLUMNS])
    with open(args.out / "encounters.csv", "w", newline="") as f:
        fields = [k for k in LabelledEncounter.__dataclass_fields__ if k != "screening"]
        w = csv.writer(f)
        w.writerow(fields)
        for e in encs:
            row = asdict(e)
            w.writerow([" ".join(sorted(row[k])) if isinstance(row[k], frozenset | tuple) else row[k]
                        for k in fields])
    print(f"{len(entries)} entries, {len(encs)} encounters -> {args.out}")


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    main()
