"""Writes of the accounts app: audit rows, API tokens, deactivation.

``audit_write`` / ``audit_read`` are called explicitly by every service and every view that
shows personal data (never by signals), with the acting user.
"""

import contextvars
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.audit_lock import audit_purge_permitted
from accounts.models import ApiToken, AuditEvent, AuditKind, UserSession

# The client address of the request being served, set by accounts.middleware.
current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_ip", default=None)


def _actor_fields(actor) -> dict:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_username": ""}
    return {"actor": actor, "actor_username": actor.get_username()}


def audit_record(
    *, actor, kind: str, action: str, obj=None, object_type: str = "", object_id: str = "",
    purpose: str = "", changes: dict | None = None,
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEvent.objects.create(
        kind=kind, action=action, object_type=object_type, object_id=str(object_id),
        purpose=purpose[:200], changes=changes or {}, ip_address=current_ip.get(),
        **_actor_fields(actor),
    )


def audit_write(*, actor, action: str, obj=None, before: dict | None = None, after: dict | None = None,
                object_type: str = "", object_id: str = "") -> AuditEvent:
    """A change: who, what, before and after values."""
    changes = {}
    if before is not None:
        changes["before"] = before
    if after is not None:
        changes["after"] = after
    return audit_record(actor=actor, kind=AuditKind.WRITE, action=action, obj=obj,
                        object_type=object_type, object_id=object_id, changes=changes)


def audit_read(*, actor, action: str, obj=None, purpose: str = "", object_type: str = "",
               object_id: str = "", count: int | None = None) -> AuditEvent:
    """A consultation of personal data: who, when, which record, opened from where."""
    return audit_record(actor=actor, kind=AuditKind.READ, action=action, obj=obj, purpose=purpose,
                        object_type=object_type, object_id=object_id,
                        changes={"count": count} if count is not None else None)


def audit_read_many(*, actor, action: str, objects, purpose: str = "") -> None:
    """One consultation row per person-record shown on a list page or response."""
    ip = current_ip.get()
    fields = _actor_fields(actor)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(kind=AuditKind.READ, action=action, object_type=o._meta.label_lower,
                       object_id=str(o.pk), purpose=purpose[:200], ip_address=ip, **fields)
            for o in objects
        ]
    )


# --- API tokens -------------------------------------------------------------------------------

def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, actor, user, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Issue a token for ``user``; returns the token row and the key, which is shown only once."""
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=prefix,
                                    secret_hash=_hash_secret(secret), expires_at=expires_at)
    audit_write(actor=actor, action="api_token.issue", obj=token,
                after={"user": user.get_username(), "name": name, "prefix": prefix})
    return token, f"{prefix}.{secret}"


def api_token_check(key: str) -> ApiToken | None:
    """The live token for a presented key, or None."""
    prefix, _, secret = key.partition(".")
    if not prefix or not secret:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= timezone.now():
        return None
    if not hmac.compare_digest(token.secret_hash, _hash_secret(secret)):
        return None
    return token


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_write(actor=actor, action="api_token.revoke", obj=token, after={"prefix": token.prefix})
    return token


@transaction.atomic
def api_token_rotate(*, actor, token: ApiToken) -> tuple[ApiToken, str]:
    """Revoke ``token`` and issue a new one for the same user and client name."""
    api_token_revoke(actor=actor, token=token)
    return api_token_issue(actor=actor, user=token.user, name=token.name, expires_at=token.expires_at)


# --- users and sessions -------------------------------------------------------------------------

def user_session_record(*, user, session_key: str | None) -> None:
    """Remember that ``user`` is logged in under ``session_key`` (see UserSession)."""
    if not session_key:
        return
    cutoff = timezone.now() - timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT)
    UserSession.objects.filter(user=user, created_at__lt=cutoff).delete()
    UserSession.objects.update_or_create(session_key=session_key, defaults={"user": user})


def user_session_forget(*, session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def user_sessions_end(*, user) -> int:
    """End every session of ``user`` now: one delete per recorded key, whatever the session
    backend, never a scan over all sessions. Returns how many sessions existed."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    ended = 0
    for key in keys:
        store = store_class(session_key=key)
        if store.exists(key):
            ended += 1
        store.delete(key)
    UserSession.objects.filter(user=user).delete()
    return ended


@transaction.atomic
def user_password_set(*, actor, user, password: str) -> None:
    """Set a new password (already validated by the form: current password, validators).

    Django's session verification (the session stores a hash derived from the password hash)
    ends every other session of the user at once; the caller keeps its own with
    ``update_session_auth_hash``. The audit row records that it changed, never the value."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_write(actor=actor, action="user.password_change", obj=user)


@transaction.atomic
def user_sessions_end_by_admin(*, actor, user) -> int:
    """An administrator ends every session of ``user`` (the account stays active)."""
    ended = user_sessions_end(user=user)
    audit_write(actor=actor, action="user.sessions_end", obj=user, after={"sessions_ended": ended})
    return ended


@transaction.atomic
def user_deactivate(*, actor, user) -> None:
    """Deactivate a user and end every session and API token at once.

    The Django admin's user form calls this too when "active" is unticked (accounts.admin).
    """
    User = get_user_model()
    was_active = User.objects.filter(pk=user.pk).values_list("is_active", flat=True).first()
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    now = timezone.now()
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    sessions = user_sessions_end(user=user)
    audit_write(actor=actor, action="user.deactivate", obj=user,
                before={"is_active": bool(was_active)},
                after={"is_active": False, "tokens_revoked": tokens, "sessions_ended": sessions})


# --- retention of the audit log ---------------------------------------------------------------

def audit_purge(*, before: datetime, actor=None) -> int:
    """Delete audit rows older than ``before`` (settings.RETENTION["AUDIT_DAYS"]); the only
    path past the append-only trigger. Leaves one count-only row of kind "erase"."""
    with transaction.atomic():
        with audit_purge_permitted():
            deleted, _ = AuditEvent.objects.filter(occurred_at__lt=before).delete()
        audit_record(actor=actor, kind=AuditKind.ERASE, action="audit.purge",
                     object_type="accounts.auditevent",
                     changes={"count": deleted, "before": before.isoformat()})
    return deleted
