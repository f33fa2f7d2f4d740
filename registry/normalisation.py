"""Pure normalisation of what people and documents are called. No Django imports.

Used at import time (stored, indexed columns) and by verification (the same folding on what
officers typed), so both sides are compared in one form.
"""

import re
import unicodedata
from functools import lru_cache

from unidecode import unidecode

_DOC_STRIP = re.compile(r"[^0-9A-Z]")
_NON_LETTER = re.compile(r"[^a-z ]+")
_VOWELS = set("aeiouy")

# Common romanisation variants folded to one spelling before comparison.
_FOLDS = (
    ("ph", "f"),
    ("kh", "k"),
    ("th", "t"),
    ("dh", "d"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("w", "v"),
    ("z", "s"),
    ("q", "k"),
    ("c", "k"),
    ("x", "ks"),
    ("j", "y"),
)


def normalise_document_number(number: str) -> str:
    """Upper case, letters and digits only: 'e 123-456 7' -> 'E1234567'.

    Letter O and digit 0 are kept apart: documents mix both and the MRZ distinguishes them.
    """
    if number and number.isascii() and number.isalnum():  # the usual case, without unidecode
        return number.upper()
    return _DOC_STRIP.sub("", unidecode(number or "").upper())


def normalise_country(code: str) -> str:
    """ISO 3166-1 alpha-3 as in the MRZ ('D' for Germany is valid there)."""
    return (code or "").strip().upper()


@lru_cache(maxsize=65536)
def fold_name(name: str) -> str:
    """Lower case ASCII letters and single spaces: 'NGUYỄN  Văn-An' -> 'nguyen van an'."""
    text = unicodedata.normalize("NFKC", name or "")
    text = unidecode(text).lower().replace("-", " ").replace("'", "")
    text = _NON_LETTER.sub(" ", text)
    return " ".join(text.split())


def name_tokens(*names: str) -> list[str]:
    """Folded tokens of every name part, in order."""
    return [token for name in names for token in fold_name(name).split()]


@lru_cache(maxsize=65536)
def phonetic_token(token: str) -> str:
    """Token with romanisation variants folded: 'mohammed' and 'muhammad' come close."""
    for a, b in _FOLDS:
        token = token.replace(a, b)
    return token


@lru_cache(maxsize=65536)
def skeleton(token: str) -> str:
    """First letter plus consonants, repeats collapsed: 'mohammed' -> 'mhmd', 'muhammad' -> 'mhmd'."""
    token = phonetic_token(token)
    if not token:
        return ""
    out = [token[0]]
    for ch in token[1:]:
        if ch in _VOWELS or ch == "h" and len(out) > 1:
            continue
        if ch != out[-1]:
            out.append(ch)
    return "".join(out)


def name_key(surname: str, given_names: str) -> str:
    """Blocking key that survives swapped name order and common romanisation variants:
    the skeletons of every name token, de-duplicated and sorted ('NGUYEN VAN AN' and
    'VAN AN NGUYEN' -> 'an|ngn|vn'). All tokens, not just the first two, so that very common
    first tokens (Nguyen Van, Wang, Kumar) do not make huge blocks."""
    parts = {skeleton(t) for t in name_tokens(surname, given_names)}
    return "|".join(sorted(p for p in parts if p))[:64]
