"""Source imports: validation rules, re-import by source_id, removal, partial, warnings."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from .conftest import people_csv

GOOD = [
    "CT1,Robert,Smith,1980-03-04,ns1 2ab,1 High Street,bob@example.org,07700 900123",
    "CT2,Mary,Jones,12/06/1975,NS2 3CD,2 Mill Road,,",
]


def test_people_import_keeps_a_person_with_impossible_fields_and_names_the_lines(md_a):
    with md_a() as actions:
        from intelligence.masterdata.models import PersonRecord

        result = actions.import_source(
            people_csv([*GOOD, "CT3,Ann,Lee,1990-02-31,NOT A CODE,3 Park Avenue,not-an-email,12"]),
            source="council-tax",
            kind="people",
        )
        assert (result.rows, result.created) == (3, 3)
        assert len(result.warnings) == 4
        assert all(w.startswith("line 4: ") for w in result.warnings)
        assert "date_of_birth '1990-02-31' is not a real date" in result.warnings[0]
        ann = PersonRecord.objects.get(source_ref="CT3")
        assert (ann.date_of_birth, ann.postcode, ann.email, ann.phone) == (None, "", "", "")
        bob = PersonRecord.objects.get(source_ref="CT1")
        assert (bob.postcode, bob.phone, bob.first_canon, bob.sector) == (
            "NS1 2AB",
            "07700900123",
            "robert",
            "NS1 2",
        )
        assert str(PersonRecord.objects.get(source_ref="CT2").date_of_birth) == "1975-06-12"


def test_structural_errors_reject_the_file_listing_every_problem_with_its_line(md_a):
    with md_a() as actions:
        from intelligence.masterdata.models import PersonRecord, Source

        with pytest.raises(ValidationError) as caught:
            actions.import_source(
                b"source_id,first_name,nickname,shoe_size\nA,B,C,D\n",
                source="housing",
                kind="people",
            )
        [problems] = caught.value.message_dict.values()
        assert problems == [
            "line 1: unknown columns: nickname, shoe_size (allowed: source_id, first_name, surname, "
            "date_of_birth, postcode, address, email, phone)",
            "line 1: missing columns: surname",
        ]
        with pytest.raises(ValidationError) as caught:
            actions.import_source(
                people_csv(
                    [
                        GOOD[0],
                        "CT2,Mary,,1975-06-12,,,,",
                        "CT1,Robert,Smith,1980-03-04,,,,",
                        "CT4,too,few",
                        ",No,Id,,,,,",
                    ]
                ),
                source="housing",
                kind="people",
            )
        assert caught.value.message_dict["file"] == [
            "line 3: surname is required",
            "line 4: source_id 'CT1' repeats line 2",
            "line 5: expected 8 fields, found 3",
            "line 6: source_id is required",
        ]
        assert PersonRecord.objects.count() == 0
        assert not Source.objects.filter(name="housing").exists()


def test_a_file_that_is_not_utf8_is_refused_naming_the_line(md_a):
    with md_a() as actions:
        data = people_csv(GOOD) + "CT9,Zoë,Brown,,,,,\n".encode("latin-1")
        with pytest.raises(ValidationError) as caught:
            actions.import_source(data, source="housing", kind="people")
        assert caught.value.message_dict["file"] == [
            "line 4: unreadable encoding: the file must be UTF-8 text"
        ]


def test_reimport_updates_by_source_id_and_removes_missing_unless_partial(md_a):
    with md_a() as actions:
        from intelligence.masterdata.models import PersonRecord

        actions.import_source(people_csv(GOOD), source="council-tax", kind="people")
        first_ids = dict(PersonRecord.objects.values_list("source_ref", "id"))
        result = actions.import_source(
            people_csv([GOOD[0].replace("1 High Street", "9 New Street"), "CT5,Li,Wei,,,,,"]),
            source="council-tax",
            kind="people",
            partial=True,
        )
        assert (result.created, result.updated, result.unchanged, result.removed) == (1, 1, 0, 0)
        assert PersonRecord.objects.get(source_ref="CT1").address == "9 New Street"
        assert PersonRecord.objects.get(source_ref="CT1").pk == first_ids["CT1"]
        assert PersonRecord.objects.count() == 3
        result = actions.import_source(
            people_csv(["CT5,Li,Wei,,,,,"]), source="council-tax", kind="people"
        )
        assert (result.created, result.updated, result.unchanged, result.removed) == (0, 0, 1, 2)
        assert list(PersonRecord.objects.values_list("source_ref", flat=True)) == ["CT5"]


def test_a_source_holds_one_kind(md_a):
    with md_a() as actions:
        actions.import_source(people_csv(GOOD), source="council-tax", kind="people")
        with pytest.raises(ValidationError) as caught:
            actions.import_source(
                b"source_id,uprn,usrn,address,postcode\nP1,1,,x,\n",
                source="council-tax",
                kind="places",
            )
        assert "holds people, not places" in str(caught.value)


def test_places_import_keeps_a_place_with_a_bad_uprn(md_a):
    with md_a() as actions:
        from intelligence.masterdata.models import PlaceRecord

        result = actions.import_source(
            b"source_id,uprn,usrn,address,postcode\nP1,1234567890123,1,1 High St,NS1 2AB\nP2,100,,2 Mill Rd,\n",
            source="planning",
            kind="places",
        )
        assert result.warnings == [
            "line 2: uprn '1234567890123' is not a UPRN (1 to 12 digits); kept as missing"
        ]
        assert PlaceRecord.objects.get(source_ref="P1").address_key == "1 HIGH STREET"


def test_mdm_import_command_shows_progress_and_refuses_bad_files(council_a, tmp_path, capsys):
    good = tmp_path / "people.csv"
    good.write_bytes(people_csv(GOOD))
    call_command("mdm_import", str(good), council="alphaford", source="council-tax", kind="people")
    out = capsys.readouterr().out
    assert "load" in out and "2/2" in out
    assert "2 rows, 2 new" in out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"source_id,surname,colour\n")
    with pytest.raises(CommandError, match="line 1: unknown columns: colour"):
        call_command("mdm_import", str(bad), council="alphaford", source="x", kind="people")
    with pytest.raises(CommandError, match="No council"):
        call_command("mdm_import", str(good), council="nowhere", source="x", kind="people")
