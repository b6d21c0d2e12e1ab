// memfleet report charts: reads the page's embedded data and draws every chart with uPlot.
(function () {
  'use strict';
  function human(v) {
    if (v == null) return '';
    var a = Math.abs(v);
    if (a < 1024) return v.toFixed(0) + ' B';
    if (a < 1048576) return (v / 1024).toFixed(1) + ' KiB';
    if (a < 1073741824) return (v / 1048576).toFixed(1) + ' MiB';
    return (v / 1073741824).toFixed(2) + ' GiB';
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
  function draw(chart, host) {
    var box = document.createElement('div');
    box.className = 'chart';
    box.setAttribute('data-chart', chart.id);
    box.setAttribute('data-points', String(chart.x.length));
    host.appendChild(box);
    var bytes = chart.unit === 'bytes';
    var series = [{ label: 'simulated s' }];
    var data = [chart.x];
    chart.series.forEach(function (s, i) {
      series.push({ label: s.label, stroke: palette[i % palette.length], width: 1.5, spanGaps: true,
        value: function (u, v) { return bytes ? human(v) : (v == null ? '' : String(v)); } });
      data.push(s.values);
    });
    var opts = {
      title: chart.title, width: Math.min(900, Math.max(420, host.clientWidth - 20)), height: 260,
      scales: { x: { time: false } }, series: series, plugins: markers.length ? [markerPlugin(markers)] : [],
      axes: [{ label: 'simulated seconds' },
             { size: 80, values: function (u, vals) { return vals.map(function (v) { return bytes ? human(v) : v; }); } }]
    };
    new uPlot(opts, data, box);
  }
  window.memfleetCharts = { human: human, draw: draw, markerPlugin: markerPlugin };
  var el = document.getElementById('memfleet-data');
  if (!el) return;
  var d = JSON.parse(el.textContent);
  markers = d.markers || [];
  (d.charts || []).forEach(function (c) {
    var host = document.getElementById(c.section) || document.body;
    draw(c, host);
  });
})();
