"""The directory's screens in the council admin's menus: each shown to whoever holds its
permission, and only to them."""

import pytest

pytestmark = pytest.mark.django_db

ITEMS = {
    "Provider accounts": "/admin/directory/accounts/",
    "Changes from providers": "/admin/directory/changes/",
    "Import a feed": "/admin/directory/imports/",
    "Share with neighbours": "/admin/directory/shares/",
    "Shared with us": "/admin/directory/shared/",
    "Postcodes": "/admin/directory/postcodes/import/",
}


def _menu(client) -> str:
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def test_every_directory_screen_is_in_the_menus_of_a_council_administrator(client_a):
    page = _menu(client_a)
    for label, url in ITEMS.items():
        assert label in page and url in page, label


def test_a_screen_is_left_out_of_the_menus_without_its_permission(council_a, staff_client_factory):
    page = _menu(staff_client_factory(council_a, groups=("Analysts",)))
    for label, url in ITEMS.items():
        assert url not in page, label
