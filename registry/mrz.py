"""Reading the machine-readable zone of a passport (ICAO 9303 TD3: two lines of 44 characters).

Officers paste or type the two lines; ``parse_td3`` returns the person's details with every check
digit verified, or the list of what is wrong (which check digit failed, or why the text is not a
TD3 MRZ). The check-digit arithmetic is the ``mrz`` package's (TD3CodeChecker). Never logs the text.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from mrz.base.errors import FieldError
from mrz.checker.td3 import TD3CodeChecker

LINE_LENGTH = 44
_ALLOWED = re.compile(r"^[A-Z0-9<]*$")

# The mrz package's report wording -> what the officer is told (the check digit that failed).
_CHECKS = {
    "document number hash": gettext_lazy("The document number check digit is wrong."),
    "birth date hash": gettext_lazy("The date of birth check digit is wrong."),
    "expiry date hash": gettext_lazy("The expiry date check digit is wrong."),
    "optional data hash": gettext_lazy("The personal number check digit is wrong."),
    "final hash": gettext_lazy("The final (composite) check digit is wrong."),
}


@dataclass(frozen=True)
class MrzResult:
    document_type: str  # P, D (diplomatic) or O (official), as registry.models.DocumentType
    issuing_country: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    date_of_birth: datetime.date | None
    sex: str  # M, F or X
    document_expiry: datetime.date | None


@dataclass(frozen=True)
class MrzErrors:
    errors: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:  # an error report is never a usable result
        return False


def _lines(text: str) -> list[str]:
    """Upper-cased lines without spaces; one pasted line of 88 characters is split in two."""
    cleaned = (text or "").upper().replace("\r", "\n").replace("«", "<")
    lines = [re.sub(r"\s+", "", line) for line in cleaned.split("\n")]
    lines = [line for line in lines if line]
    if len(lines) == 1 and len(lines[0]) == 2 * LINE_LENGTH:
        lines = [lines[0][:LINE_LENGTH], lines[0][LINE_LENGTH:]]
    return lines


def _date(yymmdd: str, *, birth: bool) -> datetime.date | None:
    if not re.fullmatch(r"\d{6}", yymmdd):
        return None
    yy, mm, dd = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    this_year = timezone.now().year % 100
    century = (1900 if yy > this_year else 2000) if birth else 2000
    try:
        return datetime.date(century + yy, mm, dd)
    except ValueError:
        return None


def _country(code: str) -> str:
    return code.replace("<", "")


def parse_td3(text: str) -> MrzResult | MrzErrors:
    """The details of a TD3 passport MRZ, or MrzErrors saying which check failed."""
    lines = _lines(text)
    if len(lines) != 2:
        return MrzErrors([_("Enter the two lines of the machine-readable zone (found %(count)d).")
                          % {"count": len(lines)}])
    errors = []
    for number, line in enumerate(lines, start=1):
        if len(line) != LINE_LENGTH:
            errors.append(_("Line %(line)d has %(length)d characters; a passport line has 44.")
                          % {"line": number, "length": len(line)})
        if not _ALLOWED.match(line):
            errors.append(_("Line %(line)d has characters other than A–Z, 0–9 and <.") % {"line": number})
    if errors:
        return MrzErrors(errors)
    if not lines[0].startswith("P"):
        return MrzErrors([_("This is not a passport MRZ: the first line must start with P.")])
    try:
        checker = TD3CodeChecker("\n".join(lines))
    except FieldError:
        return MrzErrors([_("This text is not a passport machine-readable zone.")])
    failed = {description for description, ok in checker.report.fields if ok is False}
    errors = [str(message) for description, message in _CHECKS.items() if description in failed]
    if errors:
        return MrzErrors(errors)

    first, second = lines
    names = first[5:].rstrip("<")
    surname, _sep, given = names.partition("<<")
    kind = first[1]
    birth = _date(second[13:19], birth=True)
    expiry = _date(second[21:27], birth=False)
    if birth is None:
        return MrzErrors([_("The date of birth in the MRZ is not a valid date.")])
    sex = second[20] if second[20] in ("M", "F") else "X"
    return MrzResult(
        document_type={"D": "D", "O": "O", "S": "O"}.get(kind, "P"),
        issuing_country=_country(first[2:5]),
        surname=surname.replace("<", " ").strip(),
        given_names=" ".join(given.replace("<", " ").split()),
        document_number=second[0:9].replace("<", ""),
        nationality=_country(second[10:13]),
        date_of_birth=birth,
        sex=sex,
        document_expiry=expiry,
    )
