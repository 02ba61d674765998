"""The application shell every feature shares: the context handed to controllers and dialogs, the task
runner, actions, menus, settings, colours, icons, wording helpers and the small widgets and dialogs
used everywhere."""
