// The floor's history: interval charts, wait distribution, self-service and top requests, drawn with Chart.js
// (node_modules, served by the app). Without the library the interval table still shows every figure.
(function () {
  "use strict";
  var floor = window.CityLineFloor;
  var t = floor.t;
  var charts = {};
  var data = null;
  function $(id) { return document.getElementById(id); }
  function api(path) { return new URL(path, window.location.href).toString(); }
  function hhmm(iso, multiDay) {
    var date = new Date(iso);
    var zone = floor.timeZone;
    var time = date.toLocaleTimeString(floor.lang(), {hour: "2-digit", minute: "2-digit", timeZone: zone});
    return multiDay ? date.toLocaleDateString(floor.lang(), {month: "short", day: "numeric", timeZone: zone}) + " " +
      time : time;
  }
  function draw(id, config) {
    if (charts[id]) { charts[id].destroy(); }
    config.options = Object.assign({animation: false, responsive: true, maintainAspectRatio: false}, config.options || {});
    charts[id] = new window.Chart($(id), config);
  }
  function table(rows) {
    var body = $("interval-rows");
    body.textContent = "";
    rows.start.forEach(function (start, i) {
      if (!rows.offered[i] && !rows.answered[i] && !rows.abandoned[i]) { return; }
      var row = document.createElement("tr");
      [hhmm(start, true), rows.offered[i], rows.answered[i], rows.abandoned[i], floor.percent(rows.service_level[i]),
       floor.seconds(rows.asa_seconds[i]), floor.seconds(rows.aht_seconds[i])].forEach(function (value, column) {
        var td = document.createElement("td");
        td.textContent = value;
        if (column) { td.className = "n"; }
        row.appendChild(td);
      });
      body.appendChild(row);
    });
  }
  function busySpan(rows) {
    // The intervals worth drawing: from one before the first with calls to one after the last (all when none),
    // so a day whose calls came in the evening is not drawn as a long empty morning.
    var busy = [];
    rows.start.forEach(function (s, i) { if (rows.offered[i] || rows.answered[i] || rows.abandoned[i]) { busy.push(i); } });
    if (!busy.length) { return {from: 0, to: rows.start.length}; }
    return {from: Math.max(0, busy[0] - 1), to: Math.min(rows.start.length, busy[busy.length - 1] + 2)};
  }
  function sliced(rows, span) {
    var out = {};
    Object.keys(rows).forEach(function (k) { out[k] = Array.isArray(rows[k]) ? rows[k].slice(span.from, span.to) : rows[k]; });
    return out;
  }
  function showEmpty(id, empty) {
    // A chart with nothing to draw says so in words instead of an empty frame.
    var note = $(id).parentNode.querySelector(".chart-empty");
    note.hidden = !empty;
    $(id).style.display = empty ? "none" : "block";  // Chart.js styles the canvas itself: the hidden attribute loses
  }
  function redraw() {
    if (!data) { return; }
    table(data.intervals);
    if (!window.Chart) { $("charts-missing").hidden = false; return; }
    var multiDay = data.period === "7d" || data.period === "28d";
    var rows = sliced(data.intervals, busySpan(data.intervals));
    var labels = rows.start.map(function (s) { return hhmm(s, multiDay); });
    var percentOrNull = function (v) { return v == null ? null : Math.round(v * 1000) / 10; };
    draw("chart-volume", {type: "bar", data: {labels: labels, datasets: [
      {label: t("offered"), data: rows.offered, backgroundColor: "#4e79a7", yAxisID: "calls"},
      {label: t("answered"), data: rows.answered, backgroundColor: "#59a14f", yAxisID: "calls"},
      {label: t("abandoned_only"), data: rows.abandoned, backgroundColor: "#e15759", yAxisID: "calls"},
      {label: t("service_level") + " %", data: rows.service_level.map(percentOrNull), type: "line",
       borderColor: "#111", backgroundColor: "#111", yAxisID: "share", spanGaps: true}]},
      options: {scales: {calls: {position: "left", beginAtZero: true, grace: "10%", title: {display: true, text: t("calls_axis")}},
                         share: {position: "right", min: 0, max: 100, title: {display: true, text: t("share_axis")}}}}});
    draw("chart-speed", {type: "line", data: {labels: labels, datasets: [
      {label: t("asa"), data: rows.asa_seconds, borderColor: "#f28e2b", backgroundColor: "#f28e2b", spanGaps: true},
      {label: t("aht"), data: rows.aht_seconds, borderColor: "#76b7b2", backgroundColor: "#76b7b2", spanGaps: true}]},
      options: {scales: {y: {beginAtZero: true, title: {display: true, text: t("seconds_axis")}}}}});
    draw("chart-waits", {type: "bar", data: {labels: data.wait_distribution.buckets, datasets: [
      {label: t("wait_answered"), data: data.wait_distribution.answered, backgroundColor: "#59a14f"},
      {label: t("wait_abandoned"), data: data.wait_distribution.abandoned, backgroundColor: "#e15759"}]},
      options: {scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true}}}});
    var self = data.self_service;
    draw("chart-self", {type: "doughnut", data: {labels: [t("self_served"), t("needed_agent"), t("other")],
      datasets: [{data: [self.self_served, self.needed_agent, self.other],
                  backgroundColor: ["#59a14f", "#4e79a7", "#bab0ac"]}]}});
    var channels = {};
    data.top_requests.forEach(function (r) { Object.keys(r.channels).forEach(function (c) { channels[c] = true; }); });
    var palette = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#9c755f"];
    draw("chart-requests", {type: "bar", data: {labels: data.top_requests.map(function (r) { return r.service_name; }),
      datasets: Object.keys(channels).sort().map(function (c, i) {
        return {label: c, data: data.top_requests.map(function (r) { return r.channels[c] || 0; }),
                backgroundColor: palette[i % palette.length]};
      })}, options: {indexAxis: "y", scales: {x: {stacked: true, beginAtZero: true}, y: {stacked: true}}}});
    // After drawing: destroying a chart puts back the canvas style it found, a hidden one included.
    var waited = data.wait_distribution.answered.concat(data.wait_distribution.abandoned);
    showEmpty("chart-volume", !rows.offered.some(Boolean) && !rows.answered.some(Boolean));
    showEmpty("chart-speed", !rows.asa_seconds.some(function (v) { return v != null; }) &&
      !rows.aht_seconds.some(function (v) { return v != null; }));
    showEmpty("chart-waits", !waited.some(Boolean));
    showEmpty("chart-self", !(self.self_served || self.needed_agent || self.other));
    showEmpty("chart-requests", !data.top_requests.length);
    document.body.dataset.chartsDrawn = "yes";
  }
  function load() {
    var form = $("period-form");
    var query = "period=" + form.elements.period.value + "&minutes=" + form.elements.minutes.value;
    $("csv-link").href = api("api/floor/intervals?format=csv&" + query);
    $("json-link").href = api("api/floor/intervals?" + query);
    fetch(api("api/floor/charts?" + query), {credentials: "same-origin"}).then(function (response) {
      return response.json();
    }).then(function (answer) { data = answer; redraw(); });
  }
  $("period-form").addEventListener("change", load);
  window.CityLineFloorCharts = {redraw: redraw, load: load};
  load();
  setInterval(load, 60000);  // history changes slowly; the wallboard above is pushed
})();
