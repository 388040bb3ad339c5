/* The agent console: state from /agents/api/me, refreshed whenever the event stream says something changed.
 * Nothing polls.  Other panels (call tools) listen for the "cityline:me" event on document and for
 * "cityline:hangup" / "cityline:transfer" sent by the keyboard shortcuts; window.CityLineConsole.refresh()
 * reloads the state. */
(function () {
  "use strict";
  var base = window.location.origin + window.location.pathname;  // without any user:password (fetch refuses those)
  function api(path) { return new URL(path, base).toString(); }
  function $(id) { return document.getElementById(id); }
  var TEXT = window.CITYLINE_CONSOLE_TEXT;
  var csrf = document.querySelector('meta[name="csrf-token"]').content;  // every POST carries the session's token
  var lang = new URLSearchParams(window.location.search).get("lang") || localStorage.getItem("cityline.lang") ||
             ((navigator.language || "en").slice(0, 2) === "es" ? "es" : "en");
  if (!TEXT[lang]) { lang = "en"; }
  function t(name, values) {
    var words = TEXT[lang][name] || TEXT.en[name] || name;
    Object.keys(values || {}).forEach(function (k) { words = words.split("{" + k + "}").join(values[k]); });
    return words;
  }
  function translatePage() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-t]").forEach(function (el) { el.textContent = t(el.dataset.t); });
  }

  var me = null, skew = 0, noteCall = null, loading = null, again = false;

  // -- errors: shown with the server's words until dismissed ----------------------------------------
  function showError(message) { $("error-text").textContent = message; $("error").hidden = false; }
  $("error-dismiss").addEventListener("click", function () { $("error").hidden = true; });

  function request(method, path, body) {
    return fetch(api(path), {method: method, credentials: "same-origin",
                             headers: {"Content-Type": "application/json", "Accept": "application/json",
                                       "X-CSRFToken": csrf},
                             body: body ? JSON.stringify(body) : undefined})
      .then(function (response) {
        return response.text().then(function (raw) {
          var data = null;
          try { data = JSON.parse(raw); } catch (ignored) { data = null; }
          if (!response.ok) {
            throw new Error((data && data.error) || (response.status + " " + response.statusText));
          }
          if (data === null) { throw new Error("The server sent an answer the console cannot read."); }
          return data;
        });
      }, function () { throw new Error("The console cannot reach the server; check your network."); });
  }
  function act(method, path, body) {
    return request(method, path, body).then(show).catch(function (error) { showError(error.message); refresh(); });
  }
  function refresh() {  // one read at a time; a change during a read reads again
    if (loading) { again = true; return loading; }
    loading = request("GET", "api/me").then(show).catch(function (error) { showError(error.message); })
      .then(function () { loading = null; if (again) { again = false; refresh(); } });
    return loading;
  }

  // -- showing the state ------------------------------------------------------------------------------
  function who(about) { return about && !about.withheld ? about.number : t("withheld"); }
  function duration(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    return seconds < 60 ? t("seconds", {s: seconds}) : t("minutes", {m: Math.floor(seconds / 60), s: seconds % 60});
  }
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }
  function row(list, label, value) { list.appendChild(el("dt", label)); var dd = el("dd"); 
    if (typeof value === "string") { dd.textContent = value; } else { dd.appendChild(value); } list.appendChild(dd); }
  function stepText(step) {  // "main menu — pressed “2” → option 2"
    var text = step.node.replace(/_/g, " "), input = step.input || "";
    var keys = /^keys (.+)$/.exec(input), speech = /^said '(.*)'$|^said "(.*)"$/.exec(input);
    if (keys) { text += " — " + t("pressed") + " “" + keys[1] + "”"; }
    else if (speech) { text += " — " + t("said") + " “" + (speech[1] || speech[2]) + "”"; }
    else if (input) { text += " — " + input; }
    if (step.result) { text += " → " + step.result; }
    return text;
  }
  function shownSteps(steps) {  // a node entered, then answered, is one step: keep the answered one
    return (steps || []).filter(function (step, i, all) {
      var next = all[i + 1];
      return step.input || step.result || !next || next.node !== step.node;
    });
  }
  function describe(about) {
    var box = el("dl", undefined, "about");
    row(box, t("caller"), who(about));
    row(box, t("language"), t("lang_" + about.language));
    row(box, t("queue"), about.queue + " (" + about.topic + ")");
    row(box, t("waited"), duration(Date.now() / 1000 + skew - about.entered));
    var path = el("ol", undefined, "path");
    var steps = shownSteps(about.steps);
    steps.forEach(function (step) { path.appendChild(el("li", stepText(step))); });
    row(box, t("path"), steps.length ? path : t("none"));
    var gave = Object.keys(about.values || {}).map(function (k) { return t(k) + ": " + about.values[k]; });
    row(box, t("gave"), gave.length ? gave.join("; ") : t("none"));
    row(box, t("heard"), about.heard && about.heard.length ? about.heard.join(" / ") : t("none"));
    var history = about.history || {cases: [], calls: []};
    var cases = history.cases.map(function (c) { return (c.display || c.reference) + " " + c.service + " (" + c.status + ", " + c.opened.slice(0, 10) + ")" + (c.address ? " " + c.address : ""); });
    var calls = history.calls.map(function (c) { return (c.started || "").slice(0, 16).replace("T", " ") + " " + (c.queue || "") + " " + c.disposition + (c.wrap_up ? " (" + c.wrap_up.replace(/_/g, " ") + ")" : ""); });
    if (history.unavailable) { row(box, t("cases"), t("no_history")); } else {
      row(box, t("cases"), cases.length ? cases.join("; ") : t("none"));
      row(box, t("calls"), calls.length ? calls.join("; ") : t("none"));
    }
    return box;
  }
  function stateName(state) {
    return me && me.offer && me.offer.status === "pending" ? t("st_offered") : t("st_" + state);
  }
  function show(data) {
    me = data;
    skew = (data.now || Date.now() / 1000) - Date.now() / 1000;
    $("state").textContent = stateName(data.state);
    var notReady = data.state === "break" && data.reason;
    $("reason").textContent = notReady ? "(" + t("reason", {r: data.reason}) + ")" : "";
    $("reason").className = notReady ? "notready" : "";
    $("calls").textContent = data.calls_today || 0;
    showOffer(data);
    showNow(data);
    var busy = data.state === "on_call" || Boolean(data.offer && data.offer.status === "pending");
    document.querySelectorAll("[data-state]").forEach(function (button) {
      button.disabled = busy || (button.dataset.state === data.state && !notReady);
    });
    if (notReady) { document.querySelector('[data-state="available"]').textContent = t("back"); }
    else { document.querySelector('[data-state="available"]').textContent = t("available"); }
    if (!data.registered) { $("now").textContent = t("not_agent"); }
    document.dispatchEvent(new CustomEvent("cityline:me", {detail: data}));
    tick();
  }
  function showOffer(data) {
    var offer = data.offer, box = $("offer");
    if (!offer || offer.status !== "pending") { box.hidden = true; return; }
    var about = data.offer_about || {};
    var callback = offer.kind === "callback";
    $("offer-heading").textContent = callback ? t("callback") : t("incoming");
    if (offer.kind === "transfer") { $("offer-heading").textContent = t("transfer_from", {who: offer.from_agent}); }
    document.querySelector("#accept [data-t]").dataset.t = callback ? "call_now" : "accept";  // preview dial
    document.querySelector("#reject [data-t]").dataset.t = callback ? "not_now" : "reject";
    document.querySelector("#accept [data-t]").textContent = t(callback ? "call_now" : "accept");
    document.querySelector("#reject [data-t]").textContent = t(callback ? "not_now" : "reject");
    $("offer-summary").textContent = callback
      ? t("call_back_about", {who: offer.number, topic: about.topic || offer.skill}) + ", " + t("attempt", {a: about.attempt, n: about.max_attempts})
      : t("caller") + ": " + who(about) + " — " + offer.skill + "-" + offer.language;
    var holder = $("offer-about");
    holder.replaceChildren(data.offer_about ? describe(data.offer_about) : el("span"));
    box.hidden = false;
  }
  function showNow(data) {
    var about = data.call_about;
    var text = t("no_call");
    if (data.call && data.state === "on_call") {
      text = about && about.kind === "callback" && about.status === "dialing"
        ? t("calling_back", {who: who(about)}) : t("on_call_with", {who: who(about)});
    } else if (data.call && data.state === "wrap_up") {
      text = t("wrap_up_after", {who: who(about)});
    }
    $("now").textContent = text;
    $("call-about").replaceChildren(about && data.state === "on_call" ? describe(about) : el("span"));
    $("note-form").hidden = !data.call;
    if (data.call !== noteCall) {  // a note not saved belongs to its own call, never to the next one
      $("note").value = ""; $("note-status").textContent = ""; noteCall = data.call;
    }
  }
  function tick() {  // countdowns from the server's clock
    if (!me) { return; }
    var now = Date.now() / 1000 + skew, text = "";
    if (me.offer && me.offer.status === "pending") {
      text = t("answer_within", {s: Math.max(0, Math.round(me.offer.expires - now))});
    } else if (me.state === "wrap_up" && me.wrap_up_ends && me.wrap_up_ends > now) {
      text = t("wrap_left", {s: Math.round(me.wrap_up_ends - now)});  // past it, the wrap-up panel says why
    }
    $("countdown").textContent = text;
  }
  setInterval(tick, 1000);  // the clock only: state changes arrive pushed

  // -- actions ------------------------------------------------------------------------------------------
  function setState(state) { act("POST", "api/me/state", {state: state}); }
  function accept() { if (me && me.offer && me.offer.status === "pending") { act("POST", "api/offers/" + me.offer.id + "/accept"); } }
  function reject() { if (me && me.offer && me.offer.status === "pending") { act("POST", "api/offers/" + me.offer.id + "/reject"); } }
  document.querySelectorAll("[data-state]").forEach(function (button) {
    button.addEventListener("click", function () { setState(button.dataset.state); });
  });
  $("accept").addEventListener("click", accept);
  $("reject").addEventListener("click", reject);
  $("note-form").addEventListener("submit", function (event) {
    event.preventDefault();
    request("POST", "api/me/note", {text: $("note").value}).then(function () {
      $("note-status").textContent = t("saved"); $("note").value = "";
    }).catch(function (error) { showError(error.message); });
  });
  document.querySelectorAll("[data-lang]").forEach(function (button) {
    button.addEventListener("click", function () {
      lang = button.dataset.lang; localStorage.setItem("cityline.lang", lang); translatePage(); if (me) { show(me); }
    });
  });
  var KEYS = {KeyA: accept, KeyX: reject, Digit1: function () { setState("available"); },
              Digit2: function () { setState("break"); }, Digit0: function () { setState("offline"); },
              KeyH: function () { document.dispatchEvent(new CustomEvent("cityline:hangup")); },
              KeyT: function () { document.dispatchEvent(new CustomEvent("cityline:transfer")); }};
  document.addEventListener("keydown", function (event) {
    var action = event.altKey && !event.ctrlKey && !event.metaKey ? KEYS[event.code] : null;
    if (action) { event.preventDefault(); action(); }
  });

  // -- the event stream: (re)connect, read the state, then every pushed change --------------------------
  function connect() {
    var events = new EventSource(api("api/events"));
    events.addEventListener("hello", function () { $("live").textContent = t("live"); refresh(); });
    events.addEventListener("agent", refresh);
    events.addEventListener("call", refresh);
    events.onerror = function () { $("live").textContent = t("reconnecting"); };  // EventSource retries by itself
  }
  window.CityLineConsole = {refresh: refresh, state: function () { return me; }, t: t, request: request,
                            show: show, showError: showError, now: function () { return Date.now() / 1000 + skew; }};
  translatePage();
  refresh();
  connect();
})();

