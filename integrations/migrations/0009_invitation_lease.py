from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0008_invitation_last_confirmed_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="lease_expires_at",
            field=models.DateTimeField(blank=True, db_index=True, null=True),
        ),
    ]
