"""Session timeouts, client address for the audit log, and no caching of personal data."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

from accounts.services import current_ip, user_session_record

# Session keys written at login (accounts.signals) and refreshed here.
LOGIN_AT = "login_at"
LAST_ACTIVITY = "last_activity"
RECORDED_KEY = "recorded_session_key"
# last_activity is written at most this often (seconds), so that a burst of requests does not
# write the session on every one; the idle timeout is precise to this much.
ACTIVITY_RESOLUTION = 60


class SessionTimeoutMiddleware:
    """Log out after SESSION_IDLE_TIMEOUT of inactivity or SESSION_ABSOLUTE_TIMEOUT after login.

    ``login_at`` is set by the user_logged_in signal; a logged-in session without it (made before
    this rule existed, or forged) is ended: the rule fails closed.

    Also records the client address (REMOTE_ADDR, the socket peer; a reverse proxy in front must
    set it, e.g. gunicorn --forwarded-allow-ips) for audit rows written during the request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(request.META.get("REMOTE_ADDR"))
        try:
            self._enforce(request)
            return self.get_response(request)
        finally:
            current_ip.reset(token)

    def _enforce(self, request) -> None:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or user is None or not user.is_authenticated:
            return
        now = int(time.time())
        started = session.get(LOGIN_AT)
        last = session.get(LAST_ACTIVITY)
        if started is None or last is None:
            reason = "no_login_time"
        elif now - started >= settings.SESSION_ABSOLUTE_TIMEOUT:
            reason = "absolute_timeout"
        elif now - last >= settings.SESSION_IDLE_TIMEOUT:
            reason = "idle_timeout"
        else:
            reason = None
        if reason is not None:
            request.session_end_reason = reason  # read by the logout audit (accounts.signals)
            logout(request)
            messages.info(request, _("Your session has ended. Please log in again."))
            return
        if now - last >= ACTIVITY_RESOLUTION:
            session[LAST_ACTIVITY] = now
        if session.session_key and session.get(RECORDED_KEY) != session.session_key:
            # The key changed (cycle_key, e.g. on password change): remember the new one.
            user_session_record(user=user, session_key=session.session_key)
            session[RECORDED_KEY] = session.session_key


class NoStoreMiddleware:
    """Every response may carry personal data: never let a browser or proxy cache it.
    Static files (served by whitenoise before this runs) keep their long cache headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response
