"""A logging filter that keeps personal data out of log files.

Rule (docs/security.md): no log line carries a query string or anything shaped like a travel
document number. Query strings can carry search terms (names, numbers); document numbers are
letters and digits with at least five digits. The filter rewrites the formatted message (and a
traceback, if any) before any handler sees it; it over-redacts rather than under-redacts.
"""

import logging
import re

# "?q=..." up to the next blank or quote: the query string of a logged URL or request line.
QUERY_STRING = re.compile(r"\?[^\s\"']*")
# Passport / ID / permit numbers: one to three letters and five or more digits (C0000001,
# N1234567, EA1234567), or eight or more digits (123456789). Not UUIDs or timestamps.
DOCUMENT_NUMBER = re.compile(r"\b(?:[A-Z]{1,3}\d{5,15}|\d{8,15})\b", re.IGNORECASE)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    text = QUERY_STRING.sub("?" + REDACTED, text)
    return DOCUMENT_NUMBER.sub(REDACTED, text)


class RedactPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the template, drop the arguments
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
