/* The agent's call controls: timer, mute, hold, hang up, transfers and interpreter.
 * Reads GET /agents/api/call whenever the console's state changes (the "cityline:me" event, itself pushed),
 * posts moves with the session's CSRF token, and answers the console's Alt+H / Alt+T key events. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  if (!$("call-controls")) { return; }
  var TEXT = {
    en: {heading: "On the call", time: "Call time", mute: "Mute", unmute: "Unmute", hold: "Hold", resume: "Resume",
         interpreter: "Add interpreter", leave: "Leave the call (transfer done)", hangup: "Hang up",
         on_line: "On the line", transfer: "Transfer", transfer_to: "Transfer to", choose: "Choose…",
         warm: "Warm: talk to the agent first (agents only)", transfer_button: "Transfer the call", dismiss: "Dismiss",
         agents: "Agents available now", queues: "Queues", departments: "City departments",
         caller: "Caller", you: "you", agent: "agent", interpreter_role: "interpreter", outside: "outside line",
         held: "on hold", muted: "muted", remove: "Remove", waiting_for: "Waiting for {who} to answer the transfer…",
         joined: "{who} has joined. Talk to them, then leave the call.", declined: "{who} did not take the transfer. The caller is on hold: press Resume.",
         moved: "Transferred to {where}.",
         no_targets: "nobody", monitor: "supervisor, listening", coach: "supervisor, coaching you", barge: "supervisor, heard by everyone",
         sv_monitor: "Supervisor {who} is listening to this call (nobody hears them).",
         sv_coach: "Supervisor {who} is coaching you: only you hear them, the caller does not.",
         sv_barge: "Supervisor {who} has joined the call: everyone hears them."},
    es: {heading: "En la llamada", time: "Duración", mute: "Silenciar", unmute: "Activar micrófono", hold: "En espera", resume: "Retomar",
         interpreter: "Agregar intérprete", leave: "Salir de la llamada (transferencia hecha)", hangup: "Colgar",
         on_line: "En la línea", transfer: "Transferir", transfer_to: "Transferir a", choose: "Elija…",
         warm: "Con aviso: hablar antes con el agente (solo agentes)", transfer_button: "Transferir la llamada", dismiss: "Cerrar",
         agents: "Agentes disponibles", queues: "Colas", departments: "Departamentos de la ciudad",
         caller: "Persona", you: "usted", agent: "agente", interpreter_role: "intérprete", outside: "línea externa",
         held: "en espera", muted: "silenciado", remove: "Quitar", waiting_for: "Esperando que {who} conteste la transferencia…",
         joined: "{who} se unió. Hable con esa persona y luego salga de la llamada.", declined: "{who} no tomó la transferencia. La persona está en espera: pulse Retomar.",
         moved: "Transferida a {where}.",
         no_targets: "nadie", monitor: "supervisor, escuchando", coach: "supervisor, le orienta", barge: "supervisor, todos le oyen",
         sv_monitor: "El supervisor {who} escucha esta llamada (nadie le oye).",
         sv_coach: "El supervisor {who} le orienta: solo usted le oye, la persona no.",
         sv_barge: "El supervisor {who} se unió a la llamada: todos le oyen."}
  };
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var base = window.location.origin + window.location.pathname;
  var view = null, skew = 0, login = null, loading = false;

  function lang() { return TEXT[document.documentElement.lang] ? document.documentElement.lang : "en"; }
  function t(name, values) {
    var words = TEXT[lang()][name] || TEXT.en[name] || name;
    Object.keys(values || {}).forEach(function (k) { words = words.split("{" + k + "}").join(values[k]); });
    return words;
  }
  function translate() { document.querySelectorAll("[data-cc]").forEach(function (el) { el.textContent = t(el.dataset.cc); }); }

  function request(method, path, body) {
    return fetch(new URL(path, base).toString(), {
      method: method, credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf},
      body: body ? JSON.stringify(body) : undefined
    }).then(function (response) {
      return response.text().then(function (raw) {
        var data = null;
        try { data = JSON.parse(raw); } catch (ignored) { data = null; }
        if (!response.ok) { throw new Error((data && data.error) || (response.status + " " + response.statusText)); }
        if (data === null) { throw new Error("The server sent an answer the console cannot read."); }
        return data;
      });
    }, function () { throw new Error("The console cannot reach the server; check your network."); });
  }
  function showError(message) { $("cc-error-text").textContent = message; $("cc-error").hidden = false; }
  $("cc-error-dismiss").addEventListener("click", function () { $("cc-error").hidden = true; });

  function move(path, body) {
    if (!view) { return Promise.resolve(); }
    return request("POST", path, Object.assign({call: view.call}, body || {})).then(function (data) {
      if (data.result === "transferred") { $("cc-status").textContent = t("moved", {where: data.queue || data.number}); }
      show(data.call || null);
    }).catch(function (error) { showError(error.message); load(); })
      .then(function () { if (window.CityLineConsole) { window.CityLineConsole.refresh(); } });
  }
  function load() {
    if (loading) { return; }
    loading = true;
    request("GET", "api/call").then(function (data) { show(data.call); })
      .catch(function (error) { showError(error.message); })
      .then(function () { loading = false; });
  }

  var SUPERVISOR_ROLES = ["monitor", "coach", "barge"];
  function role(p) {
    if (p.role === "caller") { return t("caller"); }
    if (p.role === "agent") { return p.who === login ? p.who + " (" + t("you") + ")" : p.who + " (" + t("agent") + ")"; }
    if (SUPERVISOR_ROLES.indexOf(p.role) >= 0) { return p.who + " (" + t(p.role) + ")"; }
    return p.who + " (" + t(p.role === "interpreter" ? "interpreter_role" : "outside") + ")";
  }
  function show(data) {
    view = data;
    var box = $("call-controls");
    box.hidden = !data || data.ended;
    if (box.hidden) { return; }
    var me = data.participants.find(function (p) { return p.role === "agent" && p.who === login; }) || {};
    var caller = data.participants.find(function (p) { return p.role === "caller"; }) || {};
    $("cc-mute").textContent = me.muted ? t("unmute") : t("mute");
    $("cc-mute").setAttribute("aria-pressed", String(Boolean(me.muted)));
    $("cc-hold").textContent = caller.held ? t("resume") : t("hold");
    $("cc-hold").setAttribute("aria-pressed", String(Boolean(caller.held)));
    $("cc-hold").hidden = !data.yours;
    $("cc-leave").hidden = data.yours;
    $("cc-interpreter").hidden = !data.interpreter || data.participants.some(function (p) { return p.role === "interpreter"; });
    $("cc-transfer-form").hidden = !data.yours;
    var list = $("cc-participants");
    list.replaceChildren();
    data.participants.forEach(function (p) {
      var li = document.createElement("li");
      var flags = [p.held ? t("held") : "", p.muted ? t("muted") : ""].filter(Boolean);
      li.textContent = role(p) + (flags.length ? " — " + flags.join(", ") : "") + " ";
      if (data.yours && (p.role === "interpreter" || p.role === "outside")) {
        var b = document.createElement("button");
        b.type = "button"; b.textContent = t("remove");
        b.addEventListener("click", function () { move("api/call/participants/" + encodeURIComponent(p.id) + "/remove"); });
        li.appendChild(b);
      }
      list.appendChild(li);
    });
    var status = "", tr = data.transfer;
    if (!data.yours) {  // handed over (a warm transfer): talk to the colleague, then leave
      status = t("joined", {who: data.owner});
    } else if (tr && tr.status === "pending") {
      status = t("waiting_for", {who: tr.to});
    } else if (tr && tr.status !== "accepted") {
      status = t("declined", {who: tr.to});
    }
    $("cc-transfer-status").textContent = status;
    var supervisor = data.participants.find(function (p) { return SUPERVISOR_ROLES.indexOf(p.role) >= 0; });
    $("cc-supervisor").textContent = supervisor ? t("sv_" + supervisor.role, {who: supervisor.who}) : "";
    $("cc-supervisor").hidden = !supervisor;
    tick();
  }
  function tick() {
    if (!view || !view.started) { return; }
    var seconds = Math.max(0, Math.floor(Date.now() / 1000 + skew - view.started));
    var hours = Math.floor(seconds / 3600), minutes = Math.floor(seconds / 60) % 60, rest = seconds % 60;
    $("cc-timer").textContent = (hours ? hours + ":" + String(minutes).padStart(2, "0") : String(minutes)) + ":" +
                                 String(rest).padStart(2, "0");
  }
  setInterval(tick, 1000);

  function option(group, value, label) {
    var o = document.createElement("option"); o.value = value; o.textContent = label; group.appendChild(o);
  }
  function loadTargets() {
    return request("GET", "api/call/targets").then(function (data) {
      var select = $("cc-transfer-to"), chosen = select.value;
      select.replaceChildren();
      option(select, "", t("choose"));
      [["agents", data.agents.map(function (a) { return ["agent:" + a.login, a.name + " (" + a.login + ")"]; })],
       ["queues", data.queues.map(function (q) { return ["queue:" + q, q + "-" + data.language]; })],
       ["departments", data.departments.map(function (d) { return ["number:" + d.id, (d.names[lang()] || d.name) + " " + d.number]; })]]
        .forEach(function (part) {
          var group = document.createElement("optgroup"); group.label = t(part[0]);
          part[1].forEach(function (entry) { option(group, entry[0], entry[1]); });
          if (!part[1].length) { option(group, "", t("no_targets")); group.lastChild.disabled = true; }
          select.appendChild(group);
        });
      select.value = chosen;
    }).catch(function (error) { showError(error.message); });
  }

  $("cc-mute").addEventListener("click", function () {
    var me = view && view.participants.find(function (p) { return p.role === "agent" && p.who === login; });
    move("api/call/mute", {on: !(me && me.muted)});
  });
  $("cc-hold").addEventListener("click", function () {
    var caller = view && view.participants.find(function (p) { return p.role === "caller"; });
    move("api/call/hold", {on: !(caller && caller.held)});
  });
  function hangUp() {
    if (!view) { return; }
    move(view.yours ? "api/call/hangup" : "api/call/leave");
  }
  $("cc-hangup").addEventListener("click", hangUp);
  $("cc-leave").addEventListener("click", function () { move("api/call/leave"); });
  $("cc-interpreter").addEventListener("click", function () { move("api/call/interpreter"); });
  $("cc-transfer-to").addEventListener("focus", loadTargets);
  $("cc-transfer-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var value = $("cc-transfer-to").value, at = value.indexOf(":");
    if (at < 0) { return; }
    move("api/call/transfer", {to: value.slice(0, at), target: value.slice(at + 1), warm: $("cc-warm").checked});
  });
  document.addEventListener("cityline:hangup", hangUp);
  document.addEventListener("cityline:transfer", function () {
    if (!view || !view.yours) { return; }
    loadTargets();
    $("cc-transfer-to").focus();
  });
  document.addEventListener("cityline:me", function (event) {
    var me = event.detail || {};
    login = me.login;
    skew = (me.now || Date.now() / 1000) - Date.now() / 1000;
    translate();
    if (me.state === "on_call" && me.call) { load(); } else { show(null); }
  });
  translate();
})();
