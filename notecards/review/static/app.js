// The review desk page: a thin client of the JSON API (see README, "Review desk").
// Every string from the server is set as textContent, never as HTML.
"use strict";

const TOKEN = document.body.dataset.token;
const state = { cards: [], rejects: [], current: null, reject: null };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function api(method, path, body) {
  const options = { method, headers: { "X-Notecards-Token": TOKEN } };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({ error: response.statusText }));
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

function notice(text, ok) {
  const box = document.getElementById("notice");
  box.textContent = text || "";
  box.hidden = !text;
  box.classList.toggle("ok", Boolean(ok));
}

function proofUrl(card, side) {
  return `/api/cards/${card.card_number}/proof/${side}.png?token=${encodeURIComponent(TOKEN)}&v=${card.proof_version}`;
}

// ---- the list --------------------------------------------------------------------------

function filters() {
  return {
    occasion: document.getElementById("f-occasion").value,
    warnings: document.getElementById("f-warnings").checked,
    edited: document.getElementById("f-edited").checked,
    held: document.getElementById("f-held").checked,
  };
}

function visibleCards() {
  const f = filters();
  return state.cards.filter((c) =>
    (!f.occasion || c.occasion === f.occasion) &&
    (!f.warnings || c.warnings.length > 0) &&
    (!f.edited || c.edited) &&
    (!f.held || c.status === "held"));
}

function statusChip(status) {
  const words = { pending: "to review", approved: "approved", held: "held", skipped: "skipped" };
  return el("span", { class: `chip ${status}`, text: words[status] || status });
}

function renderCounts(data) {
  const c = data.counts;
  const box = document.getElementById("counts");
  box.replaceChildren(
    el("b", { text: String(state.cards.length) }), state.cards.length === 1 ? " card · " : " cards · ",
    el("b", { text: String(c.approved) }), " approved · ",
    el("b", { text: String(c.held) }), " held · ",
    el("b", { text: String(c.skipped) }), " skipped · ",
    el("b", { text: String(c.pending) }), " to review",
    data.rejected ? ` · ${data.rejected} rejected row${data.rejected === 1 ? "" : "s"}` : "");
  document.getElementById("print").disabled = c.approved === 0;
}

function renderList() {
  const list = document.getElementById("cards");
  const cards = visibleCards();
  list.replaceChildren(...cards.map((card) => el("li", {
    class: card.card_number === state.current && state.reject === null ? "current" : "",
    "data-card": card.card_number,
    onclick: () => select(card.card_number),
  },
  el("span", { class: "num", text: `№ ${card.card_number}` }),
  el("span", { class: "who", text: card.recipient }),
  el("span", { class: "what", text: `${card.occasion_title}${card.order_id ? ` · order ${card.order_id}` : ""}` }),
  el("span", { class: "flags" },
    card.warnings.length ? el("span", { class: "dot-warn", title: "has warnings", text: "●" }) : null,
    card.edited ? el("span", { class: "chip edited", text: "edited" }) : null,
    statusChip(card.status)))));
  if (!cards.length) list.append(el("li", { class: "empty", text: "No card matches these filters." }));
  const current = list.querySelector("li.current");
  if (current) current.scrollIntoView({ block: "nearest" });

  const section = document.getElementById("rejects");
  section.hidden = state.rejects.length === 0;
  section.querySelector("h2").textContent = `Rejected rows (${state.rejects.length})`;
  document.getElementById("reject-list").replaceChildren(...state.rejects.map((r) => el("li", {
    class: state.reject === r.number ? "current" : "",
    onclick: () => selectReject(r.number),
  }, `${r.source} row ${r.row}`, el("span", { class: "why", text: r.reason })))); 
}

function fillOccasions() {
  const select = document.getElementById("f-occasion");
  const chosen = select.value;
  const occasions = new Map(state.cards.map((c) => [c.occasion, c.occasion_title]));
  select.replaceChildren(el("option", { value: "", text: "All occasions" }),
    ...[...occasions].map(([slug, title]) => el("option", { value: slug, text: title })));
  select.value = occasions.has(chosen) ? chosen : "";
}

async function load() {
  const data = await api("GET", "/api/cards");
  state.cards = data.cards;
  state.rejects = data.rejects;
  fillOccasions();
  renderCounts(data);
  if (data.problems.length) notice(data.problems.join(" "));
  const numbers = state.cards.map((c) => c.card_number);
  if (state.reject === null && !numbers.includes(state.current)) state.current = numbers[0] ?? null;
  renderList();
  if (state.reject !== null) renderReject();
  else renderDetail();
  return data;
}

// ---- one card --------------------------------------------------------------------------

function currentCard() {
  return state.cards.find((c) => c.card_number === state.current) || null;
}

function select(number) {
  state.current = number;
  state.reject = null;
  renderList();
  renderDetail();
}

function move(step) {
  const cards = visibleCards();
  if (!cards.length) return;
  const index = cards.findIndex((c) => c.card_number === state.current);
  const next = index < 0 ? 0 : Math.min(cards.length - 1, Math.max(0, index + step));
  select(cards[next].card_number);
}

function proofFigure(card, side, caption) {
  const img = el("img", { id: `proof-${side}`, alt: `${caption} of card ${card.card_number}`, src: proofUrl(card, side) });
  return el("figure", { class: side }, img, el("figcaption", { text: caption }));
}

function renderDetail() {
  const main = document.getElementById("detail");
  const card = currentCard();
  if (!card) {
    main.replaceChildren(el("p", { class: "empty", text: state.cards.length ? "No card selected." : "No cards to review: every card is printed, or none is due today." }));
    return;
  }
  const signerOptions = card.signers.includes(card.signer) ? card.signers : [card.signer, ...card.signers];
  const form = el("form", { class: "box edit", id: "edit-form", onsubmit: (e) => { e.preventDefault(); queued(save); } },
    el("h2", { text: "Wording" }),
    el("label", { class: "field", for: "personal-line", text: "Personal line (a line in your own words)" }),
    el("textarea", { id: "personal-line", rows: 2, maxlength: 300, placeholder: "e.g. See you at the spring market!" }),
    el("details", { id: "message-box", open: card.edited_fields.includes("message") },
      el("summary", { text: "Edit the whole message" }),
      el("textarea", { id: "message", rows: 7, maxlength: 2000 })),
    el("div", { class: "row" },
      el("div", {}, el("label", { class: "field", for: "signer", text: "Signed by" }),
        el("select", { id: "signer" }, ...signerOptions.map((s) => el("option", { value: s, text: s })))),
      el("div", {}, el("label", { class: "field", for: "variant", text: "Wording" }),
        el("select", { id: "variant" }, ...card.variants.map((v) => el("option", { value: v, text: v.replace(/^\d+-/, "") }))))),
    el("div", { class: "actions" },
      el("button", { type: "submit", class: "primary", id: "save", text: "Save wording" }),
      card.edited ? el("button", { type: "button", id: "revert", onclick: () => queued(revert), text: "Back to the template" }) : null),
    el("p", { class: "error", id: "edit-error", hidden: true }),
    el("div", { class: "decide" },
      el("button", { type: "button", class: "approve", id: "approve", onclick: () => queued(() => setStatus("approved")), text: "Approve  a" }),
      el("button", { type: "button", class: "hold", id: "hold", onclick: () => queued(() => setStatus("held")), text: "Hold  h" }),
      el("button", { type: "button", class: "skip", id: "skip", onclick: () => queued(() => setStatus("skipped")), text: "Skip  s" })));
  const facts = el("section", { class: "box facts" },
    el("h2", { text: "Order" }),
    el("dl", {},
      el("dt", { text: "Recipient" }), el("dd", {}, card.recipient, ...card.address.map((line) => [el("br"), line])),
      el("dt", { text: "Order" }), el("dd", { text: card.order_id || "—" }),
      el("dt", { text: "Bought" }), el("dd", { text: card.items.length ? card.items.join(", ") : "—" }),
      el("dt", { text: "Occasion" }), el("dd", { text: card.occasion_title }),
      el("dt", { text: "From" }), el("dd", { text: card.source }),
      card.reason ? [el("dt", { text: "Reason" }), el("dd", { text: card.reason })] : null),
    card.warnings.length ? el("ul", { class: "warnings" }, ...card.warnings.map((w) => el("li", { text: w }))) : null);
  main.replaceChildren(
    el("div", { class: "card-head" },
      el("h1", { text: `№ ${card.card_number} · ${card.recipient}` }),
      el("span", { class: "sub", text: card.occasion_title }),
      statusChip(card.status),
      card.edited ? el("span", { class: "chip edited", text: "edited" }) : null),
    el("div", { class: "workspace" },
      el("div", { class: "proofs" },
        proofFigure(card, "inside", "Inside"),
        proofFigure(card, "outside", "Outside"),
        proofFigure(card, "envelope", "Envelope")),
      el("div", { class: "side" }, form, facts)));
  document.getElementById("personal-line").value = card.personal_line;
  document.getElementById("message").value = card.message;
  document.getElementById("signer").value = card.signer;
  document.getElementById("variant").value = card.variant;
  prefetchNext();
}

// Proofs of the next card are fetched ahead, so moving on with j shows them at once.
function prefetchNext() {
  const cards = visibleCards();
  const index = cards.findIndex((c) => c.card_number === state.current);
  const next = cards[index + 1];
  if (!next) return;
  for (const side of ["inside", "outside", "envelope"]) new Image().src = proofUrl(next, side);
}

// Keys and buttons act one after another: "a" then "h" pressed quickly approve one card
// and hold the next, never both on the same card.
let queue = Promise.resolve();
function queued(action) {
  queue = queue.then(action).catch((err) => notice(err.message));
  return queue;
}

function showError(text) {
  const box = document.getElementById("edit-error");
  if (!box) { notice(text); return; }
  box.textContent = text || "";
  box.hidden = !text;
}

function replaceCard(card) {
  state.cards = state.cards.map((c) => (c.card_number === card.card_number ? card : c));
}

async function patch(body) {
  const card = currentCard();
  if (!card) return null;
  try {
    const updated = await api("PATCH", `/api/cards/${card.card_number}`, body);
    replaceCard(updated);
    showError("");
    return updated;
  } catch (err) {
    showError(err.message);
    return null;
  }
}

async function save() {
  const card = currentCard();
  const body = {};
  const line = document.getElementById("personal-line").value;
  const message = document.getElementById("message").value;
  const signer = document.getElementById("signer").value;
  const variant = document.getElementById("variant").value;
  if (line !== card.personal_line) body.personal_line = line;
  if (variant !== card.variant) body.variant = variant;
  else if (message !== card.message) body.message = message;
  if (signer !== card.signer) body.signer = signer;
  if (!Object.keys(body).length) return;
  for (const img of document.querySelectorAll(".proofs img")) img.classList.add("loading");
  const updated = await patch(body);
  if (updated) { await refreshCounts(); renderList(); renderDetail(); }
  else for (const img of document.querySelectorAll(".proofs img")) img.classList.remove("loading");
}

async function revert() {
  const updated = await patch({ personal_line: null, message: null, signer: null, variant: null });
  if (updated) { await refreshCounts(); renderList(); renderDetail(); }
}

async function setStatus(status) {
  const body = { status };
  if (status === "skipped") {
    const reason = window.prompt("Why skip this card? (kept in the ledger)", "");
    if (reason === null) return;
    body.reason = reason;
  }
  const updated = await patch(body);
  if (!updated) return;
  await refreshCounts();
  if (status !== "pending") move(1);
  renderList();
  renderDetail();
}

async function refreshCounts() {
  const data = await api("GET", "/api/cards");
  state.rejects = data.rejects;
  state.cards = data.cards;
  renderCounts(data);
}

// ---- rejected rows ---------------------------------------------------------------------

function selectReject(number) {
  state.reject = number;
  renderList();
  renderReject();
}

function renderReject() {
  const reject = state.rejects.find((r) => r.number === state.reject);
  const main = document.getElementById("detail");
  if (!reject) { state.reject = null; renderDetail(); return; }
  const inputs = reject.fields.map((f, i) => el("div", {},
    el("label", { for: `fix-${i}`, text: f.name }),
    el("input", { type: "text", id: `fix-${i}`, "data-name": f.name, maxlength: 200, value: f.value })));
  main.replaceChildren(
    el("div", { class: "card-head" },
      el("h1", { text: `Rejected: ${reject.source} row ${reject.row}` }),
      reject.fixed ? el("span", { class: "chip edited", text: "fix kept" }) : null),
    el("form", { class: "box edit fix-form", onsubmit: (e) => { e.preventDefault(); fix(reject); } },
      el("h2", { text: "Why" }),
      el("p", { text: reject.reason }),
      el("h2", { text: "Fix it here (kept for this order; the export is not changed)" }),
      el("div", { class: "grid" }, ...inputs),
      el("div", { class: "actions" }, el("button", { type: "submit", class: "primary", text: "Save fix and plan again" })),
      el("p", { class: "error", id: "edit-error", hidden: true })));
}

async function fix(reject) {
  const fields = {};
  for (const input of document.querySelectorAll(".fix-form input[data-name]")) {
    const original = reject.fields.find((f) => f.name === input.dataset.name);
    if (original && original.value !== input.value) fields[input.dataset.name] = input.value;
  }
  try {
    const result = await api("PATCH", `/api/rejects/${reject.number}`, { fields });
    state.reject = null;
    await load(); // shows the batch's own warnings; the fix's confirmation comes last
    notice(`Fix kept. ${result.summary}`, true);
  } catch (err) {
    showError(err.message);
  }
}

// ---- printing --------------------------------------------------------------------------

async function printApproved() {
  const button = document.getElementById("print");
  button.disabled = true;
  button.textContent = "Printing…";
  try {
    const result = await api("POST", "/api/print");
    document.getElementById("summary-line").textContent = `${result.summary}. Written to ${result.out_dir}`;
    document.getElementById("summary-files").replaceChildren(...result.files.map((f) =>
      el("li", {}, f.url ? el("a", { href: f.url, target: "_blank", rel: "noopener", text: f.name }) : f.name)));
    document.getElementById("summary").hidden = false;
    document.getElementById("summary-close").focus();
    notice("");
    await load();
  } catch (err) {
    notice(err.message);
  } finally {
    button.textContent = "Print approved cards";
  }
}

// ---- keys ------------------------------------------------------------------------------

document.addEventListener("keydown", (event) => {
  const target = event.target;
  const typing = ["TEXTAREA", "SELECT"].includes(target.tagName) ||
    (target.tagName === "INPUT" && !["checkbox", "radio", "button"].includes(target.type));
  if (typing) {
    if (event.key === "Escape") event.target.blur();
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && state.reject === null) {
      event.preventDefault();
      queued(save);
    }
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (!document.getElementById("summary").hidden) {
    if (event.key === "Escape") document.getElementById("summary").hidden = true;
    return;
  }
  const actions = {
    j: () => queued(() => move(1)), ArrowDown: () => queued(() => move(1)),
    k: () => queued(() => move(-1)), ArrowUp: () => queued(() => move(-1)),
    a: () => queued(() => setStatus("approved")), h: () => queued(() => setStatus("held")),
    s: () => queued(() => setStatus("skipped")), u: () => queued(() => setStatus("pending")),
    e: () => queued(() => document.getElementById("personal-line")?.focus()),
    m: () => queued(() => { const box = document.getElementById("message-box"); if (box) { box.open = true; document.getElementById("message").focus(); } }),
    p: () => queued(() => { if (!document.getElementById("print").disabled) return printApproved(); }),
  };
  const action = actions[event.key];
  if (action) { event.preventDefault(); action(); }
});

document.getElementById("print").addEventListener("click", () => queued(printApproved));
document.getElementById("summary-close").addEventListener("click", () => { document.getElementById("summary").hidden = true; });
for (const id of ["f-occasion", "f-warnings", "f-edited", "f-held"]) {
  document.getElementById(id).addEventListener("change", () => {
    const cards = visibleCards();
    if (cards.length && !cards.some((c) => c.card_number === state.current)) state.current = cards[0].card_number;
    renderList();
    renderDetail();
  });
}
load().catch((err) => notice(err.message));
