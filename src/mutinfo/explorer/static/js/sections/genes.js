/* Section 15: gene regulatory networks inferred from pairwise MI. */
(function () {
  "use strict";
  const ID = "genes";
  const STYLE = {
    tp: { color: "#1b7837", dash: "solid", name: "true positive (solid)" },
    fp: { color: "#c0392b", dash: "dash", name: "false positive (dashed)" },
    fn: { color: "#9e9e9e", dash: "dot", name: "missed known edge (dotted)" },
  };

  MI.registerSection(ID, {
    init(el, ctx) {
      const q = (s) => el.querySelector(s);
      const controlsEl = q(".mi-controls");
      MI.setControls(controlsEl, ctx.params);
      const params = () => MI.controls(controlsEl);

      function positions(genes) {
        const pos = {};
        genes.forEach((g, i) => {
          const a = Math.PI / 2 - (2 * Math.PI * i) / genes.length;
          pos[g] = [Math.cos(a), Math.sin(a)];
        });
        return pos;
      }

      function edgeTrace(list, pos, status) {
        const x = [], y = [];
        list.forEach((e) => { x.push(pos[e.a][0], pos[e.b][0], null); y.push(pos[e.a][1], pos[e.b][1], null); });
        const s = STYLE[status];
        return { x, y, type: "scatter", mode: "lines", name: `${s.name}: ${list.length}`, hoverinfo: "skip",
          line: { color: s.color, dash: s.dash, width: status === "fn" ? 1.5 : 2.5 } };
      }

      function drawGraph(body) {
        const pos = positions(body.genes);
        const tp = body.edges.filter((e) => e.status === "tp");
        const fp = body.edges.filter((e) => e.status === "fp");
        const nodes = { x: body.genes.map((g) => pos[g][0]), y: body.genes.map((g) => pos[g][1]), text: body.genes,
          type: "scatter", mode: "markers+text", textposition: "top center", name: "gene", showlegend: false,
          marker: { size: 14, color: "#ffffff", line: { color: MI.colors.neutral, width: 2 } }, hoverinfo: "text" };
        MI.plot(q("#gn-graph"), [edgeTrace(body.missed, pos, "fn"), edgeTrace(fp, pos, "fp"), edgeTrace(tp, pos, "tp"), nodes], {
          xaxis: { visible: false, range: [-1.35, 1.35] }, yaxis: { visible: false, range: [-1.3, 1.35], scaleanchor: "x" },
          title: { text: `${body.method}: strongest ${body.k} edges`, font: { size: 13 } },
          showlegend: true, legend: { orientation: "h", x: 0, y: -0.05 }, margin: { l: 8, r: 8, t: 32, b: 60 }, height: 440,
        });
      }

      function drawHeatmap(body) {
        MI.plot(q("#gn-heatmap"), [{ z: body.mi.matrix, x: body.genes, y: body.genes, type: "heatmap",
          colorscale: "Viridis", colorbar: { title: { text: "bits" } }, hovertemplate: "I(%{x}; %{y}) = %{z:.3f} bits<extra></extra>" }], {
          title: { text: `Pairwise MI (bits), n = ${body.mi.n} cells`, font: { size: 13 } },
          yaxis: { autorange: "reversed" }, margin: { l: 64, r: 16, t: 32, b: 64 }, height: 440,
        });
      }

      function drawPR(body) {
        const c = body.curve;
        MI.plot(q("#gn-pr"), [
          { x: [0].concat(c.recall), y: [c.precision[0]].concat(c.precision), type: "scatter", mode: "lines", line: { shape: "hv", color: MI.colors.x },
            name: `${body.method} PR curve (solid)` },
          { x: [0, 1], y: [body.aupr.random, body.aupr.random], type: "scatter", mode: "lines", line: { dash: "dot", color: MI.colors.neutral },
            name: "random (dotted)" },
          { x: [body.point.recall], y: [body.point.precision], type: "scatter", mode: "markers", name: `top ${body.k} (diamond)`,
            marker: { size: 13, symbol: "diamond", color: MI.colors.y, line: { color: "#000", width: 1 } } },
        ], {
          xaxis: { title: { text: "recall" }, range: [0, 1.02] }, yaxis: { title: { text: "precision" }, range: [0, 1.05] },
          title: { text: `Precision-recall against the ${body.n_known} known edges`, font: { size: 13 } },
          showlegend: true, legend: { orientation: "h", x: 0, y: -0.3 }, margin: { l: 48, r: 16, t: 32, b: 80 },
        });
      }

      function drawTriangle(t) {
        const pos = [[0, 1], [-0.95, -0.6], [0.95, -0.6]];
        const idx = {}; t.genes.forEach((g, i) => { idx[g] = i; });
        const traces = t.sides.map((s) => {
          const a = pos[idx[s.a]], b = pos[idx[s.b]];
          return { x: [a[0], b[0]], y: [a[1], b[1]], type: "scatter", mode: "lines", hoverinfo: "skip",
            name: `${s.a}–${s.b}: ${MI.fmt(s.mi)} bits${s.removed ? " (removed, dashed)" : ""}`,
            line: { color: s.removed ? STYLE.fp.color : MI.colors.x, dash: s.removed ? "dash" : "solid", width: 3 } };
        });
        traces.push({ x: t.sides.map((s) => (pos[idx[s.a]][0] + pos[idx[s.b]][0]) / 2), y: t.sides.map((s) => (pos[idx[s.a]][1] + pos[idx[s.b]][1]) / 2),
          text: t.sides.map((s) => `${MI.fmt(s.mi)}${s.known ? " (known)" : ""}`), mode: "text", type: "scatter", showlegend: false, hoverinfo: "skip",
          textfont: { size: 12 }, textposition: ["middle left", "bottom center", "middle right"] });
        traces.push({ x: pos.map((p) => p[0]), y: pos.map((p) => p[1]), text: t.genes, type: "scatter", mode: "markers+text",
          textposition: ["top center", "bottom center", "bottom center"], showlegend: false, hoverinfo: "text",
          marker: { size: 16, color: "#fff", line: { color: MI.colors.neutral, width: 2 } } });
        MI.plot(q("#gn-triangle-plot"), traces, {
          xaxis: { visible: false, range: [-1.4, 1.4] }, yaxis: { visible: false, range: [-0.95, 1.3] },
          showlegend: true, legend: { orientation: "h", x: 0, y: -0.05 }, margin: { l: 8, r: 8, t: 16, b: 60 },
        });
        const why = q('[data-testid="gn-triangle-why"]');
        why.textContent = t.why;
        why.dataset.removed = t.removed ? "1" : "0";
        why.dataset.value = String(t.bound);
      }

      function draw(body) {
        drawHeatmap(body);
        drawGraph(body);
        drawPR(body);
        drawTriangle(body.triangle);
        const pt = body.point;
        const prec = q('[data-testid="gn-precision"]');
        MI.showNumber(prec, pt.precision);
        prec.textContent = `precision = ${MI.fmt(pt.precision)} (${pt.tp} of ${pt.k} called edges are known; method ${body.method})`;
        const rec = q('[data-testid="gn-recall"]');
        MI.showNumber(rec, pt.recall);
        rec.textContent = `recall = ${MI.fmt(pt.recall)} (${pt.tp} of ${body.n_known} known edges found)`;
        const aupr = q('[data-testid="gn-aupr"]');
        MI.showNumber(aupr, body.aupr.value);
        aupr.textContent = `AUPR = ${MI.fmt(body.aupr.value)} vs random ${MI.fmt(body.aupr.random)} (n = ${body.n_pairs} gene pairs, ${body.method})`;
        const auroc = q('[data-testid="gn-auroc"]');
        MI.showNumber(auroc, body.auroc.value);
        auroc.textContent = `AUROC = ${MI.fmt(body.auroc.value)} vs random 0.5`;
        const extras = q(".mi-extras");
        MI.tableFor(q(".gn-table-edges"), [
          ["Edge", "Weight", "Status"],
          ...body.edges.map((e) => [`${e.a} – ${e.b}`, e.weight, e.status === "tp" ? "true positive" : "false positive"]),
          ...body.missed.map((e) => [`${e.a} – ${e.b}`, "", "missed known edge"]),
        ], { summary: "Table view of the called edges and the missed known edges" });
        MI.tableFor(q(".gn-table-mi"), [["Gene", ...body.genes], ...body.genes.map((g, i) => [g, ...body.mi.matrix[i].map((v) => (v === null ? "" : v))])],
          { summary: "Table view of the pairwise MI matrix in bits" });
        MI.snippetBox(extras, body.snippet);
      }

      async function update() {
        const p = params();
        MI.busy(el);
        let body;
        try {
          body = await MI.apiLatest(ID, "/api/genes/view", p);
        } catch (err) { MI.showError(el, err); return; }
        if (!body) return;
        draw(body);
        MI.showWarnings(el, body.warnings);
        MI.state.write(ID, params());
        MI.drawn(el);
        MI.rendered(el);
      }

      MI.shareButton(q(".mi-extras"), ID, params);
      MI.wire(controlsEl, update);
      update();
    },
  });
})();
