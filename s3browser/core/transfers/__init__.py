"""Moving bytes: the engine, the one multipart uploader, the journal, verification, worker processes,
plans, the saved queue."""
