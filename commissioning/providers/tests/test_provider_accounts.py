"""Provider accounts: a provider's person sets a password from the emailed link, signs in on
the council's domain, edits only their own organisation's services (another organisation's is a
404, as if it did not exist), changes wait for staff approval when the organisation requires
it, and a service not reviewed for a year gets one reminder."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from commissioning.providers import actions
from commissioning.providers.demo import seed_demo, seed_provider_account
from commissioning.providers.models import Organization, ProviderAccount, Service, ServiceChange
from platform_core import provisioning
from platform_core.hosts import council_url

pytestmark = pytest.mark.django_db
PASSWORD = "keep-it-current-2026"


@pytest.fixture
def provider(council_a):
    """(client signed in as Riverside Care's provider account, own service, other service)."""
    return signed_in_provider(council_a)


def signed_in_provider(council_a):
    with schema_context(council_a.schema_name):
        seed_demo(council_a)
        org = Organization.objects.get(name="Riverside Care")
        account = actions.create_provider_account(
            None, email="Sam@Riverside.example", name="Sam Lee", organization=org
        )
        own = Service.objects.filter(organization=org).order_by("name").first()
        other = Service.objects.exclude(organization=org).order_by("name").first()
        path = actions.set_password_path(account.user)
    client = Client(HTTP_HOST=council_a.primary_domain)
    response = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    response = client.post(
        "/provider/sign-in/", {"username": "sam@riverside.example", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/provider/"
    return client, own, other


def _form(service, **changes):
    data = {f: getattr(service, f) for f in actions.PROVIDER_FIELDS}
    data.update(changes)
    return {k: ("" if v is None else v) for k, v in data.items()}


def test_account_email_has_a_one_time_link(council_a):
    with schema_context(council_a.schema_name):
        seed_demo(council_a)
        org = Organization.objects.get(name="Riverside Care")
        account = actions.create_provider_account(None, email="a@b.example", organization=org)
        path = actions.set_password_path(account.user)
    assert len(mail.outbox) == 1 and path in mail.outbox[0].body
    # the link is absolute, on the council's own domain (not localhost)
    assert council_url(council_a.primary_domain, path) in mail.outbox[0].body
    client = Client(HTTP_HOST=council_a.primary_domain)
    assert client.get(path).status_code == 200
    client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert client.get(path).status_code == 404  # used: the token no longer checks
    assert client.get("/provider/set-password/1.nonsense/").status_code == 404


def test_provider_sees_and_edits_only_their_own_services(provider, council_a):
    client, own, other = provider
    home = client.get("/provider/")
    assert home.status_code == 200
    assert own.name.encode() in home.content and other.name.encode() not in home.content
    assert client.get(f"/provider/services/{own.pk}/").status_code == 200
    # Another organisation's service is a 404, exactly like one that does not exist.
    missing = "00000000-0000-0000-0000-000000000000"
    for path in (f"/provider/services/{other.pk}/", f"/provider/services/{missing}/"):
        assert client.get(path).status_code == 404
        assert client.post(path, _form(other, name="Hijacked")).status_code == 404
    assert client.post(f"/provider/services/{other.pk}/reviewed/").status_code == 404
    with schema_context(council_a.schema_name):
        assert Service.objects.get(pk=other.pk).name == other.name
        assert not ServiceChange.objects.exists()


def test_changes_wait_for_staff_approval(provider, council_a, client_a):
    client, own, _other = provider
    response = client.post(
        f"/provider/services/{own.pk}/", _form(own, description="Now open on Saturdays.")
    )
    assert response.status_code == 302
    with schema_context(council_a.schema_name):
        change = ServiceChange.objects.get()
        assert change.status == "pending" and change.data == {
            "description": "Now open on Saturdays."
        }
        service = Service.objects.get(pk=own.pk)
        assert service.description == own.description  # not published yet
        assert service.last_reviewed == timezone.localdate()
    page = client_a.get(f"/admin/directory/changes/{change.pk}/")
    assert page.status_code == 200 and b"Now open on Saturdays." in page.content
    response = client_a.post(
        f"/admin/directory/changes/{change.pk}/", {"decision": "approve", "note": ""}
    )
    assert response.status_code == 302
    with schema_context(council_a.schema_name):
        assert Service.objects.get(pk=own.pk).description == "Now open on Saturdays."
        assert ServiceChange.objects.get().status == "approved"
    # a decided change cannot be decided again
    again = client_a.post(
        f"/admin/directory/changes/{change.pk}/", {"decision": "reject", "note": ""}
    )
    assert again.status_code == 200 and b"already been decided" in again.content


def test_trusted_organisation_publishes_at_once(provider, council_a):
    client, own, _other = provider
    with schema_context(council_a.schema_name):
        Organization.objects.filter(pk=own.organization_id).update(changes_need_approval=False)
    client.post(f"/provider/services/{own.pk}/", _form(own, fees="Free"))
    with schema_context(council_a.schema_name):
        assert Service.objects.get(pk=own.pk).fees == "Free"
        assert ServiceChange.objects.get().status == "applied"


def test_bad_input_is_shown_not_saved(provider, council_a):
    client, own, _other = provider
    response = client.post(f"/provider/services/{own.pk}/", _form(own, name="", email="nope"))
    assert response.status_code == 200 and b"govuk-error-summary" in response.content
    with schema_context(council_a.schema_name):
        assert not ServiceChange.objects.exists()


def test_review_reminders_once_a_month(provider, council_a):
    client, own, _other = provider
    mail.outbox.clear()
    with schema_context(council_a.schema_name):
        now = timezone.now()
        assert actions.send_review_reminders(now) == 1  # never reviewed: due
        assert mail.outbox[0].to == ["sam@riverside.example"] and own.name in mail.outbox[0].body
        assert actions.send_review_reminders(now + datetime.timedelta(days=1)) == 0
    client.post(f"/provider/services/{own.pk}/reviewed/")
    with schema_context(council_a.schema_name):
        assert Service.objects.get(pk=own.pk).last_reviewed == timezone.localdate()
        later = now + datetime.timedelta(days=31)
        mail.outbox.clear()
        actions.send_review_reminders(later)
        assert own.name not in mail.outbox[0].body  # reviewed: no longer listed


def test_staff_sign_in_cannot_use_provider_pages(client_a):
    assert client_a.get("/provider/").status_code == 404


def test_the_demo_has_a_provider_account_that_signs_in_and_keeps_its_entries(council_a):
    """``make run``'s demo councils get a provider account for Riverside Care: seed_demo prints
    its one-time link, which sets a password; the account then sees its own services only."""
    from urllib.parse import urlparse

    step = next(s for s in provisioning.steps(provisioning.DEMO) if s.name == "providers.account")
    assert step.fn is seed_provider_account
    directory = next(s for s in provisioning.steps(provisioning.DEMO) if s.name == "providers.demo")
    assert step.order > directory.order
    email = f"provider@{council_a.slug}.example"
    with schema_context(council_a.schema_name):
        seed_demo(council_a)
        [line] = seed_provider_account(council_a)
        assert seed_provider_account(council_a)[0].startswith(
            f"provider account for Riverside Care ({council_a.site_url().rstrip('/')}/provider/)"
        )
        account = ProviderAccount.objects.select_related("organization").get(user__username=email)
        assert account.organization.name == "Riverside Care"
        assert account.organization.changes_need_approval
        own = set(
            Service.objects.filter(organization=account.organization).values_list("name", flat=True)
        )
    assert email in line and "set a password at " in line
    link = line.split("set a password at ")[1]
    # the emailed link is the printed one, on the council's domain (made outside a request)
    assert mail.outbox[-1].to == [email] and link in mail.outbox[-1].body
    path = urlparse(link).path
    client = Client(HTTP_HOST=council_a.primary_domain)
    response = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    client.post("/provider/sign-in/", {"username": email, "password": PASSWORD})
    home = client.get("/provider/").content.decode()
    assert own and all(name in home for name in own)
    assert "Day centre (North)" in home and "Youth club" not in home
    with schema_context(council_a.schema_name):
        [line] = seed_provider_account(council_a)
        assert line.endswith(f"{email}: use the password you set")
        assert ProviderAccount.objects.filter(user__username=email).count() == 1


def test_provisioning_run_returns_what_the_steps_say(monkeypatch):
    monkeypatch.setattr(provisioning, "_steps", {})
    provisioning.register("x.quiet", lambda council: None, phase=provisioning.DEMO, order=1)
    provisioning.register(
        "x.says", lambda council: ["one", "two"], phase=provisioning.DEMO, order=2
    )
    provisioning.register("x.more", lambda council: ["three"], phase=provisioning.DEMO, order=3)
    provisioning.register("x.count", lambda council: 12, phase=provisioning.DEMO, order=4)
    assert provisioning.run(provisioning.DEMO, None) == ["one", "two", "three"]


def test_the_provider_edit_forms_errors_name_the_field_govuk_style():
    from commissioning.providers.views import ServiceForm

    form = ServiceForm(
        {"name": "", "email": "me", "url": "nope", "status": "gone", "minimum_age": "-1"}
    )
    assert not form.is_valid()
    assert form.errors["name"] == ["Enter the service's name"]
    assert form.errors["email"] == [
        "Enter an email address in the correct format, like name@example.com"
    ]
    assert form.errors["url"] == ["Enter a web address in the correct format, like www.example.com"]
    assert form.errors["status"] == ["Select the service's status from the list"]
    assert form.errors["minimum_age"] == ["The minimum age must be 0 or more"]
