"""Which window actions can work right now, computed in one place from the location and the selection.

An action that cannot work is disabled instead of complaining after it is chosen: Rename with
nothing selected, Upload at the bucket list, Paste with nothing cut or copied.  The rules are a
plain function of :class:`BrowseState` so they are tested without a window; :class:`ActionEnabler`
gathers that state from the controllers and applies it whenever something it depends on changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from s3browser.ui.browsing.listing import ListingController
from s3browser.ui.browsing.navigation import NavigationController
from s3browser.ui.browsing.object_actions import ObjectActions
from s3browser.ui.shell.context import AppContext
from s3browser.ui.sync.controller import SyncController
from s3browser.ui.transfers.actions import TransferActions


@dataclass(frozen=True)
class BrowseState:
    """What the enabled actions depend on."""

    connected: bool = False
    in_bucket: bool = False  # a bucket or folder is shown (not the bucket list)
    selected: int = 0  # selected rows: objects and folders, or buckets at the bucket list
    one_object: bool = False  # exactly one row is selected and it is an object
    clipboard: bool = False  # something was cut or copied
    loading: bool = False
    can_go_back: bool = False
    can_go_forward: bool = False


def enabled_actions(state: BrowseState) -> dict[str, bool]:
    """Each action's name mapped to whether it can work in ``state``."""
    connected, in_bucket, selected = state.connected, state.in_bucket, state.selected
    in_bucket = connected and in_bucket
    at_bucket_list = connected and not state.in_bucket
    one_bucket_chosen = at_bucket_list and selected == 1
    return {
        "back": state.can_go_back,
        "forward": state.can_go_forward,
        "up": in_bucket,
        "top": in_bucket,
        "refresh": connected,
        "stop": state.loading,
        "copy_uri": connected,
        "upload": in_bucket,
        "download": in_bucket and selected > 0,
        "new_folder": in_bucket,
        "delete": (in_bucket and selected > 0) or one_bucket_chosen,
        "rename": in_bucket and selected == 1,
        "cut": in_bucket and selected > 0,
        "copy": in_bucket and selected > 0,
        "paste": in_bucket and state.clipboard,
        "presign": in_bucket and state.one_object,
        "create_bucket": connected,
        "delete_bucket": in_bucket or one_bucket_chosen,
        "trash": in_bucket,
        "multipart": in_bucket,
        "sync_here": in_bucket or one_bucket_chosen,
        "properties": (in_bucket and selected > 0) or one_bucket_chosen,
        "bucket_settings": in_bucket or one_bucket_chosen,
        "open": in_bucket and state.one_object,
        "edit": in_bucket and state.one_object,
        "size": in_bucket or one_bucket_chosen,
        "versions": in_bucket,
        "search": in_bucket,
    }


class ActionEnabler(QObject):
    """Keeps the window's actions enabled exactly when they can work."""

    def __init__(self, ctx: AppContext, listing: ListingController, navigation: NavigationController,
                 objects: ObjectActions, transfers: TransferActions, sync: SyncController) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.listing = listing
        self.navigation = navigation
        self.objects = objects
        self.actions: dict[str, QAction] = {
            "back": navigation.back_action, "forward": navigation.forward_action, "up": navigation.up_action,
            "top": navigation.top_action,
            "refresh": navigation.refresh_action, "stop": listing.stop_action,
            "copy_uri": listing.copy_uri_action, "upload": transfers.upload_action,
            "download": transfers.download_action, "new_folder": objects.new_folder_action,
            "delete": objects.delete_action, "rename": objects.rename_action, "cut": objects.cut_action,
            "copy": objects.copy_action, "paste": objects.paste_action, "presign": objects.presign_action,
            "create_bucket": objects.create_bucket_action, "delete_bucket": objects.delete_bucket_action,
            "trash": objects.trash_action, "multipart": transfers.multipart_action,
            "sync_here": sync.sync_here_action,
        }
        model = listing.model
        # Updated at once, not batched: a key pressed right after a selection must find its
        # action already enabled.  ``state`` is cheap (it counts selection ranges, not rows).
        for signal in (listing.selection_changed, model.modelReset, model.loading_changed, model.rowsRemoved,
                       navigation.location_shown, ctx.connection_changed, objects.clipboard_changed):
            signal.connect(self.update)
        self.update()

    def state(self) -> BrowseState:
        listing = self.listing
        model = listing.model
        selected = listing.selected_row_count()
        one_object = selected == 1 and not model.is_folder_at(listing.selected_rows()[0])
        history = self.navigation.history
        return BrowseState(connected=self.ctx.connection is not None, in_bucket=bool(listing.location.bucket),
                           selected=selected, one_object=one_object,
                           clipboard=self.objects.clipboard is not None, loading=model.is_loading,
                           can_go_back=history.can_go_back, can_go_forward=history.can_go_forward)

    def register(self, actions: dict[str, QAction]) -> None:
        """Add actions built after this enabler (their names must be among ``enabled_actions``)."""
        self.actions.update(actions)
        self.update()

    def update(self, *_args: object) -> None:
        for name, enabled in enabled_actions(self.state()).items():
            action = self.actions.get(name)
            if action is not None:
                action.setEnabled(enabled)
