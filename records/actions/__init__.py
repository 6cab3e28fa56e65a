"""Every write to the records app: one function per business operation, each with its checks,
its transaction and its audit entry (platform_core.audit). One module per concept:

- file_plan: classes and their disposal schedules
- retention: when a record falls due
- records: records and their versions
- holds: legal holds
- disposal: destruction, disposal batches and certificates
- transfer: transfer packages for the archive
- decisions: decisions register, policies, actions arising

Errors are domain errors (django ValidationError, platform_core.errors.Refused); the API layer
maps them to HTTP in one place (platform_core.api.errors).
"""

from .common import FINAL, Refused, is_held, refresh_search
from .decisions import (
    KEY_DECISION_NOTICE_DAYS,
    clear_days,
    create_action_item,
    create_decision,
    create_policy,
    publish_decision,
    revise_policy,
    update_action_item,
    update_decision,
)
from .disposal import (
    check_disposable,
    complete_batch,
    decide_item,
    destroy_record,
    run_disposal_schedule,
)
from .file_plan import create_class, update_class
from .holds import add_to_hold, place_hold, release_hold
from .records import (
    add_version,
    check_readable,
    close_record,
    declare_record,
    declare_records,
    read_content,
    record_metadata,
    update_record,
)
from .retention import add_months, compute_disposal_due
from .transfer import export_transfer_package

__all__ = [
    "FINAL",
    "KEY_DECISION_NOTICE_DAYS",
    "Refused",
    "add_months",
    "add_to_hold",
    "add_version",
    "check_disposable",
    "clear_days",
    "close_record",
    "complete_batch",
    "compute_disposal_due",
    "create_action_item",
    "create_class",
    "create_decision",
    "create_policy",
    "decide_item",
    "declare_record",
    "declare_records",
    "destroy_record",
    "export_transfer_package",
    "is_held",
    "place_hold",
    "publish_decision",
    "check_readable",
    "read_content",
    "record_metadata",
    "refresh_search",
    "release_hold",
    "revise_policy",
    "run_disposal_schedule",
    "update_action_item",
    "update_class",
    "update_decision",
    "update_record",
]
