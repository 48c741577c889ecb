/* Section 7: the six properties of MI, plus the estimator-honesty gallery.
 *
 * Seven independent demos share one section. Each has its own controls (names prefixed with
 * the demo's short id, e.g. "nn_n"), its own endpoint and its own snippet/table boxes; the
 * share link carries every control of the section. Each demo counts its redraws in
 * data-renders on its own container, so tests can wait for one demo at a time.
 */
(function () {
  "use strict";
  const ID = "properties";

  function strip(values, prefix) {
    const out = {};
    Object.entries(values).forEach(([k, v]) => {
      if (k.startsWith(prefix + "_")) out[k.slice(prefix.length + 1)] = v;
    });
    return out;
  }

  function bits(v, d) { return `${MI.fmt(v, d === undefined ? 4 : d)} bits`; }

  function showBits(node, record, digits) {
    MI.showReadout(node, record);
    node.textContent = bits(record.value, digits);
  }

  function detail(record) {
    const parts = [`n = ${record.n}`, record.method];
    if (record.p_value !== undefined && record.p_value !== null) parts.push(`permutation p = ${MI.fmtP(record.p_value)}`);
    if (record.ci) parts.push(`95% CI ${MI.fmt(record.ci[0])} to ${MI.fmt(record.ci[1])}`);
    if (record.truth !== undefined) parts.push(`truth ${MI.fmt(record.truth, 4)}`);
    return parts.join(", ");
  }

  function histogramTrace(h, color, name) {
    const centers = h.counts.map((_, i) => (h.edges[i] + h.edges[i + 1]) / 2);
    return {
      x: centers, y: h.counts, type: "bar", name, marker: { color, line: { color: "#1d1d1f", width: 0.5 }, pattern: { shape: "/", fillmode: "overlay", fgcolor: "#ffffff", size: 6, solidity: 0.25 } },
      width: h.counts.map((_, i) => h.edges[i + 1] - h.edges[i]),
    };
  }

  function vline(x, text, dash) {
    return {
      shapes: [{ type: "line", x0: x, x1: x, yref: "paper", y0: 0, y1: 1, line: { color: "#1d1d1f", dash: dash || "dash", width: 2 } }],
      annotations: [{ x, y: 1, yref: "paper", text, showarrow: false, yanchor: "bottom", font: { size: 11 } }],
    };
  }

  const DEMOS = {
    nn: {
      path: "/api/properties/nonnegativity",
      draw(box, body) {
        const q = (s) => box.querySelector(s);
        MI.showNumber(q('[data-testid="prop-nn-mean"]'), body.mean, 5, " bits");
        q('[data-testid="prop-nn-detail"]').textContent =
          `${body.reps} samples of n = ${body.n}, ${body.method}; sd ${MI.fmt(body.sd, 5)}`;
        MI.showNumber(q('[data-testid="prop-nn-negative"]'), body.fraction_negative * 100, 1, " %");
        q('[data-testid="prop-nn-min"]').textContent = `smallest estimate ${bits(body.min, 5)} (not clipped)`;
        const bias = q('[data-testid="prop-nn-bias"]');
        if (body.bias_bits === null) { bias.textContent = "applies to plug-in only"; bias.dataset.value = ""; }
        else MI.showNumber(bias, body.bias_bits, 5, " bits");
        const layout = vline(0, "true MI = 0");
        if (body.bias_bits !== null) {
          const extra = vline(body.bias_bits, "Miller bias", "dot");
          layout.shapes.push(extra.shapes[0]);
          extra.annotations[0].yanchor = "top";
          extra.annotations[0].y = 0.9;
          layout.annotations.push(extra.annotations[0]);
        }
        MI.plot(q("#prop-nn-plot"), [histogramTrace(body.histogram, MI.colors.shared, "estimates")], Object.assign(layout, {
          xaxis: { title: { text: `MI estimate (bits), ${body.method}` } }, yaxis: { title: { text: "samples" } },
          bargap: 0.02, margin: { l: 52, r: 16, t: 28, b: 44 },
        }));
        const h = body.histogram;
        return [["bin from (bits)", "bin to (bits)", "samples"]].concat(h.counts.map((c, i) => [h.edges[i], h.edges[i + 1], c]));
      },
    },
    sy: {
      path: "/api/properties/symmetry",
      draw(box, body) {
        const q = (s) => box.querySelector(s);
        showBits(q('[data-testid="prop-sy-ixy"]'), body.i_xy);
        showBits(q('[data-testid="prop-sy-iyx"]'), body.i_yx);
        showBits(q('[data-testid="prop-sy-hxy"]'), body.h_x_given_y);
        showBits(q('[data-testid="prop-sy-hyx"]'), body.h_y_given_x);
        q('[data-testid="prop-sy-ixy-detail"]').textContent = detail(body.i_xy);
        q('[data-testid="prop-sy-diff"]').textContent = `difference ${body.difference.toExponential(1)} bits (rounding only)`;
        return [["quantity", "bits", "n", "method"]].concat(
          [body.i_xy, body.i_yx, body.h_x_given_y, body.h_y_given_x].map((r) => [r.quantity, r.value, r.n, r.method]));
      },
    },
    in: {
      path: "/api/properties/independence",
      draw(box, body) {
        const q = (s) => box.querySelector(s);
        const r = q('[data-testid="prop-in-pearson"]');
        MI.showNumber(r, body.pearson.r, 3);
        r.textContent = `r = ${MI.fmt(body.pearson.r)}`;
        q('[data-testid="prop-in-pearson-p"]').textContent = `n = ${body.pearson.n}, p = ${MI.fmtP(body.pearson.p_value)} (t-test)`;
        showBits(q('[data-testid="prop-in-mi"]'), body.mi, 3);
        q('[data-testid="prop-in-mi-detail"]').textContent = detail(body.mi);
        showBits(q('[data-testid="prop-in-control"]'), body.control, 3);
        q('[data-testid="prop-in-control-detail"]').textContent = detail(body.control);
        const dep = body.mi.p_value < 0.05;
        const rSig = body.pearson.p_value < 0.05;
        q('[data-testid="prop-in-verdict"]').textContent =
          `Pearson: ${rSig ? "detects" : "does not detect"} a relationship (p = ${MI.fmtP(body.pearson.p_value)}). ` +
          `MI: ${dep ? "detects" : "does not detect"} one (p = ${MI.fmtP(body.mi.p_value)}). ` +
          `Control: p = ${MI.fmtP(body.control.p_value)}, ${body.control.p_value < 0.05 ? "a false alarm (it happens 5 % of the time)" : "no relationship found, as it should be"}.`;
        MI.plot(q("#prop-in-scatter"), [{
          x: body.scatter.x, y: body.scatter.y, type: "scattergl", mode: "markers",
          marker: { size: 4, color: MI.colors.x, opacity: 0.6 }, name: "samples",
        }], { xaxis: { title: { text: "X" } }, yaxis: { title: { text: "Y" } }, title: { text: `r = ${MI.fmt(body.pearson.r)}`, font: { size: 13 } } });
        const lay = vline(body.mi.value, `observed ${MI.fmt(body.mi.value)}`);
        MI.plot(q("#prop-in-null"), [histogramTrace(body.null_histogram, MI.colors.neutral, "shuffled")], Object.assign(lay, {
          xaxis: { title: { text: "MI after shuffling Y (bits)" } }, yaxis: { title: { text: "shuffles" } }, bargap: 0.02,
        }));
        return [["quantity", "value", "n", "method", "p-value"],
          ["Pearson r", body.pearson.r, body.pearson.n, "pearson", MI.fmtP(body.pearson.p_value)],
          ["I(X;Y) bits", body.mi.value, body.mi.n, body.mi.method, MI.fmtP(body.mi.p_value)],
          ["I(X;shuffled Y) bits", body.control.value, body.control.n, body.control.method, MI.fmtP(body.control.p_value)]];
      },
    },
    se: {
      path: "/api/properties/self",
      draw(box, body) {
        const q = (s) => box.querySelector(s);
        const discrete = body.kind === "discrete";
        q(".prop-se-discrete").hidden = !discrete;
        q(".prop-se-continuous").hidden = discrete;
        if (discrete) {
          showBits(q('[data-testid="prop-se-ixx"]'), body.i_xx);
          showBits(q('[data-testid="prop-se-hx"]'), body.h_x);
          q('[data-testid="prop-se-hx-truth"]').textContent = `n = ${body.h_x.n}, ${body.h_x.method}; truth log₂ L = ${MI.fmt(body.h_x_truth, 4)}`;
          showBits(q('[data-testid="prop-se-ixy"]'), body.i_xy);
          MI.showNumber(q('[data-testid="prop-se-bound"]'), body.bound, 4, " bits");
          return [["quantity", "bits", "n", "method"]].concat(
            [body.i_xx, body.h_x, body.i_xy, body.h_y].map((r) => [r.quantity, r.value, r.n, r.method]));
        }
        const last = body.self[body.self.length - 1];
        MI.showNumber(q('[data-testid="prop-se-self"]'), last.value, 3, " bits");
        q('[data-testid="prop-se-self-detail"]').textContent =
          `n = ${last.n}, ${body.method}; ` + body.self.map((s) => `n=${s.n}: ${MI.fmt(s.value, 2)}`).join(", ");
        showBits(q('[data-testid="prop-se-hnarrow"]'), body.h_narrow, 3);
        q('[data-testid="prop-se-hnarrow-truth"]').textContent =
          `n = ${body.h_narrow.n}, ${body.h_narrow.method}; truth ½log₂(2πe·0.05²) = ${MI.fmt(body.h_narrow_truth, 3)} bits`;
        MI.plot(q("#prop-se-plot"), [
          { x: body.noisy_copy.map((s) => s.sigma), y: body.noisy_copy.map((s) => s.truth), mode: "lines", type: "scatter",
            line: { color: MI.colors.neutral, dash: "dash" }, name: "truth" },
          { x: body.noisy_copy.map((s) => s.sigma), y: body.noisy_copy.map((s) => s.value), mode: "markers", type: "scatter",
            marker: { color: MI.colors.shared, symbol: "diamond", size: 9 }, name: `estimate (${body.method})` },
        ], { showlegend: true, legend: { orientation: "h", y: 1.15 }, xaxis: { type: "log", autorange: "reversed", title: { text: "noise σ (log scale, shrinking →)" } },
          yaxis: { title: { text: "I(X; X + σ·noise), bits" } } });
        return [["σ", "estimate (bits)", "truth (bits)"]].concat(body.noisy_copy.map((s) => [s.sigma, s.value, s.truth]));
      },
    },
    dp: {
      path: "/api/properties/dpi",
      map(p) { p.sufficient = p.sufficient ? "true" : "false"; return p; },
      draw(box, body) {
        const q = (s) => box.querySelector(s);
        showBits(q('[data-testid="prop-dp-ixy"]'), body.i_xy);
        showBits(q('[data-testid="prop-dp-ixz"]'), body.i_xz);
        q('[data-testid="prop-dp-ixy-detail"]').textContent = detail(body.i_xy);
        q('[data-testid="prop-dp-ixz-detail"]').textContent = detail(body.i_xz);
        const equal = Math.abs(body.i_xz.truth - body.i_xy.truth) < 1e-12;
        q('[data-testid="prop-dp-verdict"]').textContent =
          `Truth: I(X;Z) = ${MI.fmt(body.i_xz.truth, 4)} ${equal ? "=" : "<"} I(X;Y) = ${MI.fmt(body.i_xy.truth, 4)} bits. ` +
          (body.holds_for_estimates ? "The estimates keep the same order." :
            "The estimates swap order here: sampling noise, not a violation (the truths obey the inequality).");
        MI.plot(q("#prop-dp-plot"), [
          { x: ["I(X;Y)", "I(X;Z)"], y: [body.i_xy.value, body.i_xz.value], type: "bar", name: "estimate",
            marker: { color: MI.colors.shared, pattern: { shape: "/", fillmode: "overlay", fgcolor: "#ffffff", solidity: 0.3 } }, text: ["estimate", "estimate"], textposition: "inside" },
          { x: ["I(X;Y)", "I(X;Z)"], y: [body.i_xy.truth, body.i_xz.truth], type: "bar", name: "truth",
            marker: { color: "#bbbbbb", pattern: { shape: ".", fillmode: "overlay", fgcolor: "#ffffff", solidity: 0.3 } }, text: ["truth", "truth"], textposition: "inside" },
        ], { barmode: "group", showlegend: true, legend: { orientation: "h", y: 1.15 }, yaxis: { title: { text: "bits" }, rangemode: "tozero" } });
        return [["quantity", "estimate (bits)", "truth (bits)", "n", "method", "p-value"],
          ["I(X;Y)", body.i_xy.value, body.i_xy.truth, body.i_xy.n, body.i_xy.method, MI.fmtP(body.i_xy.p_value)],
          ["I(X;Z)", body.i_xz.value, body.i_xz.truth, body.i_xz.n, body.i_xz.method, MI.fmtP(body.i_xz.p_value)]];
      },
    },
    ch: {
      path: "/api/properties/chain",
      draw(box, body) {
        const q = (s) => box.querySelector(s);
        [["joint", body.i_joint], ["x1", body.i_x1], ["x2gx1", body.i_x2_given_x1], ["x2", body.i_x2]].forEach(([key, r]) => {
          showBits(q(`[data-testid="prop-ch-${key}"]`), r);
          const p = r.p_value === undefined ? "" : `, permutation p = ${MI.fmtP(r.p_value)}`;
          q(`[data-testid="prop-ch-${key}-truth"]`).textContent = `n = ${r.n}, ${r.method}${p}; truth ${MI.fmt(r.truth, 4)}`;
        });
        const sum = q('[data-testid="prop-ch-sum"]');
        sum.dataset.value = String(body.sum);
        sum.textContent = `I(X₁;Y) + I(X₂;Y|X₁) = ${MI.fmt(body.i_x1.value, 4)} + ${MI.fmt(body.i_x2_given_x1.value, 4)} = ` +
          `${MI.fmt(body.sum, 4)} bits; I(X₁,X₂;Y) = ${MI.fmt(body.i_joint.value, 4)} bits ` +
          `(difference ${body.gap.toExponential(1)}: the plug-in estimates obey the chain rule exactly).`;
        MI.plot(q("#prop-ch-plot"), [
          { x: ["chain rule", "joint"], y: [body.i_x1.value, 0], type: "bar", name: "I(X₁;Y)", marker: { color: MI.colors.x, pattern: { shape: "/", fillmode: "overlay", fgcolor: "#ffffff", solidity: 0.3 } } },
          { x: ["chain rule", "joint"], y: [body.i_x2_given_x1.value, 0], type: "bar", name: "I(X₂;Y|X₁)", marker: { color: MI.colors.y, pattern: { shape: ".", fillmode: "overlay", fgcolor: "#ffffff", solidity: 0.3 } } },
          { x: ["chain rule", "joint"], y: [0, body.i_joint.value], type: "bar", name: "I(X₁,X₂;Y)", marker: { color: MI.colors.shared, pattern: { shape: "x", fillmode: "overlay", fgcolor: "#ffffff", solidity: 0.3 } } },
        ], { barmode: "stack", showlegend: true, legend: { orientation: "h", y: 1.18 }, yaxis: { title: { text: "bits" }, rangemode: "tozero" } });
        return [["quantity", "estimate (bits)", "truth (bits)", "n", "method"]].concat(
          [body.i_joint, body.i_x1, body.i_x2_given_x1, body.i_x2].map((r) => [r.quantity, r.value, r.truth, r.n, r.method]));
      },
    },
  };

  MI.registerSection(ID, {
    init(el, ctx) {
      MI.setControls(el, ctx.params);
      const sectionParams = () => MI.controls(el);

      function finish(box, rows, snippet, caption) {
        const extras = box.querySelector(".mi-extras");
        MI.tableFor(extras, rows, { summary: caption || "Table view", digits: 4 });
        MI.snippetBox(extras, snippet);
        box.dataset.renders = String(Number(box.dataset.renders || 0) + 1);
        box.dataset.busy = "0";
        MI.state.write(ID, sectionParams());
        MI.drawn(el);
        MI.rendered(el);
      }

      Object.entries(DEMOS).forEach(([key, demo]) => {
        const box = el.querySelector(`#prop-${key}`);
        const ctrl = box.querySelector(".mi-controls");
        async function update() {
          let p = strip(MI.controls(ctrl), key);
          if (demo.map) p = demo.map(p);
          box.dataset.busy = "1";
          MI.busy(el);
          let body;
          try {
            body = await MI.apiLatest(`${ID}-${key}`, demo.path, p);
          } catch (err) { box.dataset.busy = "0"; MI.showError(el, err); return; }
          if (!body) return;
          const rows = demo.draw(box, body);
          finish(box, rows, body.snippet, "Table view of this demonstration");
        }
        MI.wire(ctrl, update, { debounce: 30 });
        update();
      });

      // ---- "guess, then compute" for the data-processing demo ----
      el.querySelector("#prop-dp-check").addEventListener("click", async () => {
        const box = el.querySelector("#prop-dp");
        const p = DEMOS.dp.map(strip(MI.controls(box.querySelector(".mi-controls")), "dp"));
        const body = await MI.api(DEMOS.dp.path, p);
        const diff = body.i_xz.truth - body.i_xy.truth;
        const truth = Math.abs(diff) < 1e-12 ? "equal" : diff < 0 ? "less" : "more";
        const guess = el.querySelector("#prop-dp-guess").value;
        const words = { less: "smaller than", equal: "equal to", more: "larger than" };
        el.querySelector('[data-testid="prop-dp-guess-result"]').textContent =
          `${guess === truth ? "Right" : "Not quite"}: the true I(X;Z) = ${MI.fmt(body.i_xz.truth, 4)} bits is ` +
          `${words[truth]} I(X;Y) = ${MI.fmt(body.i_xy.truth, 4)} bits.` +
          (truth === "more" ? "" : " Processing never adds information about X.");
      });

      // ---- estimator honesty: three endpoints driven by one control row ----
      const ho = el.querySelector("#prop-ho");
      const hoCtrl = ho.querySelector(".mi-controls");
      async function updateHonesty() {
        const c = strip(MI.controls(hoCtrl), "ho");
        ho.dataset.busy = "1";
        MI.busy(el);
        let conv, floor, ks;
        try {
          [conv, floor, ks] = await Promise.all([
            MI.apiLatest(`${ID}-ho-conv`, "/api/honesty/convergence", { rho: c.rho, k: c.k }),
            MI.apiLatest(`${ID}-ho-floor`, "/api/honesty/floor", { k: c.k, levels: c.levels }),
            MI.apiLatest(`${ID}-ho-k`, "/api/honesty/ksweep", { rho: c.rho }),
          ]);
        } catch (err) { ho.dataset.busy = "0"; MI.showError(el, err); return; }
        if (!conv || !floor || !ks) return;
        const q = (s) => ho.querySelector(s);
        MI.showNumber(q('[data-testid="prop-ho-truth"]'), conv.truth, 4, " bits");
        const last = conv.rows[conv.rows.length - 1];
        MI.showNumber(q('[data-testid="prop-ho-last"]'), last.mean, 4, " bits");
        q('[data-testid="prop-ho-last-detail"]').textContent =
          `mean of ${conv.reps} samples, sd ${MI.fmt(last.sd, 4)}, ${conv.method}, k = ${conv.k}`;
        const allKsg = floor.rows.flatMap((r) => r.ksg.values);
        const neg = allKsg.filter((v) => v < 0).length / allKsg.length;
        MI.showNumber(q('[data-testid="prop-ho-negative"]'), neg * 100, 1, " %");
        q('[data-testid="prop-ho-negative-detail"]').textContent =
          `${allKsg.length} estimates, smallest ${MI.fmt(Math.min(...allKsg), 4)} bits, kept as they are`;
        const ns = conv.rows.map((r) => r.n);
        MI.plot(q("#prop-ho-conv"), [
          { x: ns, y: conv.rows.map((r) => r.mean), error_y: { type: "data", array: conv.rows.map((r) => r.sd), visible: true },
            mode: "lines+markers", type: "scatter", name: `${conv.method} mean ± sd`, marker: { color: MI.colors.shared, symbol: "diamond", size: 8 } },
          { x: [ns[0], ns[ns.length - 1]], y: [conv.truth, conv.truth], mode: "lines", type: "scatter", name: "truth",
            line: { color: MI.colors.neutral, dash: "dash" } },
        ], { showlegend: true, legend: { orientation: "h", y: 1.2 }, margin: { l: 52, r: 16, t: 64, b: 44 },
          xaxis: { type: "log", title: { text: "n (log scale)" } }, yaxis: { title: { text: "bits" } } });
        MI.plot(q("#prop-ho-floor"), [
          { x: floor.rows.flatMap((r) => r.ksg.values.map(() => r.n)), y: allKsg, mode: "markers", type: "scatter",
            name: `${floor.methods.continuous} (each sample)`, marker: { color: MI.colors.x, symbol: "circle-open", size: 6 } },
          { x: floor.rows.map((r) => r.n), y: floor.rows.map((r) => r.plugin.mean), mode: "lines+markers", type: "scatter",
            name: `${floor.methods.discrete} mean`, marker: { color: MI.colors.y, symbol: "square", size: 7 }, line: { color: MI.colors.y } },
          { x: floor.rows.map((r) => r.n), y: floor.rows.map((r) => r.miller_madow_bits), mode: "lines", type: "scatter",
            name: "Miller bias", line: { color: MI.colors.neutral, dash: "dot" } },
        ], { showlegend: true, legend: { orientation: "h", y: 1.25 }, margin: { l: 52, r: 16, t: 64, b: 44 },
          xaxis: { type: "log", title: { text: "n (log scale)" } }, yaxis: { title: { text: "bits" }, zeroline: true, zerolinecolor: "#1d1d1f" } });
        q("#prop-ho-k-caption").textContent = `k sensitivity: one sample of n = ${ks.n}, KSG with k = 1 … 50`;
        MI.plot(q("#prop-ho-k-plot"), [
          { x: ks.rows.map((r) => r.k), y: ks.rows.map((r) => r.dependent), mode: "lines+markers", type: "scatter", name: `ρ = ${ks.rho}`,
            marker: { color: MI.colors.shared, symbol: "diamond", size: 8 } },
          { x: ks.rows.map((r) => r.k), y: ks.rows.map((r) => r.independent), mode: "lines+markers", type: "scatter", name: "independent",
            marker: { color: MI.colors.x, symbol: "circle-open", size: 8 }, line: { dash: "dot" } },
          { x: [1, ks.rows[ks.rows.length - 1].k], y: [ks.truth, ks.truth], mode: "lines", type: "scatter", name: "truth (ρ)",
            line: { color: MI.colors.neutral, dash: "dash" } },
        ], { showlegend: true, legend: { orientation: "h", y: 1.2 }, margin: { l: 52, r: 16, t: 64, b: 44 },
          xaxis: { type: "log", title: { text: "k (log scale)" } }, yaxis: { title: { text: "bits" } } });
        const rows = [["chart", "n or k", "value (bits)", "note"]]
          .concat(conv.rows.map((r) => ["convergence", r.n, r.mean, `sd ${MI.fmt(r.sd, 4)}, truth ${MI.fmt(conv.truth, 4)}`]))
          .concat(floor.rows.map((r) => ["independent, KSG mean", r.n, r.ksg.mean, `${Math.round(r.ksg.fraction_negative * 100)} % below 0`]))
          .concat(floor.rows.map((r) => ["independent, plug-in mean", r.n, r.plugin.mean, `Miller ${MI.fmt(r.miller_madow_bits, 4)}`]))
          .concat(ks.rows.map((r) => ["k sweep", r.k, r.dependent, `independent: ${MI.fmt(r.independent, 4)}`]));
        finish(ho, rows, [conv.snippet, floor.snippet, ks.snippet].join("\n# ----\n"), "Table view of the three charts");
      }
      MI.wire(hoCtrl, updateHonesty, { debounce: 60 });
      updateHonesty();
      MI.shareButton(el.querySelector("#prop-ho .mi-extras"), ID, sectionParams);
    },
  });
})();
