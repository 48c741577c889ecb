/* Section 8: real data shipped with mutinfo (weather, breast cancer, simulated gene network).
 *
 * Weather and medical views fetch in two stages: the estimates first (stage=estimate, fast),
 * then the permutation tests (stage=full). Each part counts its redraws in data-renders.
 */
(function () {
  "use strict";
  const ID = "realworld";

  function strip(values, prefix) {
    const out = {};
    Object.entries(values).forEach(([k, v]) => { if (k.startsWith(prefix + "_")) out[k.slice(prefix.length + 1)] = v; });
    return out;
  }

  function sourceText(src) {
    const end = (t) => (t.endsWith(".") ? t : t + ".");
    return `Source: ${end(src.title)} ${end(src.citation)} Licence: ${end(src.licence)}${src.synthetic ? " SIMULATED data." : ""}`;
  }

  function testText(r) {
    if (r.p_value === undefined || r.p_value === null) return `n = ${r.n}, ${r.method}; permutation test running…`;
    return `n = ${r.n}, ${r.method}; permutation p = ${MI.fmtP(r.p_value)} (${r.n_resamples} shuffles), ` +
      `null mean ${MI.fmt(r.null_mean)} bits`;
  }

  function bitsReadout(node, r) {
    MI.showReadout(node, r);
    node.textContent = `${MI.fmt(r.value)} bits`;
  }

  MI.registerSection(ID, {
    init(el, ctx) {
      MI.setControls(el, ctx.params);
      const sectionParams = () => MI.controls(el);

      function done(box, full) {
        if (full) box.dataset.renders = String(Number(box.dataset.renders || 0) + 1);
        box.dataset.busy = full ? "0" : "1";
        MI.state.write(ID, sectionParams());
        MI.drawn(el);
        if (full) MI.rendered(el);
      }

      // ---------------- weather ----------------
      const wBox = el.querySelector("#rw-weather");
      function drawWeather(body) {
        const q = (s) => wBox.querySelector(s);
        bitsReadout(q('[data-testid="rw-th"]'), body.temperature_humidity);
        bitsReadout(q('[data-testid="rw-tl"]'), body.temperature_lottery);
        q('[data-testid="rw-th-detail"]').textContent = testText(body.temperature_humidity);
        q('[data-testid="rw-tl-detail"]').textContent = testText(body.temperature_lottery);
        const r = q('[data-testid="rw-pearson"]');
        MI.showNumber(r, body.pearson.temperature_humidity, 3);
        r.textContent = `r = ${MI.fmt(body.pearson.temperature_humidity)}`;
        q('[data-testid="rw-pearson-detail"]').textContent =
          `temperature and humidity; with the lottery r = ${MI.fmt(body.pearson.temperature_lottery)}`;
        const th = body.temperature_humidity, tl = body.temperature_lottery;
        q('[data-testid="rw-weather-verdict"]').textContent = th.p_value === undefined ? "" :
          `Humidity: ${th.p_value < 0.05 ? "clearly dependent on temperature" : "not distinguishable from independence"} ` +
          `(p = ${MI.fmtP(th.p_value)}). Lottery: ${tl.p_value < 0.05 ? "flagged at the 5 % level (a false alarm: it happens 1 time in 20)" : "indistinguishable from independence, as it must be"} ` +
          `(p = ${MI.fmtP(tl.p_value)}): its estimate of ${MI.fmt(tl.value)} bits is what the estimator gives on unrelated data of this size (null mean ${MI.fmt(tl.null_mean)}).`;
        const s = body.scatter;
        MI.plot(q("#rw-th-plot"), [{ x: s.temperature, y: s.humidity, type: "scattergl", mode: "markers",
          marker: { size: 4, color: MI.colors.x, opacity: 0.5, symbol: "circle" } }],
        { xaxis: { title: { text: "temperature (°C)" } }, yaxis: { title: { text: "relative humidity (%)" } },
          title: { text: "temperature vs humidity", font: { size: 13 } } });
        MI.plot(q("#rw-tl-plot"), [{ x: s.temperature, y: s.lottery, type: "scattergl", mode: "markers",
          marker: { size: 4, color: MI.colors.y, opacity: 0.5, symbol: "x" } }],
        { xaxis: { title: { text: "temperature (°C)" } }, yaxis: { title: { text: "lottery number" } },
          title: { text: "temperature vs lottery", font: { size: 13 } } });
        q('[data-testid="rw-weather-source"]').textContent = sourceText(body.source);
        const warn = q('[data-testid="rw-weather-warnings"]');
        warn.hidden = !body.warnings.length;
        warn.textContent = body.warnings.length ? `mutinfo warned: ${body.warnings.join(" | ")}` : "";
        const extras = q(".mi-extras");
        MI.tableFor(extras, [["pair", "MI (bits)", "n", "method", "p-value", "null mean (bits)", "Pearson r"],
          ["temperature, humidity", th.value, th.n, th.method, MI.fmtP(th.p_value), th.null_mean === undefined ? "" : th.null_mean, body.pearson.temperature_humidity],
          ["temperature, lottery", tl.value, tl.n, tl.method, MI.fmtP(tl.p_value), tl.null_mean === undefined ? "" : tl.null_mean, body.pearson.temperature_lottery]],
        { summary: "Table view of the weather readouts" });
        MI.snippetBox(extras, body.snippet);
      }
      async function updateWeather() {
        const p = strip(MI.controls(wBox.querySelector(".mi-controls")), "w");
        wBox.dataset.busy = "1";
        MI.busy(el);
        try {
          const quick = await MI.apiLatest(`${ID}-w`, "/api/realworld/weather", Object.assign({ stage: "estimate" }, p));
          if (!quick) return;
          drawWeather(quick);
          done(wBox, false);
          const full = await MI.apiLatest(`${ID}-w`, "/api/realworld/weather", p);
          if (!full) return;
          drawWeather(full);
          done(wBox, true);
        } catch (err) { wBox.dataset.busy = "0"; MI.showError(el, err); }
      }
      MI.wire(wBox.querySelector(".mi-controls"), updateWeather, { debounce: 150 });

      // ---------------- medical ----------------
      const mBox = el.querySelector("#rw-medical");
      function drawMedical(body) {
        const q = (s) => mBox.querySelector(s);
        const top = body.ranking[0];
        const node = q('[data-testid="rw-med-top"]');
        MI.showReadout(node, top.mi);
        node.textContent = `${top.feature}: ${MI.fmt(top.mi.value)} bits`;
        q('[data-testid="rw-med-top-detail"]').textContent = testText(top.mi);
        MI.showNumber(q('[data-testid="rw-med-agree"]'), body.rank_agreement_spearman, 2);
        const rows = body.ranking.slice().reverse();
        MI.plot(q("#rw-med-plot"), [{
          x: rows.map((r) => r.mi.value), y: rows.map((r) => r.feature), type: "bar", orientation: "h",
          marker: { color: MI.colors.shared, pattern: { shape: "/", fillmode: "overlay", fgcolor: "#ffffff", solidity: 0.2 } },
          text: rows.map((r) => `#${r.pearson_rank} by |r|`), textposition: "outside", cliponaxis: false,
        }], { margin: { l: 170, r: 70, t: 20, b: 44 }, xaxis: { title: { text: `I(feature; diagnosis), bits (${body.ranking[0].mi.method}, k = ${body.k})` } },
          yaxis: { automargin: true, tickfont: { size: 11 } } });
        const head = "<thead><tr><th scope=\"col\">MI rank</th><th scope=\"col\">feature</th><th scope=\"col\">MI (bits)</th>" +
          "<th scope=\"col\">p</th><th scope=\"col\">q (FDR)</th><th scope=\"col\">Pearson r</th><th scope=\"col\">|r| rank</th></tr></thead>";
        q('[data-testid="rw-med-table"]').innerHTML = head + "<tbody>" + body.ranking.map((r) =>
          `<tr><td>${r.mi_rank}</td><td>${MI.escapeHtml(r.feature)}</td><td data-value="${r.mi.value}">${MI.fmt(r.mi.value)}</td>` +
          `<td>${r.mi.p_value === undefined ? "…" : MI.fmtP(r.mi.p_value)}</td><td>${r.q_value === null || r.q_value === undefined ? "…" : MI.fmtP(r.q_value)}</td>` +
          `<td>${MI.fmt(r.pearson_r)}</td><td>${r.pearson_rank}</td></tr>`).join("") + "</tbody>";
        q('[data-testid="rw-med-note"]').textContent = `${body.q_note} n = ${body.n} cases. With ${body.n_resamples} shuffles ` +
          `the smallest possible p-value is ${MI.fmtP(body.smallest_possible_p)}: p = ${MI.fmtP(body.smallest_possible_p)} means "no shuffle came close".`;
        q('[data-testid="rw-med-source"]').textContent = sourceText(body.source);
        MI.snippetBox(q(".mi-extras"), body.snippet);
      }
      async function updateMedical() {
        const p = strip(MI.controls(mBox.querySelector(".mi-controls")), "m");
        mBox.dataset.busy = "1";
        MI.busy(el);
        try {
          const quick = await MI.apiLatest(`${ID}-m`, "/api/realworld/medical", Object.assign({ stage: "estimate" }, p));
          if (!quick) return;
          drawMedical(quick);
          done(mBox, false);
          const full = await MI.apiLatest(`${ID}-m`, "/api/realworld/medical", p);
          if (!full) return;
          drawMedical(full);
          done(mBox, true);
        } catch (err) { mBox.dataset.busy = "0"; MI.showError(el, err); }
      }
      MI.wire(mBox.querySelector(".mi-controls"), updateMedical, { debounce: 150 });

      // ---------------- genes ----------------
      const gBox = el.querySelector("#rw-genes");
      function drawGenes(body) {
        const q = (s) => gBox.querySelector(s);
        MI.showNumber(q('[data-testid="rw-gene-precision"]'), body.precision_at_top, 2);
        q('[data-testid="rw-gene-precision-detail"]').textContent =
          `${Math.round(body.precision_at_top * body.top)} of the top ${body.top} pairs are known edges (${body.method}, k = ${body.k}, n = ${body.n} cells)`;
        MI.showNumber(q('[data-testid="rw-gene-baseline"]'), body.baseline_precision, 2);
        q('[data-testid="rw-gene-baseline-detail"]').textContent =
          `${body.n_known_pairs} of the ${body.pairs.length} gene pairs are linked in the known network`;
        const known = new Set(body.known_pairs.map((p) => p.join("|")));
        const isKnown = (a, b) => known.has([a, b].sort().join("|"));
        const g = body.genes;
        MI.plot(q("#rw-gene-heat"), [{
          z: body.matrix.map((row, i) => row.map((v, j) => (i === j ? null : v))), x: g, y: g, type: "heatmap",
          colorscale: "Viridis", colorbar: { title: { text: "bits" } },
          text: g.map((a) => g.map((b) => (a !== b && isKnown(a, b) ? "●" : ""))), texttemplate: "%{text}",
          textfont: { color: "#ffffff", size: 10 }, hovertemplate: "%{y} – %{x}: %{z:.3f} bits<extra></extra>",
        }], { margin: { l: 70, r: 10, t: 20, b: 70 }, yaxis: { autorange: "reversed" }, xaxis: { tickangle: -45 } });
        q('[data-testid="rw-gene-table"]').innerHTML =
          "<caption>Top pairs by MI (✓ known edge, ✗ not an edge)</caption><thead><tr><th scope=\"col\">pair</th><th scope=\"col\">MI (bits)</th></tr></thead><tbody>" +
          body.pairs.slice(0, body.top).map((p) => `<tr><td class="${p.known ? "hit" : "miss"}">${MI.escapeHtml(p.a)} – ${MI.escapeHtml(p.b)}</td>` +
            `<td data-value="${p.mi.value}">${MI.fmt(p.mi.value)}</td></tr>`).join("") + "</tbody>";
        q('[data-testid="rw-gene-source"]').textContent = sourceText(body.source);
        const extras = q(".mi-extras");
        MI.tableFor(extras, [["gene"].concat(g)].concat(g.map((a, i) => [a].concat(body.matrix[i]))),
          { summary: "Table view of the heatmap (bits)", digits: 3 });
        MI.snippetBox(extras, body.snippet);
      }
      async function updateGenes() {
        const p = strip(MI.controls(gBox.querySelector(".mi-controls")), "g");
        gBox.dataset.busy = "1";
        MI.busy(el);
        try {
          const body = await MI.apiLatest(`${ID}-g`, "/api/realworld/genes", p);
          if (!body) return;
          drawGenes(body);
          done(gBox, true);
        } catch (err) { gBox.dataset.busy = "0"; MI.showError(el, err); }
      }
      MI.wire(gBox.querySelector(".mi-controls"), updateGenes, { debounce: 30 });

      MI.shareButton(el.querySelector("#rw-genes .mi-extras"), ID, sectionParams);
      updateWeather();
      updateGenes();
      updateMedical();
    },
  });
})();
