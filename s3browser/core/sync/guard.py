"""The deletion guard: refuse runs that look like an unmounted drive, hold back mass deletions.

A run is refused outright (exit code 3 on the command line; nothing is deleted, whatever
``--max-delete`` says) when one side is missing or empty while the baseline says it had files:
that is what an unmounted drive, a wrong path or a wiped prefix look like.  It is refused too,
baseline or not, when an empty side would make it delete on the other: a mirror of an empty
folder is a mistyped path far more often than a wish to wipe a prefix.  A run that would delete
more than 50 files, or more than 25% of a side's files, needs an explicit review.
"""

from __future__ import annotations

from dataclasses import dataclass

from s3browser.core.sync.plan import SyncPlan
from s3browser.core.sync.scan import LocalScan, RemoteScan

MASS_DELETE_COUNT = 50
MASS_DELETE_SHARE = 0.25


@dataclass(frozen=True)
class GuardVerdict:
    refusal: str | None  # the run may not start at all, and why
    deletions: int  # local + remote deletions the selected items would make
    needs_review: bool  # over the mass-deletion limits: an explicit "I have reviewed these N deletions"

    def allows(self, reviewed: bool = False, max_delete: int | None = None) -> bool:
        if self.refusal is not None:
            return False
        if not self.needs_review:
            return True
        return reviewed or (max_delete is not None and self.deletions <= max_delete)



def files(count: int) -> str:
    """ "1 file", "2,000 files" (core has no Qt, so no translated plural forms here)."""
    return f"{count:,} file{'' if count == 1 else 's'}"


def check_guard(plan: SyncPlan, local: LocalScan, remote: RemoteScan) -> GuardVerdict:
    deletions = plan.local_deletions() + plan.remote_deletions()
    refusal = None
    remote_deletions, local_deletions = plan.remote_deletions(), plan.local_deletions()
    saw = f", but the last sync saw {files(plan.baseline_count)} there" if plan.baseline_count else ""
    if not local.exists:
        refusal = f"The local folder {local.root} is missing (unmounted or moved?){saw}. Nothing was changed."
    elif not local.files and remote_deletions:
        refusal = (f"The local folder {local.root} is empty{saw} (an unmounted drive looks like this), and this "
                   f"run would delete {files(remote_deletions)} on s3://{remote.bucket}/{remote.prefix} to match "
                   "it. Nothing was changed; if the files were removed on purpose, delete the objects in the "
                   "window" + (" or forget the pair's sync state first." if saw else "."))
    elif not remote.files and local_deletions:
        refusal = (f"s3://{remote.bucket}/{remote.prefix} is empty{saw}, and this run would delete "
                   f"{files(local_deletions)} in {local.root} to match it. Nothing was changed; if the objects "
                   "were removed on purpose, delete the files yourself"
                   + (" or forget the pair's sync state first." if saw else "."))
    needs_review = review_needed(plan.local_deletions(), plan.remote_deletions(), len(local.files),
                                 len(remote.files))
    return GuardVerdict(refusal, deletions, needs_review)


def review_needed(local_deletions: int, remote_deletions: int, local_files: int, remote_files: int) -> bool:
    """Whether these deletions are a mass deletion on either side (the preview asks again as boxes are ticked)."""
    return _over_limit(local_deletions, local_files) or _over_limit(remote_deletions, remote_files)


def _over_limit(deletions: int, files: int) -> bool:
    return deletions > MASS_DELETE_COUNT or (files > 0 and deletions > MASS_DELETE_SHARE * files)
