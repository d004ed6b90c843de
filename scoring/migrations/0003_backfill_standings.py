from django.db import migrations
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    """Scores get their cycle and ranking group from their application; reviewers' verified inputs get the status
    their fields imply (points: scored; a number or yes/no: corrected). Ranks appear with the next score run."""
    ApplicationScore = apps.get_model("scoring", "ApplicationScore")
    Application = apps.get_model("applications", "Application")
    VerifiedValue = apps.get_model("scoring", "VerifiedValue")
    ApplicationScore.objects.update(
        cycle_id=Subquery(Application.objects.filter(pk=OuterRef("application_id")).values("cycle_id")[:1])
    )
    for application in Application.objects.filter(scores__isnull=False).distinct().only(
        "pk", "track", "category_code", "size_class_id"
    ):
        size = "none" if application.size_class_id is None else application.size_class_id
        ApplicationScore.objects.filter(application_id=application.pk).update(
            group_key=f"{application.track}|{application.category_code}|{size}"
        )
    VerifiedValue.objects.filter(points__isnull=False).update(status="scored")
    VerifiedValue.objects.filter(points__isnull=True).exclude(number=None, flag=None).update(status="corrected")


class Migration(migrations.Migration):
    dependencies = [("scoring", "0002_standings")]

    operations = [migrations.RunPython(backfill, reverse_code=migrations.RunPython.noop)]
