"""Who is known to the state, and where they may be."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    UNSPECIFIED = "X", _("Unspecified")


class DocumentType(models.TextChoices):
    PASSPORT = "P", _("Passport")
    DIPLOMATIC = "D", _("Diplomatic passport")
    OFFICIAL = "O", _("Official / service passport")
    IDENTITY_CARD = "I", _("Identity card")
    LAISSEZ_PASSER = "L", _("Laissez-passer")


class PremisesType(models.TextChoices):
    HOTEL = "hotel", _("Hotel / guesthouse")
    CONSTRUCTION = "construction", _("Construction site")
    COMPANY = "company", _("Company / office")
    ENTERTAINMENT = "entertainment", _("Entertainment venue")
    CASINO = "casino", _("Casino")
    BRICK_KILN = "brick_kiln", _("Brick kiln")
    RESIDENTIAL = "residential", _("Residential building")
    COMPOUND = "compound", _("Compound")
    DIPLOMATIC = "diplomatic", _("Diplomatic premises")
    OTHER = "other", _("Other")


class Province(models.Model):
    """One of Cambodia's 25 provinces (incl. Phnom Penh). Reference data."""

    code = models.CharField(_("code"), max_length=8, unique=True, help_text="ISO 3166-2:KH, e.g. KH-12")
    name = models.CharField(_("name"), max_length=100)
    name_km = models.CharField(_("name in Khmer"), max_length=100, blank=True)
    units = models.ManyToManyField(
        "accounts.Unit", verbose_name=_("units with jurisdiction"), related_name="provinces", blank=True,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name


class District(models.Model):
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="districts")
    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_km = models.CharField(_("name in Khmer"), max_length=100, blank=True)

    class Meta:
        ordering = ["province__name", "name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return f"{self.name}, {self.province.name}"


class VisaType(models.Model):
    """Reference data, editable in the admin."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_km = models.CharField(_("name in Khmer"), max_length=100, blank=True)
    allows_work = models.BooleanField(_("allows work"), default=False)
    is_diplomatic = models.BooleanField(_("diplomatic"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("visa type")
        verbose_name_plural = _("visa types")

    def __str__(self):
        return f"{self.code} — {self.name}"


class Premises(models.Model):
    """A place that can be inspected. Diplomatic premises are recorded but not inspectable."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    premises_type = models.CharField(_("type"), max_length=20, choices=PremisesType.choices)
    name = models.CharField(_("name"), max_length=200)
    registration_number = models.CharField(_("registration number"), max_length=60, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.PROTECT,
                                 related_name="premises")
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    operator_name = models.CharField(_("operator"), max_length=200, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name"]
        verbose_name = _("premises")
        verbose_name_plural = _("premises")
        constraints = [
            models.UniqueConstraint(
                fields=["registration_number"], condition=~Q(registration_number=""),
                name="premises_unique_registration_number",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="premises_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="premises_longitude_range",
            ),
        ]
        indexes = [models.Index(fields=["district", "premises_type"], name="premises_district_type")]

    def __str__(self):
        return self.name

    @property
    def is_inspectable(self) -> bool:
        return self.premises_type != PremisesType.DIPLOMATIC


class Foreigner(models.Model):
    """One person known to the state. Documents, entries, permits and matched encounters hang
    off it, so a person's history is one query away."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    surname = models.CharField(_("surname"), max_length=100)
    given_names = models.CharField(_("given names"), max_length=150, blank=True)
    native_name = models.CharField(_("name in own script"), max_length=200, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    nationality = models.CharField(_("nationality"), max_length=3)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("foreigner")
        verbose_name_plural = _("foreigners")
        indexes = [models.Index(fields=["nationality", "date_of_birth"], name="foreigner_nat_dob")]

    def __str__(self):
        return f"{self.surname}, {self.given_names}"


class TravelDocument(models.Model):
    foreigner = models.ForeignKey(Foreigner, on_delete=models.CASCADE, related_name="documents")
    document_type = models.CharField(_("document type"), max_length=1, choices=DocumentType.choices)
    number = models.CharField(_("number"), max_length=30, help_text=_("Normalised: letters and digits only."))
    issuing_country = models.CharField(_("issuing country"), max_length=3)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)

    class Meta:
        verbose_name = _("travel document")
        verbose_name_plural = _("travel documents")
        constraints = [
            models.UniqueConstraint(fields=["document_type", "number", "issuing_country"],
                                    name="traveldocument_unique_type_number_country"),
        ]
        indexes = [models.Index(fields=["number", "issuing_country"], name="traveldoc_number_country")]

    def __str__(self):
        return f"{self.get_document_type_display()} ({self.issuing_country})"


class EntryRecord(models.Model):
    """One crossing into the country as the border system recorded it. Imports upsert on source_id."""

    source_id = models.CharField(_("source id"), max_length=64, unique=True)
    foreigner = models.ForeignKey(Foreigner, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="entries")
    document_type = models.CharField(_("document type"), max_length=1, choices=DocumentType.choices)
    document_number = models.CharField(_("document number"), max_length=30)
    issuing_country = models.CharField(_("issuing country"), max_length=3)
    nationality = models.CharField(_("nationality"), max_length=3)
    surname = models.CharField(_("surname"), max_length=100)
    given_names = models.CharField(_("given names"), max_length=150, blank=True)
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    entry_date = models.DateField(_("entry date"))
    port_of_entry = models.CharField(_("port of entry"), max_length=100)
    visa_type = models.ForeignKey(VisaType, verbose_name=_("visa type"), on_delete=models.PROTECT,
                                  related_name="entries")
    permitted_until = models.DateField(_("permitted until"))
    exit_date = models.DateField(_("exit date"), null=True, blank=True)
    # Derived at import (registry.normalisation.name_key) for fuzzy-match blocking. Looked up only
    # together with the date of birth (entry_namekey_dob below); an index of its own would be two
    # more (with the LIKE one) to maintain on every imported row.
    name_key = models.CharField(max_length=64, editable=False)
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("entry record")
        verbose_name_plural = _("entry records")
        constraints = [
            models.CheckConstraint(condition=Q(permitted_until__gte=F("entry_date")),
                                   name="entryrecord_permitted_after_entry"),
            models.CheckConstraint(condition=Q(exit_date__isnull=True) | Q(exit_date__gte=F("entry_date")),
                                   name="entryrecord_exit_after_entry"),
        ]
        indexes = [
            models.Index(fields=["document_number", "issuing_country"], name="entry_document"),
            models.Index(fields=["nationality", "date_of_birth"], name="entry_nat_dob"),
            # fuzzy-match blocking: the name key only together with the date of birth
            models.Index(fields=["name_key", "date_of_birth"], name="entry_namekey_dob"),
            models.Index(fields=["entry_date"], name="entry_date"),
        ]

    def __str__(self):
        return self.source_id


class StayExtension(models.Model):
    """An extension of stay granted after entry."""

    source_id = models.CharField(_("source id"), max_length=64, unique=True)
    entry = models.ForeignKey(EntryRecord, on_delete=models.CASCADE, related_name="extensions")
    visa_type = models.ForeignKey(VisaType, verbose_name=_("visa type"), on_delete=models.PROTECT,
                                  related_name="+")
    granted_on = models.DateField(_("granted on"))
    valid_until = models.DateField(_("valid until"))
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stay extension")
        verbose_name_plural = _("stay extensions")
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=F("granted_on")),
                                   name="stayextension_valid_after_granted"),
        ]

    def __str__(self):
        return self.source_id


class WorkPermit(models.Model):
    source_id = models.CharField(_("source id"), max_length=64, unique=True)
    foreigner = models.ForeignKey(Foreigner, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="work_permits")
    document_number = models.CharField(_("document number"), max_length=30)
    issuing_country = models.CharField(_("issuing country"), max_length=3)
    surname = models.CharField(_("surname"), max_length=100, blank=True)
    given_names = models.CharField(_("given names"), max_length=150, blank=True)
    employer_premises = models.ForeignKey(Premises, null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="work_permits")
    employer_name = models.CharField(_("employer"), max_length=200)
    occupation = models.CharField(_("occupation"), max_length=120, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("work permit")
        verbose_name_plural = _("work permits")
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=F("valid_from")),
                                   name="workpermit_valid_range"),
        ]
        indexes = [models.Index(fields=["document_number", "issuing_country"], name="workpermit_document")]

    def __str__(self):
        return self.source_id


class GuestRegistration(models.Model):
    """A premises' report that a foreign guest or tenant stays there."""

    source_id = models.CharField(_("source id"), max_length=64, unique=True)
    premises = models.ForeignKey(Premises, on_delete=models.CASCADE, related_name="guest_registrations")
    foreigner = models.ForeignKey(Foreigner, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="guest_registrations")
    document_number = models.CharField(_("document number"), max_length=30)
    issuing_country = models.CharField(_("issuing country"), max_length=3)
    nationality = models.CharField(_("nationality"), max_length=3, blank=True)
    surname = models.CharField(_("surname"), max_length=100)
    given_names = models.CharField(_("given names"), max_length=150, blank=True)
    check_in = models.DateField(_("check-in"))
    check_out = models.DateField(_("check-out"), null=True, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("guest registration")
        verbose_name_plural = _("guest registrations")
        constraints = [
            models.CheckConstraint(condition=Q(check_out__isnull=True) | Q(check_out__gte=F("check_in")),
                                   name="guestregistration_checkout_after_checkin"),
        ]
        indexes = [
            models.Index(fields=["document_number", "issuing_country"], name="guestreg_document"),
            models.Index(fields=["premises", "check_in"], name="guestreg_premises_checkin"),
        ]

    def __str__(self):
        return self.source_id


class ImportKind(models.TextChoices):
    ENTRY_RECORDS = "entry_records", _("Entry records")
    STAY_EXTENSIONS = "stay_extensions", _("Stay extensions")
    WORK_PERMITS = "work_permits", _("Work permits")
    GUEST_REGISTRATIONS = "guest_registrations", _("Guest registrations")
    PREMISES = "premises", _("Premises")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    VALIDATING = "validating", _("Validating")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Done")
    REJECTED = "rejected", _("Rejected: bad rows, nothing written")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One upload (page, API or command): its progress and its validation report."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=30, choices=ImportKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices,
                              default=ImportStatus.QUEUED)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_rows = models.PositiveIntegerField(default=0)
    updated_rows = models.PositiveIntegerField(default=0)
    # [{"line": 3, "column": "entry_date", "reason": "..."}]; never the row's content
    errors = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"
