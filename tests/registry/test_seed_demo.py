"""seed_demo: demo units, a user per role, a believable registry; --if-empty is idempotent."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from accounts.models import Membership, Role, Unit
from inspections.models import Inspection
from registry.demo import DEMO_PASSWORD, DemoContext
from registry.models import (
    DocumentType,
    EntryRecord,
    Foreigner,
    GuestRegistration,
    Premises,
    PremisesType,
    StayExtension,
    TravelDocument,
    WorkPermit,
)
from registry.signals import demo_seeded

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_users_per_role_and_prints_their_logins(capsys, rf):
    call_command("seed_demo", entries=400, premises=40, seed=7)
    out = capsys.readouterr().out
    User = get_user_model()
    for role in Role:
        membership = Membership.objects.get(role=role, user__username__startswith="demo-")
        assert membership.user.username in out
        assert authenticate(rf.get("/"), username=membership.user.username, password=DEMO_PASSWORD) is not None
    assert DEMO_PASSWORD in out
    admin = User.objects.get(username="demo-admin")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.get(username="demo-officer").is_staff
    assert Unit.objects.get(code="demo-national-hq").is_national
    assert set(Unit.objects.get(code="demo-sr-station").provinces.values_list("code", flat=True)) == {"KH-17"}


def test_seed_demo_makes_a_believable_registry():
    call_command("seed_demo", entries=1500, premises=60, seed=11)
    assert EntryRecord.objects.count() == 1500
    assert Premises.objects.count() == 60
    assert set(Premises.objects.values_list("premises_type", flat=True)) == set(PremisesType.values)
    assert Premises.objects.values("district__province").distinct().count() >= 20
    assert EntryRecord.objects.values("nationality").distinct().count() >= 15
    assert EntryRecord.objects.filter(issuing_country="D", nationality="DEU").exists()
    assert EntryRecord.objects.filter(document_type=DocumentType.DIPLOMATIC, visa_type__code="A").exists()
    # repeat visitors and renewed passports: fewer people than entries, more documents than people
    assert Foreigner.objects.count() < EntryRecord.objects.count()
    assert TravelDocument.objects.count() > Foreigner.objects.count()
    assert not EntryRecord.objects.filter(foreigner__isnull=True).exists()
    assert StayExtension.objects.exists() and WorkPermit.objects.exists() and GuestRegistration.objects.exists()
    # names as the MRZ prints them: upper-case Latin letters and spaces
    assert all(s.replace(" ", "").replace("'", "").isupper() and s.isascii()
               for s in EntryRecord.objects.values_list("surname", flat=True))
    # every entry's document is one of its foreigner's documents
    for entry in EntryRecord.objects.select_related("foreigner")[:200]:
        assert entry.foreigner.documents.filter(number=entry.document_number,
                                                issuing_country=entry.issuing_country).exists()
    overstaying = EntryRecord.objects.filter(exit_date__isnull=True, permitted_until__lt="2026-11-01")
    assert overstaying.exists()


def test_the_same_seed_gives_the_same_people():
    call_command("seed_demo", entries=50, premises=10, seed=3)
    first = list(EntryRecord.objects.order_by("source_id").values_list("surname", "given_names", "date_of_birth"))
    Inspection.objects.all().delete()  # the demo inspections hold on to their premises
    for model in (WorkPermit, GuestRegistration, EntryRecord, Foreigner, Premises):
        model.objects.all().delete()
    call_command("seed_demo", entries=50, premises=10, seed=3)
    second = list(EntryRecord.objects.order_by("source_id").values_list("surname", "given_names", "date_of_birth"))
    assert [p[:2] for p in first] == [p[:2] for p in second]


def test_if_empty_does_nothing_when_data_exists(capsys):
    call_command("seed_demo", "--if-empty", entries=100, premises=12)
    counts = (EntryRecord.objects.count(), Premises.objects.count(), get_user_model().objects.count())
    capsys.readouterr()
    call_command("seed_demo", "--if-empty", entries=100, premises=12)
    out = capsys.readouterr().out
    assert "did nothing" in out and "demo-officer" in out
    assert (EntryRecord.objects.count(), Premises.objects.count(), get_user_model().objects.count()) == counts


def test_apps_above_the_registry_can_add_to_the_demo():
    seen = []

    def receiver(sender, context, **kwargs):
        seen.append((type(context), context.entries_count, sorted(context.users)))

    demo_seeded.connect(receiver)
    try:
        call_command("seed_demo", entries=20, premises=10)
    finally:
        demo_seeded.disconnect(receiver)
    assert seen == [(DemoContext, 20, sorted(Role.values))]


def test_no_demo_users_without_seed_demo():
    assert not get_user_model().objects.filter(username__startswith="demo-").exists()
