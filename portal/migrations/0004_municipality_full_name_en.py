from django.db import migrations, models

# The official English form of each kind of local government's name (as portal.municipality_data writes it for new
# rows; copied here so that this migration does not depend on today's code).
FULL_NAMES = {
    "city": "{name} City Municipality",
    "town": "{name} Town Municipality",
    "subdistrict": "{name} Subdistrict Municipality",
    "bangkok": "Bangkok Metropolitan Administration",
    "pattaya": "Pattaya City",
}


def fill_full_name_en(apps, schema_editor):
    Municipality = apps.get_model("portal", "Municipality")
    filled = []
    for municipality in Municipality.objects.filter(full_name_en="").only("pk", "kind", "name_en"):
        if not municipality.name_en.strip():
            continue
        template = FULL_NAMES.get(municipality.kind, "{name}")
        municipality.full_name_en = template.format(name=municipality.name_en.strip())
        filled.append(municipality)
    Municipality.objects.bulk_update(filled, ["full_name_en"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_municipality_updated_index")]

    operations = [
        migrations.AddField(
            model_name="municipality",
            name="full_name_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="full name (English)"),
        ),
        migrations.RunPython(fill_full_name_en, reverse_code=migrations.RunPython.noop),
    ]
