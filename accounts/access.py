"""Who may see what: the unit scope of a user, computed once per request.

Every selector of personal data starts from ``scope_for(user)``. A record outside the scope is
treated as if it did not exist (404), never as "forbidden".
"""

from dataclasses import dataclass

from accounts.models import Membership, Role


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    roles: frozenset[str]
    # units in which the user is an officer / a supervisor
    officer_unit_ids: frozenset[int]
    supervisor_unit_ids: frozenset[int]
    # provinces covered by the user's units (officer and supervisor alike); None = every province
    province_ids: frozenset[int] | None
    # provinces a supervisor may review; None = every province (national unit)
    supervised_province_ids: frozenset[int] | None

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_officer(self) -> bool:
        return Role.OFFICER in self.roles

    @property
    def is_supervisor(self) -> bool:
        return Role.SUPERVISOR in self.roles

    @property
    def is_analyst(self) -> bool:
        return Role.ANALYST in self.roles

    @property
    def is_administrator(self) -> bool:
        return Role.ADMINISTRATOR in self.roles

    @property
    def unit_ids(self) -> frozenset[int]:
        return self.officer_unit_ids | self.supervisor_unit_ids

    @property
    def sees_personal_data(self) -> bool:
        return self.is_officer or self.is_supervisor


EMPTY_SCOPE = Scope(None, frozenset(), frozenset(), frozenset(), frozenset(), frozenset())


def _province_ids(memberships) -> frozenset[int] | None:
    ids: set[int] = set()
    for membership in memberships:
        if membership.unit.is_national:
            return None
        ids.update(p.pk for p in membership.unit.provinces.all())
    return frozenset(ids)


def scope_for(user) -> Scope:
    """The user's scope; cached on the user object for the rest of the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY_SCOPE
    cached = getattr(user, "_access_scope", None)
    if cached is not None:
        return cached
    memberships = list(
        Membership.objects.filter(user=user, unit__is_active=True)
        .select_related("unit")
        .prefetch_related("unit__provinces")
    )
    roles = frozenset(m.role for m in memberships)
    if user.is_superuser:
        roles = roles | {Role.ADMINISTRATOR}
    officer_units = [m for m in memberships if m.role == Role.OFFICER]
    supervisor_units = [m for m in memberships if m.role == Role.SUPERVISOR]
    personal = officer_units + supervisor_units
    scope = Scope(
        user_id=user.pk,
        roles=roles,
        officer_unit_ids=frozenset(m.unit_id for m in officer_units),
        supervisor_unit_ids=frozenset(m.unit_id for m in supervisor_units),
        province_ids=_province_ids(personal) if personal else frozenset(),
        supervised_province_ids=_province_ids(supervisor_units) if supervisor_units else frozenset(),
    )
    user._access_scope = scope
    return scope
