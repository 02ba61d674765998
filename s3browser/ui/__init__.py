"""s3browser's Qt layer: models, views, dialogs and the task runner."""
