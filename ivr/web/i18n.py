"""The residents' pages in English and Spanish: every word they read, and how a language is chosen.

The pages speak the flow's languages, like the phone line.  A language is
chosen by ?lang= (the switch on every page), else by the browser's
Accept-Language, else the flow's default.  Service names are data in SQL (in
the city's main language); the shipped catalogue's names are translated here,
and any other falls back to its stored name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo

from ivr.open311.validation import Problem

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "language_name": "English",
        "skip": "Skip to main content",
        "site": "City 3-1-1",
        "emergency": "For emergencies, call 9-1-1. This form is not monitored around the clock.",
        "report_title": "Report a problem",
        "report_intro": "Tell the city about a problem in a public place. Fields marked (required) must be filled in.",
        "required": "(required)",
        "optional": "(optional)",
        "what": "What is the problem?",
        "service": "Kind of problem",
        "choose": "Choose one",
        "where": "Where is it?",
        "address": "Street address or nearest intersection",
        "address_hint": "For example: 125 Elm Street, or Elm Street and 5th Avenue.",
        "zip_code": "ZIP code",
        "zip_hint": "5 digits, for example 60601.",
        "description": "Description",
        "description_hint": "What did you see? Up to 4,000 characters.",
        "details": "More about this problem",
        "contact": "How can we reach you?",
        "contact_hint": "Optional. We only use this to follow up on your report.",
        "name": "Name",
        "phone": "Phone",
        "phone_hint": "For example: (312) 555-0199.",
        "text_updates": "Text me at this phone number when the status of my report changes.",
        "thanks_joined": "This problem was already reported, so we added you to that report: "
                         "it now counts you too, and it keeps its number.",
        "email": "Email",
        "submit": "Send report",
        "errors_title": "Please correct the following:",
        "csrf": "Your form expired or came from another page. Please check it and send it again.",
        "unavailable": "We cannot take reports online at the moment. Please try again in a few minutes or call 3-1-1.",
        "too_many": "Many reports have been sent from this connection just now. Please wait a minute and send it "
                    "again, or call 3-1-1.",
        "down_title": "Please try again shortly",
        "down_text": "The city's case system is not answering right now. Please try again shortly, or call 3-1-1.",
        "thanks_title": "Thank you, your report was received",
        "thanks_reference": "Your case number is",
        "thanks_keep": "Keep this number to check on your report online or by calling 3-1-1.",
        "thanks_lookup": "Check this case",
        "another": "Report another problem",
        "lookup_title": "Check a case",
        "lookup_intro": "Enter the case number you were given, for example 26-0001234-9.",
        "lookup_field": "Case number",
        "lookup_submit": "Check",
        "malformed": "A case number has 10 digits, for example 26-0001234-9.",
        "check_digit": "That number has a typo: its last digit does not match the others. "
                       "Please check the number and try again.",
        "not_found": "We could not find case {ref}. Please check the number.",
        "case_title": "Case {ref}",
        "status": "Status",
        "opened": "Reported on",
        "updated": "Last updated",
        "expected": "Expected resolution",
        "closed_on": "Closed on",
        "overdue": "This case is past its expected date of {date}. Call 3-1-1 for more information.",
        "updates": "Updates",
        "no_updates": "No updates yet.",
        "status_open": "Open",
        "status_in_progress": "In progress",
        "status_closed": "Closed",
        "nav_report": "Report a problem",
        "nav_lookup": "Check a case",
        "nav_label": "City 3-1-1 pages",
        "languages_label": "Language",
        "error_prefix": "Error:",
        "service_label": "Kind of problem",
    },
    "es": {
        "language_name": "Español",
        "skip": "Saltar al contenido principal",
        "site": "Línea 3-1-1 de la ciudad",
        "emergency": "En una emergencia, llame al 9-1-1. Este formulario no se atiende las 24 horas.",
        "report_title": "Reportar un problema",
        "report_intro": "Informe a la ciudad de un problema en un lugar público. "
                        "Los campos marcados (obligatorio) se deben llenar.",
        "required": "(obligatorio)",
        "optional": "(opcional)",
        "what": "¿Cuál es el problema?",
        "service": "Tipo de problema",
        "choose": "Elija uno",
        "where": "¿Dónde está?",
        "address": "Dirección o cruce de calles más cercano",
        "address_hint": "Por ejemplo: 125 Elm Street, o Elm Street y 5th Avenue.",
        "zip_code": "Código postal",
        "zip_hint": "5 dígitos, por ejemplo 60601.",
        "description": "Descripción",
        "description_hint": "¿Qué vio? Hasta 4,000 caracteres.",
        "details": "Más sobre este problema",
        "contact": "¿Cómo podemos comunicarnos con usted?",
        "contact_hint": "Opcional. Solo lo usamos para darle seguimiento a su reporte.",
        "name": "Nombre",
        "phone": "Teléfono",
        "phone_hint": "Por ejemplo: (312) 555-0199.",
        "text_updates": "Envíenme un mensaje de texto a este teléfono cuando cambie el estado de mi reporte.",
        "thanks_joined": "Este problema ya estaba reportado, así que le agregamos a ese reporte: "
                         "ahora le cuenta a usted también y conserva su número.",
        "email": "Correo electrónico",
        "submit": "Enviar reporte",
        "errors_title": "Por favor corrija lo siguiente:",
        "csrf": "Su formulario venció o vino de otra página. Por favor revíselo y envíelo de nuevo.",
        "unavailable": "En este momento no podemos recibir reportes en línea. "
                       "Intente de nuevo en unos minutos o llame al 3-1-1.",
        "too_many": "Se enviaron muchos reportes desde esta conexión hace un momento. Espere un minuto y "
                    "envíelo de nuevo, o llame al 3-1-1.",
        "down_title": "Por favor intente de nuevo en breve",
        "down_text": "El sistema de casos de la ciudad no responde en este momento. "
                     "Intente de nuevo en breve o llame al 3-1-1.",
        "thanks_title": "Gracias, recibimos su reporte",
        "thanks_reference": "Su número de caso es",
        "thanks_keep": "Guarde este número para consultar su reporte en línea o llamando al 3-1-1.",
        "thanks_lookup": "Consultar este caso",
        "another": "Reportar otro problema",
        "lookup_title": "Consultar un caso",
        "lookup_intro": "Escriba el número de caso que recibió, por ejemplo 26-0001234-9.",
        "lookup_field": "Número de caso",
        "lookup_submit": "Consultar",
        "malformed": "Un número de caso tiene 10 dígitos, por ejemplo 26-0001234-9.",
        "check_digit": "Ese número tiene un error: el último dígito no coincide con los demás. "
                       "Por favor revise el número e intente de nuevo.",
        "not_found": "No encontramos el caso {ref}. Por favor revise el número.",
        "case_title": "Caso {ref}",
        "status": "Estado",
        "opened": "Reportado el",
        "updated": "Última actualización",
        "expected": "Resolución prevista",
        "closed_on": "Cerrado el",
        "overdue": "Este caso pasó su fecha prevista, {date}. Llame al 3-1-1 para más información.",
        "updates": "Actualizaciones",
        "no_updates": "Todavía no hay actualizaciones.",
        "status_open": "Abierto",
        "status_in_progress": "En proceso",
        "status_closed": "Cerrado",
        "nav_report": "Reportar un problema",
        "nav_lookup": "Consultar un caso",
        "nav_label": "Páginas de la línea 3-1-1",
        "languages_label": "Idioma",
        "error_prefix": "Error:",
        "service_label": "Tipo de problema",
    },
}

PROBLEMS: dict[str, dict[str, str]] = {
    "en": {
        "service_code:required": "Choose the kind of problem.",
        "service_code:unknown": "Choose a kind of problem from the list.",
        "location:required": "Enter the address of the problem.",
        "too_long": "{label} is too long: at most {limit} characters.",
        "html": "Please describe the problem in plain words, without HTML or code.",
        "zip_code:invalid": "Enter a 5-digit ZIP code, for example 60601.",
        "phone:invalid": "Enter a phone number we can call, for example (312) 555-0199.",
        "email:invalid": "Enter an email address like name@example.com.",
        "missing_attribute": "Please answer: {question}",
        "bad_attribute": "Please check your answer to: {question}",
        "unknown_attribute": "That question is not part of this kind of problem.",
        "other": "Please check {label}.",
    },
    "es": {
        "service_code:required": "Elija el tipo de problema.",
        "service_code:unknown": "Elija un tipo de problema de la lista.",
        "location:required": "Escriba la dirección del problema.",
        "too_long": "{label} es demasiado largo: máximo {limit} caracteres.",
        "html": "Describa el problema con palabras sencillas, sin HTML ni código.",
        "zip_code:invalid": "Escriba un código postal de 5 dígitos, por ejemplo 60601.",
        "phone:invalid": "Escriba un número de teléfono al que podamos llamar, por ejemplo (312) 555-0199.",
        "email:invalid": "Escriba un correo electrónico como nombre@ejemplo.com.",
        "missing_attribute": "Por favor responda: {question}",
        "bad_attribute": "Por favor revise su respuesta a: {question}",
        "unknown_attribute": "Esa pregunta no corresponde a este tipo de problema.",
        "other": "Por favor revise {label}.",
    },
}

SERVICE_NAMES: dict[str, dict[str, str]] = {
    "es": {
        "potholes": "Bache o calle dañada",
        "streetlights": "Poste de luz apagado",
        "noise": "Queja por ruido",
        "trash": "Recolección de basura, reciclaje o jardín no realizada",
        "general": "Solicitud o pregunta general",
    },
}

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
}


def choose_language(requested: str | None, accepted: Iterable[str], available: Sequence[str], default: str) -> str:
    """?lang= first, then the browser's preference, then the flow's default; always one we have words for."""
    usable = [code for code in available if code in TEXT]
    if requested in usable:
        return requested  # type: ignore[return-value]
    for code in accepted:
        primary = code.split("-")[0].lower()
        if primary in usable:
            return primary
    return default if default in TEXT else "en"


def service_name(code: str, stored: str, language: str) -> str:
    return SERVICE_NAMES.get(language, {}).get(code, stored)


def problem_text(problem: Problem, language: str) -> str:
    words = PROBLEMS[language]
    label = TEXT[language].get(_label_key(problem.field), problem.field)
    template = words.get(f"{problem.field}:{problem.reason}") or words.get(problem.reason) or words["other"]
    return template.format(label=label, **{k: v for k, v in problem.params.items() if k != "label"})


def _label_key(field: str) -> str:
    return "address" if field == "location" else field


def long_date(moment: datetime, zone: tzinfo, language: str) -> str:
    """'November 24, 2026' / '24 de noviembre de 2026', in the city's zone."""
    local = moment.astimezone(zone)
    month = MONTHS[language][local.month - 1]
    return f"{local.day} de {month} de {local.year}" if language == "es" else f"{month} {local.day}, {local.year}"
