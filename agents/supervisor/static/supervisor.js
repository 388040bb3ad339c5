// The supervisor's floor: the wallboard as the server pushes it (SSE on the floor topic), and the controls.
(function () {
  "use strict";
  var TEXT = window.CITYLINE_FLOOR_TEXT;
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  // The city's time zone: figures are the city's day, so times are read on the city's clock.
  var zoneMeta = document.querySelector('meta[name="city-time-zone"]');
  var timeZone = zoneMeta && zoneMeta.content ? zoneMeta.content : undefined;
  var lang = new URLSearchParams(window.location.search).get("lang") || localStorage.getItem("cityline.lang") ||
             ((navigator.language || "en").slice(0, 2) === "es" ? "es" : "en");
  if (!TEXT[lang]) { lang = "en"; }
  var board = null;
  function $(id) { return document.getElementById(id); }
  function t(name, values) {
    var words = TEXT[lang][name] || TEXT.en[name] || name;
    Object.keys(values || {}).forEach(function (k) { words = words.split("{" + k + "}").join(values[k]); });
    return words;
  }
  function api(path) { return new URL(path, window.location.href).toString(); }  // /agents/supervisor -> /agents/api/...
  function seconds(value) {
    if (value == null) { return "—"; }
    var s = Math.round(value);
    return s < 120 ? s + " s" : Math.floor(s / 60) + " min " + (s % 60) + " s";
  }
  function percent(value) { return value == null ? "—" : Math.round(value * 100) + "%"; }
  function count(value) { return value == null ? "—" : String(value); }
  function clock(iso) {
    return new Date(typeof iso === "number" ? iso * 1000 : iso).toLocaleTimeString(lang, {hour: "numeric", minute: "2-digit", timeZone: timeZone});
  }
  function translatePage() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-t]").forEach(function (el) {
      // a caller language's name, in the page's language, rides on the element (data-language-en, -es)
      var named = el.dataset["language" + lang.charAt(0).toUpperCase() + lang.slice(1)];
      el.textContent = t(el.dataset.t, named ? {language: named} : {});
    });
    if (board) { show(board); }
  }
  function showError(message) { $("error").textContent = message || ""; }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text != null) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }
  // A figure with its status: the colour class repeats a word (mark), never replaces it.
  function judged(td, status, mark) {
    if (!status || status === "none") { return td; }
    td.classList.add(status);
    if (status !== "ok") { td.appendChild(el("span", mark || t(status === "alert" ? "mark_alert" : "mark_warn"), "mark")); }
    return td;
  }
  function numberCell(row, text, status, mark) {
    var td = el("td", text, "n");
    judged(td, status, mark);
    row.appendChild(td);
    return td;
  }

  function tile(label, value, status, mark, id) {
    var box = el("div", null, "tile");
    if (id) { box.id = id; }
    box.appendChild(el("div", label, "label"));
    box.appendChild(el("div", value, "value"));
    judged(box, status, mark);
    return box;
  }

  function show(data) {
    board = data;
    var floor = data.floor;
    $("since").textContent = t("since", {t: clock(data.since)});
    var tiles = $("tiles");
    tiles.textContent = "";
    [[t("waiting"), count(floor.waiting), null, "tile-waiting"],
     [t("longest_wait"), seconds(floor.longest_wait_seconds), null, "tile-longest"],
     [t("offered"), count(floor.offered), null, "tile-offered"],
     [t("answered"), count(floor.answered), null, "tile-answered"],
     [t("abandoned"), count(floor.abandoned) + " (" + count(floor.short_abandoned) + ")", null, "tile-abandoned"],
     [t("service_level"), percent(floor.service_level), null, "tile-sl"],
     [t("service_level_2"), percent(floor.service_level_with_abandons), null, "tile-sl2"],
     [t("asa"), seconds(floor.asa_seconds), null, "tile-asa"],
     [t("p90"), seconds(floor.wait_p90_seconds), null, "tile-p90"],
     [t("aht"), seconds(floor.aht_seconds), null, "tile-aht"],
     [t("occupancy"), percent(floor.occupancy_now), null, "tile-occupancy"],
     [t("callbacks"), count(floor.callbacks_pending), null, "tile-callbacks"]].forEach(function (item) {
      tiles.appendChild(tile(item[0], item[1], item[2], null, item[3]));
    });
    $("sl-note").textContent = t("sl_shown", {s: data.short_abandon_seconds});

    var body = $("queues");
    body.textContent = "";
    data.queues.forEach(function (q) {
      var row = el("tr");
      row.dataset.queue = q.queue;
      var name = el("th", q.queue);
      name.scope = "row";
      name.appendChild(el("span", Math.round(q.target * 100) + "% / " + q.threshold_seconds + " s", "mark"));
      row.appendChild(name);
      numberCell(row, count(q.waiting), q.status.waiting).dataset.figure = "waiting";
      numberCell(row, seconds(q.longest_wait_seconds), q.status.longest_wait_seconds).dataset.figure = "longest";
      numberCell(row, count(q.offered)).dataset.figure = "offered";
      numberCell(row, count(q.answered)).dataset.figure = "answered";
      numberCell(row, count(q.abandoned) + " (" + count(q.short_abandoned) + ")").dataset.figure = "abandoned";
      numberCell(row, percent(q.service_level), q.status.service_level,
                 t("mark_below", {target: percent(q.target)})).dataset.figure = "service_level";
      numberCell(row, percent(q.service_level_with_abandons)).dataset.figure = "service_level_2";
      numberCell(row, seconds(q.asa_seconds)).dataset.figure = "asa";
      numberCell(row, seconds(q.wait_p90_seconds)).dataset.figure = "p90";
      numberCell(row, seconds(q.aht_seconds)).dataset.figure = "aht";
      numberCell(row, count(q.callbacks_pending)).dataset.figure = "callbacks";
      numberCell(row, q.staffed + " / " + q.available).dataset.figure = "staffed";
      body.appendChild(row);
    });

    var alerts = $("alerts");
    alerts.textContent = "";
    data.alerts.forEach(function (a) {
      var value = a.code === "service_level_below_target" ? percent(a.value) :
                  a.code === "longest_wait_over" ? seconds(a.value) : a.value;
      var limit = a.code === "service_level_below_target" ? percent(a.limit) : seconds(a.limit);
      alerts.appendChild(el("li", t("a_" + a.code, {queue: a.queue, value: value, limit: limit})));
    });
    $("no-alerts").hidden = data.alerts.length > 0;

    showAgents(data);
    showCallers(data);
    showNotices(data.notices);
  }

  function stateName(state) { return t("st_" + state); }

  // Rows keyed by agent or call: the figures are redrawn at every push, but the controls cell (the last)
  // is built once per row, so what a supervisor is typing or choosing there survives the updates.
  function keyedRows(body, attribute, items, key, cells, controls) {
    var old = {};
    Array.prototype.forEach.call(body.children, function (row) { old[row.dataset[attribute]] = row; });
    items.forEach(function (item) {
      var row = old[key(item)];
      delete old[key(item)];
      if (!row || row.dataset.lang !== lang) {
        if (row) { row.remove(); }
        row = el("tr");
        row.dataset[attribute] = key(item);
        row.dataset.lang = lang;
        row.appendChild(controls(item));
      }
      while (row.children.length > 1) { row.removeChild(row.firstChild); }
      var controlCell = row.firstChild;
      cells(item).forEach(function (cell) { row.insertBefore(cell, controlCell); });
      body.appendChild(row);  // keeps the server's order
    });
    Object.keys(old).forEach(function (k) { old[k].remove(); });
  }

  function showAgents(data) {
    var counts = data.floor.agents_by_state || {};
    $("agent-counts").textContent = Object.keys(counts).sort().map(function (s) {
      return stateName(s) + ": " + counts[s];
    }).join(" · ");
    keyedRows($("agents"), "agent", data.agents, function (a) { return a.login; }, function (a) {
      var state = el("td", stateName(a.state));
      state.dataset.state = a.state;
      if (a.reason) { state.appendChild(el("span", t("reason_label", {r: a.reason.replace(/_/g, " ")}), "mark")); }
      var call = el("td", a.call ? (a.state === "ringing" ? t("ringing_with", {call: a.call}) : a.call) +
                               (a.call_queue ? " · " + a.call_queue : "") : "—");
      var supervised = window.CityLineFloorListen ? window.CityLineFloorListen.status(a) : "";
      if (supervised) { call.appendChild(el("span", supervised, "mark supervised")); }
      return [el("td", a.name + " (" + a.login + ")"), state, el("td", seconds(a.seconds_in_state), "n"),
              call, el("td", String(a.calls_today), "n")];
    }, function (a) {
      var controls = el("td");
      var select = el("select");
      select.setAttribute("aria-label", t("change_state") + " " + a.login);
      ["available", "break", "offline"].forEach(function (s) {
        var option = el("option", stateName(s));
        option.value = s;
        select.appendChild(option);
      });
      var reason = el("input");
      reason.placeholder = t("reason");
      reason.setAttribute("aria-label", t("reason"));
      var button = el("button", t("set"));
      button.type = "button";
      button.addEventListener("click", function () {
        send("POST", "api/floor/agents/" + encodeURIComponent(a.login) + "/state",
             {state: select.value, reason: reason.value}).then(function (answer) {
          if (answer && answer.ok) { reason.value = ""; }
        });
      });
      controls.appendChild(select);
      controls.appendChild(reason);
      controls.appendChild(button);
      if (window.CityLineFloorListen) { controls.appendChild(window.CityLineFloorListen.buttons(a)); }
      return controls;
    });
    if (window.CityLineFloorListen) { window.CityLineFloorListen.mark($("agents"), data.agents); }
  }

  function showCallers(data) {
    var queues = data.queues.map(function (q) { return q.queue; });
    keyedRows($("callers"), "call", data.callers, function (c) { return c.sid; }, function (c) {
      return [el("td", c.sid), el("td", c.queue + (c.status === "offered" ? " · " + t("st_offered") : "")),
              el("td", seconds(c.waited_seconds), "n"), el("td", String(c.priority), "n")];
    }, function (c) {
      var controls = el("td");
      var priority = el("input");
      priority.type = "number"; priority.min = 0; priority.max = 9; priority.value = Math.min(9, c.priority + 5);
      priority.setAttribute("aria-label", t("priority"));
      var raise = el("button", t("raise"));
      raise.type = "button";
      raise.addEventListener("click", function () {
        send("POST", "api/floor/calls/" + encodeURIComponent(c.sid) + "/priority", {priority: Number(priority.value)});
      });
      var target = el("select");
      target.setAttribute("aria-label", t("move_to"));
      queues.filter(function (q) { return q !== c.queue; }).forEach(function (q) {
        var option = el("option", q);
        option.value = q;
        target.appendChild(option);
      });
      var move = el("button", t("move"));
      move.type = "button";
      move.addEventListener("click", function () {
        send("POST", "api/floor/calls/" + encodeURIComponent(c.sid) + "/move", {queue: target.value});
      });
      [priority, raise, target, move].forEach(function (node) { controls.appendChild(node); });
      return controls;
    });
    $("no-callers").hidden = data.callers.length > 0;
    var select = $("broadcast-queue");
    if (select.options.length === 1) {
      queues.forEach(function (q) { var option = el("option", q); option.value = q; select.appendChild(option); });
    }
  }

  function showNotices(notices) {
    var box = $("notices");
    box.textContent = "";
    if (notices.closure) {
      box.appendChild(el("p", t("closed_banner", {by: notices.closure.by, at: clock(notices.closure.at),
                                                   reason: notices.closure.reason}), "notice closure"));
    }
    if (notices.broadcast) {
      var b = notices.broadcast;
      var text = b.messages[lang] || b.messages[Object.keys(b.messages)[0]];
      box.appendChild(el("p", t("broadcast_banner", {by: b.by, until: clock(b.until),
        where: b.queue || t("all_queues"), text: text}) + (b.greeting ? " " + t("greeting_too") : ""), "notice broadcast"));
    }
  }

  function send(method, path, body) {
    return fetch(api(path), {method: method, credentials: "same-origin",
                             headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
                             body: body ? JSON.stringify(body) : undefined}).then(function (response) {
      return response.json().then(function (answer) {
        showError(response.ok ? "" : answer.error || String(response.status));
        if (response.ok) { load(); }
        return answer;
      });
    }).catch(function (error) { showError(error.message); });
  }

  function fields(form) {
    var body = {};
    Array.prototype.forEach.call(form.elements, function (input) {
      if (!input.name) { return; }
      body[input.name] = input.type === "checkbox" ? input.checked : input.type === "number" ? Number(input.value) : input.value;
    });
    return body;
  }
  $("broadcast-form").addEventListener("submit", function (event) {
    event.preventDefault();
    send("POST", "api/floor/broadcast", fields(event.target));
  });
  $("stop-broadcast").addEventListener("click", function () { send("DELETE", "api/floor/broadcast"); });
  $("closure-form").addEventListener("submit", function (event) {
    event.preventDefault();
    send("POST", "api/floor/closure", fields(event.target));
  });
  $("reopen").addEventListener("click", function () {
    send("DELETE", "api/floor/closure", {reason: $("closure-form").elements.reason.value});
  });

  function load() {
    return fetch(api("api/floor/wallboard"), {credentials: "same-origin"}).then(function (response) {
      if (!response.ok) { throw new Error("wallboard unavailable (" + response.status + ")"); }
      return response.json();
    }).then(show).catch(function (error) { showError(error.message); });
  }
  function connect() {
    var events = new EventSource(api("api/floor/events"));
    events.addEventListener("hello", function () { $("live").textContent = t("live"); load(); });
    events.addEventListener("wallboard", function (event) { show(JSON.parse(event.data)); });
    events.onerror = function () { $("live").textContent = t("reconnecting"); };
  }
  document.querySelectorAll("[data-lang]").forEach(function (button) {
    button.addEventListener("click", function () {
      lang = button.dataset.lang; localStorage.setItem("cityline.lang", lang); translatePage();
      if (window.CityLineFloorCharts) { window.CityLineFloorCharts.redraw(); }
    });
  });
  window.CityLineFloor = {t: t, lang: function () { return lang; }, timeZone: timeZone, percent: percent, seconds: seconds,
                          board: function () { return board; }, send: send};
  translatePage();
  load();
  connect();
})();
