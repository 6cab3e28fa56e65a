from django.apps import AppConfig


class Config(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = "Website"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cms import admin_base_url, provisioning, signals, sites

        admin_base_url.install()
        sites.install()

        from cms.models.branding import contact_details
        from platform_core import councilcontact

        councilcontact.register(contact_details)
        provisioning.register()
        signals.connect()
        register_council_figures()
        name_no_framework_on_the_account_page()


def name_no_framework_on_the_account_page() -> None:
    """The account page's switch for keyboard shortcuts says what they are for without naming
    the framework ("Enable custom keyboard shortcuts specific to Wagtail.")."""
    from wagtail.admin.forms.account import ThemePreferencesForm

    field = ThemePreferencesForm.base_fields["keyboard_shortcuts"]
    field.help_text = "Turn on the admin's own keyboard shortcuts."


def register_council_figures() -> None:
    """Pages, images and documents, and page edits as activity, for the platform console."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Page

    from platform_core import councilfigures

    councilfigures.register(
        "pages", "cms.pages", Page, "SELECT count(*) FROM {table} WHERE depth > 1"
    )
    councilfigures.register(
        "last_activity",
        "cms.page_edits",
        Page,
        "SELECT max(latest_revision_created_at) FROM {table}",
        kind=councilfigures.TIME,
    )
    for name, model in (("cms.images", get_image_model()), ("cms.documents", get_document_model())):
        councilfigures.register(
            "storage_bytes",
            name,
            model,
            "SELECT sum(file_size) FROM {table}",
            kind=councilfigures.BYTES,
        )
