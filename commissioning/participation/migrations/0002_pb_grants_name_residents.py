"""Grants awarded to a participatory budget's winning projects before the award named "Residents
of <ward>" named the resident who proposed the project (when no group was named to run it), and
the council's 360Giving feed is open data. This puts the ward's residents in their place; the
proposal, which only staff read, keeps who proposed it."""

from django.db import migrations


def name_the_residents(apps, schema_editor):
    Proposal = apps.get_model("participation", "Proposal")
    Grant = apps.get_model("funding", "Grant")
    awarded = Proposal.objects.filter(grant_id__isnull=False, recipient_name="").select_related(
        "process"
    )
    for proposal in awarded.iterator():
        Grant.objects.filter(
            pk=proposal.grant_id, source="ward_budget", recipient_name=proposal.proposer_name
        ).update(recipient_name=f"Residents of {proposal.process.ward_name}")


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0001_initial"),
        ("funding", "0001_initial"),
    ]

    operations = [migrations.RunPython(name_the_residents, migrations.RunPython.noop)]
