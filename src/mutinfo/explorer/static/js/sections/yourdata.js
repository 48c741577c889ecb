/* Section 9: upload a CSV, pick a target, get the MI ranking (p and q values), the MI matrix
 * and a CSV download. The upload lives in the server's memory under a token; the share link
 * carries only the target and the number of shuffles (never the data).
 */
(function () {
  "use strict";
  const ID = "yourdata";

  MI.registerSection(ID, {
    init(el, ctx) {
      const q = (s) => el.querySelector(s);
      const errorBox = q('[data-testid="yd-error"]');
      const status = q('[data-testid="yd-status"]');
      const target = q("#yd-target");
      const results = q(".yd-results");
      let token = null;
      let filename = null;

      MI.setControls(q(".mi-controls"), ctx.params);
      const wantedTarget = ctx.params.target || null;

      function showError(message) {
        errorBox.hidden = false;
        errorBox.textContent = message;
        el.dataset.busy = "0";
        el.dataset.uploadError = String(Number(el.dataset.uploadError || 0) + 1);
      }

      async function limits() {
        try {
          const lim = await MI.api("/api/yourdata/limits");
          q('[data-testid="yd-limit-bytes"]').textContent = `${Math.round(lim.max_bytes / 1048576)} MB`;
          q('[data-testid="yd-limit-rows"]').textContent = lim.max_rows.toLocaleString("en");
          q('[data-testid="yd-limit-cols"]').textContent = String(lim.max_columns);
          return lim;
        } catch (err) { return null; }
      }

      async function upload(file) {
        errorBox.hidden = true;
        const lim = await limits();
        if (lim && file.size > lim.max_bytes) {
          showError(`The file is ${(file.size / 1048576).toFixed(1)} MB; the limit is ${Math.round(lim.max_bytes / 1048576)} MB.`);
          return;
        }
        status.textContent = `Uploading ${file.name}…`;
        MI.busy(el);
        const form = new FormData();
        form.append("file", file, file.name);
        let body;
        try {
          body = await MI.api("/api/yourdata/upload", {}, { method: "POST", body: form });
        } catch (err) { showError(`Could not use this file: ${err.message}`); status.textContent = "No data loaded."; return; }
        token = body.token;
        filename = body.filename;
        target.innerHTML = body.columns.map((c) => `<option value="${MI.escapeHtml(c.name)}">${MI.escapeHtml(c.name)}` +
          ` (${c.dtype}${c.missing ? `, ${c.missing} missing` : ""})</option>`).join("");
        target.disabled = false;
        const names = body.columns.map((c) => c.name);
        target.value = wantedTarget && names.includes(wantedTarget) ? wantedTarget : names[names.length - 1];
        status.textContent = `${filename}: ${body.rows} rows, ${body.columns.length} columns. ${body.note}`;
        analyze();
      }

      function drawResults(body) {
        results.hidden = false;
        const ranking = body.ranking;
        if (!ranking.length) {
          q('[data-testid="yd-top"]').textContent = "no column could be scored";
          return;
        }
        const top = ranking[0];
        const node = q('[data-testid="yd-top"]');
        MI.showReadout(node, top.mi);
        node.textContent = `${top.feature}: ${MI.fmt(top.mi.value)} bits`;
        q('[data-testid="yd-top-detail"]').textContent =
          `n = ${top.mi.n}, ${top.mi.method}, ` + (top.mi.p_value === undefined ? "permutation test running…" :
            `permutation p = ${MI.fmtP(top.mi.p_value)}, q = ${MI.fmtP(top.q_value)}`);
        const sig = ranking.filter((r) => r.q_value !== null && r.q_value <= 0.05).length;
        MI.showNumber(q('[data-testid="yd-significant"]'), sig, 0);
        q('[data-testid="yd-significant"]').textContent = body.stage === "estimate" ? "tests running…" : `${sig} of ${ranking.length}`;
        q('[data-testid="yd-significant-detail"]').textContent = body.q_note;
        q('[data-testid="yd-table"]').innerHTML =
          `<caption>MI with ${MI.escapeHtml(body.target)}, ${body.n_resamples} shuffles per p-value</caption>` +
          "<thead><tr><th scope=\"col\">column</th><th scope=\"col\">kind</th><th scope=\"col\">MI (bits)</th><th scope=\"col\">n</th>" +
          "<th scope=\"col\">estimator</th><th scope=\"col\">p</th><th scope=\"col\">q (FDR)</th></tr></thead><tbody>" +
          ranking.map((r) => `<tr><td>${MI.escapeHtml(r.feature)}</td><td>${r.kind}</td><td data-value="${r.mi.value}">${MI.fmt(r.mi.value)}</td>` +
            `<td>${r.mi.n}</td><td>${MI.escapeHtml(r.mi.method)}</td><td>${r.mi.p_value === undefined ? "…" : MI.fmtP(r.mi.p_value)}</td><td>${r.q_value === null ? "…" : MI.fmtP(r.q_value)}</td></tr>`).join("") +
          "</tbody>";
        const params = new URLSearchParams({ token, target: body.target, n_resamples: body.n_resamples });
        q('[data-testid="yd-download"]').href = `/api/yourdata/download?${params.toString()}`;
        const rows = ranking.slice().reverse();
        MI.plot(q("#yd-rank-plot"), [{
          x: rows.map((r) => r.mi.value), y: rows.map((r) => r.feature), type: "bar", orientation: "h",
          marker: { color: rows.map((r) => (r.q_value !== null && r.q_value <= 0.05 ? MI.colors.shared : "#b9b9b9")),
            pattern: { shape: rows.map((r) => (r.q_value !== null && r.q_value <= 0.05 ? "/" : "")), fillmode: "overlay", fgcolor: "#ffffff", solidity: 0.2 } },
          text: rows.map((r) => (r.q_value !== null && r.q_value <= 0.05 ? "q ≤ 0.05" : "n.s.")), textposition: "outside", cliponaxis: false,
        }], { margin: { l: 140, r: 60, t: 30, b: 44 }, title: { text: `MI with ${body.target} (bits)`, font: { size: 13 } }, yaxis: { automargin: true } });
        const names = body.columns;
        MI.plot(q("#yd-matrix-plot"), [{
          z: body.matrix, x: names, y: names, type: "heatmap", colorscale: "Viridis", colorbar: { title: { text: "bits" } },
          hovertemplate: "%{y} – %{x}: %{z:.3f} bits<extra></extra>",
        }], { margin: { l: 110, r: 10, t: 30, b: 100 }, title: { text: "MI between every pair of columns", font: { size: 13 } },
          yaxis: { autorange: "reversed", automargin: true }, xaxis: { tickangle: -45, automargin: true } });
        const notes = body.notes.concat(body.warnings.map((w) => `mutinfo warned: ${w}`));
        q('[data-testid="yd-notes"]').textContent = notes.join(" ");
        const extras = q(".mi-extras");
        MI.tableFor(extras, [["column"].concat(names)].concat(names.map((a, i) => [a].concat(body.matrix[i].map((v) => (v === null ? "" : v))))),
          { summary: "Table view of the MI matrix (bits)", digits: 3 });
        MI.snippetBox(extras, body.snippet);
      }

      async function analyze() {
        if (!token) return;
        const c = MI.controls(q(".mi-controls"));
        errorBox.hidden = true;
        MI.busy(el);
        status.textContent = `Scoring every column of ${filename} against ${c.target}…`;
        const args = { token, target: c.target, n_resamples: c.n_resamples };
        let body;
        try {
          body = await MI.apiLatest(ID, "/api/yourdata/analyze", Object.assign({ stage: "estimate" }, args));
          if (!body) return;
          drawResults(body);
          MI.drawn(el);
          status.textContent = `${filename}: estimates in; running ${c.n_resamples} shuffles per column for the p-values…`;
          body = await MI.apiLatest(ID, "/api/yourdata/analyze", args);
        } catch (err) { showError(`Could not analyse: ${err.message}`); return; }
        if (!body) return;
        drawResults(body);
        status.textContent = `${filename}: scored against ${body.target}.`;
        MI.state.write(ID, { target: c.target, n_resamples: c.n_resamples });
        MI.rendered(el);
      }

      q("#yd-file").addEventListener("change", (ev) => {
        const file = ev.target.files && ev.target.files[0];
        if (file) upload(file);
      });
      q("#yd-example").addEventListener("click", async () => {
        const response = await fetch("/api/yourdata/example");
        const blob = await response.blob();
        upload(new File([blob], "weather_example.csv", { type: "text/csv" }));
      });
      MI.wire(q(".mi-controls"), analyze, { debounce: 50 });
      limits().then(() => MI.rendered(el));
      // `mutinfo explore DATA`: the server holds DATA; load it through the ordinary upload
      MI.api("/api/yourdata/preloaded").then((pre) => {
        if (pre && pre.preloaded && !token) upload(new File([pre.csv], pre.filename, { type: "text/csv" }));
      }).catch(() => {});
    },
  });
})();
