// CityLine call tools: the case, the knowledge base and the directory next to the call.
// Self-contained: reads the call from GET /agents/api/me, follows the console's `cityline:call` event,
// and sends X-CSRFToken (from <meta name="csrf-token">) with every JSON post when the page has one.
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  if (!$("call-tools")) return;
  let call = null;
  let caseRef = null;

  function say(text, isError) {
    const status = $("ct-status");
    status.textContent = text || "";
    status.classList.toggle("error", Boolean(isError));
  }

  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    const token = document.querySelector('meta[name="csrf-token"]');
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token && method !== "GET") headers["X-CSRFToken"] = token.content;
    const response = await fetch("/agents/api" + path, {
      method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = { error: "The server answered " + response.status + "." }; }
    if (!response.ok) throw new Error(data.error || "The server answered " + response.status + ".");
    return data;
  }

  function item(list, text, button, onClick) {
    const li = document.createElement("li");
    li.append(document.createTextNode(text + " "));
    if (button) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = button;
      b.addEventListener("click", onClick);
      li.append(b);
    }
    list.append(li);
  }

  function showCase(c) {
    caseRef = c ? c.reference : null;
    $("ct-my-case").textContent = c
      ? `Case ${c.display} (${c.service}, ${c.status}). Read it back: ${c.spoken_en}.`
      : "No case for this call yet.";
    $("ct-status-form").hidden = !c;
    $("ct-text-number").hidden = !c;
  }

  async function textNumber() {
    if (!caseRef) return;
    try {
      const sent = await api("POST", `/cases/${caseRef}/text`);
      say(`The case number is being texted to ${sent.to}.`);
    } catch (error) { say(error.message, true); }
  }

  async function refreshCall(sid) {
    call = sid || null;
    showCase(null);
    if (!call) return;
    try {
      showCase((await api("GET", "/cases/mine")).case);
      const suggested = await api("GET", "/knowledge/suggested");
      listArticles(suggested.articles, "Suggested for this call");
    } catch (error) { say(error.message, true); }
  }

  async function searchServices() {
    try {
      const q = encodeURIComponent($("ct-service-search").value);
      const select = $("ct-service");
      const found = (await api("GET", "/service-types?q=" + q)).services;
      select.replaceChildren(new Option("Choose…", ""), ...found.map((s) => new Option(s.name, s.code)));
      if (found.length === 1) { select.value = found[0].code; await loadQuestions(); }
    } catch (error) { say(error.message, true); }
  }

  async function loadQuestions() {
    const box = $("ct-questions");
    const legend = box.querySelector("legend");
    box.replaceChildren(legend);
    box.hidden = true;
    if (!$("ct-service").value) return;
    const questions = (await api("GET", "/service-types/" + encodeURIComponent($("ct-service").value))).questions;
    questions.forEach((q, index) => {
      const id = "ct-q-" + index;
      const label = Object.assign(document.createElement("label"), { htmlFor: id, textContent: q.question + (q.required ? " (required)" : "") });
      const field = q.values && q.values.length ? document.createElement("select") : document.createElement("input");
      if (field.tagName === "SELECT") field.append(new Option("—", ""), ...q.values.map((v) => new Option(v.name, v.key)));
      Object.assign(field, { id, required: q.required });
      field.dataset.code = q.code;
      box.append(label, field);
    });
    box.hidden = questions.length === 0;
  }

  async function nearby() {
    const list = $("ct-nearby");
    list.replaceChildren();
    const service = $("ct-service").value, address = $("ct-address").value.trim();
    if (!service || !address) { say("Choose a service type and type the address first.", true); return; }
    try {
      const cases = (await api("GET", `/cases/nearby?service=${encodeURIComponent(service)}&address=${encodeURIComponent(address)}`)).cases;
      cases.forEach((c) => item(list, `${c.display}: ${c.address}, ${c.status}. ${c.description}`,
        "Add this caller to " + c.display, () => join(c.reference)));
      say(cases.length ? `${cases.length} open case(s) nearby: is this the same problem?` : "No open case nearby.");
    } catch (error) { say(error.message, true); }
  }

  async function join(reference) {
    try {
      showCase((await api("POST", `/cases/${reference}/join`)).case);
      say("The caller was added to the existing case.");
    } catch (error) { say(error.message, true); }
  }

  async function fileCase(event) {
    event.preventDefault();
    const attributes = {};
    $("ct-questions").querySelectorAll("[data-code]").forEach((f) => { if (f.value) attributes[f.dataset.code] = f.value; });
    try {
      const filed = await api("POST", "/cases", {
        service_code: $("ct-service").value, address: $("ct-address").value, zip_code: $("ct-zip").value,
        description: $("ct-description").value, attributes,
      });
      showCase(filed.case);
      say("Case filed: " + filed.case.display);
    } catch (error) { say(error.message, true); }
  }

  async function moveCase(event) {
    event.preventDefault();
    if (!caseRef) return;
    const text = $("ct-resolution").value;
    try {
      const moved = await api("POST", `/cases/${caseRef}/status`, { status: $("ct-new-status").value, note: text, resolution: text });
      showCase(moved.case);
      say("Case is now " + moved.case.status + ".");
    } catch (error) { say(error.message, true); }
  }

  function listArticles(articles, heading) {
    const list = $("ct-articles");
    list.replaceChildren();
    if (heading && articles.length) say(heading + ": " + articles.length + " article(s).");
    articles.forEach((a) => item(list, a.title + " — " + a.snippet, "Open " + a.title, () => openArticle(a.id)));
  }

  async function searchKnowledge(event) {
    event.preventDefault();
    try {
      const q = encodeURIComponent($("ct-knowledge-q").value), lang = $("ct-knowledge-lang").value;
      const found = await api("GET", `/knowledge?q=${q}&lang=${lang}`);
      listArticles(found.articles);
      say(found.articles.length ? "" : "No article matches.");
    } catch (error) { say(error.message, true); }
  }

  async function openArticle(id) {
    try {
      const a = await api("GET", "/knowledge/" + id);
      const box = $("ct-article");
      const title = Object.assign(document.createElement("h4"), { textContent: a.title });
      box.replaceChildren(title, document.createTextNode(a.body));
      box.hidden = false;
      box.focus();
    } catch (error) { say(error.message, true); }
  }

  async function searchDirectory() {
    try {
      const lang = document.documentElement.lang === "es" ? "es" : "en";
      const found = (await api("GET", "/directory?q=" + encodeURIComponent($("ct-directory-q").value))).departments;
      const list = $("ct-departments");
      list.replaceChildren();
      found.forEach((d) => item(list, `${d.names[lang] || d.names.en}: ${d.number} (${d.hours[lang] || d.hours.en || ""})`));
    } catch (error) { say(error.message, true); }
  }

  $("ct-service-search").addEventListener("change", searchServices);
  $("ct-service").addEventListener("change", () => loadQuestions().catch((e) => say(e.message, true)));
  $("ct-nearby-button").addEventListener("click", nearby);
  $("ct-text-number").addEventListener("click", textNumber);
  $("ct-case-form").addEventListener("submit", fileCase);
  $("ct-status-form").addEventListener("submit", moveCase);
  $("ct-knowledge-form").addEventListener("submit", searchKnowledge);
  $("ct-directory-q").addEventListener("input", searchDirectory);
  document.addEventListener("cityline:call", (event) => {
    const sid = event.detail && (event.detail.call || event.detail.call_sid);
    if (sid !== call) refreshCall(sid);
  });
  api("GET", "/me").then((me) => refreshCall(me.call)).catch((error) => say(error.message, true));
  searchDirectory();
})();
