/* Section 17: compression, the information bottleneck (IB curve of a weather joint; the
 * information plane of a small network on the digits). */
(function () {
  "use strict";
  const ID = "compression";
  const LAYER_SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x"];
  // beta with three significant digits, without exponent notation (1 to 1000 on this page)
  const fmtBeta = (b) => (b >= 100 ? b.toFixed(0) : b.toPrecision(3));

  MI.registerSection(ID, {
    init(el, ctx) {
      const q = (s) => el.querySelector(s);
      const groups = el.querySelectorAll(".mi-controls");
      const curveControls = groups[0];
      const planeControls = groups[1];
      MI.setControls(curveControls, ctx.params);
      MI.setControls(planeControls, ctx.params);
      const params = () => Object.assign({}, MI.controls(curveControls), MI.controls(planeControls));
      const notes = { curve: [], plane: [] };
      const showNotes = () => MI.showWarnings(el, notes.curve.concat(notes.plane));

      function drawCurve(body) {
        const c = body.curve;
        const top = Math.max(body.i_xy.value, ...c.i_ty) * 1.12 + 0.02;
        const right = body.h_x.value * 1.05;
        MI.plot(q("#cp-curve"), [
          { x: [0, body.i_xy.value], y: [0, body.i_xy.value], type: "scatter", mode: "lines", hoverinfo: "skip",
            line: { color: "#bbbbbb", dash: "dot", width: 1 }, name: "I(T;Y) = I(T;X) (dotted grey): no point lies above it" },
          { x: [0, right], y: [body.i_xy.value, body.i_xy.value], type: "scatter", mode: "lines", hoverinfo: "skip",
            line: { color: MI.colors.y, dash: "dash", width: 1.5 }, name: `I(X;Y) = ${MI.fmt(body.i_xy.value)} bits (dashed)` },
          { x: [body.h_x.value, body.h_x.value], y: [0, top], type: "scatter", mode: "lines", hoverinfo: "skip",
            line: { color: MI.colors.x, dash: "dot", width: 1.5 }, name: `H(X) = ${MI.fmt(body.h_x.value)} bits (dotted)` },
          { x: c.i_tx, y: c.i_ty, text: c.beta.map((b) => `β = ${fmtBeta(b)}`), type: "scatter", mode: "lines+markers",
            line: { color: MI.colors.neutral, width: 2 }, marker: { size: 4, color: MI.colors.neutral },
            hovertemplate: "%{text}<br>I(T;X) = %{x:.3f} bits<br>I(T;Y) = %{y:.3f} bits<extra></extra>",
            name: `${body.method === "dib" ? "deterministic IB" : "IB"} curve, |T| ≤ ${body.n_clusters} (solid)` },
          { x: [body.i_tx.value], y: [body.i_ty.value], type: "scatter", mode: "markers",
            marker: { size: 15, symbol: "star", color: MI.colors.shared, line: { color: "#000", width: 1 } },
            name: `β = ${fmtBeta(body.beta)} (star)`,
            hovertemplate: "I(T;X) = %{x:.3f} bits<br>I(T;Y) = %{y:.3f} bits<extra></extra>" },
        ], {
          xaxis: { title: { text: "I(T;X), bits (what T keeps about X)" }, range: [0, right] },
          yaxis: { title: { text: "I(T;Y), bits (what T keeps about Y)" }, range: [0, top] },
          title: { text: `${body.label}: the IB curve`, font: { size: 13 } },
          showlegend: true, legend: { orientation: "h", x: 0, y: -0.25, font: { size: 11 } },
          margin: { l: 56, r: 16, t: 32, b: 120 }, height: 470,
        });
      }

      function drawEncoder(body) {
        const k = body.encoder[0].length;
        const names = Array.from({ length: k }, (_, t) => `T${t + 1}`);
        MI.plot(q("#cp-encoder"), [{
          z: body.encoder, x: names, y: body.x_labels, type: "heatmap", colorscale: "Blues", reversescale: true, zmin: 0, zmax: 1,
          colorbar: { title: { text: "p(t|x)" } },
          hovertemplate: "p(%{x} | %{y}) = %{z:.3f}<extra></extra>",
        }], {
          title: { text: `Encoder p(t|x) at β = ${fmtBeta(body.beta)}: ${body.n_used} of ${k} clusters used`, font: { size: 13 } },
          yaxis: { autorange: "reversed", title: { text: body.dataset === "month_temperature" ? "month x" : "hour x" }, dtick: 1 },
          xaxis: { title: { text: "cluster t" } },
          margin: { l: 64, r: 16, t: 32, b: 48 }, height: 470,
        });
      }

      function drawCurveReadouts(body) {
        MI.showReadout(q('[data-testid="cp-itx"]'), body.i_tx);
        const ht = q('[data-testid="cp-ht"]');
        MI.showNumber(ht, body.h_t.value);
        ht.textContent = `H(T) = ${MI.fmt(body.h_t.value)} bits of at most H(X) = ${MI.fmt(body.h_x.value)} bits; β = ${fmtBeta(body.beta)}`;
        MI.showReadout(q('[data-testid="cp-ity"]'), body.i_ty);
        const kept = q('[data-testid="cp-kept"]');
        MI.showNumber(kept, body.kept);
        kept.textContent = `${MI.fmt(100 * body.kept, 1)}% of I(X;Y) = ${MI.fmt(body.i_xy.value)} bits, with ${body.n_used} clusters`;
        const text = q('[data-testid="cp-clusters-text"]');
        text.textContent = `Clusters at β = ${fmtBeta(body.beta)}: ` + body.clusters.map((c) =>
          `T${c.t + 1} = {${c.members.join(", ")}} (p = ${MI.fmt(c.p_t, 2)})`).join("; ") +
          (body.method === "ib" ? ". Each x is listed under its most likely cluster; the heat map shows how soft the assignment is." : ".");
        text.dataset.count = String(body.clusters.length);
        q('[data-testid="cp-source"]').textContent = `Y classes: ${body.y_labels.join(" | ")}. Exact for the empirical joint of n = ${body.n} hours. Data: ${body.source}`;
        MI.tableFor(q(".cp-table-curve"), [
          ["log10 β", "β", "I(T;X) bits", "I(T;Y) bits", "clusters used"],
          ...body.curve.beta.map((b, i) => [body.curve.log_beta[i], b, body.curve.i_tx[i], body.curve.i_ty[i], String(body.curve.n_used[i])]),
        ], { summary: "Table view of the IB curve", digits: 4 });
        MI.snippetBox(q(".cp-table-curve"), body.snippet);
      }

      function drawPlane(body) {
        const layers = body.layer_sizes.map((size, j) => ({
          x: body.i_tx.map((row) => row[j]), y: body.i_ty.map((row) => row[j]), text: body.epochs.map((e) => `epoch ${e}`),
          type: "scatter", mode: "lines+markers", name: `layer ${j + 1} (${size} units, ${LAYER_SYMBOLS[j]}s)`,
          line: { color: "#cccccc", width: 1 },
          marker: { size: 7, symbol: LAYER_SYMBOLS[j % LAYER_SYMBOLS.length], color: body.epochs, colorscale: "Viridis",
            cmin: 0, cmax: body.epochs[body.epochs.length - 1], showscale: j === 0,
            colorbar: { title: { text: "epoch" }, thickness: 12 }, line: { color: "#333", width: 0.5 } },
          hovertemplate: `layer ${j + 1}, %{text}<br>I(T;X) = %{x:.3f} bits<br>I(T;Y) = %{y:.3f} bits<extra></extra>`,
        }));
        const lo = Math.min(...body.i_tx.flat()) - 0.3;
        layers.push({ x: [lo, body.h_x + 0.2], y: [body.h_y, body.h_y], type: "scatter", mode: "lines", hoverinfo: "skip",
          line: { color: MI.colors.y, dash: "dash", width: 1.5 }, name: `H(Y) = ${MI.fmt(body.h_y)} bits (dashed)` });
        layers.push({ x: [body.h_x, body.h_x], y: [0, body.h_y * 1.05], type: "scatter", mode: "lines", hoverinfo: "skip",
          line: { color: MI.colors.x, dash: "dot", width: 1.5 }, name: `log₂ n = ${MI.fmt(body.h_x)} bits (dotted)` });
        MI.plot(q("#cp-plane"), layers, {
          xaxis: { title: { text: "I(T;X), bits (binned)" }, range: [lo, body.h_x + 0.2] },
          yaxis: { title: { text: "I(T;Y), bits (binned)" } },
          title: { text: `Information plane, ${body.activation} network`, font: { size: 13 } },
          showlegend: true, legend: { orientation: "h", x: 0, y: -0.22 }, margin: { l: 56, r: 16, t: 32, b: 96 }, height: 470,
        });
        q('[data-testid="cp-caveat"]').textContent = body.caveat;
        const last = body.i_tx.length - 1;
        const j = body.layer_sizes.length - 1;
        const lastNode = q('[data-testid="cp-plane-last"]');
        MI.showNumber(lastNode, body.i_tx[last][j]);
        lastNode.textContent = `I(T;X) = ${MI.fmt(body.i_tx[last][j])} bits`;
        const column = body.i_tx.map((row) => row[j]);
        const peak = Math.max(...column);
        const peakEpoch = body.epochs[column.indexOf(peak)];
        const peakNode = q('[data-testid="cp-plane-peak"]');
        MI.showNumber(peakNode, peak);
        peakNode.textContent = `I(T;Y) = ${MI.fmt(body.i_ty[last][j])} bits (n = ${body.n}, plug-in on bins). ` +
          `Largest I(T;X) of this layer: ${MI.fmt(peak)} bits at epoch ${peakEpoch}; ` +
          (peak - column[last] > 0.5 ? `it then fell by ${MI.fmt(peak - column[last])} bits (the "compression" the binning sees)`
            : "no clear fall afterwards");
        const acc = q('[data-testid="cp-accuracy"]');
        MI.showNumber(acc, body.test_accuracy[last]);
        acc.textContent = `${MI.fmt(100 * body.test_accuracy[last], 1)}% correct`;
        const s = body.settings;
        q('[data-testid="cp-estimator"]').textContent = `on the ${body.n_test} held-out images (chance 10%). Estimator: ${body.estimator}. A shipped run (hidden layers ${s.hidden.join("-")}, ` +
          `${s.n_epochs} epochs of SGD, step ${s.learning_rate}, batch ${s.batch_size}, seed ${s.rng}); the snippet below reproduces it.`;
        MI.tableFor(q(".cp-table-plane"), [
          ["epoch", ...body.layer_sizes.flatMap((s, i) => [`layer ${i + 1} I(T;X)`, `layer ${i + 1} I(T;Y)`]), "test accuracy"],
          ...body.epochs.map((e, r) => [String(e), ...body.i_tx[r].flatMap((v, i) => [v, body.i_ty[r][i]]), body.test_accuracy[r]]),
        ], { summary: "Table view of the information plane", digits: 3 });
        MI.snippetBox(q(".cp-snippet-plane"), body.snippet);
      }

      async function updateCurve() {
        MI.busy(el);
        let body;
        try {
          body = await MI.apiLatest(`${ID}-curve`, "/api/compression/curve", MI.controls(curveControls));
        } catch (err) { MI.showError(el, err); return; }
        if (!body) return;
        drawCurve(body);
        drawEncoder(body);
        drawCurveReadouts(body);
        notes.curve = body.warnings;
        showNotes();
        MI.state.write(ID, params());
        MI.drawn(el);
        MI.rendered(el);
      }

      async function updatePlane() {
        MI.busy(el);
        let body;
        try {
          body = await MI.apiLatest(`${ID}-plane`, "/api/compression/plane", MI.controls(planeControls));
        } catch (err) { MI.showError(el, err); return; }
        if (!body) return;
        drawPlane(body);
        notes.plane = body.warnings;
        showNotes();
        MI.state.write(ID, params());
        MI.drawn(el);
        MI.rendered(el);
      }

      async function first() {
        MI.busy(el);
        let bodies;
        try {
          bodies = await Promise.all([
            MI.apiLatest(`${ID}-curve`, "/api/compression/curve", MI.controls(curveControls)),
            MI.apiLatest(`${ID}-plane`, "/api/compression/plane", MI.controls(planeControls)),
          ]);
        } catch (err) { MI.showError(el, err); return; }
        if (bodies[0]) { drawCurve(bodies[0]); drawEncoder(bodies[0]); drawCurveReadouts(bodies[0]); notes.curve = bodies[0].warnings; }
        if (bodies[1]) { drawPlane(bodies[1]); notes.plane = bodies[1].warnings; }
        showNotes();
        MI.state.write(ID, params());
        MI.drawn(el);
        MI.rendered(el);
      }

      MI.shareButton(q(".mi-extras"), ID, params);
      MI.wire(curveControls, updateCurve);
      MI.wire(planeControls, updatePlane);
      first();
    },
  });
})();
