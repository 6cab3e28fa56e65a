"""The platform console (Django admin, public schema): what it shows and what it can delete."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from tenants.tests.consolehelpers import second_factor


@pytest.fixture
def console(db, platform_host):
    admin = get_user_model().objects.create_superuser("root@platform.example", password=None)
    client = Client(HTTP_HOST=platform_host)
    client.force_login(admin)
    second_factor(client, admin)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/console/wagtaildocs/document/",
        "/console/wagtaildocs/document/add/",
        "/console/wagtailimages/image/",
        "/console/wagtailimages/image/1/change/",
        "/console/taggit/tag/",
    ],
)
def test_council_only_models_are_not_in_the_console(console, path):
    """Their tables exist only in councils' schemas: the console answered 500 on them."""
    assert console.get(path).status_code == 404


@pytest.mark.django_db
def test_console_index_lists_only_platform_models(console):
    page = console.get("/console/data/").content.decode()
    assert "/console/tenants/council/" in page and "/console/auth/user/" in page
    for absent in ("wagtaildocs", "wagtailimages", "taggit"):
        assert f"/console/{absent}/" not in page


@pytest.mark.django_db
def test_console_deletes_a_platform_user(console):
    """Deleting collected rows from council-only tables (Wagtail profiles, page permissions) that
    do not exist in the public schema: 500 before."""
    user = get_user_model().objects.create_user("leaver@platform.example", is_staff=True)
    confirm = console.get(f"/console/auth/user/{user.pk}/delete/")
    assert confirm.status_code == 200 and b"leaver@platform.example" in confirm.content
    response = console.post(f"/console/auth/user/{user.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=user.pk).exists()


@pytest.mark.django_db
def test_console_deletes_a_platform_group_and_bulk_deletes_users(console):
    group = Group.objects.create(name="Leaving operators")
    users = [get_user_model().objects.create_user(f"op{i}@platform.example") for i in range(2)]
    group.user_set.set(users)
    assert console.get(f"/console/auth/group/{group.pk}/delete/").status_code == 200
    response = console.post(f"/console/auth/group/{group.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Group.objects.filter(pk=group.pk).exists()

    ids = [u.pk for u in users]
    bulk = {"action": "delete_selected", "_selected_action": ids}
    assert console.post("/console/auth/user/", bulk).status_code == 200  # the confirmation page
    response = console.post("/console/auth/user/", {**bulk, "post": "yes"})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk__in=ids).exists()


@pytest.mark.django_db
def test_deleting_in_a_council_still_cascades_to_council_tables(council_a, in_council):
    """The public-schema rule changes nothing inside a council: a council user's Wagtail
    profile goes with the user."""
    from wagtail.users.models import UserProfile

    with in_council(council_a):
        user = get_user_model().objects.create_user("gone@alphaford.example")
        UserProfile.get_for_user(user)
        user.delete()
        assert not UserProfile.objects.filter(user_id=user.pk).exists()
