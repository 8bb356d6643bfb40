from django.core.management.base import BaseCommand
from django.db import transaction

from integrations.models import MergeLink, VendorAccount


class Command(BaseCommand):
    help = (
        "Re-encrypt every vendor credential, webhook secret and Merge key with the first key of "
        "FIELD_ENCRYPTION_KEYS. "
        "Run it after putting a new key in front; then the old keys can be removed."
    )

    def handle(self, *args, **options) -> None:
        # Reading decrypts with any listed key; saving encrypts with the first.
        with transaction.atomic():
            accounts = list(VendorAccount.objects.select_for_update())
            for account in accounts:
                account.save(update_fields=["credentials", "pending_credentials", "webhook_secret"])
            links = list(MergeLink.objects.select_for_update())
            for link in links:
                link.save(update_fields=["api_key", "account_token"])
        self.stdout.write(
            f"Re-encrypted the secrets of {len(accounts)} vendor account(s) and {len(links)} Merge link(s)."
        )
