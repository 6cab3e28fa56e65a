import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import schema_context, schema_exists
from wagtail.models import Site

from cms.models import HomePage
from tenants import actions
from tenants.models import Council, Domain

NEW = {
    "name": "Gammaton Council",
    "slug": "gammaton",
    "gss_code": "E06000903",
    "tier": "unitary",
    "region": "wales",
}


def _provision(**overrides):
    spec = {**NEW, "admin_email": "chief@gammaton.example", **overrides}
    return actions.provision_council(**spec, notify=False)


@pytest.mark.django_db
def test_provisioned_council_has_site_home_page_groups_and_admin():
    result = _provision()
    council = result.council
    assert council.primary_domain == "gammaton.localhost"
    assert schema_exists("c_gammaton")
    with schema_context(council.schema_name):
        site = Site.objects.get()
        assert site.hostname == "gammaton.localhost"
        assert site.is_default_site
        assert site.root_page.specific.title == "Gammaton Council"
        assert isinstance(site.root_page.specific, HomePage)
        assert set(Group.objects.values_list("name", flat=True)) >= {
            "Editors",
            "Moderators",
            "Records managers",
            "Analysts",
            "Council administrators",
        }
        admin = get_user_model().objects.get(username="chief@gammaton.example")
        assert not admin.has_usable_password()
        assert admin.groups.filter(name="Council administrators").exists()
    assert "/admin/password_reset/confirm/" in result.set_password_url


@pytest.mark.django_db
def test_cloned_schema_matches_migrated_schema():
    """The clone path must give the same tables, columns, constraints and indexes as migrations."""
    _provision(method="clone")
    _provision(
        name="Deltaham Council",
        slug="deltaham",
        gss_code="E06000904",
        admin_email="a@d.example",
        method="migrate",
    )

    def shape(schema):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name, column_name, data_type, is_nullable, column_default IS NOT NULL "
                "FROM information_schema.columns WHERE table_schema = %s ORDER BY 1, 2",
                [schema],
            )
            columns = cursor.fetchall()
            cursor.execute(
                "SELECT conname, contype FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
                "WHERE n.nspname = %s ORDER BY 1",
                [schema],
            )
            constraints = cursor.fetchall()
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = %s ORDER BY 1", [schema]
            )
            indexes = cursor.fetchall()
        return columns, constraints, indexes

    cloned, migrated = shape("c_gammaton"), shape("c_deltaham")
    assert cloned[0] == migrated[0]
    assert cloned[1] == migrated[1]
    assert cloned[2] == migrated[2]


@pytest.mark.django_db
def test_new_rows_in_a_cloned_council_get_fresh_ids():
    council = _provision().council
    with schema_context(council.schema_name):
        group = Group.objects.create(name="Parks team")
        assert group.pk > Group.objects.exclude(pk=group.pk).order_by("-pk").first().pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("gss_code", "E0600090"),  # 8 characters
        ("gss_code", "X99000001"),  # unknown prefix
        ("gss_code", "E05000001"),  # a ward, not a council
        ("gss_code", "E10000001"),  # a county code for a unitary tier
        ("tier", "parish"),
        ("slug", "www"),
        ("slug", "platform"),
        ("slug", "api"),
        ("slug", "admin"),
        ("slug", "public"),
        ("slug", "Bad Slug"),
        ("slug", "alphaford"),  # taken by council A
        ("admin_email", "not-an-email"),
    ],
)
def test_bad_input_names_the_field_and_creates_nothing(field, value):
    before = (Council.objects.count(), Domain.objects.count())
    with pytest.raises(ValidationError) as excinfo:
        _provision(**{field: value})
    assert field in excinfo.value.message_dict
    assert (Council.objects.count(), Domain.objects.count()) == before
    assert not schema_exists("c_gammaton")


@pytest.mark.django_db
def test_duplicate_gss_code_is_refused(council_a):
    with pytest.raises(ValidationError) as excinfo:
        _provision(gss_code=council_a.gss_code)
    assert "gss_code" in excinfo.value.message_dict


@pytest.mark.django_db
def test_failure_midway_leaves_no_half_made_council(monkeypatch):
    def explode(council, admin_email):
        raise RuntimeError("mail server on fire")

    monkeypatch.setattr(actions, "personalise_council", explode)
    with pytest.raises(RuntimeError):
        _provision()
    assert not Council.objects.filter(slug="gammaton").exists()
    assert not Domain.objects.filter(domain="gammaton.localhost").exists()
    assert not schema_exists("c_gammaton")


@pytest.mark.django_db
def test_provision_command_reports_bad_input_with_nonzero_exit():
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="gss_code"):
        call_command(
            "provision_council",
            name="X",
            slug="xenia",
            gss_code="BAD",
            tier="unitary",
            admin_email="a@x.example",
        )
    assert not Council.objects.filter(slug="xenia").exists()


@pytest.mark.django_db
def test_provision_command_creates_council(capsys):
    from django.core.management import call_command

    call_command(
        "provision_council",
        name="Gammaton Council",
        slug="gammaton",
        gss_code="E06000903",
        tier="unitary",
        admin_email="a@g.example",
    )
    assert "http://gammaton.localhost" in capsys.readouterr().out
    assert Council.objects.filter(slug="gammaton").exists()
