"""Writes of the accounts app: audit rows, API tokens, deactivation.

``audit_write`` / ``audit_read`` are called explicitly by every service and every view that
shows personal data (never by signals), with the acting user.
"""

import contextvars
import hashlib
import hmac
import secrets
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, AuditEvent, AuditKind

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


# --- users ------------------------------------------------------------------------------------

@transaction.atomic
def user_deactivate(*, actor, user) -> None:
    """Deactivate a user and end every session and token at once."""
    User = get_user_model()
    User.objects.filter(pk=user.pk).update(is_active=False)
    now = timezone.now()
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    user_sessions_end(user=user)
    audit_write(actor=actor, action="user.deactivate", obj=user, after={"is_active": False})


def user_sessions_end(*, user) -> int:
    """Delete every live session of ``user`` (database-backed sessions)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended
