"""The council website's content types: pages, snippets, branding settings and records of adoption."""

from .alerts import AlertBanner, AlertType
from .branding import CouncilBranding
from .commons import AdoptedPage
from .directory import DirectoryEntry, DirectoryPage
from .events import EventPage, EventsIndexPage
from .forms import FormField, FormPage
from .pages import (
    AToZPage,
    ContactPage,
    GuideOverviewPage,
    GuidePage,
    HomePage,
    InformationPage,
    NewsArticlePage,
    NewsroomPage,
    ReviewedPage,
    ServiceLandingPage,
    ServicePage,
    ServiceSubLandingPage,
    StepByStepPage,
    TaskType,
)

__all__ = [
    "AToZPage",
    "AdoptedPage",
    "AlertBanner",
    "AlertType",
    "ContactPage",
    "CouncilBranding",
    "DirectoryEntry",
    "DirectoryPage",
    "EventPage",
    "EventsIndexPage",
    "FormField",
    "FormPage",
    "GuideOverviewPage",
    "GuidePage",
    "HomePage",
    "InformationPage",
    "NewsArticlePage",
    "NewsroomPage",
    "ReviewedPage",
    "ServiceLandingPage",
    "ServicePage",
    "ServiceSubLandingPage",
    "StepByStepPage",
    "TaskType",
]
