"""The admin pages' words in English and Spanish (added to the login pages' words)."""

from __future__ import annotations

from agents.auth import text

ADMIN_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "list_title": "Agents", "new_agent": "Add an agent", "edit_title": "Edit {login}",
        "col_login": "Login", "col_name": "Name", "col_role": "Role", "col_skills": "Skills",
        "col_languages": "Languages", "col_status": "Status", "active": "active", "disabled": "disabled",
        "no_password": "no password yet", "name": "Name", "role": "Role", "skills": "Skills",
        "skills_hint": "Proficiency 1 (learning) to 10 (expert); leave empty for a skill the agent does not have.",
        "languages": "Languages spoken", "save": "Save", "create": "Create agent",
        "password_new": "Password", "password_hint": "At least 12 characters. Give it to the person in person.",
        "reset_title": "Reset the password", "reset": "Set this password",
        "reset_hint": "Setting a password logs the person out everywhere.",
        "disable": "Disable the account", "enable": "Enable the account",
        "disable_hint": "A disabled account cannot log in and its open sessions stop working.",
        "saved": "Saved.", "password_saved": "The password was changed; the person's sessions have ended.",
        "disabled_done": "The account is disabled.", "enabled_done": "The account is enabled.",
        "not_number": "the proficiency in {skill} must be a whole number 1 to 10",
        "own_account": "you cannot disable your own account or remove your own admin role",
        "back": "Back to the agents",
    },
    "es": {
        "list_title": "Agentes", "new_agent": "Agregar un agente", "edit_title": "Editar {login}",
        "col_login": "Usuario", "col_name": "Nombre", "col_role": "Rol", "col_skills": "Habilidades",
        "col_languages": "Idiomas", "col_status": "Estado", "active": "activa", "disabled": "desactivada",
        "no_password": "aún sin contraseña", "name": "Nombre", "role": "Rol", "skills": "Habilidades",
        "skills_hint": "Nivel de 1 (aprendiendo) a 10 (experto); deje vacía una habilidad que el agente no tiene.",
        "languages": "Idiomas que habla", "save": "Guardar", "create": "Crear agente",
        "password_new": "Contraseña", "password_hint": "Al menos 12 caracteres. Entréguela a la persona en mano.",
        "reset_title": "Restablecer la contraseña", "reset": "Establecer esta contraseña",
        "reset_hint": "Al establecer una contraseña se cierran todas las sesiones de la persona.",
        "disable": "Desactivar la cuenta", "enable": "Activar la cuenta",
        "disable_hint": "Una cuenta desactivada no puede iniciar sesión y sus sesiones abiertas dejan de funcionar.",
        "saved": "Guardado.", "password_saved": "Se cambió la contraseña; las sesiones de la persona se cerraron.",
        "disabled_done": "La cuenta está desactivada.", "enabled_done": "La cuenta está activada.",
        "not_number": "el nivel en {skill} debe ser un número entero de 1 a 10",
        "own_account": "no puede desactivar su propia cuenta ni quitarse el rol de administrador",
        "back": "Volver a los agentes",
    },
}


def words() -> dict[str, str]:
    base = text.words()
    return base | ADMIN_TEXT[base["code"]]
