"""Login, logout and failed logins go to the audit log (Django's auth signals are the only
place these events are visible), and a login starts the session clocks."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.middleware import LAST_ACTIVITY, LOGIN_AT, RECORDED_KEY
from accounts.models import AuditKind
from accounts.services import audit_record, user_session_forget, user_session_record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None:
        now = int(time.time())
        session[LOGIN_AT] = now
        session[LAST_ACTIVITY] = now
        if session.session_key:
            user_session_record(user=user, session_key=session.session_key)
            session[RECORDED_KEY] = session.session_key
    audit_record(actor=user, kind=AuditKind.LOGIN, action="auth.login", obj=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None:
        user_session_forget(session_key=session.session_key)
    if user is not None:
        reason = getattr(request, "session_end_reason", None)
        action = f"auth.session_end.{reason}" if reason else "auth.logout"
        audit_record(actor=user, kind=AuditKind.LOGOUT, action=action, obj=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # The attempted username is recorded; the password never is (Django has already replaced
    # it in ``credentials`` by asterisks, and it is not read here anyway).
    audit_record(actor=None, kind=AuditKind.LOGIN_FAILED, action="auth.login_failed",
                 object_type="auth.user", object_id=str(credentials.get("username", ""))[:64])
