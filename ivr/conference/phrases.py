"""What a caller hears while agents work their call (kept as data, like the contact center's phrases)."""

from __future__ import annotations

PHRASES = {
    "en": {
        "hold": "Please hold. Your agent will be right back with you.",
        "transferring": "Please hold while you are being transferred.",
        "transfer_failed": "Sorry, we could not connect your call. Please call 3-1-1 again. Goodbye.",
        "agent_lost": "Sorry, we lost the connection to your agent. Please stay on the line: "
                      "the next available agent will be with you shortly.",
    },
    "es": {
        "hold": "Por favor, espere. Su agente volverá con usted enseguida.",
        "transferring": "Por favor, espere mientras le transferimos.",
        "transfer_failed": "Disculpe, no pudimos comunicar su llamada. Llame de nuevo al 3-1-1. Adiós.",
        "agent_lost": "Disculpe, se perdió la conexión con su agente. Por favor, no cuelgue: "
                      "el próximo agente disponible le atenderá en breve.",
    },
}
