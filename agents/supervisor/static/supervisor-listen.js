// Listen, whisper and barge from the floor's agent rows (loaded after supervisor.js, which calls these hooks).
// The supervisor's softphone (softphone.js, the agents' one) takes the leg the phone network rings.
(function () {
  "use strict";
  var MODES = [["listen", "sv_listen"], ["whisper", "sv_whisper"], ["barge", "sv_barge"]];
  function floor() { return window.CityLineFloor; }
  function button(text, label) {
    var node = document.createElement("button");
    node.type = "button";
    node.textContent = text;
    node.setAttribute("aria-label", label);
    return node;
  }
  window.CityLineFloorListen = {
    // The Listen / Whisper / Barge in / Leave buttons of one agent's row.
    buttons: function (agent) {
      var t = floor().t, box = document.createElement("span");
      box.className = "supervise";
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", t("sv_group", {agent: agent.login}));
      var path = "api/floor/agents/" + encodeURIComponent(agent.login) + "/supervise";
      MODES.forEach(function (mode) {
        var b = button(t(mode[1]), t(mode[1]) + " " + agent.login);
        b.dataset.mode = mode[0];
        b.setAttribute("aria-pressed", "false");
        b.addEventListener("click", function () { floor().send("POST", path, {mode: mode[0]}); });
        box.appendChild(b);
      });
      var leave = button(t("sv_leave"), t("sv_leave") + " " + agent.login);
      leave.dataset.mode = "leave";
      leave.addEventListener("click", function () {
        floor().send("DELETE", path).then(function (answer) {  // the network could not confirm the hang-up
          if (answer && answer.note) { document.getElementById("error").textContent = answer.note; }
        });
      });
      box.appendChild(leave);
      return box;
    },
    // Who is on this agent's call and how, for the "current call" cell ("" when nobody).
    status: function (agent) {
      var s = agent.supervisor;
      return s ? floor().t("sv_on_" + s.mode, {who: s.login}) : "";
    },
    // Mark the pressed mode in each row (the buttons are built once; the board changes at every push).
    mark: function (body, agents) {
      agents.forEach(function (agent) {
        var row = body.querySelector('tr[data-agent="' + CSS.escape(agent.login) + '"]');
        if (!row) { return; }
        var mode = agent.supervisor ? agent.supervisor.mode : "";
        row.querySelectorAll(".supervise button[data-mode]").forEach(function (b) {
          if (b.dataset.mode === "leave") { b.disabled = !agent.supervisor; return; }
          b.setAttribute("aria-pressed", String(b.dataset.mode === mode));
          b.disabled = agent.state !== "on_call";
        });
      });
    }
  };
})();
