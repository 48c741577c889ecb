/* Section 1: the parabola example with a "guess, then compute" prompt. */
(function () {
  "use strict";
  const ID = "intro";

  MI.registerSection(ID, {
    init(el, ctx) {
      const q = (s) => el.querySelector(s);
      const controlsEl = q(".mi-controls");
      let revealed = ctx.params.revealed === "1";
      let last = null;
      MI.setControls(controlsEl, ctx.params);
      if (ctx.params.guess) q("#intro-guess-input").value = ctx.params.guess;

      function params() {
        const c = MI.controls(controlsEl);
        return { noise: c.noise, n: c.n, seed: c.seed };
      }
      function shareParams() {
        return Object.assign(params(), { guess: q("#intro-guess-input").value, revealed: revealed ? 1 : 0 });
      }

      function showMi() {
        const body = last;
        if (!body) return;
        const miNode = q('[data-testid="intro-mi"]');
        const detail = q('[data-testid="intro-mi-detail"]');
        MI.showReadout(miNode, body.mi);
        miNode.textContent = `${MI.fmt(body.mi.value)} ${body.mi.unit}`;
        const ci = body.mi.ci ? `, 95% interval ${MI.fmt(body.mi.ci[0])} to ${MI.fmt(body.mi.ci[1])}` : "";
        const pText = body.mi.p_value === undefined ? "permutation p: computing…" : `permutation ${MI.pText(body.mi.p_value, body.mi.n_resamples)}`;
        detail.textContent = `n = ${body.mi.n}, estimator ${body.mi.method}, ${pText}${ci}`;
        miNode.hidden = false;
        detail.hidden = false;
        const guess = Number(q("#intro-guess-input").value);
        q('[data-testid="intro-guess-result"]').textContent =
          `You guessed ${MI.fmt(guess, 1)} bits; mutinfo estimates ${MI.fmt(body.mi.value)} bits. ` +
          "Move the noise slider and watch both numbers.";
      }

      function drawEstimate(body, p) {
        MI.plot(q("#intro-plot"), [{
          x: body.points.x, y: body.points.y, type: "scatter", mode: "markers",
          marker: { size: 4, color: MI.colors.x, opacity: 0.55, symbol: "circle" }, name: "samples",
        }], {
          xaxis: { title: { text: "X" } }, yaxis: { title: { text: "Y" } },
          title: { text: `Y = X² + noise (σ = ${p.noise}), n = ${p.n}`, font: { size: 13 } },
        });
        const r = q('[data-testid="intro-pearson"]');
        MI.showNumber(r, body.pearson.value, 3);
        r.textContent = `r = ${MI.fmt(body.pearson.value)}`;
        q('[data-testid="intro-pearson-p"]').textContent =
          `n = ${body.pearson.n}, permutation ${MI.pText(body.pearson.p_value, body.pearson.n_resamples)} (${body.pearson.n_resamples} shuffles)`;
        last = body;
        if (revealed) showMi();
      }

      async function update() {
        const p = params();
        MI.busy(el);
        let body;
        try {
          body = await MI.apiLatest(ID, "/api/intro/parabola", Object.assign({ stage: "estimate" }, p));
          if (!body) return;
          drawEstimate(body, p);
          MI.drawn(el);
          if (!(await MI.idle(ID, 200))) return;
          body = await MI.apiLatest(ID, "/api/intro/parabola", p);
        } catch (err) { MI.showError(el, err); return; }
        if (!body) return;
        last = body;
        if (revealed) showMi();
        MI.tableFor(el.querySelector(".mi-extras"), [
          ["Quantity", "Value", "n", "Method", "p-value"],
          ["Pearson r", body.pearson.value, body.pearson.n, "pearson", MI.fmtP(body.pearson.p_value)],
          ["I(X;Y) bits", revealed ? body.mi.value : "(guess first)", body.mi.n, body.mi.method, revealed ? MI.fmtP(body.mi.p_value) : ""],
        ], { summary: "Table view of the readouts" });
        MI.showWarnings(el, body.warnings);
        MI.snippetBox(el.querySelector(".mi-extras"), body.snippet);
        MI.state.write(ID, shareParams());
        MI.rendered(el);
      }

      q("#intro-reveal").addEventListener("click", () => {
        revealed = true;
        showMi();
        MI.state.write(ID, shareParams());
        update();
      });
      MI.shareButton(el.querySelector(".mi-extras"), ID, shareParams);
      MI.wire(controlsEl, update);
      update();
    },
  });
})();
