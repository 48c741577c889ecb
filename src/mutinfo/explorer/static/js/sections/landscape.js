/* Section 5: p(x,y), p(x)p(y) and the pointwise log ratio; MI as the weighted sum. */
(function () {
  "use strict";
  const ID = "landscape";
  const SEQ = [[0, "#f7f7fb"], [0.25, "#c9c3e3"], [0.5, "#9e8ac8"], [0.75, "#6a3d9a"], [1, "#2d0a4e"]];
  const DIV = [[0, "#b2182b"], [0.35, "#ef8a62"], [0.5, "#f7f7f7"], [0.65, "#67a9cf"], [1, "#2166ac"]];

  MI.registerSection(ID, {
    init(el, ctx) {
      const q = (s) => el.querySelector(s);
      const controlsEl = q(".mi-controls");
      MI.setControls(controlsEl, ctx.params);
      const params = () => MI.controls(controlsEl);

      function heat(div, z, title, body, opts) {
        const cx = body.x_edges.slice(0, -1).map((e, i) => (e + body.x_edges[i + 1]) / 2);
        const cy = body.y_edges.slice(0, -1).map((e, i) => (e + body.y_edges[i + 1]) / 2);
        MI.plot(div, [Object.assign({ z, x: cx, y: cy, type: "heatmap", colorscale: SEQ, hoverongaps: false,
          colorbar: { thickness: 10, len: 0.8 } }, opts || {})], {
          title: { text: title, font: { size: 13 } }, margin: { l: 36, r: 8, t: 32, b: 32 },
          xaxis: { title: { text: "x" } }, yaxis: { title: { text: "y" }, scaleanchor: "x" },
        });
      }

      function draw(body) {
        heat(q("#land-joint"), body.joint, "p(x,y): what happens", body);
        heat(q("#land-product"), body.product, "p(x)·p(y): if independent", body);
        const finite = body.log_ratio.flat().filter((v) => v !== null);
        const lim = Math.max(1, ...finite.map(Math.abs));
        heat(q("#land-ratio"), body.log_ratio, "log₂ p(x,y) / (p(x)p(y))", body,
          { colorscale: DIV, zmid: 0, zmin: -lim, zmax: lim, customdata: body.contribution,
            hovertemplate: "x %{x:.2f}, y %{y:.2f}<br>log ratio %{z:.2f} bits<br>p × log ratio %{customdata:.4f}<extra></extra>" });
        MI.showReadout(q('[data-testid="land-sum"]'), { value: body.weighted_sum, unit: "bits", n: body.n,
          method: `Σ over ${body.grid}×${body.grid} cells` });
        MI.showReadout(q('[data-testid="land-binned"]'), body.binned);
        q('[data-testid="land-bias"]').textContent =
          `expected upward bias of a grid estimate here: ≈ ${MI.fmt(body.bias_estimate)} bits ` +
          `(${body.occupied.x_bins} × ${body.occupied.y_bins} occupied bins, n = ${body.n})`;
        MI.showReadout(q('[data-testid="land-knn"]'), body.knn);
      }

      async function update() {
        const p = params();
        MI.busy(el);
        let body;
        try {
          body = await MI.apiLatest(ID, "/api/landscape/map", Object.assign({ stage: "estimate" }, p));
          if (!body) return;
          draw(body);
          MI.drawn(el);
          if (!(await MI.idle(ID, 200))) return;
          body = await MI.apiLatest(ID, "/api/landscape/map", p);
        } catch (err) { MI.showError(el, err); return; }
        if (!body) return;
        MI.showReadout(q('[data-testid="land-knn"]'), body.knn);
        const extras = q(".mi-extras");
        MI.tableFor(extras, [
          ["x bin", "y bin", "p(x,y)", "p(x)p(y)", "log₂ ratio", "p × log ratio"],
          ...body.top_cells.map((c) => [String(c.x_bin), String(c.y_bin), c.p, c.product, c.log_ratio, c.contribution]),
        ], { summary: "Table view: the eight cells contributing most to the MI", digits: 4,
          caption: `Sum over all ${body.grid * body.grid} cells = ${MI.fmt(body.weighted_sum, 4)} bits` });
        MI.showWarnings(el, body.warnings);
        MI.snippetBox(extras, body.snippet);
        MI.state.write(ID, p);
        MI.rendered(el);
      }

      MI.shareButton(q(".mi-extras"), ID, params);
      MI.wire(controlsEl, update);
      update();
    },
  });
})();
