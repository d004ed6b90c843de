import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("scoring", "0003_backfill_standings")]

    operations = [
        migrations.AlterField(
            model_name='applicationscore',
            name='cycle',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='indicators.awardcycle'),
        ),
        migrations.AlterField(
            model_name='applicationscore',
            name='group_key',
            field=models.CharField(max_length=40),
        ),
    ]
