"""Every word of the login, choice and admin pages, in English and Spanish, and how the language is chosen.

?lang= wins, then the browser's Accept-Language, then English.
"""

from __future__ import annotations

from flask import request

LANGUAGES = ("en", "es")

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "code": "en", "language_name": "English", "skip": "Skip to main content", "site": "CityLine 3-1-1 agents",
        "required": "(required)", "optional": "(optional)", "error_prefix": "Error:",
        "errors_title": "Please correct the following:",
        "login_title": "Log in", "login_intro": "Log in with your own agent login and password.",
        "login": "Login", "password": "Password", "submit_login": "Log in",
        "bad_login": "That login and password do not match an active account.",
        "throttled": "Too many failed attempts. Wait {minutes} minutes and try again, or ask an admin.",
        "unavailable": "Logging in is not possible right now. Please try again in a minute.",
        "logout": "Log out", "logged_out": "You are logged out.",
        "choose_title": "Where to?", "choose_intro": "You are logged in as {name} ({role}).",
        "go_console": "Agent console: take calls", "go_supervisor": "Supervisor floor: queues and agents",
        "go_admin": "Manage agents",
        "forbidden_title": "Not allowed", "forbidden": "This page needs the {needed} role, which your account "
                                                      "does not have.",
        "csrf_title": "Form expired", "csrf": "Your form expired or came from another page. Go back, reload "
                                               "the page and try again.",
        "role_agent": "agent", "role_supervisor": "supervisor", "role_admin": "admin",
    },
    "es": {
        "code": "es", "language_name": "Español", "skip": "Saltar al contenido principal",
        "site": "CityLine 3-1-1 agentes", "required": "(obligatorio)", "optional": "(opcional)",
        "error_prefix": "Error:", "errors_title": "Corrija lo siguiente:",
        "login_title": "Iniciar sesión", "login_intro": "Inicie sesión con su propio usuario de agente y contraseña.",
        "login": "Usuario", "password": "Contraseña", "submit_login": "Iniciar sesión",
        "bad_login": "Ese usuario y esa contraseña no corresponden a una cuenta activa.",
        "throttled": "Demasiados intentos fallidos. Espere {minutes} minutos y vuelva a intentarlo, o pida ayuda "
                     "a un administrador.",
        "unavailable": "No es posible iniciar sesión en este momento. Vuelva a intentarlo en un minuto.",
        "logout": "Cerrar sesión", "logged_out": "Ha cerrado la sesión.",
        "choose_title": "¿Adónde quiere ir?", "choose_intro": "Ha iniciado sesión como {name} ({role}).",
        "go_console": "Consola de agente: atender llamadas", "go_supervisor": "Supervisión: colas y agentes",
        "go_admin": "Administrar agentes",
        "forbidden_title": "No permitido", "forbidden": "Esta página requiere el rol {needed}, que su cuenta no "
                                                        "tiene.",
        "csrf_title": "Formulario caducado", "csrf": "Su formulario caducó o vino de otra página. Vuelva atrás, "
                                                     "recargue la página e inténtelo de nuevo.",
        "role_agent": "agente", "role_supervisor": "supervisor", "role_admin": "administrador",
    },
}


def language() -> str:
    requested = request.values.get("lang")
    if requested in LANGUAGES:
        return requested
    best = request.accept_languages.best_match(LANGUAGES)
    return best or "en"


def words(code: str | None = None) -> dict[str, str]:
    return TEXT[code or language()]
