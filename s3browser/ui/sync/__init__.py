"""Guided sync in the window: pairs, the preview (model and dialog), queued runs and the Sync panel."""
