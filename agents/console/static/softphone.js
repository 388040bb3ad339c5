// The agent console's browser softphone (loaded after Twilio's Voice SDK, when the city hosts one).
(function () {
  "use strict";
  // The browser softphone: Twilio dials this agent's client identity once an offer is accepted.
  var status = document.getElementById("softphone");
  if (!window.Twilio || !window.Twilio.Device) {
    status.textContent = "Softphone: not configured here; accepted calls are connected by the local caller.";
    return;
  }
  function token() {
    return fetch(new URL("api/token", window.location.origin + window.location.pathname).toString(),
                 {credentials: "same-origin"}).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error(data.error || response.statusText); }
        return data.token;
      });
    });
  }
  token().then(function (value) {
    var device = new window.Twilio.Device(value);
    device.on("registered", function () { status.textContent = "Softphone: ready for calls."; });
    device.on("error", function (error) { status.textContent = "Softphone error: " + error.message; });
    device.on("tokenWillExpire", function () { token().then(function (fresh) { device.updateToken(fresh); }); });
    device.on("incoming", function (call) {
      status.textContent = "Softphone: connected to the caller.";
      call.on("disconnect", function () { status.textContent = "Softphone: ready for calls."; });
      call.accept();  // the agent already accepted the offer in this console
    });
    device.register();
  }).catch(function (error) { status.textContent = "Softphone: " + error.message; });
})();
