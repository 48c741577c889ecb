/* Section 10: the applications index (live availability of each mutinfo function) and three
 * live checks of common misconceptions: NMI vs AMI on random labels, the InfoNCE cap, and
 * transfer entropy vs Granger causality.
 */
(function () {
  "use strict";
  const ID = "applications";

  function strip(values, prefix) {
    const out = {};
    Object.entries(values).forEach(([k, v]) => { if (k.startsWith(prefix + "_")) out[k.slice(prefix.length + 1)] = v; });
    return out;
  }

  MI.registerSection(ID, {
    init(el, ctx) {
      const q = (s) => el.querySelector(s);
      MI.setControls(el, ctx.params);
      const sectionParams = () => MI.controls(el);

      function done(box) {
        box.dataset.renders = String(Number(box.dataset.renders || 0) + 1);
        box.dataset.busy = "0";
        MI.state.write(ID, sectionParams());
        MI.drawn(el);
        MI.rendered(el);
      }

      async function index() {
        const body = await MI.api("/api/applications/index");
        q('[data-testid="app-list"]').innerHTML = body.entries.map((e) => `
          <article class="app-card" data-testid="app-card-${e.id}" data-built="${e.built ? 1 : 0}">
            <h4>${MI.escapeHtml(e.title)}</h4>
            <p>${MI.escapeHtml(e.what)}</p>
            <p class="careful"><strong>Careful:</strong> ${MI.escapeHtml(e.careful)}</p>
            <p>${e.functions.map((f) => `<span class="fn ${f.available ? "yes" : "no"}">${MI.escapeHtml(f.name)}</span>` +
              `${f.available ? "" : " (not built yet)"}`).join(", ")}</p>
            ${e.section ? `<p><a href="#${MI.escapeHtml(e.section)}" data-testid="app-link-${e.id}">See it at work in the explorer</a></p>` : ""}
            <p class="mi-hint">${MI.escapeHtml(e.reference)}</p>
          </article>`).join("");
      }

      const nmiBox = q("#app-nmi");
      async function updateNmi() {
        const p = strip(MI.controls(nmiBox.querySelector(".mi-controls")), "nmi");
        let body;
        try { body = await MI.apiLatest(`${ID}-nmi`, "/api/applications/nmi", p); } catch (err) { MI.showError(el, err); return; }
        if (!body) return;
        MI.showNumber(nmiBox.querySelector('[data-testid="app-nmi"]'), body.nmi, 4);
        MI.showNumber(nmiBox.querySelector('[data-testid="app-ami"]'), body.ami, 4);
        nmiBox.querySelector('[data-testid="app-nmi-source"]').textContent = `computed by ${body.source}; truth: 0 agreement`;
        const node = nmiBox.querySelector('[data-testid="app-nmi-mi"]');
        MI.showReadout(node, body.mi);
        node.textContent = `${MI.fmt(body.mi.value, 4)} bits`;
        nmiBox.querySelector('[data-testid="app-nmi-mi-detail"]').textContent =
          `n = ${body.mi.n}, ${body.mi.method}; true MI 0 (the labelings are independent)`;
        const extras = nmiBox.querySelector(".mi-extras");
        MI.tableFor(extras, [["score", "value"], ["NMI", body.nmi], ["AMI", body.ami], ["plug-in I(a;b), bits", body.mi.value]],
          { summary: "Table view", digits: 4 });
        MI.snippetBox(extras, body.snippet);
        done(nmiBox);
      }

      const nceBox = q("#app-infonce");
      async function updateNce() {
        const c = strip(MI.controls(nceBox.querySelector(".mi-controls")), "nce");
        const batch = 2 ** Number(c.logbatch);
        let body;
        try { body = await MI.apiLatest(`${ID}-nce`, "/api/applications/infonce-cap", { batch, true_mi: c.true_mi }); } catch (err) { MI.showError(el, err); return; }
        if (!body) return;
        MI.showNumber(nceBox.querySelector('[data-testid="app-nce-cap"]'), body.cap_bits, 1, " bits");
        nceBox.querySelector('[data-testid="app-nce-batch"]').textContent = `batch size N = ${body.batch}`;
        MI.showNumber(nceBox.querySelector('[data-testid="app-nce-best"]'), body.best_possible_bits, 1, " bits");
        nceBox.querySelector('[data-testid="app-nce-verdict"]').textContent = body.true_mi_bits > body.cap_bits
          ? `The true ${MI.fmt(body.true_mi_bits, 1)} bits cannot be seen: ${MI.fmt(body.true_mi_bits - body.cap_bits, 1)} bits are hidden by the cap.`
          : "Below the cap: a good critic can in principle reach the true value.";
        MI.snippetBox(nceBox.querySelector(".mi-extras"), body.snippet);
        done(nceBox);
      }

      const teBox = q("#app-te");
      async function updateTe() {
        const p = strip(MI.controls(teBox.querySelector(".mi-controls")), "te");
        let body;
        try { body = await MI.apiLatest(`${ID}-te`, "/api/applications/te-granger", p); } catch (err) { MI.showError(el, err); return; }
        if (!body) return;
        teBox.querySelector('[data-testid="app-te-table"]').innerHTML =
          `<caption>n = ${body.n} time steps, coupling ${body.coupling}; bits</caption>` +
          "<thead><tr><th scope=\"col\">direction</th><th scope=\"col\">true TE</th><th scope=\"col\">TE, Gaussian estimator</th>" +
          "<th scope=\"col\">Granger / 2</th><th scope=\"col\">TE, nonparametric</th></tr></thead><tbody>" +
          body.rows.map((r, i) => `<tr><td>${r.direction}</td><td>${MI.fmt(r.truth, 4)}</td>` +
            `<td data-testid="app-te-gauss-${i}" data-value="${r.te_gaussian.value}">${MI.fmt(r.te_gaussian.value, 4)}</td>` +
            `<td data-testid="app-te-granger-${i}" data-value="${r.granger_half_bits}">${MI.fmt(r.granger_half_bits, 4)}</td>` +
            `<td data-testid="app-te-knn-${i}" data-value="${r.te_knn.value}">${MI.fmt(r.te_knn.value, 4)} (${MI.escapeHtml(r.te_knn.method)})</td></tr>`).join("") +
          "</tbody>";
        MI.snippetBox(teBox.querySelector(".mi-extras"), body.snippet);
        done(teBox);
      }

      MI.wire(nmiBox.querySelector(".mi-controls"), updateNmi, { debounce: 30 });
      MI.wire(nceBox.querySelector(".mi-controls"), updateNce, { debounce: 30 });
      MI.wire(teBox.querySelector(".mi-controls"), updateTe, { debounce: 30 });
      MI.shareButton(teBox.querySelector(".mi-extras"), ID, sectionParams);
      index().catch((err) => MI.showError(el, err));
      updateNmi();
      updateNce();
      updateTe();
    },
  });
})();
