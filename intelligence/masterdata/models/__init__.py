"""Master data models, one module per concept."""

from .people import GoldenPerson, PersonRecord
from .places import GazetteerEntry, GoldenPlace, PlaceRecord
from .review import Lineage, MatchDecision, MatchModel, ResolutionRun, ReviewPair
from .sources import Source, SourceKind
from .subject_access import SubjectAccessRequest

__all__ = [
    "GazetteerEntry",
    "GoldenPerson",
    "GoldenPlace",
    "Lineage",
    "MatchDecision",
    "MatchModel",
    "PersonRecord",
    "PlaceRecord",
    "ResolutionRun",
    "ReviewPair",
    "Source",
    "SourceKind",
    "SubjectAccessRequest",
]
