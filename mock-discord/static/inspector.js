// The live inspector: draws each login as a sequence diagram while it
// happens. One file, no framework, no build step, and no inline script,
// so the page keeps a strict Content-Security-Policy.
//
// Every text goes in through textContent, never innerHTML: a step carries
// what a client sent (a hostile `state`, say), and none of it may become
// markup.
"use strict";

(function () {
  const PARTIES = ["browser", "app", "provider"];
  const NAMES = { browser: "Browser", app: "App", provider: "Provider" };
  const logins = document.getElementById("logins");
  const empty = document.getElementById("empty");
  const detail = document.getElementById("detail");
  const connection = document.getElementById("connection");
  const seen = new Set();
  const diagrams = new Map();

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // The diagram of login `number`, made on its first step.
  function diagramFor(number) {
    let steps = diagrams.get(number);
    if (steps) return steps;
    const section = element("section", "login");
    section.dataset.login = number;
    section.appendChild(element("h2", null, "Login " + number));
    const lifelines = element("div", "lifelines");
    for (const party of PARTIES) lifelines.appendChild(element("span", party, NAMES[party]));
    section.appendChild(lifelines);
    steps = element("div", "steps");
    section.appendChild(steps);
    logins.appendChild(section);
    diagrams.set(number, steps);
    return steps;
  }

  function addStep(step) {
    if (seen.has(step.seq)) return;
    seen.add(step.seq);
    empty.hidden = true;
    const from = PARTIES.indexOf(step.from);
    const to = PARTIES.indexOf(step.to);
    const row = element("button", "step " + (step.ok ? "ok" : "refused"));
    row.type = "button";
    row.dataset.seq = step.seq;
    if (from === to) {
      row.classList.add("note", "over-" + from);
    } else {
      row.classList.add(from < to ? "rightward" : "leftward");
      row.classList.add("between-" + Math.min(from, to) + "-" + Math.max(from, to));
    }
    const arrow = element("span", "arrow");
    arrow.appendChild(element("span", "mark", step.ok ? "✓ " : "✗ "));
    arrow.appendChild(document.createTextNode(step.label));
    row.appendChild(arrow);
    row.addEventListener("click", function () { show(step, row); });
    diagramFor(step.login).appendChild(row);
  }

  function lines(title, values) {
    if (!values || values.length === 0) return;
    detail.appendChild(element("h3", null, title));
    detail.appendChild(element("pre", null, values.join("\n")));
  }

  function paragraph(title, text) {
    if (!text) return;
    detail.appendChild(element("h3", null, title));
    detail.appendChild(element("p", null, text));
  }

  // RFC 7636 §4.6, as the provider checked it.
  function pkce(check) {
    const box = element("div", "pkce " + (check.matches ? "ok" : "refused"));
    box.appendChild(element("h3", null, "The PKCE check (RFC 7636 §4.6)"));
    const shown = [
      "code_verifier, sent with the code:",
      "  " + (check.verifier || "(none sent)"),
      "BASE64URL(SHA256(code_verifier)):",
      "  " + (check.computed || "(nothing to hash)"),
      "code_challenge, sent at /authorize:",
      "  " + (check.challenge || "(none sent)"),
    ];
    box.appendChild(element("pre", null, shown.join("\n")));
    box.appendChild(element("p", null,
      "Each is shown cut (anyone reading this page could otherwise mint a code for a login under way); the mock compared them whole."));
    box.appendChild(element("p", "verdict", check.matches
      ? "Equal: only the browser that started this login could send this verifier."
      : "Not equal: the code is refused (invalid_grant)."));
    detail.appendChild(box);
  }

  function show(step, row) {
    for (const selected of document.querySelectorAll(".step.selected")) selected.classList.remove("selected");
    row.classList.add("selected");
    detail.replaceChildren();
    detail.appendChild(element("h2", null, step.label));
    detail.appendChild(element("p", null,
      NAMES[step.from] + " → " + NAMES[step.to] + " · " + (step.ok ? "went through" : "refused")));
    paragraph("What it is", step.explanation.what);
    paragraph("Where the RFC says so", step.explanation.rfc);
    paragraph("The attack it stops", step.explanation.attack);
    if (step.pkce) pkce(step.pkce);
    lines(step.from === step.to ? "What was checked" : "Request", step.request);
    lines("Answer", step.answer);
  }

  function clear() {
    seen.clear();
    diagrams.clear();
    for (const section of logins.querySelectorAll(".login")) section.remove();
    empty.hidden = false;
  }

  const source = new EventSource("/__mock/events");
  source.addEventListener("open", function () { connection.textContent = "Live: new steps appear as they happen."; });
  source.addEventListener("error", function () { connection.textContent = "Disconnected; reconnecting…"; });
  source.addEventListener("step", function (event) { addStep(JSON.parse(event.data)); });
  source.addEventListener("reset", clear);
})();
