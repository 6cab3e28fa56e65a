"""The hash-chained audit log every council app writes to (records, masterdata, tenants ...).

Each council's entries live in its own schema (``audit`` is a tenant app). Every entry carries
the SHA-256 of the previous entry, so changing, inserting or deleting a row breaks the chain at
that row; ``verify_chain()`` (and ``manage.py verify_audit --council <slug>``) finds the first
broken entry. Write with ``platform_core.audit.log.append(...)``.
"""
