/* Section 12: k-means on the digits; NMI and AMI vs k, the contingency heatmap, random labels. */
(function () {
  "use strict";
  const ID = "clustering";

  MI.registerSection(ID, {
    init(el, ctx) {
      const q = (s) => el.querySelector(s);
      const controlsEl = q(".mi-controls");
      MI.setControls(controlsEl, ctx.params);
      const params = () => MI.controls(controlsEl);
      let curve = null;

      function drawCurve(k) {
        if (!curve) return;
        MI.plot(q("#clu-curve-plot"), [
          { x: curve.k, y: curve.nmi, type: "scatter", mode: "lines+markers", name: "NMI",
            line: { color: MI.colors.x, dash: "dash" }, marker: { symbol: "circle", size: 7 } },
          { x: curve.k, y: curve.ami, type: "scatter", mode: "lines+markers", name: "AMI",
            line: { color: MI.colors.shared }, marker: { symbol: "diamond", size: 7 } },
        ], {
          showlegend: true, legend: { orientation: "h", y: -0.25 },
          xaxis: { title: { text: "clusters k" }, dtick: 2 }, yaxis: { title: { text: "score" }, range: [0, 1] },
          shapes: [{ type: "line", x0: k, x1: k, yref: "paper", y0: 0, y1: 1, line: { color: MI.colors.neutral, dash: "dot" } }],
          title: { text: "k-means vs digits", font: { size: 13 } },
        });
      }

      async function update() {
        const p = params();
        MI.busy(el);
        let body;
        try {
          body = await MI.apiLatest(ID, "/api/clustering/view", p);
          if (body && !curve) curve = await MI.api("/api/clustering/curve", {});
        } catch (err) { MI.showError(el, err); return; }
        if (!body) return;
        MI.showReadout(q('[data-testid="clu-nmi"]'), body.kmeans.nmi);
        MI.showReadout(q('[data-testid="clu-ami"]'), body.kmeans.ami);
        MI.showReadout(q('[data-testid="clu-mi"]'), body.kmeans.mi);
        MI.showReadout(q('[data-testid="clu-rand-nmi"]'), body.random.nmi);
        MI.showReadout(q('[data-testid="clu-rand-ami"]'), body.random.ami);
        MI.showReadout(q('[data-testid="clu-rand-mi"]'), body.random.mi);
        q('[data-testid="clu-rand-note"]').textContent =
          `Random labels carry no information about the digits, yet their plug-in MI is ${MI.fmt(body.random.mi.value)} bits ` +
          `and NMI ${MI.fmt(body.random.nmi.value)}. AMI removes the part chance alone gives: ${MI.fmt(body.random.ami.value)}.`;
        drawCurve(body.k);
        const cols = Array.from({ length: body.k }, (_, j) => `c${j}`);
        MI.plot(q("#clu-heatmap"), [{
          z: body.contingency, x: cols, y: body.digits.map(String), type: "heatmap",
          colorscale: [[0, "#ffffff"], [1, MI.colors.shared]], showscale: false,
          text: body.contingency.map((r) => r.map(String)), texttemplate: "%{text}", textfont: { size: 9 },
          hovertemplate: "digit %{y}, cluster %{x}: %{z} images<extra></extra>",
        }], {
          xaxis: { title: { text: "k-means cluster" } },
          yaxis: { title: { text: "true digit" }, autorange: "reversed", dtick: 1 },
          title: { text: `Contingency table, k = ${body.k}`, font: { size: 13 } },
        });
        const extras = q(".mi-extras");
        MI.tableFor(extras, [["digit", ...cols], ...body.contingency.map((r, i) => [String(i), ...r.map(String)])],
          { summary: "Table view of the contingency heatmap" });
        if (curve) {
          let holder = q("#clu-curve-table");
          if (!holder) { holder = document.createElement("div"); holder.id = "clu-curve-table"; extras.appendChild(holder); }
          MI.tableFor(holder, [["k", "NMI", "AMI"], ...curve.k.map((kk, i) => [String(kk), curve.nmi[i], curve.ami[i]])],
            { summary: "Table view of NMI and AMI against k" });
        }
        MI.showWarnings(el, body.warnings);
        MI.snippetBox(extras, body.snippet);
        MI.state.write(ID, p);
        MI.drawn(el);
        MI.rendered(el);
      }

      MI.shareButton(q(".mi-extras"), ID, params);
      MI.wire(controlsEl, update);
      update();
    },
  });
})();
