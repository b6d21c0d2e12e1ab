// memfleet report charts: reads the page's embedded data and draws every chart with uPlot.
(function () {
  'use strict';
  var KIB = 1024, MIB = 1048576, GIB = 1073741824;
  // a count with thousands separators (3,855)
  function count(v) {
    return v == null ? '' : Number(v).toLocaleString('en-US', { maximumFractionDigits: 2 });
  }
  // bytes in binary units, without a needless ".0" (16 MiB, 1.5 GiB)
  function human(v) {
    if (v == null) return '';
    var a = Math.abs(v);
    function f(x, d) { return String(parseFloat(x.toFixed(d))); }
    if (a < KIB) return f(v, 0) + ' B';
    if (a < MIB) return f(v / KIB, 1) + ' KiB';
    if (a < GIB) return f(v / MIB, 1) + ' MiB';
    return f(v / GIB, 2) + ' GiB';
  }
  // round ticks from 0: powers of two for bytes (0, 16, 32, 48 MiB), 1-2-5 steps for counts
  function step(max, bytes) {
    if (!(max > 0)) return 1;
    if (bytes) {
      var s = 1;
      while (max / s > 6) s *= 2;
      return s;
    }
    var p = Math.pow(10, Math.floor(Math.log10(max / 6)));
    var best = p;
    [1, 2, 5, 10].some(function (m) { best = m * p; return max / best <= 6; });
    return Math.max(1, best);
  }
  function top(max, bytes) {
    var s = step(max, bytes);
    return Math.max(s, Math.ceil(max / s) * s);
  }
  // vertical dashed lines at the marked moments (a rollout's waves), labelled at the top
  function markerPlugin(markers) {
    return { hooks: { draw: [function (u) {
      var ctx = u.ctx;
      ctx.save();
      ctx.strokeStyle = '#555';
      ctx.fillStyle = '#333';
      ctx.setLineDash([4, 3]);
      ctx.font = '10px sans-serif';
      markers.forEach(function (m, i) {
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
  }
  var markers = [];
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
  // how a line looks: a wide pale band under the others (a maximum, a baseline) keeps a line that
  // equals it visible on top; a limit is a thin black dashed line
  function look(style, color) {
    if (style === 'limit') return { stroke: '#000', width: 1, dash: [6, 4] };
    if (style === 'wide') return { stroke: color + '66', width: 6 };
    if (style === 'dash') return { stroke: color, width: 1.5, dash: [5, 3] };
    return { stroke: color, width: 1.5 };
  }
  function draw(chart, host) {
    var box = document.createElement('div');
    box.className = 'chart';
    box.id = 'chart-' + chart.id;
    box.setAttribute('data-chart', chart.id);
    box.setAttribute('data-points', String(chart.x.length));
    host.appendChild(box);
    var bytes = chart.unit === 'bytes';
    var fmt = bytes ? human : count;
    var series = [{ label: 'simulated s' }];
    var data = [chart.x];
    var max = 0;
    chart.series.forEach(function (s, i) {
      var l = look(s.style || '', palette[i % palette.length]);
      series.push({ label: s.label, stroke: l.stroke, width: l.width, dash: l.dash, spanGaps: true,
        value: function (u, v) { return fmt(v); } });
      data.push(s.values);
      s.values.forEach(function (v) { if (v != null && v > max) max = v; });
    });
    var opts = {
      title: chart.title, width: Math.min(900, Math.max(420, host.clientWidth - 20)), height: 260,
      scales: { x: { time: false }, y: { range: function () { return [0, top(max, bytes)]; } } },
      series: series, plugins: markers.length ? [markerPlugin(markers)] : [],
      axes: [{ label: 'simulated seconds' },
             { size: 80, label: bytes ? 'bytes' : (chart.unit || 'count'),
               splits: function () {
                 var s = step(max, bytes), t = top(max, bytes), out = [];
                 for (var v = 0; v <= t + s / 2; v += s) out.push(v);
                 return out;
               },
               values: function (u, vals) { return vals.map(fmt); } }]
    };
    plots[chart.id] = new uPlot(opts, data, box);
  }
  var plots = {}; // by chart id, for whoever inspects the page (a browser test)
  window.memfleetCharts = { human: human, count: count, step: step, draw: draw, markerPlugin: markerPlugin, plots: plots };
  var el = document.getElementById('memfleet-data');
  if (!el) return;
  var d = JSON.parse(el.textContent);
  markers = d.markers || [];
  (d.charts || []).forEach(function (c) {
    var host = document.getElementById(c.section) || document.body;
    draw(c, host);
  });
})();
