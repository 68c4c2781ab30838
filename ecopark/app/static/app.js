// ecopark review app: keyboard-first decisions. Shipped with the package; talks only to this app.
"use strict";
(function () {
  const token = (document.querySelector('meta[name="ecopark-token"]') || {}).content || "";
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));

  // the source page: put the band on the value's row and scroll to it
  const band = $("#here");
  if (band && band.dataset.top !== undefined) {
    band.style.top = band.dataset.top + "%";
    band.style.height = band.dataset.height + "%";
  }
  if (band) {
    const img = $(".page img");
    const go = () => band.scrollIntoView({ block: "center" });
    if (img && !img.complete) img.addEventListener("load", go); else go();
  }
  const queue = $("#queue");
  if (!queue) return;

  const message = $("#message");
  function say(text, isError) {
    message.textContent = text;
    message.className = isError ? "error" : "ok";
  }
  const stored = sessionStorage.getItem("ecopark-message");
  if (stored) { say(stored, false); sessionStorage.removeItem("ecopark-message"); }

  const items = () => $$("#queue li[data-key]");
  const current = () => $("#queue li.current");
  const currentKey = () => { const li = current(); return li ? li.dataset.key : ""; };
  const liOf = (key) => items().find((li) => li.dataset.key === key);

  async function post(url, body) {
    let response;
    try {
      response = await fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-Ecopark-Token": token },
        body: JSON.stringify(body),
      });
    } catch (e) {
      return { ok: false, error: "the review app does not answer (was it stopped?)" };
    }
    const type = response.headers.get("content-type") || "";
    if (type.startsWith("application/json")) return response.json();
    return { ok: false, error: await response.text() };
  }

  async function select(key) {
    const li = liOf(key);
    if (!li) return;
    const response = await fetch("/item?key=" + encodeURIComponent(key), { credentials: "same-origin" });
    if (!response.ok) { say(await response.text(), true); return; }
    $("#item").innerHTML = await response.text();
    items().forEach((x) => x.classList.toggle("current", x === li));
    li.scrollIntoView({ block: "nearest" });
    const url = new URL(location.href);
    url.searchParams.set("key", key);
    history.replaceState(null, "", url);
  }

  function move(step, leftOnly) {
    const all = items();
    const at = all.indexOf(current());
    for (let i = 1; i <= all.length; i++) {
      const li = all[(at + step * i + all.length * i) % all.length];
      if (!leftOnly || li.classList.contains("left")) { select(li.dataset.key); return true; }
    }
    return false;
  }

  function update(result) {
    $("[data-count=left]").textContent = result.counts.left;
    $("[data-count=reviewed]").textContent = result.counts.reviewed;
    for (const item of result.items) {
      const li = liOf(item.key);
      if (!li) continue;
      li.className = item.status + (li.classList.contains("current") ? " current" : "");
      $(".state", li).textContent = item.status;
    }
  }

  async function act(action) {
    const key = currentKey();
    if (!key) return;
    if (action === "skip") { move(1, true) || say("nothing else is left under this filter", false); return; }
    const input = $("#item input[name=value]");
    const value = action === "correct" && input ? input.value.trim() : "";
    if (action === "correct" && !value) { say("type the corrected value, then Enter", true); input && input.focus(); return; }
    const result = await post("/api/decide", { key: key, action: action, value: value });
    if (!result.ok) { say(result.error, true); return; }
    update(result);
    say(result.message, false);
    if (!move(1, true)) { await select(key); say(result.message + " · nothing left under this filter", false); }
  }

  async function undo() {
    const result = await post("/api/undo", {});
    if (!result.ok) { say(result.error, true); return; }
    update(result);
    say(result.message, false);
    if (result.items.length) await select(result.items[0].key);
  }

  function filterValues() {
    const out = {};
    new FormData($("#filters")).forEach((v, k) => { if (k !== "token") out[k] = v; });
    return out;
  }

  async function bulk(action) {
    const words = { accept: "Accept", suggestion: "Use the suggestion for", reject: "Reject" };
    const left = items().filter((li) => li.classList.contains("left")).length;
    if (!confirm(words[action] + " every value left in this list (" + left + ")?")) return;
    const result = await post("/api/bulk", { action: action, filter: filterValues() });
    if (!result.ok) { say(result.error, true); return; }
    sessionStorage.setItem("ecopark-message", result.message);
    location.reload();
  }

  queue.addEventListener("click", (e) => {
    const li = e.target.closest("li[data-key]");
    if (li) select(li.dataset.key);
  });
  $("#item").addEventListener("click", (e) => {
    const button = e.target.closest("button[data-action]");
    if (button) act(button.dataset.action);
  });
  $("#item").addEventListener("submit", (e) => { e.preventDefault(); act("correct"); });
  $$("#bulk button[data-bulk]").forEach((b) => b.addEventListener("click", () => bulk(b.dataset.bulk)));
  $("#undo").addEventListener("click", undo);

  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t.matches && t.matches("input, select, textarea")) {
      if (t.name === "value" && e.key === "Enter") { e.preventDefault(); act("correct"); }
      else if (e.key === "Escape") t.blur();
      return;
    }
    const keys = {
      a: () => act("accept"), s: () => act("suggestion"), r: () => act("reject"), n: () => act("skip"),
      j: () => move(1, false), k: () => move(-1, false), ArrowDown: () => move(1, false),
      ArrowUp: () => move(-1, false), u: () => undo(),
      c: () => { const i = $("#item input[name=value]"); if (i) i.focus(); },
      o: () => { const l = $("#item a.source-link"); if (l) window.open(l.href, "_blank", "noopener"); },
    };
    if (keys[e.key]) { e.preventDefault(); keys[e.key](); }
  });
})();
