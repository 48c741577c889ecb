/* Section 6: two bit streams through a binary symmetric channel, streamed with pause/resume.
 *
 * The API returns the whole stream for (flip, n, seed) with mutinfo's plug-in estimate at every
 * checkpoint (every few bits). The animation only walks through those checkpoints, so the
 * number shown after m bits is always mutinfo's estimate from exactly those m bits. Pausing
 * asks the API for the permutation test and interval of the first m bits.
 */
(function () {
  "use strict";
  const ID = "bits";

  MI.registerSection(ID, {
    init(el, ctx) {
      const q = (s) => el.querySelector(s);
      const controlsEl = q(".mi-controls");
      const extras = q(".mi-extras");
      const toggle = q("#bits-toggle");
      let stream = null;        // last /api/bits/stream body
      let loads = 0;            // load() calls so far: a pause-point test answers only its own load
      let index = 0;            // checkpoint shown
      let timer = null;
      let paused = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      let wantedBits = null;    // restore position from a share link

      MI.setControls(controlsEl, ctx.params);
      if (ctx.params.paused === "1") paused = true;
      if (ctx.params.pos) wantedBits = Number(ctx.params.pos);

      function params() {
        const c = MI.controls(controlsEl);
        return { flip: c.flip, n: Number(c.n), seed: c.seed };
      }
      function shareParams() {
        const c = MI.controls(controlsEl);
        return Object.assign(params(), { speed: c.speed, pos: currentBits(), paused: paused ? 1 : 0 });
      }
      function currentBits() {
        return stream ? stream.checkpoints[index].n : 0;
      }

      function windowSize() {
        const width = q(".bits-stream").clientWidth || 600;
        const cell = window.innerWidth <= 900 ? 15 : 19;
        return Math.max(8, Math.min(64, Math.floor((width - 40) / cell)));
      }

      function drawBits(m) {
        const w = windowSize();
        const start = Math.max(0, m - w);
        const xs = stream.x.slice(start, m);
        const ys = stream.y.slice(start, m);
        let hx = "", hy = "", he = "";
        for (let i = 0; i < xs.length; i++) {
          const same = xs[i] === ys[i];
          const cls = same ? "bit match" : "bit";
          hx += `<span class="${cls}">${xs[i]}</span>`;
          hy += `<span class="${cls}">${ys[i]}</span>`;
          he += same ? '<span class="bit eq">=</span>' : '<span class="bit ne">≠</span>';
        }
        q("#bits-x").innerHTML = hx;
        q("#bits-y").innerHTML = hy;
        q("#bits-eq").innerHTML = he;
      }

      function drawPlot() {
        const cps = stream.checkpoints.slice(0, index + 1);
        const maxN = stream.checkpoints[stream.checkpoints.length - 1].n;
        MI.plot(q("#bits-plot"), [
          {
            x: cps.map((c) => c.n), y: cps.map((c) => c.value), type: "scatter", mode: "lines+markers",
            line: { color: MI.colors.shared, width: 2 }, marker: { size: 4, symbol: "circle" },
            name: "estimate (plug-in)",
          },
          {
            x: [0, maxN], y: [stream.truth.value, stream.truth.value], type: "scatter", mode: "lines",
            line: { color: MI.colors.neutral, dash: "dash", width: 2 }, name: "true MI",
          },
        ], {
          showlegend: true, legend: { orientation: "h", y: 1.12 },
          xaxis: { title: { text: "bits received n" }, range: [0, maxN] },
          yaxis: { title: { text: "I(X;Y) in bits" }, rangemode: "tozero" },
          margin: { l: 56, r: 16, t: 40, b: 44 },
        });
      }

      function drawReadouts() {
        const cp = stream.checkpoints[index];
        const truth = q('[data-testid="bits-truth"]');
        MI.showNumber(truth, stream.truth.value, 4, " bits");
        const est = q('[data-testid="bits-estimate"]');
        MI.showNumber(est, cp.value, 4, " bits");
        est.dataset.n = String(cp.n);
        est.dataset.method = stream.estimate.method;
        q('[data-testid="bits-estimate-detail"]').textContent =
          `n = ${cp.n} bits, ${stream.estimate.method}, G-test p = ${MI.fmtP(cp.g_p_value)}`;
        const matches = q('[data-testid="bits-matches"]');
        MI.showNumber(matches, cp.matches / cp.n * 100, 1, " %");
        q('[data-testid="bits-count"]').textContent = `${cp.matches} of ${cp.n} bits (chance alone: 50 %)`;
        q("#bits-live").textContent = paused
          ? `Paused after ${cp.n} bits: estimate ${MI.fmt(cp.value, 4)} bits, true ${MI.fmt(stream.truth.value, 4)} bits.`
          : "";
      }

      function draw() {
        if (!stream) return;
        drawBits(currentBits());
        drawReadouts();
        drawPlot();
      }

      function stopTimer() {
        if (timer) clearInterval(timer);
        timer = null;
      }
      function startTimer() {
        stopTimer();
        if (paused) return;
        const every = Number(MI.controls(controlsEl).speed) || 120;
        timer = setInterval(() => {
          if (!stream) return;
          if (index >= stream.checkpoints.length - 1) { setPaused(true); return; }
          index += 1;
          draw();
        }, every);
      }

      async function testPausePoint() {
        const m = currentBits();
        const forLoad = loads;
        const node = q('[data-testid="bits-paused"]');
        node.textContent = `Testing the first ${m} bits…`;
        let body;
        try {
          body = await MI.apiLatest(ID + "-pause", "/api/bits/stream", Object.assign(params(), { n: m }));
        } catch (err) { MI.showError(el, err); return; }
        // a newer stream (the controls moved meanwhile) makes this test stale: its load
        // will test its own pause point and render
        if (!body || !paused || currentBits() !== m || loads !== forLoad) return;
        MI.showReadout(node, body.estimate);
        node.textContent = `First ${m} bits: ${MI.readout(body.estimate)}. ` +
          (body.estimate.p_value < 0.05 ? "Distinguishable from 0 at the 5 % level." : "Not distinguishable from 0 at the 5 % level.");
        MI.snippetBox(extras, body.snippet);
        MI.tableFor(extras, [["bits n", "estimate (bits)", "G-test p", "matching bits"]].concat(
          stream.checkpoints.slice(0, index + 1).map((c) => [c.n, c.value, MI.fmtP(c.g_p_value), c.matches])),
        { summary: "Table view of the convergence chart", digits: 4 });
        MI.state.write(ID, shareParams());
        MI.rendered(el);
      }

      function setPaused(on) {
        paused = on;
        toggle.textContent = on ? "Resume" : "Pause";
        toggle.setAttribute("aria-pressed", on ? "true" : "false");
        el.dataset.paused = on ? "1" : "0";
        if (on) { stopTimer(); draw(); testPausePoint(); }
        else {
          q('[data-testid="bits-paused"]').textContent = "Pause the stream to test the estimate from exactly the bits shown.";
          if (stream && index >= stream.checkpoints.length - 1) index = 0;
          startTimer();
        }
      }

      async function load() {
        loads += 1;
        MI.busy(el);
        const before = currentBits();
        let body;
        try {
          body = await MI.apiLatest(ID, "/api/bits/stream", Object.assign({ test: "false" }, params()));
        } catch (err) { MI.showError(el, err); return; }
        if (!body) return;
        stream = body;
        const target = wantedBits !== null ? wantedBits : before;
        wantedBits = null;
        index = 0;
        stream.checkpoints.forEach((c, i) => { if (c.n <= target) index = i; });
        draw();
        MI.drawn(el);
        MI.state.write(ID, shareParams());
        if (paused) { setPaused(true); return; }
        MI.snippetBox(extras, body.snippet);
        MI.rendered(el);
        startTimer();
      }

      toggle.addEventListener("click", () => setPaused(!paused));
      q("#bits-restart").addEventListener("click", () => {
        index = 0;
        draw();
        if (paused) setPaused(false); else startTimer();
      });
      q("#bits-speed").addEventListener("change", () => { if (!paused) startTimer(); });
      MI.shareButton(extras, ID, shareParams);
      const fire = MI.wire(controlsEl, (values) => load(values), { debounce: 30 });
      void fire;
      toggle.textContent = paused ? "Resume" : "Pause";
      toggle.setAttribute("aria-pressed", paused ? "true" : "false");
      el.dataset.paused = paused ? "1" : "0";
      load();
    },
  });
})();
