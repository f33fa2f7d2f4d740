import factory
from django.contrib.auth import get_user_model

from accounts.models import Membership, Role, Unit, UnitKind

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password(PASSWORD)


class UnitFactory(factory.django.DjangoModelFactory):
    """A station; pass ``provinces=[...]`` for its jurisdiction or ``is_national=True``."""

    class Meta:
        model = Unit
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"Station {n}")
    kind = UnitKind.STATION

    @factory.post_generation
    def provinces(self, create, extracted, **kwargs):
        if create and extracted:
            self.provinces.set(extracted)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.OFFICER


def user_with_role(role: str, unit: Unit, **kwargs):
    """A user holding ``role`` in ``unit``."""
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, unit=unit, role=role)
    return user
