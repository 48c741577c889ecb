/* mutinfo explorer: the shared frame.
 *
 * Every section is an HTML fragment (served by /sections/<id>.html, LaTeX already turned into
 * MathML on the server: write <span class="tex">..</span> or <div class="tex">..</div> in the
 * fragment) plus a script js/sections/<id>.js that calls
 *
 *     MI.registerSection("<id>", { init(el, ctx) { ... } });
 *
 * init runs once, when the section first comes near the viewport (or is opened by a share
 * link). el is the <section> element holding the fragment; ctx = {id, params, meta}, where
 * params are the section's parameters read from the URL (strings) and meta is /api/meta.
 *
 * Conventions the browser tests rely on:
 *   - call MI.rendered(el) after every completed redraw: it sets data-state="ready" and
 *     increments data-renders; MI.busy(el) marks a redraw in progress (data-busy="1").
 *     A view that shows its estimate first and its uncertainty later calls MI.drawn(el) after
 *     the first paint (the latency benchmark measures control change -> MI.drawn or
 *     MI.rendered, whichever comes first) and MI.rendered(el) when everything is in.
 *   - every numeric readout element has data-testid; MI.showReadout / MI.showNumber set its
 *     text and data-value (the raw float).
 *   - controls are native inputs with a name attribute; MI.wire connects them.
 */
(function () {
  "use strict";

  const registry = {};      // id -> section definition
  const started = {};       // id -> true once init ran
  let meta = null;
  let sectionObserver = null;
  let anchorTarget = null;  // a #section of the address, while the fragments load (see boot)
  const version = { value: null };

  // ---------- small utilities ----------
  function debounce(fn, ms) {
    let timer = null;
    return function (...args) {
      clearTimeout(timer);
      timer = setTimeout(() => fn.apply(this, args), ms === undefined ? 120 : ms);
    };
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  function fmt(v, digits) {
    if (v === null || v === undefined || Number.isNaN(v)) return "n/a";
    if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
    const d = digits === undefined ? 3 : digits;
    const s = Number(v).toFixed(d);
    return s.startsWith("-") ? "−" + s.slice(1) : s;  // a real minus sign
  }

  function fmtP(p) {
    if (p === null || p === undefined) return "n/a";
    return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
  }

  // "p = 0.03", or "p ≤ 0.005" when no shuffle reached the observed value (the floor 1/(m+1)).
  function pText(p, m) {
    if (m && p <= 1 / (m + 1) + 1e-12) return `p ≤ ${fmtP(1 / (m + 1))}`;
    return `p = ${fmtP(p)}`;
  }

  // ---------- API ----------
  class ApiError extends Error {
    constructor(status, detail) {
      super(typeof detail === "string" ? detail : JSON.stringify(detail));
      this.status = status;
      this.detail = detail;
    }
  }

  function detailText(detail) {
    if (typeof detail === "string") return detail;
    if (Array.isArray(detail)) {
      return detail.map((d) => `${(d.loc || []).slice(1).join(".")}: ${d.msg}`).join("; ");
    }
    return JSON.stringify(detail);
  }

  async function api(path, params, init) {
    const url = new URL(path, window.location.origin);
    Object.entries(params || {}).forEach(([k, v]) => {
      if (v === undefined || v === null) return;
      if (Array.isArray(v)) v.forEach((item) => url.searchParams.append(k, item));
      else url.searchParams.set(k, v);
    });
    const response = await fetch(url, init);
    let body = null;
    try { body = await response.json(); } catch (e) { body = { detail: response.statusText }; }
    if (!response.ok) throw new ApiError(response.status, detailText(body.detail));
    return body;
  }

  // Only the most recent request per key is allowed to render: older answers resolve to null,
  // so a fast slider never shows numbers for a value it has already left.
  const latestTokens = {};
  async function apiLatest(key, path, params) {
    const token = (latestTokens[key] || 0) + 1;
    latestTokens[key] = token;
    const body = await api(path, params);
    return latestTokens[key] === token ? body : null;
  }

  // Resolve true after ms if no newer apiLatest(key, ...) was issued meanwhile. Views call it
  // between their fast first stage and the slow uncertainty stage, so that dragging a slider
  // does not queue a permutation test for every value it passes through.
  function idle(key, ms) {
    const token = latestTokens[key] || 0;
    return new Promise((resolve) => setTimeout(() => resolve((latestTokens[key] || 0) === token), ms));
  }

  // ---------- readouts ----------
  function readout(r) {
    if (r === null || r === undefined) return "n/a";
    if (typeof r === "number") return fmt(r);
    const parts = [`n = ${r.n}`, r.method];
    if (r.kind === "exact") parts.push("exact");
    if (r.p_value !== undefined && r.p_value !== null) parts.push(pText(r.p_value, r.n_resamples));
    if (r.ci) parts.push(`${Math.round((r.ci_level || 0.95) * 100)}% CI ${fmt(r.ci[0])} to ${fmt(r.ci[1])}`);
    return `${fmt(r.value)} ${r.unit || "bits"} (${parts.join(", ")})`;
  }

  function readoutMeta(r) {
    const full = readout(r);
    const i = full.indexOf(" (");
    return i < 0 ? [full, ""] : [full.slice(0, i), full.slice(i + 1)];
  }

  // Value and unit large, "(n, estimator, p, CI)" small; textContent is readout(r).
  function showReadout(node, r) {
    if (!node) return;
    const [head, tail] = readoutMeta(r);
    node.innerHTML = `<span class="v">${escapeHtml(head)}</span>` + (tail ? ` <span class="meta">${escapeHtml(tail)}</span>` : "");
    node.dataset.value = r && r.value !== null && r.value !== undefined ? String(r.value) : "";
    if (r && r.p_value !== undefined && r.p_value !== null) node.dataset.pvalue = String(r.p_value);
    if (r && r.method) node.dataset.method = r.method;
  }

  function showNumber(node, value, digits, suffix) {
    if (!node) return;
    node.textContent = fmt(value, digits) + (suffix || "");
    node.dataset.value = value === null || value === undefined ? "" : String(value);
  }

  // ---------- section state ----------
  function busy(el, on) {
    el.dataset.busy = on === false ? "0" : "1";
  }

  // The visible redraw after a control change is done (uncertainty may still be coming):
  // increments data-draws; the latency benchmark times control change -> this.
  function drawn(el) {
    el.dataset.draws = String(Number(el.dataset.draws || 0) + 1);
    el.dataset.drawnAt = String(performance.now());
  }

  function rendered(el) {
    el.dataset.busy = "0";
    el.dataset.state = "ready";
    el.dataset.renders = String(Number(el.dataset.renders || 0) + 1);
    el.dataset.renderedAt = String(performance.now());
    const err = el.querySelector(".mi-error.api");
    if (err) err.hidden = true;
  }

  function showError(el, error) {
    let box = el.querySelector(".mi-error.api");
    if (!box) {
      box = document.createElement("p");
      box.className = "mi-error api";
      box.setAttribute("role", "alert");
      const anchor = el.querySelector(".mi-controls") || el.firstElementChild;
      if (anchor && anchor.after) anchor.after(box); else el.prepend(box);
    }
    box.hidden = false;
    box.textContent = `Could not compute: ${error && error.message ? error.message : error}`;
    el.dataset.busy = "0";
    el.dataset.state = "error";
  }

  // Typed warnings the library raised for this view (response field "warnings").
  function showWarnings(el, list) {
    let box = el.querySelector(".mi-lib-warnings");
    if (!box) {
      box = document.createElement("div");
      box.className = "mi-warning mi-lib-warnings";
      box.setAttribute("role", "status");
      const anchor = el.querySelector(".mi-extras");
      if (anchor) anchor.before(box); else el.appendChild(box);
    }
    const items = list || [];
    box.hidden = items.length === 0;
    box.dataset.count = String(items.length);
    box.innerHTML = items.length ? "<strong>mutinfo says:</strong><ul>" +
      items.map((w) => `<li>${escapeHtml(w)}</li>`).join("") + "</ul>" : "";
  }

  // ---------- controls ----------
  function controlValue(input) {
    if (input.type === "checkbox") return input.checked ? 1 : 0;
    if (input.type === "range" || input.type === "number") return input.value === "" ? null : Number(input.value);
    return input.value;
  }

  function controls(root) {
    const out = {};
    root.querySelectorAll("input[name], select[name]").forEach((input) => {
      if (input.type === "radio") { if (input.checked) out[input.name] = input.value; return; }
      out[input.name] = controlValue(input);
    });
    return out;
  }

  function updateOutputs(root) {
    root.querySelectorAll("output[for]").forEach((out) => {
      const input = root.querySelector("#" + CSS.escape(out.htmlFor.value || out.getAttribute("for")));
      if (input) out.textContent = input.value;
    });
  }

  // A line in the page-wide notice area under the header.
  function notice(text) {
    const box = document.getElementById("mi-version-warning");
    if (!box) return;
    box.hidden = false;
    box.textContent = box.textContent ? `${box.textContent} ${text}` : text;
  }

  function setControls(root, params) {
    Object.entries(params || {}).forEach(([name, value]) => {
      root.querySelectorAll(`[name="${CSS.escape(name)}"]`).forEach((input) => {
        if (input.type === "radio") input.checked = input.value === String(value);
        else if (input.type === "checkbox") input.checked = String(value) === "1" || value === true;
        else if (input.tagName === "SELECT") {
          if ([...input.options].some((o) => o.value === String(value))) input.value = String(value);
          else notice(`Ignored ${name}=${value} from the link: not one of the choices.`);
        } else {
          const v = Number(value);
          const min = input.min === "" ? -Infinity : Number(input.min);
          const max = input.max === "" ? Infinity : Number(input.max);
          if (value === "" || Number.isNaN(v) || v < min || v > max) {
            // a link with a value this control cannot take: say so, keep the default
            notice(`Ignored ${name}=${value} from the link: ${input.labels && input.labels[0] ?
              input.labels[0].textContent.trim() : name} takes values from ${input.min} to ${input.max}.`);
          } else {
            input.value = String(v);
          }
        }
      });
    });
    updateOutputs(root);
  }

  // Connect every named control under root to onChange(values). A "change" event (a key
  // press on a slider, a select, Enter in a number box, the end of a drag) fires at once; the
  // stream of "input" events during a drag is debounced. Identical consecutive states are
  // not fired twice. <output for> elements follow their inputs immediately.
  function wire(root, onChange, options) {
    const wait = options && options.debounce !== undefined ? options.debounce : 40;
    let timer = null;
    let last = JSON.stringify(controls(root));
    const fireNow = () => {
      clearTimeout(timer);
      const values = controls(root);
      const key = JSON.stringify(values);
      if (key === last) return;
      last = key;
      onChange(values);
    };
    const fireLater = () => { clearTimeout(timer); timer = setTimeout(fireNow, wait); };
    root.querySelectorAll("input[name], select[name]").forEach((input) => {
      if (input.type === "range") input.addEventListener("input", () => { updateOutputs(root); fireLater(); });
      input.addEventListener("change", () => { updateOutputs(root); fireNow(); });
    });
    updateOutputs(root);
    return fireNow;
  }

  // ---------- share links ----------
  // The query the page was opened with: sections read their shared state from it (the
  // address bar itself changes as the user works).
  const initialQuery = new URLSearchParams(window.location.search);

  const state = {
    // Parameters of section id from the opening URL (?s=<id>&key=value...), or {}.
    read(id) {
      const q = initialQuery;
      if (q.get("s") !== id) return {};
      const out = {};
      q.forEach((v, k) => { if (k !== "s" && k !== "v") out[k] = v; });
      return out;
    },
    link(id, params) {
      const q = new URLSearchParams();
      q.set("s", id);
      Object.entries(params || {}).forEach(([k, v]) => { if (v !== null && v !== undefined) q.set(k, v); });
      q.set("v", version.value || "");
      return `${window.location.origin}${window.location.pathname}?${q.toString()}#${id}`;
    },
    // Put the section's current parameters in the address bar (no navigation, no history
    // spam) once the user has touched that section; a section's first render leaves the
    // address bar alone, so a share link for another section is not overwritten.
    write(id, params, force) {
      const url = state.link(id, params);
      const el = document.getElementById(id);
      if (el) el.dataset.share = url;
      if (force || (el && el.dataset.touched === "1")) window.history.replaceState(null, "", url);
      return url;
    },
  };

  async function copyText(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (e) {
      return false;
    }
  }

  // A "Copy share link" button in container for section id; getParams() gives its state.
  function shareButton(container, id, getParams) {
    let wrap = container.querySelector(":scope > .mi-share");
    if (wrap) return wrap;
    wrap = document.createElement("div");
    wrap.className = "mi-share";
    wrap.innerHTML = `<button type="button" class="mi-button secondary" data-testid="${id}-share">Copy share link</button>
      <input type="text" readonly class="mi-share-url" aria-label="Share link for this view" data-testid="${id}-share-url">
      <span class="mi-share-status" role="status"></span>`;
    container.appendChild(wrap);
    const button = wrap.querySelector("button");
    const field = wrap.querySelector("input");
    const status = wrap.querySelector(".mi-share-status");
    button.addEventListener("click", async () => {
      const url = state.write(id, getParams(), true);
      field.value = url;
      const ok = await copyText(url);
      status.textContent = ok ? "Copied. Opening it reproduces these numbers." : "Select the link to copy it.";
      if (!ok) field.select();
    });
    return wrap;
  }

  // ---------- snippet and table boxes ----------
  function snippetBox(container, code) {
    let box = container.querySelector(":scope > details.mi-snippet");
    if (!box) {
      box = document.createElement("details");
      box.className = "mi-snippet";
      box.innerHTML = `<summary>Reproduce in Python</summary>
        <p class="mi-hint">Paste into Python with mutinfo installed: it prints the numbers shown above.</p>
        <pre><code></code></pre>
        <button type="button" class="mi-button secondary">Copy code</button>
        <span class="mi-copy-status" role="status"></span>`;
      container.appendChild(box);
      box.querySelector("button").addEventListener("click", async () => {
        const ok = await copyText(box.querySelector("code").textContent);
        box.querySelector(".mi-copy-status").textContent = ok ? "Copied." : "Select the code to copy it.";
      });
    }
    box.querySelector("code").textContent = code;
    box.dataset.code = code;
    return box;
  }

  // rows: array of arrays, first row is the header. A text equivalent of a chart.
  function tableFor(container, rows, options) {
    const opts = options || {};
    let box = container.querySelector(":scope > details.mi-table");
    if (!box) {
      box = document.createElement("details");
      box.className = "mi-table";
      box.innerHTML = `<summary>${escapeHtml(opts.summary || "Table view of this chart")}</summary><div class="table-wrap"></div>`;
      container.appendChild(box);
    }
    const [head, ...body] = rows;
    const cell = (v) => (typeof v === "number" ? fmt(v, opts.digits) : escapeHtml(v));
    box.querySelector(".table-wrap").innerHTML =
      `<table>${opts.caption ? `<caption>${escapeHtml(opts.caption)}</caption>` : ""}` +
      `<thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join("")}</tr></thead>` +
      `<tbody>${body.map((r) => `<tr>${r.map((v) => `<td>${cell(v)}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
    return box;
  }

  // ---------- plots ----------
  const colors = {
    x: "#1f5fbf",       // blue, drawn with a diagonal hatch where filled
    y: "#d55e00",       // vermillion, drawn with a dotted fill where filled
    shared: "#6a3d9a",  // purple, always with a "≡" / cross-hatch second cue
    neutral: "#555555",
    grid: "#e2e2e2",
  };

  function plot(div, traces, layout, config) {
    if (!window.Plotly) throw new Error("Plotly.js did not load (expected at /vendor/plotly.min.js)");
    const base = {
      margin: { l: 48, r: 16, t: 32, b: 44 },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "#ffffff",
      font: { family: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", size: 13, color: "#1d1d1f" },
      showlegend: false,
      xaxis: { gridcolor: colors.grid, zeroline: false },
      yaxis: { gridcolor: colors.grid, zeroline: false },
    };
    const merged = Object.assign({}, base, layout || {});
    ["xaxis", "yaxis"].forEach((ax) => { merged[ax] = Object.assign({}, base[ax], (layout || {})[ax] || {}); });
    const cfg = Object.assign({ displayModeBar: false, responsive: true }, config || {});
    return window.Plotly.react(div, traces, merged, cfg);
  }

  // ---------- sections ----------
  function registerSection(id, definition) {
    registry[id] = definition;
    const el = document.getElementById(id);
    if (el && el.dataset.loaded === "1") maybeStart(el);
  }

  function maybeStart(el) {
    const id = el.id;
    if (started[id] || !registry[id] || el.dataset.loaded !== "1" || !el.dataset.visible) return;
    started[id] = true;
    el.dataset.state = "init";
    try {
      registry[id].init(el, { id, params: state.read(id), meta });
    } catch (error) {
      showError(el, error);
      throw error;
    }
  }

  // Start a section now, whether or not it has been scrolled to.
  function start(id) {
    const el = document.getElementById(id);
    if (!el) return;
    el.dataset.visible = "1";
    maybeStart(el);
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = () => reject(new Error(`could not load ${src}`));
      document.body.appendChild(s);
    });
  }

  async function loadSection(entry) {
    const el = document.getElementById(entry.id);
    if (!el) return;
    if (!entry.available) {
      el.innerHTML = `<h2>${escapeHtml(entry.title)}</h2><p class="mi-hint">This section is still being built.</p>`;
      el.dataset.state = "unavailable";
      return;
    }
    const response = await fetch(`/sections/${entry.id}.html`);
    el.innerHTML = await response.text();
    el.dataset.loaded = "1";
    if (sectionObserver && !anchorTarget) sectionObserver.observe(el);
    await loadScript(`/static/${entry.js}`);
    maybeStart(el);
  }

  function buildToc(sections) {
    const list = document.getElementById("toc-list");
    list.innerHTML = sections.map((s) => `<li><a href="#${s.id}">${escapeHtml(s.title)}</a></li>`).join("");
    const toggle = document.querySelector(".toc-toggle");
    const toc = document.getElementById("toc");
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      toc.classList.toggle("open", open);
    });
    list.addEventListener("click", (ev) => {
      const a = ev.target.closest("a");
      if (!a) return;
      start(a.getAttribute("href").slice(1));
      toggle.setAttribute("aria-expanded", "false");
      toc.classList.remove("open");
    });
  }

  // Highlight the contents entry of the section in view (set up once the fragments are in
  // place, so the sections have their real heights).
  function tocSpy(sections) {
    const list = document.getElementById("toc-list");
    const links = {};
    list.querySelectorAll("a").forEach((a) => { links[a.getAttribute("href").slice(1)] = a; });
    const spy = new IntersectionObserver((entries) => {
      entries.forEach((e) => {
        if (e.isIntersecting && links[e.target.id]) {
          Object.values(links).forEach((a) => a.removeAttribute("aria-current"));
          links[e.target.id].setAttribute("aria-current", "true");
        }
      });
    }, { rootMargin: "-40% 0px -55% 0px" });
    sections.forEach((s) => { const el = document.getElementById(s.id); if (el) spy.observe(el); });
  }

  function markTouched(ev) {
    const section = ev.target && ev.target.closest ? ev.target.closest(".mi-section") : null;
    if (section && ev.isTrusted !== false) section.dataset.touched = "1";
  }

  async function boot() {
    ["input", "change", "click"].forEach((type) => document.addEventListener(type, markTouched, true));
    meta = await api("/api/meta");
    version.value = meta.version;
    document.getElementById("mi-version").textContent = meta.version;
    const q = initialQuery;
    if (q.get("v") && q.get("v") !== meta.version) {
      notice(`This link was made with mutinfo ${q.get("v")}; you are running ${meta.version}. ` +
        "Numbers may differ if an estimator changed between the versions.");
    }
    buildToc(meta.sections);
    // A section starts when it comes within 300 px of the viewport. It is observed only once
    // its fragment is in place: empty placeholders are short, and all of them would look
    // "visible" at once.
    sectionObserver = new IntersectionObserver((entries) => {
      entries.forEach((e) => {
        if (e.isIntersecting) { e.target.dataset.visible = "1"; maybeStart(e.target); }
      });
    }, { rootMargin: "300px 0px" });
    const shared = q.get("s");
    if (shared) start(shared);
    // A link ending in #section: the browser jumps to the anchor again as each fragment above
    // it arrives, sweeping every earlier section through the viewport. Observe nothing until
    // the fragments are in place, so only the sections really in view start.
    const hashId = decodeURIComponent(location.hash.slice(1));
    anchorTarget = meta.sections.some((s) => s.id === hashId) ? hashId : null;
    for (const entry of meta.sections) {
      try { await loadSection(entry); } catch (error) {
        const el = document.getElementById(entry.id);
        if (el) showError(el, error);
      }
    }
    tocSpy(meta.sections);
    if (shared && document.getElementById(shared)) document.getElementById(shared).scrollIntoView();
    if (anchorTarget) {
      const target = document.getElementById(anchorTarget);
      anchorTarget = null;
      if (!shared && target) target.scrollIntoView();
      document.querySelectorAll('.mi-section[data-loaded="1"]').forEach((el) => sectionObserver.observe(el));
    }
    document.body.dataset.booted = "1";
  }

  window.MI = {
    api, apiLatest, idle, ApiError, registerSection, start, readout, showReadout, showNumber, fmt, fmtP, pText,
    plot, colors, snippetBox, tableFor, state, shareButton, debounce, controls, setControls, wire,
    busy, drawn, rendered, showError, showWarnings, notice, escapeHtml, copyText,
    get meta() { return meta; },
    get version() { return version.value; },
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
