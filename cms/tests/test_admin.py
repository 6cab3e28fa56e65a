"""The admin screens for every content type open (panels are well configured), and images and
their renditions are stored under the council's own schema."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.images import ImageFile

PARENTS = {
    "homepage": None,
    "servicelandingpage": "home",
    "servicesublandingpage": "service_landing",
    "servicepage": "service_landing",
    "guideoverviewpage": "service_landing",
    "guidepage": "guide_overview",
    "stepbysteppage": "service_landing",
    "newsroompage": None,
    "newsarticlepage": "newsroom",
    "eventsindexpage": "home",
    "eventpage": "events_index",
    "directorypage": "home",
    "contactpage": "home",
    "atozpage": None,
    "formpage": "home",
    "informationpage": "home",
}


@pytest.mark.django_db
def test_every_page_type_has_working_add_and_edit_forms(site, web_council, staff_client_factory):
    client = staff_client_factory(web_council)
    for model, parent_key in PARENTS.items():
        if parent_key is None:
            continue  # one per parent and already there: edited below
        parent = site[parent_key]
        response = client.get(f"/admin/pages/add/cms/{model}/{parent.pk}/")
        assert response.status_code == 200, (model, response.status_code)
    for key, page in site.items():
        response = client.get(f"/admin/pages/{page.pk}/edit/")
        assert response.status_code == 200, (key, response.status_code)


@pytest.mark.django_db
def test_alert_and_branding_admin_screens_open(site, web_council, staff_client_factory):
    client = staff_client_factory(web_council)
    assert client.get("/admin/snippets/cms/alertbanner/").status_code == 200
    assert client.get("/admin/snippets/cms/alertbanner/add/").status_code == 200
    branding = client.get("/admin/settings/cms/councilbranding/", follow=True)
    assert branding.status_code == 200 and b"brand_colour" in branding.content
    assert client.get("/admin/commons/").status_code == 200


def _png() -> ImageFile:
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (200, 80), "#00703c").save(buffer, "PNG")
    return ImageFile(io.BytesIO(buffer.getvalue()), name="logo.png")


@pytest.mark.django_db
def test_logo_and_its_renditions_live_under_the_councils_schema(site, web_council, anon_web):
    from wagtail.images.models import Image

    from cms.models import CouncilBranding

    image = Image.objects.create(title="Logo", file=_png())
    branding = CouncilBranding.load()
    branding.logo = image
    branding.save()
    body = anon_web.get("/").content.decode()
    assert 'class="council-header__logo-image"' in body
    rendition = image.get_rendition("height-60")
    root = Path(settings.MEDIA_ROOT) / web_council.schema_name
    assert (root / "private" / image.file.name).exists()
    assert (root / "public" / rendition.file.name).exists()
    assert rendition.url in body


@pytest.mark.django_db
def test_council_groups_can_manage_alerts_and_only_administrators_branding(
    site, web_council, staff_client_factory
):
    editor = staff_client_factory(web_council, groups=("Editors",), username="ed@webham.example")
    assert editor.get("/admin/snippets/cms/alertbanner/add/").status_code == 200
    denied = editor.get("/admin/settings/cms/councilbranding/", follow=True)
    assert b"brand_colour" not in denied.content
