"""A new council's starter website: the pages every council site needs, instead of a bare home page.

Two provisioning steps (registered in ``cms.provisioning``):

``build_starter_site`` (TEMPLATE phase, run when the template schema is built; idempotent): the
service sections, news, events, contact page, A to Z, an accessibility statement and a privacy
notice under the home page, and the footer links. Every council copies them with the template,
so provisioning itself creates no page. Pages are added live without a revision, so the admin
edits exactly what residents see.

``personalise_starter_site`` (AFTER_COMMIT phase: a task after the provisioning commits, so not
in the provisioning request; until it runs, the copied pages say "the council" and "this
website"): writes the accessibility statement and the privacy notice from the council's own
details (name, website address, the date) and the home page's introduction, by plain UPDATEs of
the copied rows, and only while the pages are untouched (no revision yet): a council's own edits
are never overwritten, and running it again changes nothing the council wrote.

The demo (``cms.demo``) finds these pages by slug and fills them in.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from platform_core.hosts import council_url

# The service sections of the home page (the demo site fills them with services).
SECTIONS = [
    (
        "bins-and-recycling",
        "Bins and recycling",
        "Collection days, missed bins, new bins and the household recycling centres.",
        "<p>Find out when your bins are collected and what goes in each bin.</p>",
    ),
    (
        "council-tax",
        "Council tax",
        "Pay, check your band, discounts and reductions.",
        "<p>Council tax pays for local services.</p>",
    ),
    (
        "parking",
        "Parking",
        "Permits, penalty charge notices and car parks.",
        "<p>Parking permits, fines and council car parks.</p>",
    ),
    (
        "libraries",
        "Libraries",
        "Join the library, opening hours, e-books and events.",
        "<p>Borrow books, use computers and join activities.</p>",
    ),
]
ACCESSIBILITY_SLUG = "accessibility"
PRIVACY_SLUG = "privacy"
CONTACT_SLUG = "contact-us"


def _add(parent, model, slug: str, **fields):
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = model(slug=slug, live=True, **fields)
    parent.add_child(instance=page)
    return page


def build_starter_site() -> None:
    """TEMPLATE step: the starter pages under the template's home page (idempotent)."""
    from cms.models import (
        AToZPage,
        ContactPage,
        CouncilBranding,
        EventsIndexPage,
        HomePage,
        InformationPage,
        NewsroomPage,
        ServiceLandingPage,
    )

    home = HomePage.objects.get(depth=2)
    for slug, title, summary, intro in SECTIONS:
        _add(home, ServiceLandingPage, slug, title=title, summary=summary, intro=intro)
    _add(home, NewsroomPage, "news", title="News", intro="<p>The latest news from the council.</p>")
    _add(home, EventsIndexPage, "events", title="Events", intro="What is on in the area.")
    contact = _add(
        home,
        ContactPage,
        CONTACT_SLUG,
        title="Contact us",
        summary="How to get in touch with the council.",
        intro="<p>How to get in touch.</p>",
    )
    _add(home, AToZPage, "a-to-z", title="A to Z of services")
    accessibility = _add(
        home,
        InformationPage,
        ACCESSIBILITY_SLUG,
        title="Accessibility statement",
        summary="How accessible this website is.",
        body=accessibility_statement("the council", "this website", timezone.localdate()),
    )
    privacy = _add(
        home,
        InformationPage,
        PRIVACY_SLUG,
        title="Privacy notice",
        summary="How the council uses the personal information you give it on this website.",
        body=privacy_notice("The council"),
    )
    branding = CouncilBranding.load()
    if not branding.footer_links:
        branding.footer_links = [
            ("link", {"label": "Contact us", "page": contact, "url": ""}),
            ("link", {"label": "Accessibility statement", "page": accessibility, "url": ""}),
            ("link", {"label": "Privacy notice", "page": privacy, "url": ""}),
        ]
        branding.save()


def personalise_starter_site(council) -> None:
    """AFTER_COMMIT step: the statement, the notice and the home page's introduction, from the
    council's details, on the copied pages nobody has edited yet."""
    from cms.models import HomePage, InformationPage

    today = timezone.localdate()
    untouched = InformationPage.objects.filter(depth=3, latest_revision__isnull=True)
    untouched.filter(slug=ACCESSIBILITY_SLUG).update(
        body=_stream(
            accessibility_statement(council.name, council_url(council.primary_domain), today)
        ),
        review_date=today + datetime.timedelta(days=365),
    )
    untouched.filter(slug=PRIVACY_SLUG).update(body=_stream(privacy_notice(council.name)))
    HomePage.objects.filter(depth=2, intro="").update(
        intro=f"<p>Services and information from {council.name}.</p>"
    )


def _stream(blocks: list[tuple[str, str]]):
    """An information page's body value, for an UPDATE."""
    from cms.models import InformationPage

    field = InformationPage._meta.get_field("body")
    return field.to_python([{"type": kind, "value": value} for kind, value in blocks])


def _p(html: str) -> tuple[str, str]:
    return ("paragraph", f"<p>{html}</p>")


def accessibility_statement(name: str, website: str, prepared: datetime.date) -> list:
    """A statement in the shape of GOV.UK's sample accessibility statement, filled in with the
    council's details. Councils review it (its review date is a year away) and add the known
    issues of the content they publish."""
    date = f"{prepared.day} {prepared:%B %Y}"
    return [
        _p(
            f"This accessibility statement applies to {website}. This website is run by {name}. "
            "We want as many people as possible to be able to use this website. For example, "
            "that means you should be able to change colours, contrast levels and fonts, zoom in "
            "up to 400% without the text spilling off the screen, navigate most of the website "
            "using just a keyboard or speech recognition software, and listen to most of the "
            "website using a screen reader."
        ),
        ("heading", "How accessible this website is"),
        _p(
            "The website's pages are built with the GOV.UK Design System and are checked "
            "automatically against the Web Content Accessibility Guidelines (WCAG) version 2.2 "
            "AA standard. Some documents, such as older PDF files, may not be fully accessible."
        ),
        ("heading", "Feedback and contact information"),
        _p(
            "If you need information on this website in a different format, or you find a "
            f'problem not listed on this page, <a href="/{CONTACT_SLUG}/">contact {name}</a>. '
            "We will consider your request and get back to you within 5 working days."
        ),
        ("heading", "Enforcement procedure"),
        _p(
            "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the "
            "Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility "
            "Regulations 2018. If you are not happy with how we respond to your complaint, "
            "contact the Equality Advisory and Support Service (EASS)."
        ),
        ("heading", "Technical information about this website's accessibility"),
        _p(
            f"{name} is committed to making its website accessible, in accordance with the "
            "Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility "
            "Regulations 2018."
        ),
        ("heading", "Preparation of this accessibility statement"),
        _p(f"This statement was prepared on {date}. It will be reviewed within a year."),
    ]


def privacy_notice(name: str) -> list:
    """A privacy notice for what the website itself collects, naming the council as the data
    controller. Councils add their services' own notices."""
    return [
        _p(
            f"{name} is the data controller for the personal information you give us through "
            "this website. This notice explains what we collect, why, and your rights."
        ),
        ("heading", "What we collect"),
        _p(
            "The information you enter in our online forms, such as your name, email address "
            "and message. We do not use cookies to track you. We keep a short-lived record of "
            "requests to the website to keep it secure."
        ),
        ("heading", "Why we use it"),
        _p(
            "To answer your enquiry or provide the service you asked for, as part of our public "
            "tasks as a local authority (UK GDPR article 6(1)(e))."
        ),
        ("heading", "How long we keep it"),
        _p("Only as long as we need it for the service, then it is deleted."),
        ("heading", "Your rights"),
        _p(
            "You can ask to see the information we hold about you, to have it corrected or "
            f'deleted, or to object to how we use it. <a href="/{CONTACT_SLUG}/">Contact {name}'
            "</a> to make a request."
        ),
        ("heading", "Complaints"),
        _p(
            "If you are unhappy with how we have used your information, you can complain to the "
            "Information Commissioner's Office (ICO), Wycliffe House, Water Lane, Wilmslow, "
            "Cheshire SK9 5AF, telephone 0303 123 1113."
        ),
    ]
