/* Section 13: an ID3 tree grown one split at a time, with every candidate's information gain. */
(function () {
  "use strict";
  const ID = "trees";

  MI.registerSection(ID, {
    init(el, ctx) {
      const q = (s) => el.querySelector(s);
      const controlsEl = q(".mi-controls");
      const stepInput = q("#tree-step");
      MI.setControls(controlsEl, ctx.params);
      const params = () => MI.controls(controlsEl);

      function move(delta) {
        const v = Math.min(Number(stepInput.max), Math.max(0, Number(stepInput.value) + delta));
        stepInput.value = String(v);
        stepInput.dispatchEvent(new Event("change"));
      }

      async function update() {
        const p = params();
        MI.busy(el);
        let body;
        try {
          body = await MI.apiLatest(ID, "/api/trees/view", p);
        } catch (err) { MI.showError(el, err); return; }
        if (!body) return;
        if (Number(stepInput.max) !== body.n_steps) {
          stepInput.max = String(body.n_steps);
          if (Number(stepInput.value) > body.n_steps) stepInput.value = String(body.n_steps);
          MI.controls(controlsEl);
        }
        q(`output[for="tree-step"]`).textContent = `${body.step} of ${body.n_steps}`;
        q('[data-testid="tree-prev"]').disabled = body.step === 0;
        q('[data-testid="tree-next"]').disabled = body.done;
        q('[data-testid="tree-text"]').textContent = body.text;
        const nodeP = q('[data-testid="tree-node"]');
        const gainNode = q('[data-testid="tree-gain"]');
        const extras = q(".mi-extras");
        if (body.node) {
          const nd = body.node;
          const where = nd.path.length ? nd.path.join(" and ") : "all rows (the root)";
          const counts = body.classes.map((c, i) => `${c} ${MI.fmt(nd.counts[i], 0)}`).join(", ");
          nodeP.textContent = `At ${where}: ${MI.fmt(nd.n, 0)} rows (${counts}), class entropy ${MI.fmt(nd.entropy)} bits. ` +
            `Split on ${nd.chosen}, the largest gain.`;
          nodeP.dataset.chosen = nd.chosen;
          const cands = nd.candidates;
          const chosen = cands.map((c) => c.feature === nd.chosen);
          MI.plot(q("#tree-gains-plot"), [{
            x: cands.map((c) => c.feature), y: cands.map((c) => (c.gain === null ? 0 : c.gain)), type: "bar",
            marker: { color: chosen.map((b) => (b ? MI.colors.shared : "#d9cde6")),
              line: { color: MI.colors.shared, width: 1.5 },
              pattern: { shape: chosen.map((b) => (b ? "" : "/")), fgcolor: MI.colors.shared, size: 6 } },
            text: cands.map((c, i) => (c.gain === null ? "used" : (chosen[i] ? "★ " : "") + MI.fmt(c.gain, 3))),
            textposition: "outside", cliponaxis: false,
            hovertemplate: "%{x}: %{y:.4f} bits<extra></extra>",
          }], {
            yaxis: { title: { text: "information gain, bits" }, rangemode: "tozero" },
            title: { text: `Gain of each feature at this node (step ${body.step + 1})`, font: { size: 13 } },
            margin: { l: 56, r: 16, t: 40, b: 80 },
          });
          MI.showReadout(gainNode, nd.gain);
          MI.tableFor(extras, [["Feature", "Gain (bits)", "Chosen"],
            ...cands.map((c, i) => [c.feature, c.gain === null ? "used on the path" : c.gain, chosen[i] ? "yes (max)" : ""])],
          { summary: "Table view of the gains", digits: 4 });
        } else {
          nodeP.textContent = "The tree is complete: every leaf is pure or no split gains information (or the depth limit is reached).";
          nodeP.dataset.chosen = "";
          MI.plot(q("#tree-gains-plot"), [], { title: { text: "No node left to split", font: { size: 13 } },
            xaxis: { visible: false }, yaxis: { visible: false } });
          gainNode.textContent = "done";
          gainNode.dataset.value = "";
          MI.tableFor(extras, [["Feature", "Gain (bits)", "Chosen"]], { summary: "Table view of the gains" });
        }
        MI.snippetBox(extras, body.snippet);
        MI.state.write(ID, { data: p.data, step: body.step });
        MI.drawn(el);
        MI.rendered(el);
      }

      q('[data-testid="tree-prev"]').addEventListener("click", () => move(-1));
      q('[data-testid="tree-next"]').addEventListener("click", () => move(1));
      q("#tree-data").addEventListener("change", () => { stepInput.value = "0"; });
      MI.shareButton(q(".mi-extras"), ID, params);
      MI.wire(controlsEl, update);
      update();
    },
  });
})();
