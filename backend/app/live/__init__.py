"""The staff's live feed: stream tickets and ``GET /admin/events`` (server-sent events)
over the bus in ``app.core.events``."""
