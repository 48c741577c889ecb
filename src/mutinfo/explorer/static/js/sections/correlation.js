/* Section 3: one relationship, three measures (Pearson, Spearman, MI) with permutation p-values. */
(function () {
  "use strict";
  const ID = "correlation";

  MI.registerSection(ID, {
    init(el, ctx) {
      const q = (s) => el.querySelector(s);
      const controlsEl = q(".mi-controls");
      MI.setControls(controlsEl, ctx.params);
      const params = () => MI.controls(controlsEl);

      function drawEstimate(body) {
        MI.plot(q("#corr-plot"), [{
          x: body.points.x, y: body.points.y, type: "scatter", mode: "markers",
          marker: { size: 4, color: MI.colors.shared, opacity: 0.5 }, name: "samples",
        }], {
          xaxis: { title: { text: "X" } }, yaxis: { title: { text: "Y" } },
          title: { text: `${body.kind}, noise σ = ${body.noise}, n = ${body.n}`, font: { size: 13 } },
        });
        q('[data-testid="corr-description"]').textContent = body.description;
        const pr = q('[data-testid="corr-pearson"]');
        MI.showNumber(pr, body.pearson.value);
        pr.textContent = `r = ${MI.fmt(body.pearson.value)}`;
        q('[data-testid="corr-pearson-p"]').textContent = `n = ${body.n}, permutation ${MI.pText(body.pearson.p_value, body.pearson.n_resamples)}`;
        const sp = q('[data-testid="corr-spearman"]');
        MI.showNumber(sp, body.spearman.value);
        sp.textContent = `ρ = ${MI.fmt(body.spearman.value)}`;
        q('[data-testid="corr-spearman-p"]').textContent = `n = ${body.n}, permutation ${MI.pText(body.spearman.p_value, body.spearman.n_resamples)}`;
        MI.showReadout(q('[data-testid="corr-mi"]'), body.mi);
      }

      async function update() {
        const p = params();
        MI.busy(el);
        let body;
        try {
          body = await MI.apiLatest(ID, "/api/correlation/view", Object.assign({ stage: "estimate" }, p));
          if (!body) return;
          drawEstimate(body);
          q('[data-testid="corr-verdicts"]').innerHTML = "<li>Running the permutation tests…</li>";
          q('[data-testid="corr-mi-null"]').textContent = "";
          MI.drawn(el);
          if (!(await MI.idle(ID, 200))) return;
          body = await MI.apiLatest(ID, "/api/correlation/view", p);
        } catch (err) { MI.showError(el, err); return; }
        if (!body) return;
        MI.showReadout(q('[data-testid="corr-mi"]'), body.mi);
        const nullNode = q('[data-testid="corr-mi-null"]');
        nullNode.dataset.value = String(body.mi.null_mean);
        nullNode.textContent = `With y shuffled (no relationship at all) the same estimator averages ` +
          `${MI.fmt(body.mi.null_mean)} bits: an estimate is not the true value, which would be exactly 0 there.`;
        q('[data-testid="corr-verdicts"]').innerHTML = body.verdicts.map((v) =>
          `<li data-testid="corr-verdict-${v.id}" data-detects="${v.detects ? 1 : 0}">` +
          `<span class="verdict ${v.detects ? "yes" : "no"}">${v.detects ? "✔" : "✖"}</span> ${MI.escapeHtml(v.text)}</li>`).join("");
        const extras = q(".mi-extras");
        MI.tableFor(extras, [
          ["Measure", "Value", "Permutation p", "Sees"],
          ["Pearson r", body.pearson.value, MI.fmtP(body.pearson.p_value), "straight lines"],
          ["Spearman ρ", body.spearman.value, MI.fmtP(body.spearman.p_value), "monotone trends"],
          [`I(X;Y) (${body.mi.method}, bits)`, body.mi.value, MI.fmtP(body.mi.p_value), "any dependence"],
        ], { summary: "Table view of the three measures" });
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
