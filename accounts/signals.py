"""Login, logout and failed logins go to the audit log (Django's auth signals are the only
place these events are visible)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.models import AuditKind
from accounts.services import audit_record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_record(actor=user, kind=AuditKind.LOGIN, action="auth.login", obj=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, kind=AuditKind.LOGOUT, action="auth.logout", obj=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # The attempted username is recorded; the password never is.
    audit_record(actor=None, kind=AuditKind.LOGIN_FAILED, action="auth.login_failed",
                 object_type="auth.user", object_id=str(credentials.get("username", ""))[:64])
