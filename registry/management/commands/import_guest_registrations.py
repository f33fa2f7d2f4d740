from registry.management.commands._import_base import ImportCommand
from registry.models import ImportKind


class Command(ImportCommand):
    kind = ImportKind.GUEST_REGISTRATIONS
    what = "guest registrations"
