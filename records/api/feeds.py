"""Open data renderings of the decisions register (the API layer, not the domain)."""

import io

from platform_core import csvio


def decisions_csv(decisions) -> str:
    out = io.StringIO()
    writer = csvio.writer(out)
    writer.writerow(
        [
            "id",
            "title",
            "decision_maker",
            "decision_date",
            "key_decision",
            "summary",
            "reasons",
            "alternatives_considered",
            "consultation",
            "urgency_reason",
        ]
    )
    for d in decisions:
        writer.writerow(
            [
                d.pk,
                d.title,
                d.decision_maker,
                d.decision_date.isoformat(),
                "yes" if d.is_key_decision else "no",
                d.summary,
                d.reasons,
                d.alternatives_considered,
                d.consultation,
                d.urgency_reason,
            ]
        )
    return out.getvalue()
