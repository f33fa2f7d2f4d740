"""Units, the roles users hold in them, API tokens, and the append-only audit log."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    ANALYST = "analyst", _("Analyst")
    ADMINISTRATOR = "administrator", _("Administrator")


class UnitKind(models.TextChoices):
    STATION = "station", _("Police station")
    PROVINCIAL = "provincial", _("Provincial department")
    NATIONAL = "national", _("National headquarters")


class Unit(models.Model):
    """A police station, provincial department or national HQ.

    Its jurisdiction is either every province (``is_national``) or the provinces linked to it
    (``unit.provinces``; the link is declared on registry.Province so that this app does not
    depend on the registry).
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    is_national = models.BooleanField(
        _("national jurisdiction"), default=False,
        help_text=_("The unit's jurisdiction is every province."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A user holds a role in a unit. A user may hold several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique_user_unit_role"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} @ {self.unit}"


class ApiToken(models.Model):
    """A per-client API token. Only a hash of the secret is stored; the key is shown once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("client name"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class AuditKind(models.TextChoices):
    READ = "read", _("Consultation of personal data")
    WRITE = "write", _("Change")
    EXPORT = "export", _("Export")
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logout")
    ERASE = "erase", _("Retention erasure")


class AuditEvent(models.Model):
    """One row per consultation or change. Append-only: on PostgreSQL a trigger refuses
    UPDATE and DELETE (except the retention purge, which must say so explicitly)."""

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(_("when (UTC)"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AuditKind.choices)
    action = models.CharField(_("action"), max_length=80)
    # Not a constraint: audit rows must outlive users and never be touched by a cascade.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
    )
    actor_username = models.CharField(_("user"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("from"), null=True, blank=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    changes = models.JSONField(_("before / after"), default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["actor", "occurred_at"], name="audit_actor_time")]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action}"


class UserSession(models.Model):
    """The session keys a user is logged in under, so that deactivation ends them without a scan
    over every session. Written on login (and when the key changes), removed on logout."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("user session")
        verbose_name_plural = _("user sessions")
        indexes = [models.Index(fields=["user"], name="usersession_user")]

    def __str__(self):
        return f"{self.user_id}: {self.session_key[:6]}…"
