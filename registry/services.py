"""Writes of the registry: premises, and (below) the imports of border, stay, labour and guest records."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from accounts.access import scope_for
from accounts.services import audit_write
from registry.models import District, Premises

PREMISES_FIELDS = ("premises_type", "name", "registration_number", "address", "district", "latitude", "longitude",
                   "operator_name", "contact")


def _premises_snapshot(premises: Premises) -> dict:
    return {k: (str(v) if v is not None and not isinstance(v, (str, int)) else v)
            for k, v in model_to_dict(premises, fields=PREMISES_FIELDS).items()}


def _require_district_in_scope(*, actor, district: District) -> None:
    scope = scope_for(actor)
    if not (scope.sees_personal_data or scope.is_administrator):
        raise PermissionDenied(_("Only officers, supervisors and administrators record premises."))
    if scope.is_administrator or scope.province_ids is None:
        return
    if district.province_id not in scope.province_ids:
        raise ValidationError({"district": _("This district is outside your unit's jurisdiction.")})


@transaction.atomic
def premises_create(
    *, actor, premises_type: str, name: str, district: District, registration_number: str = "", address: str = "",
    latitude=None, longitude=None, operator_name: str = "", contact: str = "",
) -> Premises:
    """Record a new place that can be inspected (officers do it on the spot)."""
    _require_district_in_scope(actor=actor, district=district)
    premises = Premises(
        premises_type=premises_type, name=(name or "").strip(), district=district,
        registration_number=(registration_number or "").strip().upper(), address=(address or "").strip(),
        latitude=latitude, longitude=longitude, operator_name=(operator_name or "").strip(),
        contact=(contact or "").strip(), created_by=actor,
    )
    premises.full_clean()
    premises.save()
    audit_write(actor=actor, action="premises.create", obj=premises, after=_premises_snapshot(premises))
    return premises


@transaction.atomic
def premises_update(*, actor, premises: Premises, **fields) -> Premises:
    unknown = set(fields) - set(PREMISES_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    premises = Premises.objects.select_for_update().get(pk=premises.pk)
    _require_district_in_scope(actor=actor, district=premises.district)
    if "district" in fields:
        _require_district_in_scope(actor=actor, district=fields["district"])
    before = _premises_snapshot(premises)
    for name, value in fields.items():
        setattr(premises, name, value)
    if "registration_number" in fields:
        premises.registration_number = (premises.registration_number or "").strip().upper()
    premises.full_clean()
    premises.save()
    audit_write(actor=actor, action="premises.update", obj=premises, before=before,
                after=_premises_snapshot(premises))
    return premises
