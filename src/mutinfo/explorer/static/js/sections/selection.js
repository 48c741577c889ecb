/* Section 11: top-k by relevance vs mRMR on the breast-cancer features, with accuracy curves. */
(function () {
  "use strict";
  const ID = "selection";

  MI.registerSection(ID, {
    init(el, ctx) {
      const q = (s) => el.querySelector(s);
      const controlsEl = q(".mi-controls");
      MI.setControls(controlsEl, ctx.params);
      const params = () => MI.controls(controlsEl);
      let curve = null;
      const curveHolder = document.createElement("div");
      curveHolder.id = "sel-curve-table";
      q(".mi-extras").appendChild(curveHolder);

      function drawCurve(k) {
        if (!curve) return;
        const marker = (sym) => ({ symbol: sym, size: 7 });
        MI.plot(q("#sel-curve-plot"), [
          { x: curve.k, y: curve.relevance, type: "scatter", mode: "lines+markers", name: "top-k by relevance",
            line: { color: MI.colors.x, dash: "dash" }, marker: marker("circle") },
          { x: curve.k, y: curve.mrmr, type: "scatter", mode: "lines+markers", name: "mRMR",
            line: { color: MI.colors.shared }, marker: marker("diamond") },
        ], {
          showlegend: true, legend: { orientation: "h", y: -0.25 },
          xaxis: { title: { text: "number of features k" }, dtick: q("#sel-curve-plot").clientWidth < 500 ? 2 : 1 },
          yaxis: { title: { text: "CV accuracy" } },
          shapes: [{ type: "line", x0: k, x1: k, yref: "paper", y0: 0, y1: 1, line: { color: MI.colors.neutral, dash: "dot" } }],
          title: { text: `Accuracy vs k (${curve.folds}-fold CV)`, font: { size: 13 } },
        });
        const note = q('[data-testid="sel-curve-note"]');
        note.textContent = `Accuracy of a standardised logistic regression, ${curve.folds}-fold stratified ` +
          "cross-validation, on the first k features of each order. Dashed line, circles: top-k by relevance; " +
          "solid line, diamonds: mRMR.";
        MI.tableFor(curveHolder, [["k", "Top-k accuracy", "mRMR accuracy"],
          ...curve.k.map((kk, i) => [String(kk), curve.relevance[i], curve.mrmr[i]])],
        { summary: "Table view of the accuracy curve" });
      }

      async function loadCurve() {
        try {
          curve = await MI.api("/api/selection/curve", {});
          drawCurve(params().k);
        } catch (err) { MI.showError(el, err); }
      }

      async function update() {
        const p = params();
        MI.busy(el);
        let body;
        try {
          body = await MI.apiLatest(ID, "/api/selection/view", p);
        } catch (err) { MI.showError(el, err); return; }
        if (!body) return;
        const feats = body.features;
        MI.plot(q("#sel-relevance-plot"), [{
          x: feats.map((f) => f.relevance), y: feats.map((f) => f.name), type: "bar", orientation: "h",
          marker: { color: feats.map((f) => (f.in_top ? MI.colors.x : "#c9d6ee")),
            line: { color: MI.colors.x, width: 1 } },
          text: feats.map((f) => (f.in_mrmr ? "◆" : "")), textposition: "outside",
          hovertemplate: "%{y}: %{x:.3f} bits<extra></extra>",
        }], {
          height: 620, margin: { l: 170, r: 24, t: 32, b: 44 },
          xaxis: { title: { text: "I(feature; diagnosis), bits" } },
          yaxis: { autorange: "reversed", tickfont: { size: 11 } },
          title: { text: `Relevance of the 30 features (n = ${body.n})`, font: { size: 13 } },
        });
        const skipped = new Set(body.skipped.map((s) => s.feature));
        const extra = new Set(body.only_mrmr);
        q('[data-testid="sel-top"]').innerHTML = body.top.map((f) =>
          `<li class="${skipped.has(f) ? "redundant" : ""}" data-feature="${MI.escapeHtml(f)}">${MI.escapeHtml(f)}</li>`).join("");
        q('[data-testid="sel-mrmr"]').innerHTML = body.mrmr.map((f) =>
          `<li class="${extra.has(f) ? "extra" : ""}" data-feature="${MI.escapeHtml(f)}">${MI.escapeHtml(f)}</li>`).join("");
        const sk = q('[data-testid="sel-skipped"]');
        sk.dataset.count = String(body.skipped.length);
        sk.innerHTML = body.skipped.length ? body.skipped.map((s) =>
          `<li data-feature="${MI.escapeHtml(s.feature)}" data-value="${s.redundancy}">mRMR skips <strong>${MI.escapeHtml(s.feature)}</strong> ` +
          `(relevance ${MI.fmt(s.relevance)} bits): it shares ${MI.fmt(s.redundancy)} bits with ` +
          `<strong>${MI.escapeHtml(s.twin)}</strong>, already chosen.</li>`).join("")
          : "<li>At this k both methods keep the same features.</li>";
        MI.showReadout(q('[data-testid="sel-acc-top"]'), body.accuracy.relevance);
        MI.showReadout(q('[data-testid="sel-acc-mrmr"]'), body.accuracy.mrmr);
        drawCurve(body.k);
        const extras = q(".mi-extras");
        MI.tableFor(extras, [["Feature", "I(f; diagnosis), bits", "Top-k", "mRMR"],
          ...feats.map((f) => [f.name, f.relevance, f.in_top ? "kept" : "", f.in_mrmr ? "kept" : ""])],
        { summary: "Table view of the relevance chart" });
        MI.showWarnings(el, body.warnings);
        MI.snippetBox(extras, body.snippet);
        MI.state.write(ID, p);
        MI.drawn(el);
        MI.rendered(el);
      }

      MI.shareButton(q(".mi-extras"), ID, params);
      MI.wire(controlsEl, update);
      update().then(loadCurve);
    },
  });
})();
