/* Section 4: the KL, entropy and expected-pointwise views computed on the current example. */
(function () {
  "use strict";
  const ID = "formula";

  MI.registerSection(ID, {
    init(el, ctx) {
      const q = (s) => el.querySelector(s);
      const controlsEl = q(".mi-controls");
      MI.setControls(controlsEl, ctx.params);
      const params = () => MI.controls(controlsEl);

      async function update() {
        MI.busy(el);
        let body;
        try {
          body = await MI.apiLatest(ID, "/api/formula/views", Object.assign({ stage: "estimate" }, params()));
          if (!body) return;
          draw(body);
          MI.drawn(el);
          if (!(await MI.idle(ID, 200))) return;
          body = await MI.apiLatest(ID, "/api/formula/views", params());
        } catch (err) { MI.showError(el, err); return; }
        if (!body) return;
        MI.showReadout(q('[data-testid="formula-ksg"]'), body.readouts.ksg);
        finish(body);
      }

      function draw(body) {
        const r = body.readouts;
        MI.showReadout(q('[data-testid="formula-kl"]'), r.kl);
        MI.showReadout(q('[data-testid="formula-entropy"]'), r.entropy);
        MI.showReadout(q('[data-testid="formula-pmi"]'), r.pmi);
        MI.showReadout(q('[data-testid="formula-library"]'), r.library);
        MI.showReadout(q('[data-testid="formula-ksg"]'), r.ksg);
        q('[data-testid="formula-entropies"]').textContent =
          `${MI.fmt(r.hx.value)} + ${MI.fmt(r.hy.value)} − ${MI.fmt(r.hxy.value)} bits`;
        const agree = q('[data-testid="formula-agreement"]');
        agree.dataset.value = String(body.max_disagreement);
        agree.textContent = `largest difference between the four: ${body.max_disagreement.toExponential(1)} bits`;
        const e = body.pmi_hist.edges;
        const centres = body.pmi_hist.counts.map((_, i) => (e[i] + e[i + 1]) / 2);
        MI.plot(q("#formula-hist"), [
          { x: centres, y: body.pmi_hist.counts, type: "bar", marker: { color: MI.colors.neutral, pattern: { shape: "/" } }, name: "samples" },
        ], {
          title: { text: "Pointwise MI of each sample (bits)", font: { size: 13 } },
          xaxis: { title: { text: "log₂ p(x,y) / (p(x)p(y))" } }, yaxis: { title: { text: "samples" } },
          shapes: [{ type: "line", x0: r.pmi.value, x1: r.pmi.value, yref: "paper", y0: 0, y1: 1, line: { color: MI.colors.shared, width: 3, dash: "dash" } }],
          annotations: [{ x: r.pmi.value, yref: "paper", y: 1, text: `mean = ${MI.fmt(r.pmi.value)} = I`, showarrow: false, yanchor: "bottom", font: { color: MI.colors.shared } }],
        });
        MI.plot(q("#formula-table"), [{ z: body.table, type: "heatmap", colorscale: [[0, "#f7f7fb"], [0.5, "#9e8ac8"], [1, "#2d0a4e"]], colorbar: { title: { text: "p" } } }], {
          title: { text: `Binned joint distribution (${body.bins} × ${body.bins})`, font: { size: 13 } },
          xaxis: { title: { text: "Y bin" } }, yaxis: { title: { text: "X bin" } },
        });
        q('[data-testid="formula-negative-share"]').textContent =
          `${MI.fmt(100 * body.pmi_negative_share, 1)}% of the samples have a negative pointwise MI (their pair is rarer than chance), ` +
          "yet the average is never below zero.";
      }

      function finish(body) {
        const r = body.readouts;
        const extras = q(".mi-extras");
        MI.tableFor(extras, [
          ["View", "Bits"],
          ["KL sum", r.kl.value], ["H(X) + H(Y) − H(X,Y)", r.entropy.value], ["mean pointwise MI", r.pmi.value],
          ["mi.mutual_info plug-in (bins)", r.library.value], [`mi.mutual_info ${r.ksg.method} (no bins)`, r.ksg.value],
        ], { summary: "Table view of the three views", digits: 6 });
        MI.showWarnings(el, body.warnings);
        MI.snippetBox(extras, body.snippet);
        MI.state.write(ID, params());
        MI.rendered(el);
      }

      MI.shareButton(q(".mi-extras"), ID, params);
      MI.wire(controlsEl, update);
      update();
    },
  });
})();
