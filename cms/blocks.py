"""StreamField blocks shared by the page types (rendered with GOV.UK Frontend classes)."""

from wagtail import blocks


class LinkBlock(blocks.StructBlock):
    """A link to a page on this site or to another address."""

    label = blocks.CharBlock(max_length=120)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.URLBlock(required=False)

    class Meta:
        icon = "link"
        template = "cms/blocks/link.html"

    def clean(self, value):
        result = super().clean(value)
        if not result.get("page") and not result.get("url"):
            from django.core.exceptions import ValidationError
            from wagtail.blocks import StructBlockValidationError

            raise StructBlockValidationError(
                block_errors={"url": ValidationError("Choose a page or give an address.")}
            )
        return result


class InsetBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(features=["bold", "link"])

    class Meta:
        icon = "pick"
        template = "cms/blocks/inset.html"


class WarningBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=300)

    class Meta:
        icon = "warning"
        template = "cms/blocks/warning.html"


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", template="cms/blocks/heading.html")
    paragraph = blocks.RichTextBlock(
        features=["h3", "bold", "italic", "ol", "ul", "link", "document-link"],
        template="cms/blocks/paragraph.html",
    )
    inset = InsetBlock()
    warning = WarningBlock()


class TopTaskBlock(blocks.StructBlock):
    """A top task on the home page or a landing page: a page, and whether it is an action."""

    page = blocks.PageChooserBlock()
    label = blocks.CharBlock(
        required=False, max_length=120, help_text="Defaults to the page title."
    )
    task_type = blocks.ChoiceBlock(
        choices=[("action", "Action (do something)"), ("information", "Information")],
        default="information",
    )

    class Meta:
        icon = "pick"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200)
    description = blocks.RichTextBlock(features=["bold", "link"], required=False)
    links = blocks.ListBlock(LinkBlock(), required=False)

    class Meta:
        icon = "list-ol"


class SocialLinkBlock(blocks.StructBlock):
    network = blocks.ChoiceBlock(
        choices=[
            ("facebook", "Facebook"),
            ("x", "X"),
            ("instagram", "Instagram"),
            ("linkedin", "LinkedIn"),
            ("youtube", "YouTube"),
            ("bluesky", "Bluesky"),
            ("other", "Other"),
        ]
    )
    url = blocks.URLBlock()
