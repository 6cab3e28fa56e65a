"""Demo website for ``make run`` (and the fixture site the tests and browser tests use).

``seed_demo(council)`` runs in the council's schema and is idempotent: pages are found by slug
under the home page and only missing ones are created.
"""

import datetime

from django.utils import timezone
from wagtail.models import Page

from cms.models import (
    AlertBanner,
    AlertType,
    AToZPage,
    ContactPage,
    CouncilBranding,
    DirectoryEntry,
    DirectoryPage,
    EventPage,
    EventsIndexPage,
    FormField,
    FormPage,
    GuideOverviewPage,
    GuidePage,
    HomePage,
    InformationPage,
    NewsArticlePage,
    NewsroomPage,
    ServiceLandingPage,
    ServicePage,
    ServiceSubLandingPage,
    StepByStepPage,
    TaskType,
)

BRAND_COLOURS = {"northshire": "#00703c", "riverton": "#4c2c92", "eastvale": "#912b88"}


def _p(text: str) -> tuple:
    return ("paragraph", f"<p>{text}</p>")


def _child(parent, model, slug, **fields):
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = model(slug=slug, live=True, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def build_site(council) -> dict:
    """Create (or find) one page of every type; returns them by type name."""
    home = HomePage.objects.get(depth=2)
    now = timezone.now()
    today = timezone.localdate()
    pages: dict = {"home": home}

    bins = _child(
        home,
        ServiceLandingPage,
        "bins-and-recycling",
        title="Bins and recycling",
        summary="Collection days, missed bins, new bins and the household recycling centres.",
        intro="<p>Find out when your bins are collected and what goes in each bin.</p>",
    )
    pages["service_landing"] = bins
    collections = _child(
        bins,
        ServiceSubLandingPage,
        "collections",
        title="Bin collections",
        summary="Collection days and what to do when a bin is missed.",
        intro="<p>Everything about your regular collections.</p>",
    )
    pages["service_sub_landing"] = collections
    missed = _child(
        collections,
        ServicePage,
        "report-a-missed-bin",
        title="Report a missed bin",
        summary="Tell us if your bin was not collected on your collection day.",
        lgsl_id=524,
        task_type=TaskType.ACTION,
        start_url="https://example.org/missed-bin",
        body=[
            _p("Report a missed bin by 5pm on the day after your collection day."),
            ("warning", {"text": "Leave your bin out until we collect it."}),
        ],
        review_date=today + datetime.timedelta(days=10),
    )
    pages["service"] = missed
    _child(
        collections,
        ServicePage,
        "collection-days",
        title="Check your bin collection day",
        summary="Find the day your bins are collected.",
        lgsl_id=524,
        task_type=TaskType.INFORMATION,
        body=[
            _p("Collections happen every week for food waste and every two weeks for other bins.")
        ],
    )
    tax = _child(
        home,
        ServiceLandingPage,
        "council-tax",
        title="Council tax",
        summary="Pay, check your band, discounts and reductions.",
        intro="<p>Council tax pays for local services.</p>",
    )
    pay = _child(
        tax,
        ServicePage,
        "pay-council-tax",
        title="Pay your council tax",
        summary="Pay online, by direct debit or by phone.",
        lgsl_id=57,
        task_type=TaskType.ACTION,
        start_url="https://example.org/pay",
        body=[_p("You can pay your council tax online at any time.")],
    )
    _child(
        tax,
        ServicePage,
        "discounts",
        title="Council tax discounts",
        summary="Single person discount, students and other reductions.",
        lgsl_id=856,
        body=[_p("You may get 25% off your bill if you live alone.")],
    )
    parking = _child(
        home,
        ServiceLandingPage,
        "parking",
        title="Parking",
        summary="Permits, penalty charge notices and car parks.",
        intro="<p>Parking permits, fines and council car parks.</p>",
    )
    permit = _child(
        parking,
        ServicePage,
        "residents-parking-permit",
        title="Apply for a residents' parking permit",
        summary="Park in a residents' parking zone near your home.",
        lgsl_id=1024,
        task_type=TaskType.ACTION,
        start_url="https://example.org/permit",
        body=[_p("A permit costs £50 a year for the first vehicle.")],
    )
    libraries = _child(
        home,
        ServiceLandingPage,
        "libraries",
        title="Libraries",
        summary="Join the library, opening hours, e-books and events.",
        intro="<p>Borrow books, use computers and join activities.</p>",
    )
    _child(
        libraries,
        ServicePage,
        "join-the-library",
        title="Join the library",
        summary="Free to join for everyone who lives, works or studies here.",
        lgsl_id=1103,
        task_type=TaskType.ACTION,
        body=[_p("Bring proof of your address to any library.")],
    )
    guide = _child(
        tax,
        GuideOverviewPage,
        "council-tax-guide",
        title="Council tax explained",
        summary="How council tax works, bands and who has to pay.",
        body=[_p("This guide explains how council tax is worked out.")],
    )
    pages["guide_overview"] = guide
    pages["guide"] = _child(
        guide,
        GuidePage,
        "bands",
        title="Council tax bands",
        body=[_p("Your band depends on the value of your home on 1 April 1991.")],
    )
    _child(
        guide,
        GuidePage,
        "who-pays",
        title="Who has to pay",
        body=[_p("Usually the person who lives in the home.")],
    )
    pages["step_by_step"] = _child(
        parking,
        StepByStepPage,
        "get-a-parking-permit",
        title="Get a parking permit: step by step",
        summary="How to check, apply and display your permit.",
        intro="<p>Follow these steps to get a residents' parking permit.</p>",
        steps=[
            (
                "step",
                {
                    "title": "Check you can get a permit",
                    "description": "<p>You must live in a permit zone.</p>",
                    "links": [{"label": "Parking", "page": parking, "url": ""}],
                },
            ),
            (
                "step",
                {
                    "title": "Apply for your permit",
                    "description": "<p>Apply online.</p>",
                    "links": [
                        {
                            "label": "Apply for a residents' parking permit",
                            "page": permit,
                            "url": "",
                        }
                    ],
                },
            ),
            (
                "step",
                {
                    "title": "Display your permit",
                    "description": "<p>Permits are digital: nothing to display.</p>",
                    "links": [],
                },
            ),
        ],
    )
    news = _child(
        home, NewsroomPage, "news", title="News", intro="<p>The latest news from the council.</p>"
    )
    pages["newsroom"] = news
    pages["news_article"] = _child(
        news,
        NewsArticlePage,
        "new-recycling-centre",
        title="New recycling centre opens",
        date=today,
        summary="A new household recycling centre opens on Mill Lane.",
        body=[_p("The centre takes garden waste, electricals and more.")],
    )
    _child(
        news,
        NewsArticlePage,
        "council-tax-2027",
        title="Council tax for 2027 agreed",
        date=today - datetime.timedelta(days=7),
        summary="Councillors agreed next year's budget.",
        body=[_p("Bills go out in March.")],
    )
    events = _child(
        home, EventsIndexPage, "events", title="Events", intro="What is on in the area."
    )
    pages["events_index"] = events
    pages["event"] = _child(
        events,
        EventPage,
        "library-storytime",
        title="Storytime at the Central Library",
        summary="Stories and songs for under-fives.",
        start=now + datetime.timedelta(days=7),
        end=now + datetime.timedelta(days=7, hours=1),
        venue="Central Library",
        venue_address="1 High Street\nTown Centre",
        price="Free",
        booking_url="https://example.org/book",
        body=[_p("Suitable for children under five and their carers.")],
    )
    directory = DirectoryPage.objects.child_of(home).filter(slug="directory").first()
    if directory is None:
        directory = DirectoryPage(
            slug="directory", title="Community directory", intro="Local venues and organisations."
        )
        directory.entries = [
            DirectoryEntry(
                name="Central Library",
                kind="venue",
                category="Libraries",
                address="1 High Street",
                postcode="AB1 2CD",
                location_text="Opposite the market square",
                phone="01234 567890",
            ),
            DirectoryEntry(
                name="Mill Lane Recycling Centre",
                kind="venue",
                category="Recycling",
                address="Mill Lane",
                location_text="At the end of Mill Lane, past the bridge",
            ),
            DirectoryEntry(
                name="Friends of the Park",
                kind="organisation",
                category="Community groups",
                description="Volunteers who look after the town park.",
                website="https://example.org/park",
            ),
            DirectoryEntry(
                name="Citizens Advice",
                kind="organisation",
                category="Advice",
                description="Free advice on money, work and housing.",
                phone="0800 000 000",
            ),
        ]
        home.add_child(instance=directory)
        directory.save_revision().publish()
    pages["directory"] = directory
    pages["services_directory"] = _child(
        home,
        DirectoryPage,
        "find-a-service",
        title="Find a local service",
        intro="Services for residents from local organisations, kept up to date by the "
        "organisations themselves.",
        source=DirectoryPage.Source.OPEN_REFERRAL,
    )
    pages["contact"] = _child(
        home,
        ContactPage,
        "contact-us",
        title="Contact us",
        intro="<p>How to get in touch.</p>",
        phone="01234 567000",
        email=f"contact@{council.slug}.example",
        address="Council Offices\nHigh Street",
        opening_hours="Monday to Friday, 9am to 5pm",
    )
    contact = pages["contact"]
    if not contact.phone:  # the starter site's contact page (cms/starter.py) has no details yet
        contact.phone = "01234 567000"
        contact.email = f"contact@{council.slug}.example"
        contact.address = "Council Offices\nHigh Street"
        contact.opening_hours = "Monday to Friday, 9am to 5pm"
        contact.save_revision().publish()
    pages["a_to_z"] = _child(home, AToZPage, "a-to-z", title="A to Z of services")
    form = FormPage.objects.child_of(home).filter(slug="feedback").first()
    if form is None:
        form = FormPage(
            slug="feedback",
            title="Give feedback",
            intro="<p>Tell us what you think of our website.</p>",
            thank_you_text="<p>We read every message.</p>",
            to_address=f"web@{council.slug}.example",
            from_address=f"no-reply@{council.slug}.example",
            subject="Website feedback",
        )
        form.form_fields = [
            FormField(label="Your name", field_type="singleline", required=True),
            FormField(label="Email address", field_type="email", required=True),
            FormField(label="Your feedback", field_type="multiline", required=True),
        ]
        home.add_child(instance=form)
        form.save_revision().publish()
    pages["form"] = form
    pages["information"] = _child(
        home,
        InformationPage,
        "accessibility",
        title="Accessibility statement",
        summary="How accessible this website is.",
        body=[_p("We want as many people as possible to use this website.")],
    )
    pages["pay_council_tax"] = pay
    pages["libraries"] = libraries

    if not home.top_tasks:
        home.top_tasks = [
            ("task", {"page": missed, "label": "", "task_type": "action"}),
            ("task", {"page": pay, "label": "Pay council tax", "task_type": "action"}),
            ("task", {"page": permit, "label": "Get a parking permit", "task_type": "action"}),
            ("task", {"page": libraries, "label": "Libraries", "task_type": "information"}),
        ]
        home.intro = f"<p>Services and information from {council.name}.</p>"
        home.save_revision().publish()

    if not AlertBanner.objects.filter(title="Bin collections over the holidays").exists():
        AlertBanner.objects.create(
            title="Bin collections over the holidays",
            alert_type=AlertType.ANNOUNCEMENT,
            message="Collections move by one day in the week after a bank holiday.",
            link_url=collections.url or "",
            link_text="Check collection days",
            site_wide=True,
        )
    branding = CouncilBranding.load()
    if not branding.contact_email:
        branding.council_name = council.name
        branding.brand_colour = BRAND_COLOURS.get(council.slug, "#1d70b8")
        branding.contact_email = f"contact@{council.slug}.example"
        branding.contact_phone = "01234 567000"
        branding.contact_address = "Council Offices\nHigh Street"
        if not branding.footer_links:  # a council provisioned before the starter site
            branding.footer_links = [
                ("link", {"label": "Contact us", "page": pages["contact"], "url": ""}),
                (
                    "link",
                    {"label": "Accessibility statement", "page": pages["information"], "url": ""},
                ),
            ]
        branding.social_links = [
            ("social", {"network": "facebook", "url": "https://example.org/facebook"})
        ]
        branding.save()
    return pages


def seed_demo(council) -> None:
    build_site(council)


def page_of_every_type(pages: dict) -> dict[str, Page]:
    keys = [
        "home",
        "service_landing",
        "service_sub_landing",
        "service",
        "guide_overview",
        "guide",
        "step_by_step",
        "newsroom",
        "news_article",
        "events_index",
        "event",
        "directory",
        "services_directory",
        "contact",
        "a_to_z",
        "form",
        "information",
    ]
    return {k: pages[k] for k in keys}
