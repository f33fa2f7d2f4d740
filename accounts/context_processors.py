from accounts.access import scope_for


def roles(request):
    """The user's scope, for menus (what to show, not what to allow: views check again)."""
    return {"scope": scope_for(getattr(request, "user", None))}
