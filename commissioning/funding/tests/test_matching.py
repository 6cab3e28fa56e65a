"""Matching open calls to the council's needs (warehouse), areas, deadlines and amounts, with
reasons; and to voluntary groups in the providers directory."""

import datetime

import pytest
from django_tenants.utils import schema_context

from commissioning.funding import matching
from commissioning.fundingregister import actions as register_actions

TODAY = datetime.date.today()


@pytest.fixture
def needs_a(council_a, in_council):
    """Two need indicators over four wards: child poverty worst in wards 1 and 2."""
    from intelligence.warehouse.actions import import_observations, save_area, save_metric

    with in_council(council_a):
        save_metric(
            metric_id="child-poverty",
            title="Children in low-income families",
            kind="percentage",
            polarity="lower",
            unit="%",
            category="needs",
        )
        save_metric(
            metric_id="over-65-alone",
            title="Older people living alone",
            kind="percentage",
            polarity="lower",
            unit="%",
            category="needs",
        )
        lines = ["metric_id,area_code,period,value,numerator,denominator"]
        for n, (poverty, alone) in enumerate([(40, 10), (38, 11), (10, 12), (12, 30)], start=1):
            code = f"E05900{n:03d}"
            save_area(code=code, name=f"Ward {n}", kind="ward", parent_code=council_a.gss_code)
            lines.append(f"child-poverty,{code},2024-25,{poverty},,")
            lines.append(f"over-65-alone,{code},2024-25,{alone},,")
        import_observations(
            "\n".join(lines) + "\n", filename="needs.csv", council_code=council_a.gss_code
        )


def _call(**values):
    with schema_context("public"):
        return register_actions.save_platform_call(
            **{"funder": "Funder", "url": "https://example.org/", **values}
        )


def test_calls_are_ranked_by_need_with_reasons(needs_a, council_a, in_council):
    poverty = _call(
        programme="Child poverty fund",
        themes=["children", "poverty"],
        amount_max=50000,
        closes_on=TODAY + datetime.timedelta(days=12),
    )
    lonely = _call(
        programme="Loneliness fund",
        themes=["loneliness"],
        amount_max=10000,
        closes_on=TODAY + datetime.timedelta(days=30),
        geography=[council_a.gss_code],
    )
    _call(programme="Arts", themes=["arts"], amount_max=5000)
    _call(programme="Welsh only", themes=["poverty"], geography=["W92000004"])
    _call(programme="Closed", themes=["poverty"], closes_on=TODAY - datetime.timedelta(days=1))
    with in_council(council_a):
        ranked = matching.rank_calls()
    programmes = [m.call.programme for m in ranked]
    assert programmes[:2] == ["Child poverty fund", "Loneliness fund"] or programmes[:2] == [
        "Loneliness fund",
        "Child poverty fund",
    ]
    assert "Welsh only" not in programmes and "Closed" not in programmes
    assert programmes[-1] == "Arts"
    top = next(m for m in ranked if m.call.pk == poverty.pk)
    assert "; ".join(top.reasons) == (
        "matches need “Children in low-income families” in Ward 1 and Ward 2; "
        "closes in 12 days; up to £50k"
    )
    other = next(m for m in ranked if m.call.pk == lonely.pk)
    assert other.reasons[0] == "matches need “Older people living alone” in Ward 4"
    assert "for this area" in other.reasons


def test_matches_api_shows_reasons_and_other_councils_needs_do_not_count(
    needs_a, client_a, client_b
):
    _call(
        programme="Child poverty fund",
        themes=["poverty"],
        amount_max=50000,
        closes_on=TODAY + datetime.timedelta(days=12),
    )
    a = client_a.get("/api/v1/funding/matches/?needs_only=true").json()["results"]
    b = client_b.get("/api/v1/funding/matches/?needs_only=true").json()["results"]
    assert [m["call"]["programme"] for m in a] == ["Child poverty fund"]
    assert a[0]["summary"].startswith("matches need “Children in low-income families” in Ward 1")
    assert b == []  # council B has no needs data: nothing matches a need there
    assert client_a.get("/api/v1/funding/matches/?needs_only=maybe").status_code == 400


def test_calls_match_voluntary_groups_in_the_directory(council_a, in_council, client_a, client_b):
    from commissioning.providers.models import Organization, Service

    call = _call(programme="Tackling loneliness", themes=["isolation"], applicant_types=["charity"])
    council_only = _call(
        programme="For councils", themes=["isolation"], applicant_types=["council"]
    )
    with in_council(council_a):
        friends = Organization.objects.create(name="Alphaford Friends", description="x")
        Service.objects.create(
            organization=friends, name="Befriending service", description="Visits"
        )
        sport = Organization.objects.create(name="Alphaford Sport", description="x")
        Service.objects.create(organization=sport, name="Football", description="Matches")
    groups = client_a.get(f"/api/v1/funding/calls/{call.pk}/groups/").json()
    assert [g["name"] for g in groups] == ["Alphaford Friends"]
    assert groups[0]["reason"] == "runs “Befriending service” on the call's themes"
    assert client_a.get(f"/api/v1/funding/calls/{council_only.pk}/groups/").json() == []
    assert client_b.get(f"/api/v1/funding/calls/{call.pk}/groups/").json() == []


def test_members_priorities_weigh_the_needs_calls_are_matched_to(needs_a, council_a, in_council):
    """A priority measured by a need indicator weighs that need in matching: the call that
    meets it rises above one meeting an unprioritised need, and its reason names the
    priority."""
    from commissioning.commissions import actions as commissions

    poverty = _call(programme="Child poverty fund", themes=["poverty"], amount_max=10000)
    lonely = _call(programme="Loneliness fund", themes=["loneliness"], amount_max=10000)
    with in_council(council_a):
        before = {m.call.pk: m for m in matching.rank_calls()}
        commissions.save_priority(
            "member",
            title="Older people's isolation",
            weight=5,
            metric_ids=["over-65-alone"],
        )
        after = {m.call.pk: m for m in matching.rank_calls()}
    assert after[lonely.pk].score > before[lonely.pk].score
    assert after[lonely.pk].score > after[poverty.pk].score
    assert after[lonely.pk].reasons[0].endswith("(members' priority “Older people's isolation”)")
    assert after[lonely.pk].needs[0]["priorities"] == ["Older people's isolation"]
    assert after[lonely.pk].needs[0]["weight"] == 5
    assert "priority" not in after[poverty.pk].reasons[0]


def test_ranking_reads_calls_in_a_fixed_number_of_queries_and_is_kept_until_inputs_change(
    needs_a, council_a, in_council, django_assert_max_num_queries
):
    from commissioning.commissions import actions as commissions

    for n in range(30):
        _call(programme=f"Fund {n}", themes=["poverty"], amount_max=1000 + n)
    with in_council(council_a):
        with django_assert_max_num_queries(16):  # computed: not one query per call
            computed = matching._rank(None, today=None, weights=None, needs_only=False)
        first = matching.rank_calls()
        with django_assert_max_num_queries(6):  # precomputed: only the inputs' versions
            again = matching.rank_calls()
        assert [m.call.pk for m in again] == [m.call.pk for m in first]
        assert len(computed) == len(first) >= 30
        new = _call(programme="Brand new fund", themes=["poverty"], amount_max=1)
        assert new.pk in {m.call.pk for m in matching.rank_calls()}  # a new call: recomputed
        commissions.save_priority("m", title="Poverty", weight=5, metric_ids=["child-poverty"])
        reasons = next(m for m in matching.rank_calls() if m.call.pk == new.pk).reasons
        assert "members' priority “Poverty”" in reasons[0]  # a new priority: recomputed


def _no_computing(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the ranking was computed, not read from the shared cache")

    monkeypatch.setattr(matching, "_rank", refuse)


def test_a_ranking_computed_by_one_process_is_read_by_another_from_the_shared_redis_cache(
    needs_a,
    council_a,
    council_b,
    in_council,
    shared_redis,
    monkeypatch,
    django_assert_max_num_queries,
):
    for n in range(20):
        _call(programme=f"Fund {n}", themes=["poverty"], amount_max=1000 + n)
    with in_council(council_a):
        from commissioning.funding import actions

        own = actions.save_call(
            funder="A's own trust", programme="A's loneliness fund", url="https://a.example/"
        )
        first = matching.rank_calls()
        matching._MEMO.clear()  # another web process: nothing in its memory
        real_rank = matching._rank
        _no_computing(monkeypatch)
        with django_assert_max_num_queries(6):  # the inputs' versions, then Redis
            again = matching.rank_calls()
        assert [(m.call.pk, m.score, m.reasons) for m in again] == [
            (m.call.pk, m.score, m.reasons) for m in first
        ]
        assert again[0].call.programme == first[0].call.programme
        assert any(m.needs for m in again)
    # Council B's key is its own: B computes its own ranking, never reads A's.
    monkeypatch.setattr(matching, "_rank", real_rank)
    with in_council(council_b):
        matching._MEMO.clear()
        theirs = matching.rank_calls()
    assert own.pk not in {m.call.pk for m in theirs}
    assert not any(m.needs for m in theirs)  # B has no needs data: A's reasons never show


def test_a_change_to_a_call_precomputes_the_ranking_before_any_request(
    needs_a, council_a, in_council, monkeypatch, django_capture_on_commit_callbacks
):
    from commissioning.funding import actions

    with in_council(council_a):
        matching.rank_calls()
        with django_capture_on_commit_callbacks(execute=True):
            new = actions.save_call(
                funder="Trust",
                programme="Child poverty fund",
                themes=["poverty"],
                url="https://trust.example/",
            )
        matching._MEMO.clear()  # the request may come to any process
        _no_computing(monkeypatch)
        ranked = matching.rank_calls()  # read from the shared cache the task filled
    match = next(m for m in ranked if m.call.pk == new.pk)
    assert match.call.scope == "council"
    assert any("Children in low-income families" in r for r in match.reasons)


def _varied_calls(council, n: int = 45) -> None:
    """Calls of both registers with varied themes, places, deadlines and amounts (ties in score
    included, so the order's tie-breaks are compared too)."""
    from commissioning.funding import actions

    themes = ["poverty", "loneliness", "arts", "children", "older people", "sport"]
    places = [[], ["E92000001"], [council.gss_code], ["E05900004"]]
    for n_call in range(n):
        _call(
            programme=f"Fund {n_call} {themes[n_call % 6]}",
            themes=[themes[n_call % 6], themes[(n_call * 7) % 6]],
            amount_max=[None, 5000, 50000, 250000, 1_500_000][n_call % 5],
            closes_on=None if n_call % 9 == 0 else TODAY + datetime.timedelta(days=n_call % 70),
            geography=places[n_call % 4],
        )
    for n_call in range(8):
        actions.save_call(
            funder="Own trust",
            programme=f"Own fund {n_call}",
            themes=[themes[n_call % 6]],
            amount_max=[None, 800, 20000][n_call % 3],
            closes_on=TODAY + datetime.timedelta(days=3 * n_call),
            url="https://own.example/",
        )


def _as_compared(matches) -> list[tuple]:
    return [
        (
            str(m.call.pk),
            m.call.scope,
            m.call.programme,
            m.call.amount_max,
            m.score,
            m.reasons,
            m.needs,
            m.closes_in_days,
        )
        for m in matches
    ]


def test_the_stored_ranking_gives_the_computed_ranking_page_by_page_building_only_the_page(
    needs_a,
    council_a,
    in_council,
    shared_redis,
    monkeypatch,
    client_a,
    django_assert_max_num_queries,
):
    """The fast path (the compact ranking read from Redis by a process that has not seen it,
    matches built only for the rows asked for) gives, page after page and with either filter,
    exactly what computing the whole ranking gives: order, scores, reasons, needs, calls."""
    from commissioning.commissions import actions as commissions

    with in_council(council_a):
        _varied_calls(council_a)
        commissions.save_priority("m", title="Poverty", weight=3, metric_ids=["child-poverty"])
        computed = {
            needs_only: matching._rank(None, today=None, weights=None, needs_only=needs_only)
            for needs_only in (False, True)
        }
        assert len(computed[False]) >= 50 and 0 < len(computed[True]) < len(computed[False])
        matching.warm()  # what the task does: both rankings into the shared cache
        real_rank = matching._rank
        _no_computing(monkeypatch)
        for needs_only, whole in computed.items():
            for page_size in (7, 20):
                for start in range(0, len(whole) + page_size, page_size):
                    matching._MEMO.clear()  # another process: only Redis has the ranking
                    ranking = matching.rank_calls(needs_only=needs_only)
                    assert len(ranking) == len(whole)
                    with django_assert_max_num_queries(2):  # one query per register
                        page = ranking[start : start + page_size]
                    assert _as_compared(page) == _as_compared(whole[start : start + page_size])
                    # Only the page's matches were built (calls read by id).
                    assert len(ranking._built) == len(page)
            matching._MEMO.clear()
            ranking = matching.rank_calls(needs_only=needs_only)
            assert _as_compared([ranking[-1], ranking[0]]) == _as_compared([whole[-1], whole[0]])
            assert _as_compared(ranking) == _as_compared(whole)  # iterating: all of it
            picked = [whole[3].call.pk, whole[-2].call.pk]
            found = matching.rank_calls(needs_only=needs_only).find(picked)
            assert _as_compared(found.values()) == _as_compared([whole[3], whole[-2]])
    monkeypatch.setattr(matching, "_rank", real_rank)
    # The API's pages are the same rows.
    matching._MEMO.clear()
    api = client_a.get("/api/v1/funding/matches/?page=2&page_size=10").json()
    assert api["count"] == len(computed[False])
    assert [(r["call"]["id"], r["score"], r["reasons"]) for r in api["results"]] == [
        (str(m.call.pk), m.score, m.reasons) for m in computed[False][10:20]
    ]


def test_council_b_never_reads_council_a_s_stored_ranking(
    needs_a, council_a, council_b, in_council, shared_redis
):
    """The key names the council's schema; and a stored ranking carries the schema it was made
    in, so even one found under B's key (a copy, a collision) is not used: B computes its own."""
    from commissioning.funding import actions

    with in_council(council_a):
        own = actions.save_call(
            funder="A's trust", programme="A's poverty fund", url="https://a.example/"
        )
        _call(programme="Shared fund", themes=["poverty"])
        key_a = matching._cache_key(False)
        matching.rank_calls()
        stored_a = matching._shared_cache().get(key_a)
    assert stored_a is not None and council_a.schema_name in key_a
    with in_council(council_b):
        key_b = matching._cache_key(False)
        assert key_b != key_a and council_b.schema_name in key_b
        matching._shared_cache().set(key_b, stored_a, 60)  # A's ranking under B's key
        matching._MEMO.clear()
        theirs = matching.rank_calls()
        programmes = [m.call.programme for m in theirs]
        assert len(theirs) == 1 and programmes == ["Shared fund"]
        assert own.pk not in {m.call.pk for m in theirs}
        assert not any(m.needs for m in theirs)  # B has no needs data
        # What B stored under its key is B's own.
        assert matching._shared_cache().get(key_b)[1] == council_b.schema_name


def test_a_change_to_a_call_reaches_the_next_request_through_the_stored_ranking(
    needs_a, council_a, in_council, shared_redis, monkeypatch, django_capture_on_commit_callbacks
):
    """Invalidation: a call changed or deleted after the ranking was stored gives a new key;
    the task stores the new ranking and a process that had the old one in memory, or none,
    reads the new one (never the old rows)."""
    from commissioning.funding import actions

    with in_council(council_a):
        _varied_calls(council_a, n=12)
        mine = actions.save_call(
            funder="Own trust",
            programme="Small grants",
            themes=["arts"],
            amount_max=1000,
            url="https://own.example/",
        )
        before = matching.rank_calls()
        old = next(m for m in before if m.call.pk == mine.pk)
        assert old.reasons[-1] == "up to £1k"
        gone = next(m for m in before if m.call.scope == "council" and m.call.pk != mine.pk)
        with django_capture_on_commit_callbacks(execute=True):  # the task runs after commit
            actions.save_call(mine, programme="Child poverty grants", amount_max=50000)
            actions.delete_call(own_call(gone.call.pk))
        real_rank = matching._rank
        _no_computing(monkeypatch)
        for memo in ("kept", "cleared"):  # the same process, and another one
            if memo == "cleared":
                matching._MEMO.clear()
            after = matching.rank_calls()
            new = next(m for m in after if m.call.pk == mine.pk)
            assert new.call.programme == "Child poverty grants"
            assert new.reasons[0].startswith("matches need “Children in low-income families”")
            assert new.reasons[-1] == "up to £50k" and new.score > old.score
            assert gone.call.pk not in {m.call.pk for m in after}
            assert len(after) == len(before) - 1
        monkeypatch.setattr(matching, "_rank", real_rank)
        assert _as_compared(matching.rank_calls()) == _as_compared(
            matching._rank(None, today=None, weights=None, needs_only=False)
        )


def own_call(pk):
    from commissioning.funding import access

    return access.own_call(pk)
