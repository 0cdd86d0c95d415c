// mesh4j console: polls <page>/state once a second and draws it. No dependencies; every string
// from the server reaches the page through textContent or an attribute, never as markup.
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var base = location.pathname.replace(/\/+$/, '');
  var selected = null;
  var last = null;
  var drawn = null;

  function api(path) { return base + '/' + path; }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    setAttrs(e, attrs);
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    setAttrs(e, attrs);
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function setAttrs(e, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      if (attrs[k] !== undefined && attrs[k] !== null) e.setAttribute(k, attrs[k]);
    });
  }

  function num(x, digits) {
    return x === null || x === undefined || isNaN(x) ? '–' : Number(x).toFixed(digits);
  }

  function pct(x) { return x === null || x === undefined ? '–' : num(x, 1) + '%'; }

  function ms(x) {
    if (x === null || x === undefined) return '–';
    return x >= 1000 ? num(x / 1000, 2) + 's' : x >= 10 ? num(x, 0) + 'ms' : num(x, 1) + 'ms';
  }

  function health(stats) {
    if (!stats || stats.requests === 0) return 'idle';
    return stats.errorRate >= 0.05 ? 'bad' : stats.errorRate > 0 ? 'warn' : 'ok';
  }

  function duration(msLeft) {
    if (msLeft <= 0) return 'until the next sweep';
    return msLeft >= 1000 ? num(msLeft / 1000, 1) + 's' : msLeft + 'ms';
  }

  // ---- graph ----------------------------------------------------------------------------------

  var COL = [16, 340, 730];
  var NODE_W = [190, 210, 250];
  var ROW = 70;
  var NODE_H = 46;

  function render(state) {
    last = state;
    document.getElementById('workload').textContent =
        state.workload.name + ' (' + state.workload.namespace + ')';
    drawGraph(state);
    drawTable(state);
    drawTimeline(state);
    drawDetails(state);
  }

  function drawGraph(state) {
    var g = document.getElementById('graph');
    while (g.firstChild) g.removeChild(g.firstChild);
    var services = state.services;
    document.getElementById('empty').hidden = services.length > 0;
    var rows = 0;
    var layout = [];
    services.forEach(function (s) {
      var n = Math.max(1, s.versions.length);
      layout.push({ service: s, top: rows, rows: n });
      rows += n;
    });
    var height = Math.max(1, rows) * ROW + 20;
    g.setAttribute('viewBox', '0 0 ' + (COL[2] + NODE_W[2] + 20) + ' ' + height);
    g.setAttribute('height', String(height));
    var edges = svg('g', { 'class': 'edges' });
    var nodes = svg('g', { 'class': 'nodes' });
    g.appendChild(edges);
    g.appendChild(nodes);

    var appY = height / 2 - NODE_H / 2;
    var app = node(nodes, 0, appY, 'node app', state.workload.name,
        state.workload.version ? 'version ' + state.workload.version : state.workload.namespace, 'app');
    app.setAttribute('data-node', 'app');

    layout.forEach(function (l) {
      var s = l.service;
      var sy = 10 + (l.top + l.rows / 2) * ROW - NODE_H / 2;
      var egress = s.kind !== 'service';
      var sub = egress ? (s.hosts && s.hosts.length ? s.hosts[0].host + (s.hosts.length > 1 ? ' +' + (s.hosts.length - 1) : '') : s.kind)
          : (s.namespace || '');
      var cls = 'node service' + (egress ? ' egress' : '') + (health(s.stats) === 'bad' ? ' erroring' : '');
      var sn = node(nodes, 1, sy, cls, egress ? s.host : s.name, sub, s.id);
      sn.setAttribute('data-service', s.host);
      if (s.faults.length > 0 || s.faultsInjected > 0) {
        var f = svg('g', { 'class': 'fault', transform: 'translate(' + (NODE_W[1] - 24) + ',-7)' });
        f.appendChild(svg('rect', { width: 20, height: 13, rx: 3 }));
        f.appendChild(svg('text', { x: 10, y: 10, 'text-anchor': 'middle' }, 'FI'));
        f.appendChild(svg('title', null, 'fault injection: ' + (s.faults.join('; ') || 'configured')
            + ' — ' + s.faultsInjected + ' injected in the last minute'));
        sn.appendChild(f);
      }
      edge(edges, COL[0] + NODE_W[0], appY + NODE_H / 2, COL[1], sy + NODE_H / 2, s.stats, s.mtls, edgeLabel(s.stats));

      s.versions.forEach(function (v, i) {
        var vy = 10 + (l.top + i + 0.5) * ROW - NODE_H / 2;
        var share = (v.configuredPercent !== null ? pct(v.configuredPercent) + ' configured · ' : '')
            + (v.observedPercent !== null ? pct(v.observedPercent) + ' observed' : 'no traffic');
        var vcls = 'node version' + (v.stats.requests === 0 ? ' idle' : '') + (health(v.stats) === 'bad' ? ' erroring' : '');
        var vn = node(nodes, 2, vy, vcls, v.version + (v.subset && v.subset !== v.version ? ' (' + v.subset + ')' : ''),
            share, v.id);
        vn.setAttribute('data-service', s.host);
        vn.setAttribute('data-version', v.version);
        vn.setAttribute('data-cluster', v.cluster);
        if (v.circuitBreaker.configured) {
          var b = svg('g', { 'class': 'bolt' + (v.circuitBreaker.tripped ? ' tripped' : ''),
            transform: 'translate(' + (NODE_W[2] - 10) + ',-9)' });
          b.appendChild(svg('circle', { cx: 6, cy: 8, r: 10 }));
          b.appendChild(svg('path', { d: 'M7 0 0 9h5l-1 7 7-9H6z' }));
          b.appendChild(svg('title', null, boltText(v)));
          vn.appendChild(b);
        }
        edge(edges, COL[1] + NODE_W[1], sy + NODE_H / 2, COL[2], vy + NODE_H / 2, v.stats, v.mtls, edgeLabel(v.stats));
      });
    });
  }

  function boltText(v) {
    var cb = v.circuitBreaker;
    var parts = [];
    if (cb.outlierDetection) parts.push('outlier detection: ' + cb.outlierDetection);
    if (cb.connectionPool) parts.push('connection pool: ' + cb.connectionPool);
    if (cb.ejected > 0) parts.push(cb.ejected + ' endpoint(s) ejected now');
    if (cb.shedLast10s > 0) parts.push(cb.shedLast10s + ' request(s) shed in the last 10 s');
    return parts.join('\n');
  }

  function edgeLabel(stats) {
    if (!stats || stats.requests === 0) return null;
    return [num(stats.rate, 2) + ' rps · ' + pct(stats.errorRate * 100) + ' err',
      'p50 ' + ms(stats.p50Ms) + ' · p99 ' + ms(stats.p99Ms)];
  }

  function node(parent, col, y, cls, title, sub, id) {
    var g = svg('g', { 'class': cls + (selected === id ? ' selected' : ''), transform: 'translate(' + COL[col] + ',' + y + ')',
      tabindex: 0, 'data-id': id });
    g.appendChild(svg('rect', { width: NODE_W[col], height: NODE_H, rx: 6 }));
    g.appendChild(svg('text', { 'class': 'title', x: 10, y: 19 }, clip(title, 26)));
    g.appendChild(svg('text', { 'class': 'sub', x: 10, y: 35 }, clip(sub || '', 40)));
    g.appendChild(svg('title', null, title));
    g.addEventListener('click', function () { select(id); });
    g.addEventListener('keydown', function (e) { if (e.key === 'Enter') select(id); });
    parent.appendChild(g);
    return g;
  }

  function clip(s, n) { return s.length > n ? s.slice(0, n - 1) + '…' : s; }

  function edge(parent, x1, y1, x2, y2, stats, mtls, label) {
    var h = health(stats);
    var g = svg('g', { 'class': 'edge ' + h });
    var mx = (x1 + x2) / 2;
    var width = stats && stats.rate > 0 ? Math.min(6, 1.2 + Math.log10(1 + stats.rate) * 2) : 1;
    g.appendChild(svg('path', { d: 'M' + x1 + ',' + y1 + ' C' + mx + ',' + y1 + ' ' + mx + ',' + y2 + ' ' + x2 + ',' + y2,
      'stroke-width': width.toFixed(2) }));
    if (label) {
      // Beside the target, above the line where it arrives: one row per target, never crowded.
      var t = svg('text', { x: x2 - 8, y: y2 - 18, 'text-anchor': 'end' });
      t.appendChild(svg('tspan', { x: x2 - 8, dy: 0 }, label[0]));
      t.appendChild(svg('tspan', { x: x2 - 8, dy: 12 }, label[1]));
      g.appendChild(t);
    }
    if (mtls) {
      var lock = svg('g', { 'class': 'lock', transform: 'translate(' + (x2 - 20) + ',' + (y2 + 4) + ')' });
      lock.appendChild(svg('path', { d: 'M2 6V4a4 4 0 0 1 8 0v2h1v8H1V6zm2 0h4V4a2 2 0 0 0-4 0z' }));
      lock.appendChild(svg('title', null, 'mutual TLS'));
      g.appendChild(lock);
    }
    parent.appendChild(g);
  }

  function select(id) {
    selected = id;
    if (last) render(last);
  }

  // ---- table, timeline, details -------------------------------------------------------------

  function drawTable(state) {
    var body = document.querySelector('#services tbody');
    while (body.firstChild) body.removeChild(body.firstChild);
    state.services.forEach(function (s) {
      if (s.versions.length === 0) {
        var tr = el('tr', { 'class': 'service-row', 'data-service': s.host });
        tr.appendChild(el('td', null, s.kind === 'service' ? s.name : s.host));
        tr.appendChild(el('td', null, '–'));
        tr.appendChild(el('td', null, s.kind === 'service' ? '' : (s.hosts || []).map(function (h) { return h.host; }).join(', ')));
        tr.appendChild(el('td', { 'class': 'num' }, '–'));
        tr.appendChild(el('td', { 'class': 'num' }, '–'));
        statCells(tr, s.stats);
        tr.appendChild(el('td'));
        tr.appendChild(el('td'));
        body.appendChild(tr);
        return;
      }
      s.versions.forEach(function (v) {
        var tr = el('tr', { 'class': 'version-row', 'data-service': s.host, 'data-version': v.version, 'data-cluster': v.cluster });
        tr.appendChild(el('td', null, s.name));
        tr.appendChild(el('td', null, v.version));
        tr.appendChild(el('td', { 'class': 'cluster' }, v.cluster));
        tr.appendChild(el('td', { 'class': 'num configured' }, pct(v.configuredPercent)));
        tr.appendChild(el('td', { 'class': 'num observed' }, pct(v.observedPercent)));
        statCells(tr, v.stats);
        var cb = el('td', { 'class': 'circuit' });
        if (v.circuitBreaker.configured) {
          cb.appendChild(el('span', { 'class': 'chip ' + (v.circuitBreaker.tripped ? 'tripped' : 'armed'), title: boltText(v) },
              v.circuitBreaker.tripped ? 'TRIPPED' : 'armed'));
          var out = v.endpoints.filter(function (e) { return e.ejected; });
          if (out.length) {
            cb.appendChild(document.createTextNode(' ' + out.map(function (e) {
              return e.address + ' ejected ×' + e.ejections + ', ' + duration(e.ejectionTimeLeftMs);
            }).join('; ')));
          }
          if (v.circuitBreaker.shedLast10s > 0) cb.appendChild(document.createTextNode(' shedding'));
        }
        tr.appendChild(cb);
        var tls = el('td', { 'class': 'tls' });
        if (v.mtls) tls.appendChild(el('span', { 'class': 'chip lock' }, 'mTLS'));
        else tls.textContent = v.tls || '';
        tr.appendChild(tls);
        body.appendChild(tr);
      });
    });
  }

  function statCells(tr, st) {
    tr.appendChild(el('td', { 'class': 'num rate' }, st.requests ? num(st.rate, 2) : '–'));
    tr.appendChild(el('td', { 'class': 'num errors' }, st.requests ? pct(st.errorRate * 100) : '–'));
    tr.appendChild(el('td', { 'class': 'num p50' }, ms(st.p50Ms)));
    tr.appendChild(el('td', { 'class': 'num p99' }, ms(st.p99Ms)));
  }

  function drawTimeline(state) {
    var list = document.getElementById('timeline');
    while (list.firstChild) list.removeChild(list.firstChild);
    for (var i = state.timeline.length - 1; i >= 0; i--) {
      var e = state.timeline[i];
      var li = el('li', { 'class': 'k-' + e.kind, 'data-kind': e.kind });
      li.appendChild(el('time', { datetime: e.time }, e.time.replace(/^.*T/, '').replace(/Z$/, '').slice(0, 12)));
      li.appendChild(el('span', { 'class': 'kind' }, e.kind));
      li.appendChild(el('span', { 'class': 'subject' }, e.subject));
      li.appendChild(el('span', { 'class': 'text' }, e.text));
      list.appendChild(li);
    }
    document.getElementById('dropped').textContent = state.timelineDropped > 0
        ? '(' + state.timelineDropped + ' older not kept)' : '';
  }

  function find(state, id) {
    for (var i = 0; i < state.services.length; i++) {
      var s = state.services[i];
      if (s.id === id) return { service: s };
      for (var k = 0; k < s.versions.length; k++) {
        if (s.versions[k].id === id) return { service: s, version: s.versions[k] };
      }
    }
    return null;
  }

  function dl(parent, pairs) {
    var d = el('dl');
    pairs.forEach(function (p) {
      if (p[1] === null || p[1] === undefined || p[1] === '') return;
      d.appendChild(el('dt', null, p[0]));
      d.appendChild(el('dd', null, String(p[1])));
    });
    parent.appendChild(d);
  }

  function statPairs(st) {
    return [['requests', st.requests], ['rate', num(st.rate, 2) + ' req/s'], ['errors', st.errors + ' (' + pct(st.errorRate * 100) + ')'],
      ['p50 / p99', ms(st.p50Ms) + ' / ' + ms(st.p99Ms)]];
  }

  function drawDetails(state) {
    var aside = document.getElementById('details');
    while (aside.firstChild) aside.removeChild(aside.firstChild);
    var found = selected && selected !== 'app' ? find(state, selected) : null;
    if (selected === 'app') {
      aside.appendChild(el('h3', null, state.workload.name));
      dl(aside, [['namespace', state.workload.namespace], ['app', state.workload.app], ['version', state.workload.version],
        ['config version', state.mesh.version], ['sources', state.mesh.sources.map(function (s) { return s.source + ' ' + s.state; }).join(', ')],
        ['warnings', state.mesh.warnings.length], ['rejected', state.mesh.rejected.join('; ')]]);
      return;
    }
    if (!found) {
      aside.appendChild(el('p', { 'class': 'hint' }, 'Select a node for details.'));
      return;
    }
    var s = found.service;
    var v = found.version;
    if (!v) {
      aside.appendChild(el('h3', null, s.host));
      dl(aside, [['kind', s.kind], ['VirtualService', s.virtualService]].concat(statPairs(s.stats))
          .concat([['faults', s.faults.join('; ')], ['faults injected', s.faultsInjected || null]]));
      if (s.hosts && s.hosts.length) {
        aside.appendChild(el('h4', null, 'hosts'));
        var ul = el('ul');
        s.hosts.forEach(function (h) { ul.appendChild(el('li', null, h.host + ' — ' + h.requests)); });
        if (s.hostsNotShown) ul.appendChild(el('li', null, '… and ' + s.hostsNotShown + ' more'));
        aside.appendChild(ul);
      }
      s.routes.forEach(function (r) {
        aside.appendChild(el('h4', null, r.route + ' — ' + r.action.toLowerCase().replace('_', ' ')
            + (r.fault ? ' — fault: ' + r.fault : '')));
        if (!r.split.length) return;
        var t = el('table', { 'class': 'split' });
        var head = el('tr');
        ['destination', 'weight', 'observed'].forEach(function (h) { head.appendChild(el('th', null, h)); });
        t.appendChild(head);
        r.split.forEach(function (d) {
          var tr = el('tr');
          tr.appendChild(el('td', null, (d.subset || d.host.split('.')[0]) + (d.port ? ':' + d.port : '')));
          tr.appendChild(el('td', { 'class': 'num' }, pct(d.configuredPercent)));
          tr.appendChild(el('td', { 'class': 'num' }, pct(d.observedPercent) + ' (' + d.requests + ')'));
          t.appendChild(tr);
        });
        aside.appendChild(t);
      });
      return;
    }
    aside.appendChild(el('h3', null, s.name + ' ' + v.version));
    dl(aside, [['cluster', v.cluster], ['subset', v.subset], ['load balancer', v.loadBalancer],
      ['configured', pct(v.configuredPercent)], ['observed', pct(v.observedPercent)]].concat(statPairs(v.stats))
        .concat([['TLS', v.tls + (v.mtls ? ' (mutual TLS)' : '')], ['failure', v.failure],
          ['outlier detection', v.circuitBreaker.outlierDetection], ['connection pool', v.circuitBreaker.connectionPool],
          ['shed', v.circuitBreaker.configured ? v.circuitBreaker.shed + ' in the window, ' + v.circuitBreaker.shedLast10s + ' in the last 10 s' : null]]));
    var et = el('table', { 'class': 'endpoints' });
    var eh = el('tr');
    ['endpoint', 'state', 'ejections', 'active'].forEach(function (h) { eh.appendChild(el('th', null, h)); });
    et.appendChild(eh);
    v.endpoints.forEach(function (e) {
      var tr = el('tr', { 'data-endpoint': e.address });
      tr.appendChild(el('td', null, e.address));
      tr.appendChild(el('td', null, e.ejected ? 'ejected, ' + duration(e.ejectionTimeLeftMs) + ' left' : 'healthy'));
      tr.appendChild(el('td', { 'class': 'num' }, String(e.ejections)));
      tr.appendChild(el('td', { 'class': 'num' }, String(e.activeRequests)));
      et.appendChild(tr);
    });
    aside.appendChild(et);
  }

  // ---- polling and explain --------------------------------------------------------------------

  function setStatus(ok, text) {
    var s = document.getElementById('status');
    s.className = 'status ' + (ok ? 'live' : 'offline');
    s.textContent = text;
  }

  function refresh() {
    fetch(api('state'), { cache: 'no-store', headers: { Accept: 'application/json' } })
        .then(function (r) {
          if (!r.ok) throw new Error('HTTP ' + r.status);
          return r.json();
        })
        .then(function (state) {
          // Redraw only when something changed, so that a hovered tooltip or a focus survives.
          var stamp = state.console.generatedAt;
          state.console.generatedAt = '';
          var key = JSON.stringify(state);
          state.console.generatedAt = stamp;
          if (key !== drawn) {
            drawn = key;
            render(state);
          }
          setStatus(true, 'live · config v' + state.mesh.version + ' · ' + state.console.generatedAt.replace('T', ' ').slice(0, 19));
        })
        .catch(function (e) { setStatus(false, 'not reachable (' + e.message + '), retrying'); })
        .then(function () { setTimeout(refresh, 1000); });
  }

  document.getElementById('explain').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var params = new URLSearchParams();
    params.append('url', document.getElementById('explain-url').value);
    params.append('method', document.getElementById('explain-method').value);
    document.getElementById('explain-headers').value.split('\n').forEach(function (line) {
      if (line.trim()) params.append('header', line.trim());
    });
    var out = document.getElementById('explain-output');
    out.textContent = '…';
    fetch(api('explain') + '?' + params.toString(), { cache: 'no-store', headers: { Accept: 'application/json' } })
        .then(function (r) { return r.json(); })
        .then(function (body) {
          out.className = body.error ? 'error' : '';
          out.textContent = body.error ? body.error : body.text;
        })
        .catch(function (e) { out.className = 'error'; out.textContent = String(e); });
  });

  refresh();
})();
