/* Section 16: representation learning, InfoNCE between two views and its ceiling log2 N. */
(function () {
  "use strict";
  const ID = "representation";

  MI.registerSection(ID, {
    init(el, ctx) {
      const q = (s) => el.querySelector(s);
      const controlsEl = q(".mi-controls");
      MI.setControls(controlsEl, ctx.params);
      const params = () => MI.controls(controlsEl);
      let current = null;   // the last /view body
      let live = null;      // the last live run, {key, run}

      function drawViews(body) {
        const s = body.samples;
        if (body.data === "gaussian") {
          MI.plot(q("#rep-views"), [
            { x: s.a, y: s.b, type: "scatter", mode: "markers", name: "pairs",
              marker: { size: 4, color: MI.colors.shared, opacity: 0.55 } },
          ], {
            xaxis: { title: { text: "view A, coordinate 1" } }, yaxis: { title: { text: "view B, coordinate 1" } },
            title: { text: `First ${s.a.length} of ${body.n_pairs} pairs (1 of 5 coordinates)`, font: { size: 13 } },
          });
          return;
        }
        const k = s.a.length;
        const traces = [];
        const layout = {
          grid: { rows: 2, columns: k, pattern: "independent", xgap: 0.08, ygap: 0.1 },
          title: { text: "View A (top) and view B (bottom) of 4 images", font: { size: 13 } },
          margin: { l: 56, r: 8, t: 36, b: 8 },
          annotations: ["view A", "view B"].map((text, r) => ({ text, xref: "paper", yref: "paper", x: -0.02,
            xanchor: "right", y: r === 0 ? 0.78 : 0.22, showarrow: false, font: { size: 12 } })),
        };
        [s.a, s.b].forEach((rows, r) => {
          rows.forEach((img, i) => {
            const n = r * k + i + 1;
            const suffix = n === 1 ? "" : String(n);
            traces.push({ z: img, type: "heatmap", colorscale: "Greys", reversescale: true, zmin: -0.2, zmax: 1.1,
              showscale: false, xaxis: `x${suffix}`, yaxis: `y${suffix}`, hovertemplate: "%{z:.2f}<extra></extra>" });
            layout[`xaxis${suffix}`] = { visible: false, constrain: "domain" };
            layout[`yaxis${suffix}`] = { visible: false, autorange: "reversed", scaleanchor: `x${suffix}`, constrain: "domain" };
          });
        });
        MI.plot(q("#rep-views"), traces, layout);
      }

      function drawCeiling(body) {
        const ns = body.curve.map((r) => r.batch_size);
        const allN = [4, 8, 16, 32, 64, 128, 256, 512];
        const traces = [
          { x: allN, y: allN.map((n) => Math.log2(n)), type: "scatter", mode: "lines", name: "ceiling log₂ N (dashed)",
            line: { color: MI.colors.x, dash: "dash", width: 2 } },
        ];
        const refs = body.references;
        if (body.data === "gaussian") {
          traces.push({ x: [allN[0], allN[allN.length - 1]], y: [refs.truth.value, refs.truth.value], type: "scatter",
            mode: "lines", name: "true MI (dotted)", line: { color: MI.colors.y, dash: "dot", width: 2 } });
        } else {
          traces.push({ x: [allN[0], allN[allN.length - 1]], y: [refs.ceiling.value, refs.ceiling.value], type: "scatter",
            mode: "lines", name: "at most log₂ 1797 (dotted)", line: { color: MI.colors.y, dash: "dot", width: 2 } });
          traces.push({ x: [allN[0], allN[allN.length - 1]], y: [refs.lower.value, refs.lower.value], type: "scatter",
            mode: "lines", name: "lower reference (dash-dot)", line: { color: MI.colors.y, dash: "dashdot", width: 1.5 } });
        }
        if (ns.length) {
          const bars = body.curve.every((r) => r.seeds);
          traces.push({ x: ns, y: body.curve.map((r) => r.estimate), type: "scatter", mode: "lines+markers",
            name: bars ? "InfoNCE, held-out (circles; bars: 3 training seeds)" : "InfoNCE, held-out (circles)",
            line: { color: MI.colors.shared, width: 1.5 },
            marker: { size: 7, color: MI.colors.shared, symbol: "circle" },
            error_y: bars ? { type: "data", symmetric: false, color: MI.colors.shared, thickness: 1.2, width: 4,
              array: body.curve.map((r) => r.seeds.max - r.estimate),
              arrayminus: body.curve.map((r) => r.estimate - r.seeds.min) } : undefined });
        }
        if (body.estimate) {
          traces.push({ x: [body.batch_size], y: [body.estimate.value], type: "scatter", mode: "markers",
            name: `N = ${body.batch_size} (diamond)`, marker: { size: 16, symbol: "diamond", color: MI.colors.shared,
              line: { color: "#000", width: 1.5 } } });
        }
        MI.plot(q("#rep-ceiling"), traces, {
          xaxis: { type: "log", tickvals: allN, ticktext: allN.map(String) },
          yaxis: { title: { text: "bits" }, rangemode: "tozero" },
          title: { text: "InfoNCE against the batch size N (x axis)", font: { size: 13 } },
          showlegend: true, legend: { orientation: "h", x: 0, y: -0.16, yanchor: "top", font: { size: 11 } },
          margin: { l: 48, r: 16, t: 32, b: 96 },
        });
      }

      function drawTraining(body) {
        const run = body.selected;
        const traces = [];
        if (run) {
          const ep = run.train_curve.map((_, i) => i + 1);
          traces.push({ x: ep, y: run.train_curve, type: "scatter", mode: "lines", name: "training pairs (solid)",
            line: { color: MI.colors.x, width: 2 } });
          traces.push({ x: ep, y: run.valid_curve, type: "scatter", mode: "lines+markers", name: "held-out pairs (dotted)",
            line: { color: MI.colors.y, width: 2, dash: "dot" }, marker: { size: 4, color: MI.colors.y } });
        }
        const key = `${body.data}:${body.log2_batch}`;
        if (live && live.key === key) {
          const ep = live.run.valid_curve.map((_, i) => i + 1);
          traces.push({ x: ep, y: live.run.valid_curve, type: "scatter", mode: "lines+markers",
            name: `live run, ${live.run.n_pairs} pairs, held-out (squares)`,
            line: { color: MI.colors.shared, width: 1.5, dash: "dashdot" }, marker: { size: 5, symbol: "square", color: MI.colors.shared } });
        }
        const last = Math.max(2, ...traces.map((t) => t.x.length));
        traces.push({ x: [1, last], y: [body.cap, body.cap], type: "scatter", mode: "lines", name: "ceiling log₂ N (dashed)",
          line: { color: MI.colors.neutral, dash: "dash", width: 1.5 } });
        MI.plot(q("#rep-curve"), traces, {
          xaxis: { rangemode: "tozero" }, yaxis: { title: { text: "InfoNCE bound (bits)" } },
          title: { text: run ? `Bound per epoch (x axis), N = ${body.batch_size}`
            : "No stored run for this N", font: { size: 13 } },
          showlegend: true, legend: { orientation: "h", x: 0, y: -0.16, yanchor: "top", font: { size: 11 } },
          margin: { l: 48, r: 16, t: 32, b: 84 },
        });
      }

      function drawReadouts(body) {
        const cap = q('[data-testid="rep-cap"]');
        MI.showNumber(cap, body.cap, 3, " bits");
        q('[data-testid="rep-cap-note"]').textContent = `exact: log₂ ${body.batch_size}, whatever the critic`;
        q('[data-testid="rep-batch-n"]').textContent = `N = ${body.batch_size}`;
        const est = q('[data-testid="rep-estimate"]');
        if (body.estimate) {
          MI.showReadout(est, body.estimate);
          est.dataset.nearCap = body.selected.near_cap ? "1" : "0";
          const r = body.selected;
          q('[data-testid="rep-epochs"]').textContent =
            `bound on ${r.n_valid} held-out pairs; critic trained on ${r.n_train} for ${r.epochs} epochs ` +
            `(best at epoch ${r.best_epoch})` + (r.near_cap ? "; at the ceiling" : "") +
            (body.seeds ? `. Training seeds ${body.seeds.seeds.join(", ")}: ${MI.fmt(body.seeds.min)} to ` +
              `${MI.fmt(body.seeds.max)} bits` : "");
          est.dataset.seedMin = body.seeds ? String(body.seeds.min) : "";
          est.dataset.seedMax = body.seeds ? String(body.seeds.max) : "";
        } else {
          est.textContent = "no stored run";
          est.dataset.value = "";
          q('[data-testid="rep-epochs"]').textContent = "";
        }
        const refs = body.references;
        const truth = q('[data-testid="rep-truth"]');
        const sub = q('[data-testid="rep-truth-sub"]');
        if (body.data === "gaussian") {
          q('[data-testid="rep-truth-title"]').textContent = "True MI (closed form)";
          MI.showReadout(truth, refs.truth);
          sub.dataset.value = String(refs.library_check.value);
          sub.textContent = `mutinfo's Gaussian estimate on the same pairs: ${MI.readout(refs.library_check)}`;
        } else {
          q('[data-testid="rep-truth-title"]').textContent = "Lower reference (no closed form)";
          MI.showReadout(truth, refs.lower);
          truth.dataset.ceiling = String(refs.ceiling.value);
          sub.dataset.value = String(refs.ceiling.value);
          sub.textContent = `lower reference: KSG on 8 principal components of each view (biased low). ` +
            `Ceiling: log₂ 1797 = ${MI.fmt(refs.ceiling.value)} bits, since the views share at most which image they came from.`;
        }
        q('[data-testid="rep-verdict"]').textContent = body.verdict;
        q('[data-testid="rep-description"]').textContent = body.description;
        const p = body.precomputed;
        q('[data-testid="rep-provenance"]').textContent = p
          ? `Stored run (no training on page load): made by \`${p.command}\` with mutinfo ${p.mutinfo_version} and torch ` +
            `${p.torch_version}, seed fixed; the test suite re-runs one configuration and checks it gives the same number.`
          : `No stored runs: run \`${body.precompute_command}\` (needs the neural extra).`;
      }

      function drawTrainButton(body) {
        const button = q("#rep-train");
        const status = q('[data-testid="rep-train-status"]');
        if (!body.torch.available) {
          button.disabled = true;
          status.dataset.torch = "0";
          status.textContent = body.torch.message;
          return;
        }
        status.dataset.torch = "1";
        const [lo, hi] = body.live.log2_batch;
        button.disabled = body.log2_batch < lo || body.log2_batch > hi;
        if (!live || live.key !== `${body.data}:${body.log2_batch}`) {
          status.textContent = button.disabled
            ? `Live training runs for N from ${2 ** lo} to ${2 ** hi} (a few seconds each); pick one of those.`
            : `Trains InfoNCE now on ${body.live.n_pairs} pairs for at most ${body.live.max_epochs} epochs ` +
              `at N = ${body.batch_size} (a few seconds).`;
        }
      }

      function drawTable(body) {
        const extras = q(".mi-extras");
        MI.tableFor(extras, [
          ["Batch size N", "Ceiling log₂ N (bits)", "InfoNCE held-out (bits)", "Seeds 0-2: lowest (bits)",
            "Seeds 0-2: highest (bits)", "At the ceiling?"],
          ...body.curve.map((r) => [String(r.batch_size), r.cap, r.estimate, r.seeds ? r.seeds.min : "n/a",
            r.seeds ? r.seeds.max : "n/a", r.near_cap ? "yes" : "no"]),
        ], { summary: "Table view of InfoNCE against the batch size" });
        MI.snippetBox(extras, body.snippet);
      }

      async function update() {
        const p = params();
        MI.busy(el);
        let body;
        try {
          body = await MI.apiLatest(ID, "/api/representation/view", p);
        } catch (err) { MI.showError(el, err); return; }
        if (!body) return;
        current = body;
        drawReadouts(body);
        drawViews(body);
        drawCeiling(body);
        drawTraining(body);
        drawTrainButton(body);
        drawTable(body);
        MI.showWarnings(el, body.warnings);
        MI.state.write(ID, params());
        MI.drawn(el);
        MI.rendered(el);
      }

      q("#rep-train").addEventListener("click", async () => {
        if (!current) return;
        const body = current;
        const status = q('[data-testid="rep-train-status"]');
        const button = q("#rep-train");
        button.disabled = true;
        status.textContent = "Training…";
        MI.busy(el);
        try {
          const res = await MI.api("/api/representation/train", { data: body.data, log2_batch: body.log2_batch });
          if (current !== body) return;  // the controls moved meanwhile
          live = { key: `${res.data}:${res.log2_batch}`, run: res.run };
          status.dataset.value = String(res.run.estimate);
          status.textContent = `Live run: ${MI.fmt(res.run.estimate)} bits on ${res.run.n_valid} held-out pairs after ` +
            `${res.run.epochs} epochs on ${res.run.n_pairs} pairs, ${MI.fmt(res.run.seconds, 1)} s; ceiling ${MI.fmt(res.run.cap)} bits.`;
          drawTraining(body);
          MI.rendered(el);
        } catch (err) {
          status.textContent = `Could not train: ${err.message}`;
          el.dataset.busy = "0";
        } finally {
          button.disabled = false;
        }
      });

      MI.shareButton(q(".mi-extras"), ID, params);
      MI.wire(controlsEl, update);
      update();
    },
  });
})();
