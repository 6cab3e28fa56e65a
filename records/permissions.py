"""The records roles, as Django model permissions granted to the council's groups.

- "Records managers": everything in records (declare, change, hold, dispose, decide), sight of
  OFFICIAL-SENSITIVE records (``records.view_sensitive_record``) and the audit log
  (``audit.view_auditentry``).
- "Records viewers": read-only — the file plan, OFFICIAL records and their content, decisions
  (published or not), policies and action items. No OFFICIAL-SENSITIVE record, no holds,
  disposal or audit log.
- "Council administrators": what records managers have.

Any other account of the council (an editor, an analyst, a resident) gets nothing from the
records API. Declared to the kernel's provisioning registry (records/provisioning.py), which
grants them in the template, so every council cloned from it has them, and after every migrate
of a council schema, so existing councils get new ones at their next ``migrate_schemas``.
"""

MODELS = (
    "fileplanclass",
    "record",
    "recordversion",
    "legalhold",
    "disposalbatch",
    "disposalitem",
    "decision",
    "policy",
    "actionitem",
)
READ = ("fileplanclass", "record", "recordversion", "decision", "policy", "actionitem")
MANAGE = [
    *(
        f"records.{verb}_{model}"
        for model in MODELS
        for verb in ("view", "add", "change", "delete")
    ),
    "records.view_sensitive_record",
    "audit.view_auditentry",
]
GROUP_PERMISSIONS = {
    "Records managers": MANAGE,
    "Records viewers": [f"records.view_{model}" for model in READ],
    "Council administrators": MANAGE,
}
