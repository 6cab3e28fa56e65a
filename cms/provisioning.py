"""What a new council needs from the website: a site with a home page and the starter pages
(cms/starter.py), named after the council, and the website permissions of the default groups. Registered with the kernel's provisioning
registry (platform_core/provisioning.py) in ``cms.apps.Config.ready``."""

from platform_core import provisioning

# Hostname of the template's site; every council's copy is renamed in ``name_site``.
TEMPLATE_HOSTNAME = "template.invalid"

IMAGES_AND_DOCUMENTS = {
    "Editors": ["wagtailimages.add_image", "wagtaildocs.add_document"],
    "Moderators": [
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
    ],
    "Council administrators": [
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.delete_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.delete_document",
    ],
}
PAGES = {
    "Editors": ["add_page", "change_page"],
    "Moderators": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    "Council administrators": [
        "add_page",
        "change_page",
        "publish_page",
        "bulk_delete_page",
        "lock_page",
        "unlock_page",
    ],
}
# The website's own models (granted again after every migrate of a council schema, so existing
# councils gain new ones: platform_core.provisioning.grant_declared_permissions).
WEBSITE = {
    "Editors": ["cms.add_alertbanner", "cms.change_alertbanner"],
    "Moderators": ["cms.add_alertbanner", "cms.change_alertbanner", "cms.delete_alertbanner"],
    "Council administrators": [
        "cms.add_alertbanner",
        "cms.change_alertbanner",
        "cms.delete_alertbanner",
        "cms.change_councilbranding",
    ],
}


def create_site() -> None:
    """The council home page (replacing Wagtail's "Welcome" page) and the default site."""
    from wagtail.models import Page, Site

    from cms.models import HomePage

    home = HomePage.objects.first()
    if home is None:
        Site.objects.all().delete()
        for page in Page.objects.filter(depth=2).exclude(content_type__model="homepage"):
            page.delete()
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title="Home", slug="home", live=True))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": TEMPLATE_HOSTNAME,
            "port": 80,
            "root_page": home,
            "site_name": "Council",
        },
    )


def name_site(council) -> None:
    """The copied site and home page take the council's name and hostname."""
    from wagtail.models import Page, Site

    from cms.models import HomePage

    # One UPDATE (HomePage.objects.filter(...).update() of an inherited field first SELECTs the
    # ids): this runs inside every provisioning request.
    Page.objects.filter(depth=2, pk__in=HomePage.objects.values("pk")).update(
        title=council.name, draft_title=council.name
    )
    Site.objects.filter(is_default_site=True).update(
        hostname=council.primary_domain, site_name=council.name, port=80
    )


def point_site_at_council(council) -> None:
    """RESTORE step: a restored council's site answers on its new address (names unchanged)."""
    from wagtail.models import Site

    Site.objects.filter(is_default_site=True).update(hostname=council.primary_domain, port=80)


def register() -> None:
    from cms.demo import seed_demo
    from cms.starter import build_starter_site, personalise_starter_site

    provisioning.register("cms.site", create_site, order=10)
    provisioning.register("cms.starter", build_starter_site, order=20)
    provisioning.register("cms.name_site", name_site, phase=provisioning.COUNCIL, order=10)
    # After the commit: the council's site is served with the template's generic statement and
    # notice until then (written for "the council" and "this website").
    provisioning.register(
        "cms.personalise_starter",
        personalise_starter_site,
        phase=provisioning.AFTER_COMMIT,
        order=20,
    )
    provisioning.register("cms.demo", seed_demo, phase=provisioning.DEMO, order=10)
    provisioning.register(
        "cms.restored_site", point_site_at_council, phase=provisioning.RESTORE, order=10
    )
    for group in ("Editors", "Moderators", "Council administrators"):
        provisioning.declare_group(
            group,
            admin_access=True,
            permissions=IMAGES_AND_DOCUMENTS[group] + WEBSITE[group],
            page_permissions=PAGES[group],
        )
