/* Words the agent console shows, in English and Spanish (data, not code). */
window.CITYLINE_CONSOLE_TEXT = {
  en: {
    title: "Agent console", you: "You", your_state: "Your state:", available: "Available", "break": "Break",
    offline: "Offline", sign_out: "Sign out", calls_today: "Calls today:", connecting: "Connecting…", live: "Live updates on",
    reconnecting: "Reconnecting… (offers are kept)", incoming: "Incoming call", callback: "Callback to make",
    accept: "Accept", reject: "Reject", now: "Now", no_call: "No call.", note_label: "Note for this call's case (agents only)",
    save_note: "Save note", saved: "Saved.", dismiss: "Dismiss", shortcuts: "Keyboard shortcuts",
    k_accept: "Accept the offered call", k_reject: "Reject the offered call", k_hangup: "Hang up (or leave a call you handed over)",
    k_transfer: "Transfer: go to the transfer list", transfer_from: "Transfer from {who}", k_available: "Available", k_break: "Break", k_offline: "Log out of the queues",
    st_available: "Available", st_break: "Not ready", st_offline: "Logged out", st_on_call: "On a call",
    st_wrap_up: "Wrap-up", st_offered: "Ringing", back: "Back to Available",
    answer_within: "answer within {s} s", wrap_left: "{s} s of wrap-up left",
    caller: "Caller", withheld: "withheld", language: "Language", queue: "Queue", waited: "Waited",
    path: "IVR path", gave: "Gave", heard: "Heard", cases: "Previous cases", calls: "Previous calls",
    none: "none", seconds: "{s} s", minutes: "{m} min {s} s", on_call_with: "On a call with {who}",
    calling_back: "Calling back {who}…", wrap_up_after: "Wrap-up after the call with {who}",
    pressed: "pressed", said: "said", call_back_about: "Call back {who} about {topic}",
    attempt: "attempt {a} of {n}", lang_en: "English", lang_es: "Spanish", reason: "reason: {r}",
    house: "House number", street: "Street", zip: "ZIP", place: "Address", lookup_ref: "Case number",
    no_history: "History unavailable right now", not_agent: "You are not set up as an agent yet."
  },
  es: {
    title: "Consola del agente", you: "Usted", your_state: "Su estado:", available: "Disponible", "break": "Pausa",
    offline: "Fuera de línea", sign_out: "Cerrar sesión", calls_today: "Llamadas hoy:", connecting: "Conectando…", live: "Actualizaciones en vivo",
    reconnecting: "Reconectando… (las ofertas se conservan)", incoming: "Llamada entrante", callback: "Devolución de llamada",
    accept: "Aceptar", reject: "Rechazar", now: "Ahora", no_call: "Sin llamada.", note_label: "Nota para el caso de esta llamada (solo agentes)",
    save_note: "Guardar nota", saved: "Guardada.", dismiss: "Cerrar", shortcuts: "Atajos de teclado",
    k_accept: "Aceptar la llamada ofrecida", k_reject: "Rechazar la llamada ofrecida", k_hangup: "Colgar (o salir de una llamada transferida)",
    k_transfer: "Transferir: ir a la lista de destinos", transfer_from: "Transferencia de {who}", k_available: "Disponible", k_break: "Pausa", k_offline: "Salir de las colas",
    st_available: "Disponible", st_break: "No disponible", st_offline: "Sin sesión", st_on_call: "En llamada",
    st_wrap_up: "Cierre de llamada", st_offered: "Sonando", back: "Volver a Disponible",
    answer_within: "conteste en {s} s", wrap_left: "quedan {s} s de cierre",
    caller: "Persona", withheld: "oculto", language: "Idioma", queue: "Cola", waited: "Esperó",
    path: "Recorrido en el IVR", gave: "Dio", heard: "Escuchó", cases: "Casos anteriores", calls: "Llamadas anteriores",
    none: "ninguno", seconds: "{s} s", minutes: "{m} min {s} s", on_call_with: "En llamada con {who}",
    calling_back: "Llamando a {who}…", wrap_up_after: "Cierre de la llamada con {who}",
    pressed: "marcó", said: "dijo", call_back_about: "Llamar a {who} sobre {topic}",
    attempt: "intento {a} de {n}", lang_en: "inglés", lang_es: "español", reason: "motivo: {r}",
    house: "Número", street: "Calle", zip: "Código postal", place: "Dirección", lookup_ref: "Número de caso",
    no_history: "Historial no disponible ahora", not_agent: "Todavía no está configurado como agente."
  }
};
