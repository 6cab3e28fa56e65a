"""Every new council starts with the starter file plan (records/starter.py), seeded in the
template through the provisioning registry, and seeding again never undoes a council's edits."""

from records.models import FilePlanClass
from records.starter import STARTER_CLASSES, seed_starter_file_plan


def test_a_new_council_has_the_starter_file_plan(council_a, in_council):
    with in_council(council_a):
        plan = {c.code: c for c in FilePlanClass.objects.select_related("parent")}
    for code, parent, title, trigger, months, action, _ in STARTER_CLASSES:
        assert code in plan, f"starter class {code} missing from a new council"
        c = plan[code]
        assert (c.title, c.trigger, c.period_months, c.action) == (title, trigger, months, action)
        assert (c.parent.code if c.parent else None) == parent


def test_seeding_again_keeps_the_councils_own_edits(council_a, in_council):
    from records import actions

    with in_council(council_a):
        hr = FilePlanClass.objects.get(code="HR")
        actions.update_class("rm", hr, title="People and payroll", period_months=84)
        assert seed_starter_file_plan() == 0
        hr.refresh_from_db()
        assert (hr.title, hr.period_months) == ("People and payroll", 84)
        actions.update_class("rm", hr, title="Human resources", period_months=72)
