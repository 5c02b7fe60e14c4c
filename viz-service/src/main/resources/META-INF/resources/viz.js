// Charts and live updates of the viz pages (Chart.js is served from the webjar; nothing from a CDN).
function vizBar(canvas, hist, label, color) {
  if (!hist || !hist.heights || hist.heights.length === 0) return null;
  return new Chart(canvas, {
    type: 'bar',
    data: { labels: hist.values.map(v => Number(v).toPrecision(3)),
            datasets: [{ label: label, data: hist.heights, backgroundColor: color, barPercentage: 1, categoryPercentage: 1 }] },
    options: { animation: false, plugins: { legend: { display: false } }, scales: { x: { ticks: { maxTicksLimit: 8 } } } }
  });
}

function vizFeature() {
  const act = JSON.parse(document.getElementById('act-hist-json').textContent);
  const logit = JSON.parse(document.getElementById('logit-hist-json').textContent);
  window.vizCharts = [vizBar(document.getElementById('act-hist'), act, 'tokens', 'rgba(239,108,0,0.8)'),
                      vizBar(document.getElementById('logit-hist'), logit, 'tokens', 'rgba(37,99,235,0.7)')];
  document.addEventListener('keydown', e => {
    if (e.target && (e.target.tagName === 'INPUT' || e.target.tagName === 'TEXTAREA')) return;
    if (e.key === 'ArrowRight' || e.key === 'j') location.href = document.getElementById('next').href;
    if (e.key === 'ArrowLeft' || e.key === 'k') location.href = document.getElementById('prev').href;
  });
}

/** The figures an SAE is placed by: the evaluator's held-out ones when it has them, else training's. */
function saeFigures(s) {
  const ev = s.evaluation && s.evaluation.status === 'ok' ? s.evaluation.metrics : null;
  const m = ev && ev.l0 !== undefined && ev.fvu !== undefined && ev.fvu !== null ? ev : s.metrics;
  if (!m || m.l0 === undefined || (m.fvu === undefined && m.explained_variance === undefined)) return null;
  return { l0: m.l0, fvu: m.fvu !== undefined ? m.fvu : 1 - m.explained_variance, heldOut: m === ev };
}

function metricRows(tbody, metrics) {
  Object.entries(metrics || {}).forEach(([k, v]) => {
    if (v === null || typeof v === 'object') return; // histograms and the like are charts, not rows
    const tr = document.createElement('tr');
    tr.innerHTML = '<th></th><td></td>';
    tr.children[0].textContent = k;
    tr.children[1].textContent = typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(5)) : String(v);
    tbody.appendChild(tr);
  });
}

function vizSae(sae, all) {
  vizBar(document.getElementById('density'), sae.log10DensityHistogram ? {
    heights: sae.log10DensityHistogram.barHeights, values: sae.log10DensityHistogram.barValues } : null,
    'features', 'rgba(16,185,129,0.8)');
  const pts = all.map(s => ({ s: s, f: saeFigures(s) })).filter(p => p.f)
    .map(p => ({ x: p.f.l0, y: p.f.fvu, id: p.s.neuronpediaId, heldOut: p.f.heldOut, me: p.s.id === sae.id }));
  const held = pts.filter(p => p.heldOut).length;
  document.getElementById('l0fvu-source').textContent =
    held === pts.length ? '(held-out)' : held === 0 ? '(training)' : '(● held-out, ◆ training)';
  new Chart(document.getElementById('l0fvu'), {
    type: 'scatter',
    data: { datasets: [{ data: pts, pointRadius: pts.map(p => p.me ? 7 : 4),
      pointStyle: pts.map(p => p.heldOut ? 'circle' : 'rectRot'),
      backgroundColor: pts.map(p => p.me ? 'rgba(239,108,0,0.9)' : 'rgba(37,99,235,0.6)') }] },
    options: { animation: false, plugins: { legend: { display: false },
      tooltip: { callbacks: { label: c => c.raw.id + ' L0 ' + c.raw.x.toFixed(1) + ' FVU ' + c.raw.y.toFixed(3)
        + (c.raw.heldOut ? ' (held-out)' : ' (training)') } } },
      scales: { x: { title: { display: true, text: 'L0' } }, y: { title: { display: true, text: 'FVU' } } } }
  });
  metricRows(document.getElementById('metric-rows'), sae.metrics);
  const evalRows = document.getElementById('eval-rows');
  if (evalRows && sae.evaluation) metricRows(evalRows, sae.evaluation.metrics);
}

/**
 * The runs page: per-step curves (one point per training-progress record and checkpoint event; x = step
 * or tokens), checkpoints marked (◆, final ▲), extended live from /runs/stream. A point is keyed by
 * (run, step): the stream sends a point again when a checkpoint merges into it. Live growth is bounded
 * like the server's initial load: past 2 × MAX_POINTS a run's step-only points are halved (checkpoints,
 * first and last kept).
 */
function vizRuns(points) {
  const MAX_POINTS = 2000;
  const metrics = [
    { id: 'loss', value: m => m.loss },
    { id: 'mse', value: m => m.mse },
    { id: 'fvu', value: m => m.fvu !== undefined ? m.fvu : m.explained_variance !== undefined ? 1 - m.explained_variance : undefined },
    { id: 'l0', value: m => m.l0 },
    { id: 'dead_fraction', value: m => m.dead_fraction }
  ];
  const palette = ['#2563eb', '#ef6c00', '#059669', '#7c3aed', '#db2777', '#0891b2'];
  const runs = {};
  const charts = {};
  let xKey = 'step';
  let count = 0;
  let pending = null;
  const isCheckpoint = p => p.source === 'checkpoint' || p.final;
  metrics.forEach(m => {
    charts[m.id] = new Chart(document.getElementById('chart-' + m.id), {
      type: 'line', data: { datasets: [] },
      options: { animation: false, parsing: false, normalized: true, spanGaps: true,
        interaction: { mode: 'nearest', intersect: false },
        elements: { line: { borderWidth: 1.5, tension: 0 } },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } },
          tooltip: { callbacks: { label: c => c.dataset.label + ': ' + Number(c.raw.y).toPrecision(4)
            + ' at step ' + c.raw.step + ', ' + c.raw.tokens + ' tokens'
            + (c.raw.fin ? ' (final checkpoint)' : c.raw.ck ? ' (checkpoint)' : '') } } },
        scales: { x: { type: 'linear', title: { display: true, text: 'step' } } } }
    });
  });
  function add(p) {
    if (!p || !p.runId) return; // the stream's opening message and heartbeats
    if (!runs[p.runId]) runs[p.runId] = { color: palette[Object.keys(runs).length % palette.length], points: new Map() };
    const run = runs[p.runId];
    if (!run.points.has(p.step)) count++;
    run.points.set(p.step, p);
    run.dirty = true;
    if (run.points.size > 2 * MAX_POINTS) thin(run);
  }
  function thin(run) {
    const steps = [...run.points.keys()].sort((a, b) => a - b);
    let keep = false;
    steps.forEach((s, i) => {
      if (i === 0 || i === steps.length - 1 || isCheckpoint(run.points.get(s))) return;
      keep = !keep;
      if (!keep) { run.points.delete(s); count--; }
    });
  }
  function sorted(run) { return [...run.points.values()].sort((a, b) => a.step - b.step); }
  function redraw() {
    pending = null;
    Object.entries(runs).forEach(([id, run]) => {
      if (!run.dirty) return;
      run.dirty = false;
      const pts = sorted(run);
      metrics.forEach(m => {
        const data = pts.filter(p => m.value(p.metrics) !== undefined).map(p => ({ x: p[xKey], y: m.value(p.metrics),
          step: p.step, tokens: p.tokens, ck: isCheckpoint(p), fin: !!p.final }));
        if (data.length === 0) return;
        let ds = charts[m.id].data.datasets.find(d => d.label === id);
        if (!ds) {
          ds = { label: id, data: [], borderColor: run.color, backgroundColor: run.color,
            pointRadius: c => c.raw && c.raw.fin ? 6 : c.raw && c.raw.ck ? 4 : 0,
            pointHoverRadius: c => c.raw && (c.raw.ck || c.raw.fin) ? 7 : 3,
            pointStyle: c => c.raw && c.raw.fin ? 'triangle' : 'rectRot' };
          charts[m.id].data.datasets.push(ds);
        }
        ds.data = data;
      });
    });
    metrics.forEach(m => charts[m.id].update());
    table();
    document.getElementById('point-count').textContent = count;
  }
  function later() { if (!pending) pending = setTimeout(redraw, 100); }
  function table() {
    const body = document.querySelector('#runs-table tbody');
    body.innerHTML = '';
    Object.entries(runs).forEach(([id, r]) => {
      const pts = sorted(r);
      const last = pts[pts.length - 1];
      const checkpoints = pts.filter(isCheckpoint).length;
      const tr = document.createElement('tr');
      [id, last.step, last.tokens, pts.length, checkpoints, last.final ? 'yes' : '',
       fmt(last.metrics.loss), fmt(last.metrics.mse), fmt(metrics[2].value(last.metrics)), fmt(last.metrics.l0)]
        .forEach(v => { const td = document.createElement('td'); td.textContent = v; tr.appendChild(td); });
      tr.dataset.run = id;
      body.appendChild(tr);
    });
  }
  function fmt(v) { return v === undefined ? '' : Number(v).toPrecision(4); }
  document.querySelectorAll('input[name=x-axis]').forEach(r => r.addEventListener('change', () => {
    xKey = r.value;
    metrics.forEach(m => { charts[m.id].options.scales.x.title.text = xKey; });
    Object.values(runs).forEach(run => { run.dirty = true; });
    redraw();
  }));
  points.forEach(add);
  redraw();
  const es = new EventSource('/runs/stream');
  const live = document.getElementById('live');
  es.onopen = () => { live.textContent = 'live'; live.classList.add('on'); };
  es.onerror = () => { live.textContent = 'reconnecting…'; live.classList.remove('on'); };
  es.onmessage = e => { let d = JSON.parse(e.data); if (typeof d === 'string') d = JSON.parse(d); add(d); later(); };
}
