"""``GET /admin/system``: the platform's own health for the dashboard, from the API's
metrics, the database, Redis and the worker's tables."""
