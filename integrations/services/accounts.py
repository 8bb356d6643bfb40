"""Vendor accounts, their catalogs, and which stage sends what."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from candidates.models import Stage

from ..models import Assessment, StageAssessment, VendorAccount


@dataclass(frozen=True)
class SyncReport:
    created: int
    updated: int
    deactivated: int

    def __str__(self) -> str:
        return f"{self.created} new, {self.updated} updated, {self.deactivated} no longer offered"


def sync_catalog(account: VendorAccount) -> SyncReport:
    """Mirror the vendor's catalog (every page) into Assessment rows.

    What the vendor no longer offers is marked inactive, not deleted: stage
    mappings and past invitations still point at it.
    """
    remote = list(account.client().list_assessments())  # network first, outside the transaction
    now = timezone.now()
    with transaction.atomic():
        existing = {(a.kind, a.remote_id): a for a in account.assessments.select_for_update()}
        new, changed = [], []
        for item in remote:
            current = existing.pop((item.kind, item.remote_id), None)
            if current is None:
                new.append(
                    Assessment(
                        account=account,
                        remote_id=item.remote_id,
                        kind=item.kind,
                        name=item.name[:300],
                        active=item.active,
                        raw=item.raw,
                        last_synced_at=now,
                    )
                )
                continue
            current.name, current.active, current.raw, current.last_synced_at = (
                item.name[:300],
                item.active,
                item.raw,
                now,
            )
            changed.append(current)
        Assessment.objects.bulk_create(new)
        Assessment.objects.bulk_update(changed, ["name", "active", "raw", "last_synced_at"])
        gone = [a.pk for a in existing.values() if a.active]
        Assessment.objects.filter(pk__in=gone).update(active=False, last_synced_at=now)
        account.last_synced_at = now
        account.save(update_fields=["last_synced_at", "updated_at"])
    return SyncReport(created=len(new), updated=len(changed), deactivated=len(gone))


@transaction.atomic
def map_stage(stage: Stage, assessment: Assessment | None, **options: object) -> StageAssessment | None:
    """Point a stage at an assessment (with its options), or remove the mapping when None."""
    if assessment is None:
        StageAssessment.objects.filter(stage=stage).delete()
        return None
    mapping, _ = StageAssessment.objects.update_or_create(stage=stage, defaults={"assessment": assessment, **options})
    return mapping
