from django.core.management.base import BaseCommand
from django.db import transaction

from integrations.models import VendorAccount


class Command(BaseCommand):
    help = (
        "Re-encrypt every vendor credential and webhook secret with the first key of FIELD_ENCRYPTION_KEYS. "
        "Run it after putting a new key in front; then the old keys can be removed."
    )

    def handle(self, *args, **options) -> None:
        count = 0
        with transaction.atomic():
            # Reading decrypts with any listed key; saving encrypts with the first.
            for account in VendorAccount.objects.select_for_update():
                account.save(update_fields=["credentials", "webhook_secret"])
                count += 1
        self.stdout.write(f"Re-encrypted the secrets of {count} vendor account(s).")
