from django.contrib import admin

from registry.models import (
    District,
    EntryRecord,
    Foreigner,
    GuestRegistration,
    Premises,
    Province,
    StayExtension,
    TravelDocument,
    VisaType,
    WorkPermit,
)


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_km"]
    search_fields = ["code", "name", "name_km"]
    filter_horizontal = ["units"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_km", "province"]
    list_filter = ["province"]
    search_fields = ["code", "name", "name_km"]


@admin.register(VisaType)
class VisaTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "allows_work", "is_diplomatic", "is_active"]
    list_editable = ["allows_work", "is_diplomatic", "is_active"]


@admin.register(Premises)
class PremisesAdmin(admin.ModelAdmin):
    list_display = ["name", "premises_type", "registration_number", "district"]
    list_filter = ["premises_type", "district__province"]
    search_fields = ["name", "registration_number"]
    autocomplete_fields = ["district"]


class TravelDocumentInline(admin.TabularInline):
    model = TravelDocument
    extra = 0


@admin.register(Foreigner)
class ForeignerAdmin(admin.ModelAdmin):
    """Personal data: administrators may correct records; lists show no document numbers."""

    list_display = ["surname", "given_names", "nationality", "sex"]
    list_filter = ["nationality"]
    search_fields = ["surname", "given_names"]
    inlines = [TravelDocumentInline]


@admin.register(EntryRecord)
class EntryRecordAdmin(admin.ModelAdmin):
    list_display = ["source_id", "nationality", "entry_date", "visa_type", "permitted_until", "exit_date"]
    list_filter = ["visa_type", "nationality"]
    search_fields = ["source_id"]
    raw_id_fields = ["foreigner"]
    show_full_result_count = False


@admin.register(StayExtension)
class StayExtensionAdmin(admin.ModelAdmin):
    list_display = ["source_id", "visa_type", "granted_on", "valid_until"]
    raw_id_fields = ["entry"]
    search_fields = ["source_id"]


@admin.register(WorkPermit)
class WorkPermitAdmin(admin.ModelAdmin):
    list_display = ["source_id", "employer_name", "valid_from", "valid_until"]
    raw_id_fields = ["foreigner", "employer_premises"]
    search_fields = ["source_id", "employer_name"]


@admin.register(GuestRegistration)
class GuestRegistrationAdmin(admin.ModelAdmin):
    list_display = ["source_id", "premises", "check_in", "check_out"]
    raw_id_fields = ["premises", "foreigner"]
    search_fields = ["source_id"]
