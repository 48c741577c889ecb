/* Section 2: editable joint table -> entropies and a to-scale two-disc diagram; the XOR case. */
(function () {
  "use strict";
  const ID = "decomposition";
  const SVGNS = "http://www.w3.org/2000/svg";

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVGNS, tag);
    Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function drawVenn(root, body) {
    const g = root.querySelector(".venn-body");
    g.replaceChildren();
    const { rx, ry, d } = body.venn;
    const W = 360, H = 250, pad = 24;
    const span = Math.max(rx + d + ry, 1e-9);
    const maxR = Math.max(rx, ry, 1e-9);
    const scale = Math.min((W - 2 * pad) / span, (H - 60) / (2 * maxR));
    const cy = 120;
    const x1 = W / 2 - (span * scale) / 2 + rx * scale;
    const x2 = x1 + d * scale;
    const R1 = rx * scale, R2 = ry * scale;
    root.querySelector(".venn-clip-x").setAttribute("cx", x1);
    root.querySelector(".venn-clip-x").setAttribute("cy", cy);
    root.querySelector(".venn-clip-x").setAttribute("r", R1);
    g.append(svg("circle", { cx: x1, cy, r: R1, fill: "url(#hatch-x)", stroke: "#1f5fbf", "stroke-width": 2 }));
    g.append(svg("circle", { cx: x2, cy, r: R2, fill: "url(#dots-y)", stroke: "#d55e00", "stroke-width": 2, "stroke-dasharray": "6 3" }));
    g.append(svg("circle", { cx: x2, cy, r: R2, fill: "url(#cross-shared)", "clip-path": "url(#clip-x)" }));
    const r = body.readouts;
    const label = (x, y, t, cls) => g.append(svg("text", { x, y, "text-anchor": "middle", class: cls || "" }, t));
    label(Math.max(x1 - R1 * 0.55, 40), cy - R1 - 8 > 12 ? cy - R1 - 8 : 14, `H(X) = ${MI.fmt(r.hx.value, 2)}`, "big");
    label(Math.min(x2 + R2 * 0.55, W - 40), cy + Math.max(R1, R2) + 22 < H ? cy + Math.max(R1, R2) + 22 : H - 6, `H(Y) = ${MI.fmt(r.hy.value, 2)}`, "big");
    // region labels: X only, overlap, Y only
    const leftOnly = d * scale > 0 ? (x1 - R1 + Math.min(x1 + R1, x2 - R2)) / 2 : x1;
    const rightOnly = (Math.max(x2 - R2, x1 + R1) + x2 + R2) / 2;
    const mid = (Math.max(x1 - R1, x2 - R2) + Math.min(x1 + R1, x2 + R2)) / 2;
    if (r.hx_given_y.value > 0.005) label(leftOnly, cy + 4, MI.fmt(r.hx_given_y.value, 2));
    if (r.hy_given_x.value > 0.005) label(rightOnly, cy + 4, MI.fmt(r.hy_given_x.value, 2));
    if (r.mi.value > 0.005) {
      g.append(svg("rect", { x: mid - 26, y: cy - 12, width: 52, height: 20, rx: 4, fill: "#ffffff", "fill-opacity": 0.85 }));
      label(mid, cy + 3, `I=${MI.fmt(r.mi.value, 2)}`, "big");
    }
    // the same decomposition as a bar, to scale: H(X|Y) | I | H(Y|X) = H(X,Y)
    const bar = root.querySelector(".venn-bar");
    const total = Math.max(r.hxy.value, 1e-12);
    const part = (cls, v, t) => `<div class="${cls}" style="width:${(100 * Math.max(v, 0)) / total}%">${v / total > 0.12 ? t : ""}</div>`;
    bar.innerHTML = part("bx", r.hx_given_y.value, `H(X|Y) ${MI.fmt(r.hx_given_y.value, 2)}`) +
      part("bi", r.mi.value, `I ${MI.fmt(r.mi.value, 2)}`) +
      part("by", r.hy_given_x.value, `H(Y|X) ${MI.fmt(r.hy_given_x.value, 2)}`);
  }

  MI.registerSection(ID, {
    init(el, ctx) {
      const q = (s) => el.querySelector(s);
      const [tableControls, xorControls] = el.querySelectorAll(".mi-controls");
      const table = q(".decomp-table");
      let counts = ctx.params.counts ? ctx.params.counts.split(",").map(Number) : null;
      MI.setControls(tableControls, ctx.params);
      MI.setControls(xorControls, ctx.params);

      function params() {
        const c = MI.controls(tableControls);
        const p = { size: c.size, coupling: c.coupling };
        if (counts) p.counts = counts.join(",");
        return p;
      }
      function shareParams() { return Object.assign(params(), { flip: MI.controls(xorControls).flip }); }

      function buildTable(body) {
        const size = body.size;
        let html = `<caption class="mi-hint">counts (p = count / ${body.total})</caption><thead><tr><th scope="col">X \\ Y</th>`;
        for (let j = 0; j < size; j++) html += `<th scope="col">y${j + 1}</th>`;
        html += "</tr></thead><tbody>";
        for (let i = 0; i < size; i++) {
          html += `<tr><th scope="row">x${i + 1}</th>`;
          for (let j = 0; j < size; j++) {
            html += `<td><input type="number" min="0" max="999" step="1" value="${body.counts[i][j]}"
              aria-label="count of X = x${i + 1} and Y = y${j + 1}" data-i="${i}" data-j="${j}"
              data-testid="decomp-cell-${i}-${j}"><br><span class="p">p = ${MI.fmt(body.p[i][j], 3)}</span></td>`;
          }
          html += "</tr>";
        }
        table.innerHTML = html + "</tbody>";
      }

      async function update() {
        MI.busy(el);
        let body;
        try {
          body = await MI.apiLatest(ID, "/api/decomposition/venn", params());
        } catch (err) { MI.showError(el, err); return; }
        if (!body) return;
        const active = document.activeElement;
        const focusKey = active && active.dataset && active.dataset.i !== undefined ? `${active.dataset.i}-${active.dataset.j}` : null;
        buildTable(body);
        if (focusKey) { const again = table.querySelector(`[data-testid="decomp-cell-${focusKey}"]`); if (again) again.focus(); }
        const r = body.readouts;
        MI.showReadout(q('[data-testid="decomp-hx"]'), r.hx);
        MI.showReadout(q('[data-testid="decomp-hy"]'), r.hy);
        MI.showReadout(q('[data-testid="decomp-hxy"]'), r.hxy);
        MI.showReadout(q('[data-testid="decomp-mi"]'), r.mi);
        MI.showReadout(q('[data-testid="decomp-hx-given-y"]'), r.hx_given_y);
        MI.showReadout(q('[data-testid="decomp-hy-given-x"]'), r.hy_given_x);
        drawVenn(el, body);
        q("#venn-desc").textContent = `Disc areas H(X) = ${MI.fmt(r.hx.value)} and H(Y) = ${MI.fmt(r.hy.value)} bits; ` +
          `overlap I(X;Y) = ${MI.fmt(r.mi.value)} bits; union H(X,Y) = ${MI.fmt(r.hxy.value)} bits.`;
        const extras = q(".decomp-extras");
        MI.tableFor(extras, [
          ["Region of the diagram", "Bits"],
          ["H(X|Y): X only", r.hx_given_y.value],
          ["I(X;Y): overlap", r.mi.value],
          ["H(Y|X): Y only", r.hy_given_x.value],
          ["H(X,Y): union", r.hxy.value],
        ], { summary: "Table view of the diagram" });
        MI.snippetBox(extras, body.snippet);
        MI.state.write(ID, shareParams());
        MI.rendered(el);
      }

      async function updateXor() {
        MI.busy(el);
        let body;
        try {
          body = await MI.apiLatest(ID + "-xor", "/api/decomposition/xor", { flip: MI.controls(xorControls).flip });
        } catch (err) { MI.showError(el, err); return; }
        if (!body) return;
        const r = body.readouts;
        MI.showReadout(q('[data-testid="xor-ixy"]'), r.ixy);
        MI.showReadout(q('[data-testid="xor-ixz"]'), r.ixz);
        MI.showReadout(q('[data-testid="xor-ixy-given-z"]'), r.ixy_given_z);
        MI.showReadout(q('[data-testid="xor-co"]'), r.co_information);
        q('[data-testid="xor-co-verdict"]').textContent = r.co_information.value < -1e-9
          ? "Negative: no diagram of areas can show this." : "Zero: Z carries no synergy with X and Y now.";
        const extras = q(".xor-extras");
        MI.tableFor(extras, [
          ["Quantity", "Bits (exact)"],
          ["I(X;Y)", r.ixy.value], ["I(X;Z)", r.ixz.value], ["I(Y;Z)", r.iyz.value],
          ["I(X;Y|Z)", r.ixy_given_z.value], ["I(X;Y;Z)", r.co_information.value],
        ], { summary: "Table view of the XOR numbers" });
        MI.snippetBox(extras, body.snippet);
        MI.state.write(ID, shareParams());
        MI.rendered(el);
      }

      table.addEventListener("change", (ev) => {
        const input = ev.target.closest("input");
        if (!input) return;
        const size = Number(MI.controls(tableControls).size);
        const raw = [...table.querySelectorAll("input")].map((i) => i.value.trim());
        if (raw.length !== size * size) return;
        const bad = raw.find((v) => !/^\d+$/.test(v) || Number(v) > 999);
        if (bad !== undefined) {
          // say what is wrong rather than quietly changing the user's number
          MI.showError(el, new Error(`each count must be a whole number from 0 to 999; got "${bad}"`));
          return;
        }
        const current = raw.map(Number);
        if (current.every((v) => v === 0)) { MI.showError(el, new Error("the table needs at least one non-zero count")); return; }
        counts = current;
        update();
      });
      MI.wire(tableControls, () => { counts = null; update(); });
      MI.wire(xorControls, updateXor);
      MI.shareButton(q(".decomp-extras"), ID, shareParams);
      update();
      updateXor();
    },
  });
})();
