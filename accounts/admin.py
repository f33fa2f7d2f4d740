from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, AuditEvent, Membership, Unit
from accounts.services import (
    api_token_issue,
    api_token_revoke,
    api_token_rotate,
    user_deactivate,
    user_sessions_end_by_admin,
)

User = get_user_model()


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "is_national", "is_active"]
    list_filter = ["kind", "is_national", "is_active"]
    search_fields = ["name", "code"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role", "unit"]
    search_fields = ["user__username", "unit__name"]
    autocomplete_fields = ["user", "unit"]


# --- users: deactivation always goes through accounts.services.user_deactivate -------------------

if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    actions = ["deactivate_users", "end_sessions"]

    def save_model(self, request, obj, form, change):
        if change and "is_active" in form.changed_data and not obj.is_active:
            # Ends sessions and tokens and writes the audit row, inside the admin's transaction.
            user_deactivate(actor=request.user, user=obj)
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Deactivate selected users (ends their sessions and tokens)"),
                  permissions=["change"])
    def deactivate_users(self, request, queryset):
        count = 0
        for user in queryset.filter(is_active=True):
            user_deactivate(actor=request.user, user=user)
            count += 1
        self.message_user(request, _("%(count)d user(s) deactivated.") % {"count": count}, messages.SUCCESS)


    @admin.action(description=_("End all sessions of selected users (they must log in again)"),
                  permissions=["change"])
    def end_sessions(self, request, queryset):
        ended = sum(user_sessions_end_by_admin(actor=request.user, user=user) for user in queryset)
        self.message_user(request, _("%(count)d session(s) ended.") % {"count": ended}, messages.SUCCESS)


# --- API tokens: the key is shown once, when issued or rotated -----------------------------------

class ApiTokenIssueForm(forms.Form):
    user = forms.ModelChoiceField(label=_("user"), queryset=User.objects.filter(is_active=True).order_by("username"))
    name = forms.CharField(label=_("client name"), max_length=100)
    expires_at = forms.DateTimeField(label=_("expires at"), required=False,
                                     help_text=_("Empty: the token does not expire (revoke it when done)."))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    actions = ["revoke_tokens", "rotate_tokens"]

    def get_readonly_fields(self, request, obj=None):
        # Tokens are issued, rotated and revoked through the services, never edited.
        return ["user", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the row is the record of who had access

    def get_urls(self):
        return [
            path("issue/", self.admin_site.admin_view(self.issue_view), name="accounts_apitoken_issue"),
        ] + super().get_urls()

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:accounts_apitoken_issue")

    def issue_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ApiTokenIssueForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            token, key = api_token_issue(actor=request.user, user=form.cleaned_data["user"],
                                         name=form.cleaned_data["name"],
                                         expires_at=form.cleaned_data["expires_at"])
            return self._show_keys(request, [(token, key)])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts, "form": form, "title": _("Issue an API token"),
        }
        return TemplateResponse(request, "admin/accounts/apitoken/issue.html", context)

    def _show_keys(self, request, issued):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts, "issued": issued, "title": _("API key — shown only once"),
            "changelist_url": reverse("admin:accounts_apitoken_changelist"),
        }
        return TemplateResponse(request, "admin/accounts/apitoken/issued.html", context)

    @admin.action(description=_("Revoke selected tokens"), permissions=["change"])
    def revoke_tokens(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(actor=request.user, token=token)
            count += 1
        self.message_user(request, _("%(count)d token(s) revoked.") % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Rotate selected tokens (revoke and issue a new key)"), permissions=["change"])
    def rotate_tokens(self, request, queryset):
        issued = [api_token_rotate(actor=request.user, token=t) for t in queryset.filter(revoked_at__isnull=True)]
        if not issued:
            self.message_user(request, _("No live token selected."), messages.WARNING)
            return None
        return self._show_keys(request, issued)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Searchable, never editable."""

    list_display = ["occurred_at", "kind", "action", "actor_username", "object_type", "object_id", "purpose"]
    list_filter = ["kind", "action"]
    search_fields = ["actor_username", "object_id", "action", "purpose"]
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
