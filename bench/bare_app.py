"""The yardstick for bench/webhooks.py: a bare Flask app that answers every webhook with one fixed TwiML document.

It reads nothing and checks nothing; it is served by the same gunicorn command
as CityLine (the Procfile's web line), so the ratio of the two is what the
IVR's own work costs.
"""

from __future__ import annotations

from flask import Flask, Response

#: About the size of CityLine's greeting: a Gather with two sentences and a fall-through Redirect.
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="/voice/step?node=language&amp;lang=en" '
    'input="dtmf speech" method="POST" numDigits="1" timeout="5" actionOnEmptyResult="false">'
    '<Say language="en-US" voice="Polly.Joanna">Thank you for calling City 3-1-1. For English, press 1.</Say>'
    '<Say language="es-US" voice="Polly.Lupe">Para español, oprima 2.</Say></Gather>'
    '<Redirect method="POST">/voice/step?node=language&amp;lang=en</Redirect></Response>'
)

app = Flask(__name__)


@app.get("/healthz")
def healthz() -> Response:
    return Response("ok\n", mimetype="text/plain")


@app.post("/voice/<path:anything>")
def webhook(anything: str) -> Response:
    return Response(DOCUMENT, mimetype="text/xml")
