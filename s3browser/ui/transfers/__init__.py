"""The transfer queue in the window: its controller (over the core queue), model and panel, the
upload and download actions, and the upload and multipart-upload dialogs."""
