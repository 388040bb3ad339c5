"""The WSGI entry point for gunicorn: `gunicorn ivr.wsgi:app`.

Each web process trains the main menu's intent classifier in the background as it starts (seconds of work),
so the first caller who speaks at the main menu does not wait for it.
"""

from ivr.app import create_app
from ivr.intents.classifier import warm_up
from ivr.voice import webhook_metrics

app = create_app()
webhook_metrics.flush_at_exit(app)  # a worker gunicorn stops sends the webhook latencies it still holds
_settings = app.extensions["cityline"].settings
warm_up(_settings.intents_file, _settings.intents_learned_file)
