import io
import re

import numpy as np
from django.core.management import call_command

from intelligence.benchmarking.models import NearestNeighbour, PoolMember, PoolValue
from tenants.validators import validate_gss_code


def test_seed_benchmark_fills_the_pool_with_valid_councils(db):
    out = io.StringIO()
    call_command("seed_benchmark", "--councils", "30", "--metrics", "7", "--years", "2", stdout=out)
    assert "Seeded 30 councils x 7 metrics: 420 values" in out.getvalue()
    members = list(PoolMember.objects.filter(synthetic=True))
    assert len(members) == 30
    prefixes = {
        "E06": "unitary",
        "E07": "district",
        "E08": "metropolitan",
        "E09": "london-borough",
        "E10": "county",
        "W06": "unitary",
        "S12": "unitary",
    }
    for m in members:
        validate_gss_code(m.gss_code)
        assert prefixes[m.gss_code[:3]] == m.tier and m.region
    assert PoolValue.objects.filter(period="2025-26").count() == 210
    # Running it again replaces the synthetic pool rather than adding to it.
    call_command("seed_benchmark", "--councils", "10", "--metrics", "6", "--years", "1", stdout=out)
    assert PoolMember.objects.filter(synthetic=True).count() == 10


def test_nearest_neighbours_are_the_15_closest_on_standardised_context(small_pool):
    assert NearestNeighbour.objects.values("member").distinct().count() == 40
    member = PoolMember.objects.order_by("gss_code").first()
    neighbours = list(NearestNeighbour.objects.filter(member=member).order_by("rank"))
    assert len(neighbours) == 15
    assert member.pk not in {n.neighbour_id for n in neighbours}
    # Recompute independently: latest context values, z-scores, Euclidean distance.
    rows = PoolValue.objects.filter(metric__is_context=True, period="2024-25").values_list(
        "member_id", "metric_id", "value"
    )
    members = sorted({r[0] for r in rows})
    metrics = sorted({r[1] for r in rows})
    table = {(m, c): v for m, c, v in rows}
    matrix = np.array([[table[(m, c)] for c in metrics] for m in members])
    z = (matrix - matrix.mean(axis=0)) / matrix.std(axis=0)
    i = members.index(member.pk)
    distances = np.sqrt(((z - z[i]) ** 2).sum(axis=1))
    distances[i] = np.inf
    expected = [members[j] for j in np.argsort(distances, kind="stable")[:15]]
    assert [n.neighbour_id for n in neighbours] == expected
    assert neighbours[0].distance <= neighbours[-1].distance


def test_seeded_codes_never_collide_with_real_councils(small_pool, council_a):
    codes = set(PoolMember.objects.values_list("gss_code", flat=True))
    assert council_a.gss_code not in codes
    assert all(re.match(r"^[EWS]\d{2}9\d{5}$", c) for c in codes)
