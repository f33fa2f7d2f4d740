"""Session timeouts, client address for the audit log, and no caching of personal data."""

import time

from django.conf import settings
from django.contrib.auth import logout

from accounts.services import current_ip


class SessionTimeoutMiddleware:
    """Log out after SESSION_IDLE_TIMEOUT of inactivity or SESSION_ABSOLUTE_TIMEOUT after login.

    Also records the client address (REMOTE_ADDR, the socket peer; a reverse proxy in front must
    set it, e.g. gunicorn --forwarded-allow-ips) for audit rows written during the request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(request.META.get("REMOTE_ADDR"))
        try:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and hasattr(request, "session"):
                now = int(time.time())
                started = request.session.get("login_at", now)
                last = request.session.get("last_activity", now)
                if (now - last > settings.SESSION_IDLE_TIMEOUT
                        or now - started > settings.SESSION_ABSOLUTE_TIMEOUT):
                    logout(request)
                else:
                    request.session.setdefault("login_at", now)
                    request.session["last_activity"] = now
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class NoStoreMiddleware:
    """Every response of an authenticated user may carry personal data: never cache it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response
