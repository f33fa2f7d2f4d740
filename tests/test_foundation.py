"""The deployment shape: the database the environment names is the one in use."""

import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_database_is_the_one_database_url_names():
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
    if os.environ.get("REQUIRE_POSTGRES"):
        assert connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            cursor.execute("select version()")
            assert cursor.fetchone()[0].startswith("PostgreSQL")


@pytest.mark.django_db
def test_reference_data_is_loaded():
    from registry.models import Province, VisaType

    assert Province.objects.count() == 25
    assert set(VisaType.objects.filter(is_diplomatic=True).values_list("code", flat=True)) == {"A", "B"}
    assert VisaType.objects.get(code="EG").allows_work


def test_login_page_is_served(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert response["Cache-Control"] == "no-store"
