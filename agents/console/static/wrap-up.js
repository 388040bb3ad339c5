/* Wrap-up after a call (countdown, More time, the wrap-up code) and notices from routing, in the console.
 * Follows the console's "cityline:me" event; posts through window.CityLineConsole.request (CSRF header),
 * and redraws the console from the answer.  The codes and their labels come from the routing config. */
(function () {
  "use strict";
  var C = window.CityLineConsole;
  function $(id) { return document.getElementById(id); }
  var me = null, shownCall = null;

  function lang() { return document.documentElement.lang === "es" ? "es" : "en"; }
  function post(path, body) {
    return C.request("POST", path, body).then(C.show).catch(function (error) { C.showError(error.message); C.refresh(); });
  }
  function who(about) { return about && !about.withheld ? about.number : C.t("withheld"); }

  function drawCodes(wrap) {
    var select = $("wrap-up-code"), labels = (wrap.labels && wrap.labels[lang()]) || wrap.codes;
    var keep = shownCall === wrap.call ? select.value : "";  // a choice not yet recorded stays while it is this call's
    select.replaceChildren();
    var blank = document.createElement("option");
    blank.value = ""; blank.textContent = C.t("choose_code");
    select.appendChild(blank);
    labels.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.code; option.textContent = item.label;
      select.appendChild(option);
    });
    select.value = keep || wrap.code || "";
    if (shownCall !== wrap.call) { $("wrap-up-status").textContent = ""; }
    if (wrap.code) {
      var chosen = labels.filter(function (item) { return item.code === wrap.code; })[0];
      $("wrap-up-status").textContent = C.t("code_saved", {code: chosen ? chosen.label : wrap.code});
    }
    shownCall = wrap.call;
  }

  function draw(data) {
    me = data;
    var wrap = data.state === "wrap_up" ? data.wrap_up : null, box = $("wrap-up");
    box.hidden = !wrap;
    if (wrap) {
      drawCodes(wrap);
      $("wrap-up-required").hidden = !wrap.required;
      $("wrap-up-code").required = wrap.required;
      $("wrap-up-extend").disabled = !wrap.can_extend;
    } else {
      shownCall = null;
    }
    var notice = data.notice;
    $("notice").hidden = !notice;
    if (notice) {
      var values = Object.assign({}, notice.values || {});
      values.who = values.number || C.t("withheld");
      $("notice-text").textContent = C.t(notice.key, values);
    }
    tick();
  }

  function tick() {
    if (!me || !me.wrap_up || me.state !== "wrap_up") { return; }
    var wrap = me.wrap_up, left = Math.max(0, Math.round(wrap.ends - C.now()));
    var text = left > 0 ? C.t("wrap_left", {s: left}) : (wrap.required && !wrap.code ? C.t("need_code") : C.t("wrap_over"));
    if ($("wrap-up-left").textContent !== text) { $("wrap-up-left").textContent = text; }
  }
  setInterval(tick, 1000);

  $("wrap-up").addEventListener("submit", function (event) {
    event.preventDefault();
    var code = $("wrap-up-code").value;
    if (!code) { C.showError(C.t("choose_code")); $("wrap-up-code").focus(); return; }
    post("api/me/wrap-up/code", {code: code});
  });
  $("wrap-up-extend").addEventListener("click", function () { post("api/me/wrap-up/extend"); });
  $("notice-dismiss").addEventListener("click", function () { post("api/me/notice/dismiss"); });
  document.addEventListener("cityline:me", function (event) { draw(event.detail); });
  if (C.state()) { draw(C.state()); }
})();
