// The agent console: state buttons, offers, notes; polls /agents/api/me every two seconds.
(function () {
  "use strict";
  // Absolute URLs without any user:password the page was opened with (fetch refuses those).
  var base = window.location.origin + window.location.pathname;
  function api(path) { return new URL(path, base).toString(); }
  // Every POST carries the session's CSRF token (from the page's <meta name="csrf-token">).
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var jsonHeaders = {"Content-Type": "application/json", "X-CSRFToken": csrf};
  var offerId = null;
  function show(me) {
    document.getElementById("state").textContent = me.state.replace("_", " ");
    document.getElementById("calls").textContent = me.calls_today || 0;
    document.getElementById("now").textContent = me.call ? describeCall(me.call, me.call_about) : "No call.";
    document.getElementById("note-form").hidden = !me.call;
    var offer = me.offer;
    var box = document.getElementById("offer");
    if (offer && offer.status === "pending") {
      offerId = offer.id;
      var seconds = Math.max(0, Math.round(offer.expires - Date.now() / 1000));
      document.getElementById("offer-heading").textContent =
        offer.kind === "callback" ? "Callback to make" : "Incoming call";
      document.getElementById("offer-text").textContent =
        describeOffer(offer, me.offer_about) + " — answer within " + seconds + " s.";
      box.hidden = false;
    } else {
      offerId = null;
      box.hidden = true;
    }
  }
  function describeOffer(offer, about) {
    var queue = " in queue " + offer.skill + "-" + offer.language;
    if (offer.kind !== "callback") { return "Caller waiting" + queue; }
    var why = about ? " about " + about.topic : "";
    var attempt = about ? ", attempt " + about.attempt + " of " + about.max_attempts : "";
    return "Call back " + offer.number + why + queue + attempt;
  }
  function describeCall(sid, about) {
    if (!about || about.kind !== "callback") { return "On call " + sid; }
    var doing = about.status === "dialing" ? "Calling back " : "On a callback with ";
    return doing + about.number + " about " + about.topic + " (queue " + about.queue + ")";
  }
  function call(method, url, body) {
    return fetch(api(url), {method: method, headers: jsonHeaders,
                       body: body ? JSON.stringify(body) : undefined, credentials: "same-origin"})
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) { throw new Error(data.error || response.statusText); }
          document.getElementById("error").textContent = "";
          return data;
        });
      })
      .then(show)
      .catch(function (error) { document.getElementById("error").textContent = error.message; });
  }
  document.querySelectorAll("[data-state]").forEach(function (button) {
    button.addEventListener("click", function () { call("POST", "api/me/state", {state: button.dataset.state}); });
  });
  document.getElementById("accept").addEventListener("click", function () {
    if (offerId) { call("POST", "api/offers/" + offerId + "/accept"); }
  });
  document.getElementById("reject").addEventListener("click", function () {
    if (offerId) { call("POST", "api/offers/" + offerId + "/reject"); }
  });
  document.getElementById("note-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var box = document.getElementById("note");
    fetch(api("api/me/note"), {method: "POST", headers: jsonHeaders,
                                body: JSON.stringify({text: box.value}), credentials: "same-origin"})
      .then(function (response) { return response.json().then(function (data) { return [response.ok, data]; }); })
      .then(function (result) {
        document.getElementById("note-status").textContent = result[0] ? "Saved." : result[1].error;
        if (result[0]) { box.value = ""; }
      });
  });
  function poll() { call("GET", "api/me"); }
  poll();
  setInterval(poll, 2000);
})();
