"""Reading a passport's machine-readable zone (ICAO 9303 TD3)."""

import datetime

import pytest

from registry.mrz import MrzErrors, MrzResult, parse_td3

# The ICAO 9303 specimen (Utopia, Anna Maria Eriksson).
SPECIMEN = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"


def test_icao_specimen():
    result = parse_td3(SPECIMEN)
    assert result == MrzResult(
        document_type="P", issuing_country="UTO", surname="ERIKSSON", given_names="ANNA MARIA",
        document_number="L898902C3", nationality="UTO", date_of_birth=datetime.date(1974, 8, 12), sex="F",
        document_expiry=datetime.date(2012, 4, 15),
    )


def test_pasted_with_spaces_lower_case_and_one_line():
    messy = "  p<utoeriksson<<anna<maria<<<<<<<<<<<<<<<<<<<   \r\n\n L898902C36UTO7408122F1204159ZE184226B<<<<<10 \n"
    assert isinstance(parse_td3(messy), MrzResult)
    assert parse_td3(SPECIMEN.replace("\n", "")).surname == "ERIKSSON"


@pytest.mark.parametrize(("position", "digit", "message"), [
    (9, "7", "document number check digit"),
    (19, "3", "date of birth check digit"),
    (27, "8", "expiry date check digit"),
    (42, "2", "personal number check digit"),
    (43, "1", "final (composite) check digit"),
])
def test_each_wrong_check_digit_is_named(position, digit, message):
    first, second = SPECIMEN.split("\n")
    broken = second[:position] + digit + second[position + 1:]
    result = parse_td3(f"{first}\n{broken}")
    assert isinstance(result, MrzErrors) and not result
    assert any(message in error for error in result.errors), result.errors


@pytest.mark.parametrize(("text", "message"), [
    ("", "two lines"),
    ("P<UTOERIKSSON<<ANNA", "two lines"),
    ("P<UTOERIKSSON<<ANNA<MARIA\nL898902C36UTO7408122F1204159ZE184226B<<<<<10", "Line 1 has 25 characters"),
    (SPECIMEN.replace("ANNA", "AN-A"), "characters other than"),
    (SPECIMEN.replace("P<UTO", "I<UTO"), "first line must start with P"),
])
def test_not_a_passport_mrz(text, message):
    result = parse_td3(text)
    assert isinstance(result, MrzErrors)
    assert any(message in error for error in result.errors), result.errors


def test_diplomatic_passport_and_unspecified_sex_and_short_country():
    # Generated with the mrz package: a German ("D<<") diplomatic passport, sex unspecified.
    from mrz.generator.td3 import TD3CodeGenerator

    code = str(TD3CodeGenerator("PD", "D", "MUSTERMANN", "ERIKA", "C01X00T47", "D", "640812", "<", "310101", ""))
    result = parse_td3(code)
    assert isinstance(result, MrzResult), result
    assert (result.document_type, result.issuing_country, result.nationality, result.sex) == ("D", "D", "D", "X")
    assert result.date_of_birth == datetime.date(1964, 8, 12)
    assert result.document_expiry == datetime.date(2031, 1, 1)
