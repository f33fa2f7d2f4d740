from django.contrib import admin

from inspections.models import Decision, Flag, Inspection, Referral


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["premises", "unit", "lead_officer", "started_at", "status"]
    list_filter = ["status", "unit"]
    raw_id_fields = ["premises", "lead_officer"]
    filter_horizontal = ["team"]


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    can_delete = False
    readonly_fields = ["decided_by", "decided_at", "outcome", "status_after", "assignee", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    """Flags are decided in the supervisor dashboard; the admin only shows them."""

    list_display = ["kind", "severity", "status", "province", "inspected_on"]
    list_filter = ["kind", "severity", "status"]
    readonly_fields = [f.name for f in Flag._meta.fields]
    inlines = [DecisionInline]

    def has_add_permission(self, request):
        return False


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["organisation", "referred_at", "outcome"]
    list_filter = ["outcome"]
    raw_id_fields = ["encounter", "flag"]
