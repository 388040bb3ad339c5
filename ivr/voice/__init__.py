"""Twilio's side of a call: the voice webhooks, their parameters and signatures, TwiML, and the contact-center
edge (queueing, holding and connecting callers to agents).  The flow engine and routing stay plain Python."""
