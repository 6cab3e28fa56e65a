from .decisions import ActionItem, Decision, Policy
from .disposal import DisposalBatch, DisposalItem
from .fileplan import DisposalAction, FilePlanClass, RetentionTrigger
from .holds import LegalHold
from .pages import DecisionsIndexPage
from .records import Classification, Record, RecordVersion

__all__ = [
    "ActionItem",
    "Classification",
    "Decision",
    "DecisionsIndexPage",
    "DisposalAction",
    "DisposalBatch",
    "DisposalItem",
    "FilePlanClass",
    "LegalHold",
    "Policy",
    "Record",
    "RecordVersion",
    "RetentionTrigger",
]
