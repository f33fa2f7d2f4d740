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


def _province_ids(rows) -> frozenset[int] | None:
    """Provinces covered by these (role, unit, is_national, province) rows; None = every province."""
    if any(is_national for _, _, is_national, _ in rows):
        return None
    return frozenset(province for _, _, _, province in rows if province is not None)


def scope_for(user) -> Scope:
    """The user's scope; cached on the user object for the rest of the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY_SCOPE
    cached = getattr(user, "_access_scope", None)
    if cached is not None:
        return cached
    # One query for every request: a row per (membership, province of its unit); a national unit or
    # a unit without provinces gives one row with province None.
    rows = list(
        Membership.objects.filter(user=user, unit__is_active=True)
        .values_list("role", "unit_id", "unit__is_national", "unit__provinces")
    )
    roles = frozenset(role for role, _, _, _ in rows)
    if user.is_superuser:
        roles = roles | {Role.ADMINISTRATOR}
    officer_rows = [row for row in rows if row[0] == Role.OFFICER]
    supervisor_rows = [row for row in rows if row[0] == Role.SUPERVISOR]
    personal = officer_rows + supervisor_rows
    scope = Scope(
        user_id=user.pk,
        roles=roles,
        officer_unit_ids=frozenset(unit for _, unit, _, _ in officer_rows),
        supervisor_unit_ids=frozenset(unit for _, unit, _, _ in supervisor_rows),
        province_ids=_province_ids(personal) if personal else frozenset(),
        supervised_province_ids=_province_ids(supervisor_rows) if supervisor_rows else frozenset(),
    )
    user._access_scope = scope
    return scope
