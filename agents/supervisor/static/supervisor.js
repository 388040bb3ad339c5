// The supervisor floor: queue and agent figures every 3 s, reports every minute.
(function () {
  "use strict";
  function cell(row, text, numeric) {
    var td = document.createElement("td");
    td.textContent = text;
    if (numeric) { td.className = "n"; }
    row.appendChild(td);
  }
  function seconds(value) { return value == null ? "—" : Math.round(value) + " s"; }
  function percent(value) { return value == null ? "—" : Math.round(value * 100) + "%"; }
  function fill(id, rows, columns) {
    var body = document.getElementById(id);
    body.textContent = "";
    rows.forEach(function (item) {
      var row = document.createElement("tr");
      columns.forEach(function (column) { cell(row, column[0](item), column[1]); });
      body.appendChild(row);
    });
  }
  function refresh() {
    fetch(new URL("api/queues", window.location.origin + window.location.pathname).toString(),
          {credentials: "same-origin"}).then(function (response) {
      if (!response.ok) { throw new Error("statistics unavailable (" + response.status + ")"); }
      return response.json();
    }).then(function (data) {
      document.getElementById("error").textContent = "";
      fill("queues", data.queues, [[function (q) { return q.queue; }], [function (q) { return q.waiting; }, true],
        [function (q) { return q.staffed; }, true], [function (q) { return q.available; }, true],
        [function (q) { return seconds(q.median_answered_wait); }, true],
        [function (q) { return percent(q.abandon_rate); }, true],
        [function (q) { return seconds(q.mean_handle_time); }, true]]);
      fill("agents", data.agents, [[function (a) { return a.name + " (" + a.login + ")"; }],
        [function (a) { return a.state.replace("_", " "); }], [function (a) { return a.calls_today; }, true]]);
    }).catch(function (error) { document.getElementById("error").textContent = error.message; });
  }
  function reports() {
    function get(path) {
      return fetch(new URL(path, window.location.origin + window.location.pathname).toString(),
                   {credentials: "same-origin"}).then(function (response) { return response.json(); });
    }
    get("api/reports/calls-by-disposition?days=7").then(function (data) {
      fill("dispositions", data.rows, [[function (r) { return r.day; }],
        [function (r) { return r.disposition.replace(/_/g, " "); }], [function (r) { return r.calls; }, true]]);
    });
    get("api/reports/common-requests?days=30").then(function (data) {
      fill("requests", data.rows, [[function (r) { return r.service_name; }], [function (r) { return r.cases; }, true]]);
    });
  }
  refresh();
  reports();
  setInterval(refresh, 3000);
  setInterval(reports, 60000);
})();
