// memfleet live dashboard: one Server-Sent Events stream feeds every table and chart.
(function () {
  'use strict';
  // bytes in binary units, without a needless ".0" (16 MiB, 1.5 GiB)
  function human(v) {
    if (v == null) return '';
    var a = Math.abs(v);
    function f(x, d) { return String(parseFloat(x.toFixed(d))); }
    if (a < 1024) return f(v, 0) + ' B';
    if (a < 1048576) return f(v / 1024, 1) + ' KiB';
    if (a < 1073741824) return f(v / 1048576, 1) + ' MiB';
    return f(v / 1073741824, 2) + ' GiB';
  }
  // round ticks from 0: powers of two for bytes (0, 16, 32, 48 MiB), 1-2-5 steps for counts
  function tickStep(max, bytes) {
    if (!(max > 0)) return 1;
    var s = 1;
    if (bytes) {
      while (max / s > 6) s *= 2;
      return s;
    }
    var p = Math.pow(10, Math.floor(Math.log10(max / 6)));
    [1, 2, 5, 10].some(function (m) { s = m * p; return max / s <= 6; });
    return Math.max(1, s);
  }
  function tickTop(max, bytes) {
    var s = tickStep(max, bytes);
    return Math.max(s, Math.ceil(max / s) * s);
  }

  // A cell is described, never written as HTML: {text}, {bytes} (shown in human units, the exact
  // value kept in data-bytes) or {bar, text} (a progress bar and its label).
  function bytesCell(v) { return { bytes: v }; }
  function cell(v) { return { text: v == null ? '' : String(v) }; }

  // Updates a table body in place: one row per key, created once, its cells written only when
  // their value changed, rows moved only when the order changed, gone keys removed. An element a
  // person (or a test) holds stays attached across updates, and so do hover, selection and scroll.
  function syncRows(tbody, items, keyOf, cellsOf, onCreate) {
    var rows = tbody._rows || (tbody._rows = {});
    var keep = {};
    items.forEach(function (item, i) {
      var key = String(keyOf(item));
      keep[key] = true;
      var tr = rows[key];
      var cells = cellsOf(item);
      if (!tr) {
        tr = rows[key] = document.createElement('tr');
        tr.setAttribute('data-key', key);
        if (onCreate) onCreate(tr, key);
      }
      while (tr.cells.length < cells.length) tr.appendChild(document.createElement('td'));
      cells.forEach(function (c, j) { writeCell(tr.cells[j], c); });
      if (tbody.children[i] !== tr) tbody.insertBefore(tr, tbody.children[i] || null);
    });
    Object.keys(rows).forEach(function (key) {
      if (!keep[key]) { rows[key].remove(); delete rows[key]; }
    });
  }

  function writeCell(td, c) {
    if (c.bytes !== undefined) {
      var exact = String(c.bytes);
      if (td.getAttribute('data-bytes') !== exact) {
        td.setAttribute('data-bytes', exact);
        td.textContent = human(c.bytes);
      }
      return;
    }
    if (c.bar !== undefined) {
      var bar = td.firstChild;
      if (!bar || bar.nodeName !== 'SPAN') {
        td.textContent = '';
        bar = document.createElement('span');
        bar.className = 'bar';
        bar.appendChild(document.createElement('i'));
        td.appendChild(bar);
        td.appendChild(document.createTextNode(''));
      }
      var width = c.bar + '%';
      if (bar.firstChild.style.width !== width) bar.firstChild.style.width = width;
      if (td.lastChild.data !== c.text) td.lastChild.data = c.text;
      return;
    }
    if (td.textContent !== c.text) td.textContent = c.text;
  }

  function markSelected(tbody, key) {
    Array.prototype.forEach.call(tbody.rows, function (tr) {
      tr.classList.toggle('selected', tr.getAttribute('data-key') === key);
    });
  }

  // the selected experiment's rollout waves, drawn as dashed vertical lines on its charts (read at each draw)
  var markerPlugin = { hooks: { draw: [function (u) {
    if (!state.markers.length || u.scales.x.time !== false || u.series[0].label !== 'simulated s') return;
    var ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = '#555';
    ctx.fillStyle = '#333';
    ctx.setLineDash([4, 3]);
    ctx.font = '10px sans-serif';
    state.markers.forEach(function (m, i) {
      var x = Math.round(u.valToPos(m.x, 'x', true));
      if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      ctx.fillText(m.label, x + 3, u.bbox.top + 10 + (i % 2) * 12); // neighbours' labels on two rows
    });
    ctx.restore();
  }] } };

  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
  var state = { selected: null, chosenByUser: false, source: null, points: [], charts: {}, drill: null, updates: 0,
    markers: [], markerKey: '', summary: null };
  var FINAL = ['done', 'failed', 'cancelled'];
  var AXIS = { bytes: 'bytes', count: 'count', rank: 'bytes' };
  window.memfleetDashboard = state;

  function chart(host, id, title, unit, x, lines) {
    var box = state.charts[id];
    var key = lines.map(function (l) { return l.label; }).join('|');
    if (!box || box.key !== key) {
      if (box) { box.plot.destroy(); box.el.remove(); }
      var el = document.createElement('div');
      el.setAttribute('data-chart', id);
      host.appendChild(el);
      var series = [{ label: unit === 'rank' ? 'node rank' : 'simulated s' }];
      var xTitle = unit === 'rank' ? 'nodes, largest usage first' : 'simulated seconds';
      lines.forEach(function (l, i) {
        series.push({ label: l.label, stroke: palette[i % palette.length], width: 1.5, spanGaps: true,
          value: function (u, v) { return l.bytes ? human(v) : (v == null ? '' : v.toLocaleString('en-US')); } });
      });
      var bytes = lines.length > 0 && lines[0].bytes;
      var plot = new uPlot({ title: title, width: 520, height: 240, series: series,
        scales: { x: { time: false }, y: { range: function (u, min, max) { return [0, tickTop(max, bytes)]; } } },
        plugins: [markerPlugin],
        axes: [{ label: xTitle }, { size: 80, label: AXIS[unit] || unit,
          splits: function (u, i, min, max) {
            var out = [], st = tickStep(max, bytes);
            for (var v = 0; v <= max + st / 2; v += st) out.push(v);
            return out;
          },
          values: function (u, vals) { return vals.map(function (v) { return bytes ? human(v) : v.toLocaleString('en-US'); }); } }]
      }, [x].concat(lines.map(function (l) { return l.values; })), el);
      box = state.charts[id] = { el: el, plot: plot, key: key };
    } else {
      box.plot.setData([x].concat(lines.map(function (l) { return l.values; })));
    }
    box.el.setAttribute('data-points', String(x.length));
  }

  function topLevel(c) { return typeof c === 'string' && c.lastIndexOf('/') === 0 && c.length > 1; }

  function drawSeries() {
    var host = document.getElementById('series');
    var times = [], cgroups = [], seenT = {}, seenC = {};
    var whole = state.points.filter(function (p) { return !p.group; }); // rows split by a rollout are not drawn here
    whole.forEach(function (p) {
      if (!seenT[p.sim_seconds]) { seenT[p.sim_seconds] = true; times.push(p.sim_seconds); }
      if (topLevel(p.cgroup) && !seenC[p.cgroup]) { seenC[p.cgroup] = true; cgroups.push(p.cgroup); }
    });
    times.sort(function (a, b) { return a - b; });
    cgroups.sort();
    var index = {};
    times.forEach(function (t, i) { index[t] = i; });
    function lines(field, bytes) {
      return cgroups.map(function (c) {
        var v = times.map(function () { return null; });
        whole.forEach(function (p) { if (p.cgroup === c) v[index[p.sim_seconds]] = field(p); });
        return { label: c, values: v, bytes: bytes };
      });
    }
    chart(host, 'usage', 'usage p99 per cgroup', 'bytes', times, lines(function (p) { return p.usage_in_bytes.p99; }, true));
    chart(host, 'kmem', 'kmem p99 per cgroup', 'bytes', times, lines(function (p) { return p.kmem_usage_in_bytes.p99; }, true));
    chart(host, 'dead', 'dead caches per cgroup', 'count', times, lines(function (p) { return p.dead_caches; }, false));
    // every cgroup that had an OOM kill or an allocation failure, however deep: one line per kind and cgroup
    var hit = [];
    [['oom_kills', 'OOM kills in '], ['alloc_failures', 'alloc failures in ']].forEach(function (k) {
      var seen = {};
      whole.forEach(function (p) { if (p[k[0]] > 0 && !seen[p.cgroup]) { seen[p.cgroup] = true; hit.push([k, p.cgroup]); } });
    });
    hit.sort(function (a, b) { return (a[0][1] + a[1]) < (b[0][1] + b[1]) ? -1 : 1; });
    chart(host, 'events', 'OOM kills and allocation failures per telemetry interval', 'count', times, hit.map(function (h) {
      var v = times.map(function () { return 0; });
      whole.forEach(function (p) { if (p.cgroup === h[1]) v[index[p.sim_seconds]] = p[h[0][0]]; });
      return { label: h[0][1] + h[1], values: v, bytes: false };
    }));
    var slabs = [], seenS = {};
    state.points.forEach(function (p) { if (p.slab && !seenS[p.slab]) { seenS[p.slab] = true; slabs.push(p.slab); } });
    slabs.sort();
    chart(host, 'slabs', 'slab bytes per root cache', 'bytes', times, slabs.map(function (s) {
      var v = times.map(function () { return null; });
      state.points.forEach(function (p) { if (p.slab === s) v[index[p.sim_seconds]] = p.bytes; });
      return { label: s, values: v, bytes: true };
    }));
  }

  function select(id, byUser) {
    if (id === state.selected) return;
    state.selected = id;
    state.chosenByUser = state.chosenByUser || byUser;
    state.points = [];
    state.summary = null;
    document.getElementById('selected').textContent = id || 'none';
    connect();
  }

  function renderExperiments(list) {
    var tb = document.querySelector('#experiments tbody');
    syncRows(tb, list, function (e) { return e.id; }, function (e) {
      var pct = Math.round(100 * (e.progress.fraction || 0));
      return [cell(e.id), cell(e.state + (e.reason ? ': ' + e.reason : '')), { bar: pct, text: pct + '%' },
        cell(e.progress.simulated_seconds.toFixed(1) + ' / ' + e.duration_seconds),
        cell(e.progress.nodes_finished + ' / ' + e.nodes), cell(e.progress.events_applied)];
    }, function (tr, key) {
      tr.className = 'clickable';
      tr.setAttribute('data-id', key);
      tr.addEventListener('click', function () { select(key, true); });
    });
    if (!state.chosenByUser && list.length > 0) {
      var running = list.filter(function (e) { return FINAL.indexOf(e.state) < 0; });
      select((running[0] || list[0]).id, false);
    }
    markSelected(tb, state.selected);
    renderExperimentRollouts(list.filter(function (e) { return e.id === state.selected; })[0]);
  }

  // the selected experiment's rollouts: a row per wave (scheduled, then its verdict), and the markers
  function renderExperimentRollouts(e) {
    var rows = [];
    ((e && e.rollouts) || []).forEach(function (r) {
      var halted = false;
      r.wave_starts_seconds.forEach(function (t, i) {
        if (halted) return; // no wave after a halt
        var d = (e.rollout_decisions || []).filter(function (x) { return x.rollout === r.name && x.wave === i + 1; })[0];
        rows.push({ key: r.name + '#' + (i + 1), rollout: r.name, wave: i + 1, start: t, decision: d });
        halted = d && d.verdict === 'halted';
      });
    });
    var markers = [];
    rows.forEach(function (w) {
      markers.push({ x: w.start, label: w.rollout + ' wave ' + w.wave });
      if (w.decision && w.decision.verdict === 'halted') {
        markers.push({ x: w.decision.decided_at_seconds, label: w.rollout + ' halted' });
      }
    });
    document.getElementById('experiment-rollouts').hidden = rows.length === 0;
    syncRows(document.querySelector('#experiment-rollouts tbody'), rows, function (w) { return w.key; }, function (w) {
      var d = w.decision;
      return [cell(w.rollout), cell(w.wave), cell(w.start + ' s'), cell(d ? d.verdict : 'pending'),
        cell(d ? d.decided_at_seconds + ' s' : ''), cell(d ? d.guards.map(function (g) {
          return g.metric + ' ' + g.aggregate + ' over ' + g.cgroup + ' ' + g.value + (g.tripped ? ' > ' : ' <= ') + g.threshold;
        }).join('; ') : '')];
    }, function (tr, key) { tr.setAttribute('data-wave', key); });
    var key = JSON.stringify(markers);
    if (key !== state.markerKey) {
      state.markerKey = key;
      state.markers = markers;
      Object.keys(state.charts).forEach(function (id) { state.charts[id].plot.redraw(); });
    }
  }

  function renderCgroups(cgroups) {
    var tb = document.querySelector('#cgroups tbody');
    syncRows(tb, cgroups, function (c) { return c.cgroup; }, function (c) {
      return [cell(c.cgroup), cell(c.nodes), bytesCell(c.usage_in_bytes.p50), bytesCell(c.usage_in_bytes.p99),
        bytesCell(c.usage_in_bytes.max), bytesCell(c.kmem_usage_in_bytes.p50), bytesCell(c.kmem_usage_in_bytes.p99),
        bytesCell(c.kmem_usage_in_bytes.max), cell(c.failcnt.max), cell(c.oom_kills), cell(c.alloc_failures),
        cell(c.live_caches), cell(c.dead_caches)];
    }, function (tr, key) {
      tr.className = 'clickable';
      tr.setAttribute('data-cgroup', key);
      tr.addEventListener('click', function () { state.drill = key; markSelected(tb, key); drill(); });
    });
    markSelected(tb, state.drill);
  }

  function drill() {
    if (!state.drill) return;
    fetch('/api/distribution?cgroup=' + encodeURIComponent(state.drill)).then(function (r) { return r.json(); })
      .then(function (d) {
        document.getElementById('drilldown').hidden = false;
        var title = document.getElementById('drill-cgroup');
        var text = d.cgroup + ' (' + d.nodes.length + ' nodes)';
        if (title.textContent !== text) title.textContent = text;
        var x = d.nodes.map(function (n, i) { return i + 1; });
        chart(document.getElementById('drill-chart'), 'distribution', 'usage and kmem by node, largest usage first', 'rank', x,
          [{ label: 'usage', bytes: true, values: d.nodes.map(function (n) { return n.usage_in_bytes; }) },
           { label: 'kmem', bytes: true, values: d.nodes.map(function (n) { return n.kmem_usage_in_bytes; }) }]);
        syncRows(document.querySelector('#drill-nodes tbody'), d.nodes.slice(0, 10), function (n) { return n.node; },
          function (n) {
            return [cell(n.node), bytesCell(n.usage_in_bytes), bytesCell(n.kmem_usage_in_bytes), cell(n.failcnt)];
          });
      });
  }

  function limitText(v) { return v < 0 ? 'unlimited' : human(v); }

  function renderRollouts(list) {
    syncRows(document.querySelector('#rollouts tbody'), list, function (r) { return r.rollout_id; }, function (r) {
      var conf = r.cgroups.map(function (c) {
        var parts = [];
        if (c.limit_in_bytes != null) parts.push('limit ' + limitText(c.limit_in_bytes));
        if (c.kmem_limit_in_bytes != null) parts.push('kmem limit ' + limitText(c.kmem_limit_in_bytes));
        if (c.memsw_limit_in_bytes != null) parts.push('memsw limit ' + limitText(c.memsw_limit_in_bytes));
        return c.path + (parts.length ? ': ' + parts.join(', ') : '');
      }).join('; ');
      return [cell(r.rollout_id), cell(r.generation), cell(conf), cell(r.acked), cell(r.failed), cell(r.pending)];
    }, function (tr, key) { tr.setAttribute('data-rollout', key); });
  }

  function renderCaches(list) {
    syncRows(document.querySelector('#caches tbody'), list, function (c) { return c.slab; }, function (c) {
      return [cell(c.slab), cell(c.caches), cell(c.dead_caches), cell(c.active_objs), cell(c.num_objs),
        cell(c.num_slabs), bytesCell(c.bytes)];
    }, function (tr, key) { tr.setAttribute('data-slab', key); });
  }

  function setText(id, text) {
    var el = document.getElementById(id);
    if (el.textContent !== text) el.textContent = text;
  }

  function onUpdate(ev) {
    var d = JSON.parse(ev.data);
    state.updates++;
    var summary = document.getElementById('summary');
    var text = d.fleet.nodes + ' nodes reporting, ' + d.fleet.telemetry_records + ' telemetry records, ' +
      d.experiments.length + ' experiments';
    if (summary.textContent !== text) summary.textContent = text;
    renderExperiments(d.experiments);
    if (d.summary && d.experiment === state.selected) state.summary = d.summary;
    var sel = d.experiments.filter(function (e) { return e.id === state.selected; })[0];
    var ended = sel && FINAL.indexOf(sel.state) >= 0 && state.summary;
    // a finished experiment's nodes are released: its final values come from its summary
    var released = document.getElementById('released');
    released.hidden = !ended;
    if (ended) {
      var line = sel.id + ' ended (' + sel.state + ') after ' + sel.progress.simulated_seconds.toFixed(1) +
        ' simulated seconds; its ' + state.summary.nodes + ' nodes were released, so the tables below show its final values ' +
        '(from its summary). Select a running experiment for live values.';
      if (released.textContent !== line) released.textContent = line;
    }
    setText('cgroups-title', ended ? 'cgroups of ' + sel.id + ' at its end' : 'cgroups over the fleet (now)');
    setText('caches-title', ended ? 'Slab caches of ' + sel.id + ' at its end' : 'Slab caches over the fleet (now)');
    renderCgroups(ended ? state.summary.cgroups : d.fleet.cgroups);
    renderRollouts(d.rollouts);
    renderCaches(ended ? state.summary.caches : d.fleet.caches);
    if (d.experiment && d.experiment === state.selected) {
      state.points = d.resync ? d.points : state.points.concat(d.points); // a resync replaces what it missed
      drawSeries();
    }
    if (state.drill && state.updates % 5 === 0) drill();
  }

  function connect() {
    if (state.source) state.source.close();
    var s = new EventSource('/api/stream' + (state.selected ? '?experiment=' + encodeURIComponent(state.selected) : ''));
    state.source = s;
    var status = document.getElementById('status');
    s.addEventListener('update', onUpdate);
    s.onopen = function () { status.textContent = 'live'; status.className = 'live'; };
    s.onerror = function () { status.textContent = 'reconnecting...'; status.className = 'down'; state.points = []; };
  }
  connect();
})();
