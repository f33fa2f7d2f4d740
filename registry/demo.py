"""Demo data: units, one user per role, and a believable registry.

``seed_demo`` is what the ``seed_demo`` command runs. It creates the demo units and users
(``seed_accounts``), the registry (``seed_registry``), then sends ``registry.signals.demo_seeded``
so that apps above the registry (inspections) add their own demo data without the registry
importing them. Everything is generated from one seed, so a seed gives the same data set.

Speed: rows are generated in chunks and written with COPY on PostgreSQL (bulk_create elsewhere);
see docs/benchmarks.md for measured rates.
"""

from __future__ import annotations

import datetime
import io
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Membership, Role, Unit, UnitKind
from registry.models import (
    District,
    DocumentType,
    EntryRecord,
    Foreigner,
    GuestRegistration,
    Premises,
    PremisesType,
    Province,
    StayExtension,
    TravelDocument,
    VisaType,
    WorkPermit,
)
from registry.normalisation import name_key
from registry.signals import demo_seeded

DEMO_PASSWORD = "mekong-lotus-demo-2026"
DEMO_SOURCE_PREFIX = "DEMO-"
CHUNK = 20_000

# --- people: names as the passport's machine-readable zone romanises them ---------------------


@dataclass(frozen=True)
class Nationality:
    code: str
    weight: int
    surnames: tuple[str, ...]
    male: tuple[str, ...]
    female: tuple[str, ...]
    document_prefix: str  # letters a passport number starts with
    digits: int
    mononym_share: float = 0.0  # people with one name only (surname field holds it)


def _t(text: str) -> tuple[str, ...]:
    return tuple(text.split(","))


NATIONALITIES = (
    Nationality("CHN", 30, _t("WANG,LI,ZHANG,LIU,CHEN,YANG,HUANG,ZHAO,WU,ZHOU,XU,SUN,MA,ZHU,HU,GUO,HE,LIN,LUO,ZHENG"),
                _t("WEI,JUN,HAO,YONG,JIE,TAO,MING,QIANG,LEI,JIANHUA,ZHIWEI,XIAOLONG,HAORAN,YUXUAN"),
                _t("FANG,JING,LI NA,XIU YING,YAN,LING,XIAOMEI,YUTONG,MIN,HUI,JUAN,XINYI"), "E", 8),
    Nationality("VNM", 22, _t("NGUYEN,TRAN,LE,PHAM,HOANG,HUYNH,PHAN,VU,VO,DANG,BUI,DO,HO,NGO,DUONG,LY"),
                _t("VAN AN,VAN BINH,MINH TUAN,DUC THANG,QUOC HUNG,VAN NAM,THANH LONG,HOANG NAM,DINH KHOA"),
                _t("THI LAN,THI HOA,THI MAI,NGOC ANH,THU HUONG,THI HANH,MINH THU,BICH NGOC,THI THUY"), "C", 7),
    Nationality("THA", 10, _t("SRISOMBAT,WONGSAWAT,CHAIYAPORN,SUKSAWAT,RATTANAKUL,KAEWKLA,THONGCHAI,BOONMA,"
                              "SAENGTHONG,PHROMPHAN"),
                _t("SOMCHAI,KITTIPONG,NATTAPONG,SUPACHAI,ANUCHA,WICHAI,THANAWAT,PRASERT"),
                _t("SUDARAT,KANYARAT,NARUEMON,PIMCHANOK,SIRIPORN,WANIDA,ARUNEE,CHANIDA"), "AA", 7),
    Nationality("KOR", 8, _t("KIM,LEE,PARK,CHOI,JUNG,KANG,CHO,YOON,JANG,LIM,HAN,OH,SEO,SHIN"),
                _t("MINJUN,SEOJUN,DOYUN,JIHO,HYUNWOO,JUNSEO,SUNGMIN,DONGHYUN,JAEWON"),
                _t("SEOYEON,JIWOO,HAYOON,SOYEON,MINJI,JIYOUNG,EUNJI,SUJIN,HYEJIN"), "M", 8),
    Nationality("JPN", 5, _t("SATO,SUZUKI,TAKAHASHI,TANAKA,WATANABE,ITO,YAMAMOTO,NAKAMURA,KOBAYASHI,KATO"),
                _t("HIROSHI,TAKESHI,KENJI,DAISUKE,SHOTA,YUTO,HARUTO,RYOTA,KAZUKI"),
                _t("YUKI,AYAKA,HARUKA,MISAKI,YUI,SAKURA,NAOMI,EMI,AOI"), "TK", 7),
    Nationality("IDN", 4, _t("SANTOSO,WIJAYA,SUSANTO,HIDAYAT,SETIAWAN,KURNIAWAN,GUNAWAN,PRATAMA"),
                _t("BUDI,AGUS,EKO,RIZKY,ADITYA,DWI,HENDRA,YOGA"),
                _t("SITI,DEWI,PUTRI,AYU,RINA,INDAH,FITRI,NUR"), "B", 7, mononym_share=0.15),
    Nationality("MYS", 3, _t("BIN ABDULLAH,BIN AHMAD,TAN,LIM,WONG,BINTI ISMAIL,RAJ,LEE"),
                _t("MUHAMMAD HAFIZ,AHMAD FAIZAL,WEI MING,KUMAR,AZMAN,CHEE KEONG"),
                _t("NUR AISYAH,SITI AMINAH,MEI LING,PRIYA,NURUL IZZAH,HUI MIN"), "A", 8),
    Nationality("PHL", 3, _t("DELA CRUZ,SANTOS,REYES,GARCIA,MENDOZA,BAUTISTA,AQUINO,RAMOS,VILLANUEVA"),
                _t("JOSE,JUAN CARLO,MARK ANTHONY,JOHN PAUL,RICARDO,MIGUEL"),
                _t("MARIA LUISA,ANA,KRISTINE JOY,MARY GRACE,JASMINE,ROSALIE"), "P", 7),
    Nationality("IND", 3, _t("SHARMA,SINGH,KUMAR,PATEL,GUPTA,REDDY,NAIR,IYER,DAS,KHAN"),
                _t("RAHUL,AMIT,VIKRAM,SURESH,ARJUN,RAJESH,SANJAY,ANIL"),
                _t("PRIYA,ANJALI,DEEPIKA,KAVYA,SUNITA,POOJA,LAKSHMI"), "K", 7),
    Nationality("LAO", 3, _t("PHOMMAVONG,SOUVANNAVONG,KEOMANY,SYHALATH,VONGSAKDY,INTHAVONG,CHANTHAVONG"),
                _t("SOMPHONE,BOUNMY,KHAMPHAN,VIENGSAY,SOULIYA,PHONESAVANH"),
                _t("MANIVONE,KHAMLA,VANHNA,NOY,SENGDAO,CHANTHALY"), "P", 7),
    Nationality("MMR", 2, _t("AUNG,KYAW,ZAW,HTUN,WIN,MYINT,THEIN,NAING"),
                _t("MIN THU,KO KO,THET NAING,ZAW WIN,HTET AUNG"),
                _t("SU MYAT,THIN THIN,AYE AYE,KHIN MAR,MYA MYA"), "MA", 6, mononym_share=0.3),
    Nationality("USA", 3, _t("SMITH,JOHNSON,WILLIAMS,BROWN,JONES,MILLER,DAVIS,WILSON,ANDERSON,TAYLOR"),
                _t("JAMES,MICHAEL,ROBERT,DAVID,WILLIAM,JOHN PATRICK,CHRISTOPHER"),
                _t("MARY,JENNIFER,LINDA,ELIZABETH,SARAH ANNE,JESSICA,EMILY"), "", 9),
    Nationality("GBR", 2, _t("SMITH,JONES,TAYLOR,BROWN,WILLIAMS,WILSON,EVANS,THOMAS,ROBERTS,O'BRIEN"),
                _t("OLIVER,GEORGE,HARRY,JACK,THOMAS JAMES,WILLIAM"),
                _t("OLIVIA,AMELIA,EMILY,ISLA,SOPHIE LOUISE,CHARLOTTE"), "", 9),
    Nationality("FRA", 2, _t("MARTIN,BERNARD,DUBOIS,THOMAS,ROBERT,PETIT,DURAND,LEROY,MOREAU"),
                _t("JEAN PIERRE,NICOLAS,JULIEN,THOMAS,ANTOINE,FRANCOIS"),
                _t("MARIE CLAIRE,CAMILLE,CELINE,ISABELLE,AMELIE,HELENE"), "1", 8),
    Nationality("D", 2, _t("MUELLER,SCHMIDT,SCHNEIDER,FISCHER,WEBER,MEYER,WAGNER,BECKER,SCHULZ,HOFFMANN"),
                _t("LUKAS,JONAS,FELIX,MAXIMILIAN,STEFAN,JUERGEN"),
                _t("ANNA MARIA,LAURA,SOPHIE,JULIA,KATHARINA,BRIGITTE"), "C", 8),
    Nationality("RUS", 2, _t("IVANOV,SMIRNOV,KUZNETSOV,POPOV,VASILEV,PETROV,SOKOLOV,MIKHAILOV,FEDOROV"),
                _t("ALEKSANDR,DMITRII,SERGEI,ANDREI,ALEKSEI,MIKHAIL,IURII"),
                _t("ELENA,OLGA,TATIANA,NATALIIA,IULIIA,EKATERINA,ANASTASIIA"), "7", 8),
    Nationality("AUS", 1, _t("SMITH,JONES,WILLIAMS,BROWN,WILSON,TAYLOR,NGUYEN,WHITE"),
                _t("JACK,NOAH,WILLIAM,LIAM,COOPER"), _t("CHARLOTTE,OLIVIA,MIA,AVA,GRACE"), "PA", 7),
    Nationality("PAK", 1, _t("KHAN,AHMED,ALI,HUSSAIN,SHAH,MALIK,BUTT,IQBAL"),
                _t("MUHAMMAD,IMRAN,BILAL,USMAN,ASIF"), _t("AYESHA,FATIMA,SANA,HINA,ZAINAB"), "AB", 7),
    Nationality("BGD", 1, _t("RAHMAN,HOSSAIN,ISLAM,UDDIN,AHMED,CHOWDHURY,HAQUE"),
                _t("MOHAMMAD,RAFIQUL,KAMAL,SHAHIDUL,ABDUL KARIM"), _t("NASRIN,FARZANA,RUMANA,SHIRIN"), "BM", 7),
    Nationality("NGA", 1, _t("OKAFOR,ADEYEMI,OKONKWO,BELLO,IBRAHIM,EZE,OLAWALE"),
                _t("CHINEDU,OLUWASEUN,EMEKA,IBRAHIM,TUNDE"), _t("NGOZI,FUNMILAYO,AMINAT,CHIAMAKA"), "A", 8),
    Nationality("XXA", 1, _t("AHMADI,RAHIMI,KARIMI,HUSSEINI"), _t("ALI REZA,MOHAMMAD,HAMID"),
                _t("FATEMEH,ZAHRA,MARYAM"), "XA", 7),
)

PORTS_OF_ENTRY = (
    ("Phnom Penh International Airport", 30), ("Techo International Airport", 15),
    ("Siem Reap-Angkor International Airport", 14), ("Sihanoukville International Airport", 4),
    ("Bavet", 12), ("Poipet", 10), ("Cham Yeam", 3), ("Trapeang Kriel", 2), ("Kaam Samnor", 3),
    ("Phnom Penh Autonomous Port", 1), ("O Smach", 2), ("Prek Chak", 2), ("Trapeang Phlong", 2),
)

# visa code, weight, days permitted
VISAS = (("T", 50, 30), ("E", 12, 30), ("EB", 16, 180), ("EG", 10, 365), ("ES", 3, 365), ("ER", 2, 365),
         ("K", 2, 365), ("A", 2, 730), ("B", 1, 365), ("C", 2, 90))
WORKING_VISAS = {"EB", "EG", "K"}

OCCUPATIONS = ("Site engineer", "Construction worker", "Mason", "Welder", "Cook", "Software developer", "Teacher",
               "Sales manager", "Accountant", "Customer service agent", "Dealer", "Factory supervisor",
               "Electrician", "Marketing officer", "Translator", "Driver", "Security guard")

# Approximate centre of each province (for demo map positions).
PROVINCE_CENTRES = {
    "KH-1": (13.59, 102.97), "KH-2": (13.10, 103.20), "KH-3": (12.00, 105.46), "KH-4": (12.25, 104.67),
    "KH-5": (11.45, 104.52), "KH-6": (12.71, 104.89), "KH-7": (10.61, 104.18), "KH-8": (11.48, 104.95),
    "KH-9": (11.62, 102.98), "KH-10": (12.49, 106.02), "KH-11": (12.45, 107.19), "KH-12": (11.56, 104.92),
    "KH-13": (13.80, 104.98), "KH-14": (11.49, 105.33), "KH-15": (12.54, 103.92), "KH-16": (13.74, 106.98),
    "KH-17": (13.36, 103.86), "KH-18": (10.63, 103.52), "KH-19": (13.53, 105.97), "KH-20": (11.09, 105.80),
    "KH-21": (10.99, 104.78), "KH-22": (14.16, 103.50), "KH-23": (10.48, 104.32), "KH-24": (12.85, 102.61),
    "KH-25": (11.90, 105.66),
}
# Where foreigners are: Phnom Penh, Preah Sihanouk and Siem Reap weigh most.
PROVINCE_WEIGHTS = {"KH-12": 30, "KH-18": 14, "KH-17": 12, "KH-8": 5, "KH-1": 4, "KH-20": 4, "KH-2": 3, "KH-9": 3}

PREMISES_NAMES = {
    PremisesType.HOTEL: ("{w} Guesthouse", "{w} Hotel", "{w} Boutique Hotel", "{w} Inn", "{w} Residence Hotel"),
    PremisesType.CONSTRUCTION: ("{w} Tower construction site", "{w} Plaza site", "{w} Condominium site"),
    PremisesType.COMPANY: ("{w} Trading Co., Ltd.", "{w} Digital Services Co., Ltd.", "{w} Logistics Co., Ltd."),
    PremisesType.ENTERTAINMENT: ("{w} KTV", "{w} Karaoke Club", "{w} Massage & Spa", "{w} Beer Garden"),
    PremisesType.CASINO: ("{w} Casino", "{w} Resort & Casino"),
    PremisesType.BRICK_KILN: ("{w} brick kiln", "{w} kiln no. 2"),
    PremisesType.RESIDENTIAL: ("{w} Apartments", "{w} Borey", "{w} Serviced Apartments"),
    PremisesType.COMPOUND: ("{w} Compound", "{w} Industrial Park block C", "{w} Technology Park"),
    PremisesType.DIPLOMATIC: ("Embassy residence, {w} Street", "Consulate annex, {w} Street"),
    PremisesType.OTHER: ("{w} Market stall", "{w} Fishing pier", "{w} Farm"),
}
PREMISES_TYPE_WEIGHTS = {
    PremisesType.HOTEL: 30, PremisesType.CONSTRUCTION: 12, PremisesType.COMPANY: 16, PremisesType.ENTERTAINMENT: 10,
    PremisesType.CASINO: 5, PremisesType.BRICK_KILN: 5, PremisesType.RESIDENTIAL: 12, PremisesType.COMPOUND: 4,
    PremisesType.DIPLOMATIC: 2, PremisesType.OTHER: 4,
}
PREMISES_WORDS = ("Golden Lotus", "Mekong", "Angkor", "Royal", "Lucky Star", "Apsara", "Riverside", "Sunrise",
                  "Jasmine", "Naga", "Tonle", "Silver Moon", "Kampuchea", "Orchid", "Palm Beach", "Dragon Bay",
                  "Phoenix", "Blue Sky", "Jade", "Lotus Garden", "Independence", "Green Valley", "Diamond Island")
OPERATORS = ("SOK DARA", "CHAN SOPHAL", "KIM SREYNEANG", "HENG VIBOL", "LY SOPHEAP", "MEAS CHANTHA", "TEP BOPHA",
             "ZHANG LEI", "NGUYEN VAN HAI", "CHEN JIANHUA")


def _weighted(pairs) -> tuple[list, list[int]]:
    items = list(pairs)
    return [i[0] for i in items], [i[1] for i in items]


# --- accounts ---------------------------------------------------------------------------------

DEMO_UNITS = (
    # code, name, kind, provinces (None = national), parent code
    ("demo-national-hq", "National Headquarters (demo)", UnitKind.NATIONAL, None, None),
    ("demo-pp-department", "Phnom Penh Provincial Department (demo)", UnitKind.PROVINCIAL, ["KH-12"],
     "demo-national-hq"),
    ("demo-pp-daun-penh", "Daun Penh Station, Phnom Penh (demo)", UnitKind.STATION, ["KH-12"], "demo-pp-department"),
    ("demo-sr-station", "Siem Reap City Station (demo)", UnitKind.STATION, ["KH-17"], "demo-national-hq"),
)
DEMO_USERS = (
    # username, role, unit code, first name, last name
    ("demo-officer", Role.OFFICER, "demo-pp-daun-penh", "Sopheak", "Chea"),
    ("demo-supervisor", Role.SUPERVISOR, "demo-pp-department", "Vannak", "Keo"),
    ("demo-analyst", Role.ANALYST, "demo-national-hq", "Bopha", "Lim"),
    ("demo-admin", Role.ADMINISTRATOR, "demo-national-hq", "Rithy", "Sam"),
)


@transaction.atomic
def seed_accounts() -> tuple[dict[str, Unit], dict[str, object]]:
    """The demo units and one user per role (idempotent). Never called by migrations."""
    units: dict[str, Unit] = {}
    for code, name, kind, provinces, parent in DEMO_UNITS:
        unit, _ = Unit.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "is_national": provinces is None,
                                 "parent": units.get(parent)})
        if provinces:
            unit.provinces.set(Province.objects.filter(code__in=provinces))
        units[code] = unit
    User = get_user_model()
    users = {}
    for username, role, unit_code, first, last in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=first, last_name=last, email=f"{username}@example.org",
                        is_staff=role == Role.ADMINISTRATOR, is_superuser=role == Role.ADMINISTRATOR)
            validate_password(DEMO_PASSWORD, user)
            user.set_password(DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(user=user, unit=units[unit_code], role=role)
        users[role] = user
    return units, users


# --- registry ---------------------------------------------------------------------------------

@dataclass
class DemoContext:
    """What seed_demo made, handed to demo_seeded receivers (e.g. inspections' demo)."""

    seed: int
    rng: random.Random
    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)
    premises_count: int = 0
    entries_count: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    write: Callable[[str], None] = print


def _writer(model, columns: list[str]):
    """A function that writes tuples of ``columns`` into ``model``'s table: COPY on PostgreSQL,
    bulk_create elsewhere."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        db_columns = [model._meta.get_field(c).column for c in columns]
        sql = f"COPY {table} ({', '.join(connection.ops.quote_name(c) for c in db_columns)}) FROM STDIN"

        def write_pg(rows: list[tuple]) -> None:
            if not rows:
                return
            with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)

        return write_pg

    attnames = [model._meta.get_field(c).attname for c in columns]

    def write_orm(rows: list[tuple]) -> None:
        model.objects.bulk_create([model(**dict(zip(attnames, row, strict=True))) for row in rows],
                                  batch_size=2000)

    return write_orm


def seed_premises(*, rng: random.Random, count: int, actor=None) -> list[tuple]:
    """``count`` premises, every type at least once, spread over provinces (busy ones weigh more)."""
    districts = list(District.objects.select_related("province").order_by("code"))
    by_province: dict[str, list[District]] = {}
    for d in districts:
        by_province.setdefault(d.province.code, []).append(d)
    provinces = sorted(by_province)
    weights = [PROVINCE_WEIGHTS.get(p, 1) for p in provinces]
    types, type_weights = _weighted(PREMISES_TYPE_WEIGHTS.items())
    now = timezone.now()
    existing = Premises.objects.filter(registration_number__startswith=DEMO_SOURCE_PREFIX).count()
    made = []
    for i in range(count):
        premises_type = types[i] if i < len(types) else rng.choices(types, type_weights)[0]
        province = provinces[i % len(provinces)] if i < len(provinces) * 2 else rng.choices(provinces, weights)[0]
        district = rng.choice(by_province[province])
        lat, lon = PROVINCE_CENTRES[province]
        word = rng.choice(PREMISES_WORDS)
        premises = Premises(
            id=uuid.uuid4(), premises_type=premises_type,
            name=rng.choice(PREMISES_NAMES[premises_type]).format(w=word),
            registration_number=f"{DEMO_SOURCE_PREFIX}{premises_type[:3].upper()}-{existing + i + 1:06d}",
            address=f"No. {rng.randint(1, 300)}, Street {rng.randint(1, 600)}, {district.name}",
            district=district,
            latitude=Decimal(f"{lat + rng.uniform(-0.08, 0.08):.6f}"),
            longitude=Decimal(f"{lon + rng.uniform(-0.08, 0.08):.6f}"),
            operator_name=rng.choice(OPERATORS), contact=f"+855 {rng.randint(10, 99)} {rng.randint(100000, 999999)}",
            created_at=now, updated_at=now, created_by=actor,
        )
        made.append(premises)
    Premises.objects.bulk_create(made, batch_size=2000)
    return [(p.id, p.premises_type, p.name, p.registration_number) for p in made]


class _People:
    """Generates foreigners, their documents and their entries, a chunk at a time."""

    def __init__(self, rng: random.Random, today: datetime.date, start: int):
        self.rng = rng
        self.today = today
        self.start = start
        self.serials: dict[str, int] = {}
        self.nationalities, self.nat_weights = _weighted((n, n.weight) for n in NATIONALITIES)
        self.ports, self.port_weights = _weighted(PORTS_OF_ENTRY)
        self.visas, self.visa_weights = _weighted(((code, days), w) for code, w, days in VISAS)

    def document_number(self, nat: Nationality) -> str:
        """Unique per nationality: an odd multiplier not divisible by 5 permutes 0..10**digits-1."""
        serial = self.serials.get(nat.code, self.start)
        self.serials[nat.code] = serial + 1
        scrambled = (serial * 48_271 + 7_919) % 10**nat.digits
        return f"{nat.document_prefix}{scrambled:0{nat.digits}d}"

    def person(self):
        rng = self.rng
        nat = rng.choices(self.nationalities, self.nat_weights)[0]
        sex = "F" if rng.random() < 0.42 else "M"
        given = rng.choice(nat.female if sex == "F" else nat.male)
        surname = rng.choice(nat.surnames)
        if rng.random() < nat.mononym_share:
            surname, given = given.split()[0], ""
        age_days = rng.randint(18 * 365, 70 * 365) if rng.random() > 0.02 else rng.randint(14 * 365, 18 * 365)
        dob = self.today - datetime.timedelta(days=age_days)
        issuing = "D" if nat.code == "D" else nat.code
        nationality = "DEU" if nat.code == "D" else nat.code
        return nat, surname, given, dob, sex, nationality, issuing

    def visits(self, dob: datetime.date, diplomatic: bool) -> Iterator[tuple]:
        """(entry_date, visa code, permitted_until, exit_date) for 1-3 visits, oldest first."""
        rng = self.rng
        n = 1 if rng.random() < 0.8 else (2 if rng.random() < 0.75 else 3)
        day = self.today - datetime.timedelta(days=rng.randint(400, 760))
        for _ in range(n):
            day = day + datetime.timedelta(days=rng.randint(1, 330))
            if day > self.today:
                day = self.today - datetime.timedelta(days=rng.randint(0, 30))
            code, days = ("A", 730) if diplomatic else rng.choices(self.visas, self.visa_weights)[0]
            permitted = day + datetime.timedelta(days=days)
            exit_date = None
            if permitted < self.today and rng.random() < 0.93:  # most leave; some overstay
                exit_date = day + datetime.timedelta(days=rng.randint(0, (permitted - day).days))
            elif permitted >= self.today and rng.random() < 0.4:
                latest = (self.today - day).days
                exit_date = day + datetime.timedelta(days=rng.randint(0, latest)) if latest > 0 else None
            yield day, code, permitted, exit_date
            if exit_date:
                day = max(day, exit_date)


def seed_registry(*, ctx: DemoContext, entries: int, premises: int, actor=None) -> None:
    rng = ctx.rng
    today = timezone.localdate()
    made_premises = seed_premises(rng=rng, count=premises, actor=actor)
    ctx.premises_count = len(made_premises)
    hotels = [p for p in made_premises if p[1] in (PremisesType.HOTEL, PremisesType.RESIDENTIAL)]
    employers = [p for p in made_premises if p[1] in (PremisesType.CONSTRUCTION, PremisesType.COMPANY,
                                                      PremisesType.CASINO, PremisesType.ENTERTAINMENT,
                                                      PremisesType.COMPOUND)]
    visa_ids = dict(VisaType.objects.values_list("code", "id"))
    start = EntryRecord.objects.filter(source_id__startswith=DEMO_SOURCE_PREFIX).count()
    people = _People(rng, today, start=TravelDocument.objects.count())
    now = timezone.now()

    write_foreigners = _writer(Foreigner, ["id", "surname", "given_names", "native_name", "date_of_birth", "sex",
                                           "nationality", "created_at"])
    write_documents = _writer(TravelDocument, ["foreigner", "document_type", "number", "issuing_country",
                                               "expiry_date"])
    entry_columns = ["source_id", "foreigner", "document_type", "document_number", "issuing_country", "nationality",
                     "surname", "given_names", "date_of_birth", "sex", "entry_date", "port_of_entry", "visa_type",
                     "permitted_until", "exit_date", "name_key", "imported_at", "updated_at"]
    write_entries = _writer(EntryRecord, entry_columns)
    write_extensions = _writer(StayExtension, ["source_id", "entry", "visa_type", "granted_on", "valid_until",
                                               "imported_at"])
    write_permits = _writer(WorkPermit, ["source_id", "foreigner", "document_number", "issuing_country", "surname",
                                         "given_names", "employer_premises", "employer_name", "occupation",
                                         "valid_from", "valid_until", "imported_at"])
    write_guests = _writer(GuestRegistration, ["source_id", "premises", "foreigner", "document_number",
                                               "issuing_country", "nationality", "surname", "given_names", "check_in",
                                               "check_out", "imported_at"])
    counts = dict.fromkeys(("foreigners", "documents", "entries", "stay_extensions", "work_permits",
                            "guest_registrations"), 0)
    made = 0
    analyse_at = 50_000
    while made < entries:
        foreigners, documents, entry_rows, followups = [], [], [], []
        while made < entries and len(entry_rows) < CHUNK:
            nat, surname, given, dob, sex, nationality, issuing = people.person()
            diplomatic = rng.random() < 0.01
            doc_type = DocumentType.DIPLOMATIC if diplomatic else DocumentType.PASSPORT
            foreigner_id = uuid.uuid4()
            foreigners.append((foreigner_id, surname, given, "", dob, sex, nationality, now))
            number = people.document_number(nat)
            expiry = today + datetime.timedelta(days=rng.randint(-200, 3000))
            documents.append((foreigner_id, doc_type, number, issuing, expiry))
            key = name_key(surname, given)
            for visit, (day, code, permitted, exit_date) in enumerate(people.visits(dob, diplomatic)):
                if made >= entries:
                    break
                if visit and rng.random() < 0.1:  # a new passport since the last visit
                    number = people.document_number(nat)
                    documents.append((foreigner_id, doc_type, number, issuing,
                                      today + datetime.timedelta(days=rng.randint(1000, 3650))))
                made += 1
                source_id = f"{DEMO_SOURCE_PREFIX}BX-{start + made:09d}"
                entry_rows.append((source_id, foreigner_id, doc_type, number, issuing, nationality, surname, given,
                                   dob, sex, day, rng.choices(people.ports, people.port_weights)[0],
                                   visa_ids[code], permitted, exit_date, key, now, now))
                followups.append((source_id, foreigner_id, number, issuing, nationality, surname, given, day, code,
                                  permitted, exit_date))
        write_foreigners(foreigners)
        write_documents(documents)
        write_entries(entry_rows)
        counts["foreigners"] += len(foreigners)
        counts["documents"] += len(documents)
        counts["entries"] += len(entry_rows)
        if counts["entries"] >= analyse_at:
            # Statistics do not see this transaction's rows until ANALYZE (see registry.services).
            analyse_at *= 2
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"ANALYZE {EntryRecord._meta.db_table}")
        _seed_followups(rng=rng, today=today, rows=followups, hotels=hotels, employers=employers, visa_ids=visa_ids,
                        now=now, counts=counts, writers=(write_extensions, write_permits, write_guests))
    ctx.entries_count = counts["entries"]
    ctx.counts.update(counts)


def _seed_followups(*, rng, today, rows, hotels, employers, visa_ids, now, counts, writers) -> None:
    """Stay extensions, work permits and guest registrations for one chunk of entries."""
    write_extensions, write_permits, write_guests = writers
    entry_ids = dict(EntryRecord.objects.filter(source_id__in=[r[0] for r in rows]).values_list("source_id", "id"))
    extensions, permits, guests = [], [], []
    for source_id, foreigner_id, number, issuing, nationality, surname, given, day, code, permitted, exit_date in rows:
        serial = source_id.rsplit("-", 1)[1]
        staying = exit_date is None
        if staying and code in ("T", "E", "EB", "ES") and rng.random() < 0.3:
            granted = permitted - datetime.timedelta(days=rng.randint(1, 10))
            extensions.append((f"{DEMO_SOURCE_PREFIX}SX-{serial}", entry_ids[source_id], visa_ids[code], granted,
                               permitted + datetime.timedelta(days=rng.choice((30, 90, 180, 365))), now))
        if employers and code in WORKING_VISAS and rng.random() < 0.75:
            employer = rng.choice(employers)
            start = day + datetime.timedelta(days=rng.randint(0, 30))
            permits.append((f"{DEMO_SOURCE_PREFIX}WP-{serial}", foreigner_id, number, issuing, surname, given,
                            employer[0] if rng.random() < 0.8 else None, employer[2], rng.choice(OCCUPATIONS),
                            start, start + datetime.timedelta(days=364), now))
        if hotels and rng.random() < 0.25:
            check_in = day + datetime.timedelta(days=rng.randint(0, 2))
            if check_in <= today:
                stay = rng.randint(1, 20)
                check_out = check_in + datetime.timedelta(days=stay)
                guests.append((f"{DEMO_SOURCE_PREFIX}GR-{serial}", rng.choice(hotels)[0], foreigner_id, number,
                               issuing, nationality, surname, given, check_in,
                               check_out if check_out <= today else None, now))
    write_extensions(extensions)
    write_permits(permits)
    write_guests(guests)
    counts["stay_extensions"] += len(extensions)
    counts["work_permits"] += len(permits)
    counts["guest_registrations"] += len(guests)


def has_data() -> bool:
    return Premises.objects.exists() or EntryRecord.objects.exists()


def seed_demo(*, entries: int = 3000, premises: int = 300, seed: int = 2026, write=print) -> DemoContext:
    """Units, users, registry; then ``demo_seeded`` for the apps above the registry."""
    ctx = DemoContext(seed=seed, rng=random.Random(seed), write=write)
    ctx.units, ctx.users = seed_accounts()
    with transaction.atomic():
        seed_registry(ctx=ctx, entries=entries, premises=premises)
        demo_seeded.send(sender=DemoContext, context=ctx)
    return ctx


def logins_text() -> str:
    out = io.StringIO()
    out.write(f"Demo logins (password for each: {DEMO_PASSWORD}):\n")
    for username, role, unit_code, _first, _last in DEMO_USERS:
        unit_name = next(name for code, name, *_ in DEMO_UNITS if code == unit_code)
        out.write(f"  {role.label:<14} {username:<16} {unit_name}\n")
    return out.getvalue()
