"""The WSGI entry point for gunicorn: `gunicorn ivr.wsgi:app`."""

from ivr import webhook_metrics
from ivr.app import create_app

app = create_app()
webhook_metrics.flush_at_exit(app)  # a worker gunicorn stops sends the webhook latencies it still holds
