"""Helpers shared by the tests, the demo and the benchmark: synthetic sources as CSV."""

import io
from collections import defaultdict

from . import synthetic


def people_files(
    n_people: int, seed: int = 7, per_person: float = 2.0
) -> tuple[dict[str, bytes], dict]:
    """{source name: CSV bytes}, and {(source, source_id): true entity}."""
    rows = synthetic.records(
        synthetic.population(n_people, seed=seed), seed=seed + 1, records_per_person=per_person
    )
    by_source: dict[str, list[dict]] = defaultdict(list)
    truth = {}
    for row in rows:
        by_source[row["source"]].append(row)
        truth[(row["source"], row["source_id"])] = row["entity"]
    from platform_core import csvio

    from .actions.imports import PEOPLE_COLUMNS

    files = {}
    for source, items in by_source.items():
        out = io.StringIO()
        writer = csvio.writer(out, lineterminator="\n")
        writer.writerow(PEOPLE_COLUMNS)
        for item in items:
            writer.writerow([item[c] for c in PEOPLE_COLUMNS])
        files[source] = out.getvalue().encode()
    return files, truth


OWNERS = {
    "council-tax": "Revenues and benefits",
    "housing": "Housing services",
    "social-care": "Adult social care",
    "library": "Libraries",
}


def import_people(files: dict[str, bytes], **kwargs) -> None:
    from .actions import import_source

    trust = dict(synthetic.SOURCES)
    for source, data in sorted(files.items()):
        import_source(
            data,
            source=source,
            kind="people",
            trust_rank=trust.get(source),
            owner=OWNERS.get(source, ""),
            **kwargs,
        )


def pairwise_scores(assigned: dict, truth: dict) -> dict:
    """Precision, recall and F1 of the pairs placed together, against the true entities."""
    from collections import Counter

    def pairs(groups: dict) -> int:
        return sum(n * (n - 1) // 2 for n in Counter(groups.values()).values())

    keys = [k for k in assigned if k in truth]
    predicted = pairs({k: assigned[k] for k in keys})
    actual = pairs({k: truth[k] for k in keys})
    both = pairs({k: (assigned[k], truth[k]) for k in keys})
    precision = both / predicted if predicted else 1.0
    recall = both / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "true_pairs": actual}
