// agentreach HTML report: renders the embedded JSON (#data) with
// textContent and DOM APIs only, never parsed as markup, so that names from
// scanned repositories stay text. No network: everything is in this page.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('data').textContent);
  var SEV = ['critical', 'high', 'medium', 'low'];
  function rank(s) { var i = SEV.indexOf(s); return i < 0 ? 0 : 4 - i; }
  var SVGNS = 'http://www.w3.org/2000/svg';
  var MAX_NODES = 400, MAX_ROWS = 2000;
  var COLOR = { critical: '#b71c1c', high: '#e65100', medium: '#f9a825', low: '#1565c0', '': '#9e9e9e' };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVGNS, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function short(s, n) { return s.length > n ? s.slice(0, n - 1) + '…' : s; }

  var byID = {};
  data.agents.concat(data.credentials, data.owners).forEach(function (n) { byID[n.id] = n; });
  var reaches = {}, reachedBy = {}, owners = {};
  data.reach.forEach(function (e) {
    (reaches[e[0]] = reaches[e[0]] || []).push(e[1]);
    (reachedBy[e[1]] = reachedBy[e[1]] || []).push(e[0]);
  });
  data.owned.forEach(function (e) { (owners[e[0]] = owners[e[0]] || []).push(e[1]); });
  var hasFinding = {};
  data.findings.forEach(function (f) { if (f.credential) { hasFinding[f.credential] = true; } });

  // Header, summary, coverage.
  document.getElementById('scope').textContent = data.title;
  var status = document.getElementById('status');
  if (data.interrupted) {
    status.className = 'warn';
    status.textContent = 'INTERRUPTED: the scan stopped before it read everything; missing data is not a clean result.';
  } else if (data.status === 'partial') {
    status.className = 'warn';
    status.textContent = 'PARTIAL: some sources could not be read fully (see Coverage); missing data is not a clean result.';
  } else {
    status.textContent = 'Scan complete.';
  }
  var summary = document.getElementById('summary');
  SEV.forEach(function (s) {
    var box = el('div', 'count ' + s);
    box.appendChild(el('b', '', String(data.counts[s] || 0)));
    box.appendChild(document.createTextNode(s));
    summary.appendChild(box);
  });
  var sup = el('div', 'count');
  sup.appendChild(el('b', '', String(data.suppressed)));
  sup.appendChild(document.createTextNode('accepted (suppressed)'));
  summary.appendChild(sup);
  var cov = document.getElementById('coverage');
  if (data.coverage.length === 0) { cov.appendChild(el('li', '', 'Every source was read fully.')); }
  data.coverage.forEach(function (c) { cov.appendChild(el('li', '', c)); });
  document.getElementById('tool').textContent = data.tool;

  // Filters.
  var fAgent = document.getElementById('f-agent'), fCred = document.getElementById('f-cred');
  var fSev = document.getElementById('f-sev'), fUnreached = document.getElementById('f-unreached');
  function option(sel, n) {
    var o = el('option', '', short(n.label, 60) + ' (' + n.kind + ')');
    o.value = n.id;
    sel.appendChild(o);
  }
  data.agents.forEach(function (n) { option(fAgent, n); });
  data.credentials.forEach(function (n) { option(fCred, n); });

  function visible() {
    var a = fAgent.value, c = fCred.value, s = rank(fSev.value);
    var creds = data.credentials.filter(function (n) {
      if (c && n.id !== c) { return false; }
      if (a && (reachedBy[n.id] || []).indexOf(a) < 0) { return false; }
      if (s && rank(n.severity) < s) { return false; }
      return c || a || fUnreached.checked || reachedBy[n.id] || hasFinding[n.id];
    });
    var credSet = {};
    creds.forEach(function (n) { credSet[n.id] = true; });
    var agents = data.agents.filter(function (n) {
      if (a) { return n.id === a; }
      var r = (reaches[n.id] || []).some(function (id) { return credSet[id]; });
      return r || (!c && (!s || rank(n.severity) >= s));
    });
    var agentSet = {};
    agents.forEach(function (n) { agentSet[n.id] = true; });
    var ownerSet = {};
    creds.forEach(function (n) { (owners[n.id] || []).forEach(function (o) { ownerSet[o] = true; }); });
    var own = data.owners.filter(function (n) { return ownerSet[n.id]; });
    var findings = data.findings.filter(function (f) {
      if (s && rank(f.severity) < s) { return false; }
      if (c && f.credential !== c) { return false; }
      if (a && f.agent !== a && !(f.credential && (reachedBy[f.credential] || []).indexOf(a) >= 0)) { return false; }
      return true;
    });
    // Worst first: a reviewer reads the top of the picture.
    var worst = function (x, y) { return rank(y.severity) - rank(x.severity); };
    agents.sort(worst);
    creds.sort(worst);
    return { agents: agents, creds: creds, owners: own, agentSet: agentSet, credSet: credSet, ownerSet: ownerSet, findings: findings };
  }

  function drawReach(v) {
    var box = document.getElementById('reach');
    box.textContent = '';
    document.getElementById('reach-count').textContent =
      v.agents.length + ' of ' + data.agents.length + ' agents · ' + v.creds.length + ' of ' + data.credentials.length +
      ' credentials · ' + v.owners.length + ' owners and scopes';
    if (v.agents.length + v.creds.length === 0) {
      box.appendChild(el('p', 'empty', 'Nothing to show for these filters.'));
      return;
    }
    // A picture past a few hundred rows a column is unreadable and slow:
    // draw the worst MAX_NODES of each and say what was left out.
    var cut = [];
    [['agents', 'agents'], ['creds', 'credentials'], ['owners', 'owners and scopes']].forEach(function (c) {
      var list = v[c[0]];
      if (list.length > MAX_NODES) {
        cut.push((list.length - MAX_NODES) + ' ' + c[1]);
        v[c[0]] = list.slice(0, MAX_NODES);
      }
    });
    if (cut.length > 0) {
      box.appendChild(el('p', 'empty', 'Not drawn: ' + cut.join(', ') + ' (the least severe first); filter by agent, credential or severity to see them.'));
    }
    var ROW = 22, TOP = 34, W = 1230, X = [10, 420, 830], BOXW = 320;
    var rows = Math.max(v.agents.length, v.creds.length, v.owners.length, 1);
    var s = svg('svg', { width: W, height: TOP + rows * ROW + 10, role: 'img', 'aria-label': 'reach picture' });
    [['Agents', 0], ['Credentials', 1], ['Owners and scopes', 2]].forEach(function (h) {
      s.appendChild(svg('text', { x: X[h[1]], y: 18, 'class': 'head' }, h[0]));
    });
    var pos = {};
    [v.agents, v.creds, v.owners].forEach(function (col, i) {
      col.forEach(function (n, j) { pos[n.id] = { x: X[i], y: TOP + j * ROW }; });
    });
    var edges = svg('g', {});
    s.appendChild(edges);
    function link(from, to, color) {
      var p = pos[from], q = pos[to];
      if (!p || !q) { return; }
      var x1 = p.x + BOXW, y1 = p.y + 8, x2 = q.x, y2 = q.y + 8, mx = (x1 + x2) / 2;
      edges.appendChild(svg('path', { d: 'M' + x1 + ',' + y1 + ' C' + mx + ',' + y1 + ' ' + mx + ',' + y2 + ' ' + x2 + ',' + y2, stroke: color }));
    }
    data.reach.forEach(function (e) {
      if (v.agentSet[e[0]] && v.credSet[e[1]]) { link(e[0], e[1], COLOR[byID[e[1]].severity || '']); }
    });
    data.owned.forEach(function (e) {
      if (v.credSet[e[0]] && v.ownerSet[e[1]]) { link(e[0], e[1], COLOR[byID[e[0]].severity || '']); }
    });
    function node(n, filter) {
      var p = pos[n.id];
      var g = svg('g', { 'data-id': n.id, 'class': 'node' });
      g.appendChild(svg('title', {}, n.label + ' (' + n.kind + ')' + (n.severity ? ' — ' + n.severity : '')));
      g.appendChild(svg('rect', { x: p.x, y: p.y, width: 8, height: 16, rx: 2, fill: COLOR[n.severity || ''] }));
      g.appendChild(svg('text', { x: p.x + 14, y: p.y + 12 }, short(n.label, 32) + '  ' + short(n.kind, 14)));
      if (filter) {
        g.addEventListener('click', function () { filter.value = n.id; update(); });
      }
      s.appendChild(g);
    }
    v.agents.forEach(function (n) { node(n, fAgent); });
    v.creds.forEach(function (n) { node(n, fCred); });
    v.owners.forEach(function (n) { node(n, null); });
    box.appendChild(s);
  }

  function drawFindings(v) {
    var body = document.querySelector('#findings tbody');
    body.textContent = '';
    document.getElementById('findings-count').textContent = v.findings.length + ' of ' + data.findings.length;
    var more = document.getElementById('findings-more');
    more.textContent = v.findings.length > MAX_ROWS ?
      (v.findings.length - MAX_ROWS) + ' more findings (lower severity) not listed; filter to see them, or read the JSON report.' : '';
    v.findings.slice(0, MAX_ROWS).forEach(function (f) {
      var tr = el('tr');
      var sev = el('td', 'sevcell');
      sev.appendChild(el('span', 'sev ' + f.severity, f.severity + ' ' + f.score.toFixed(1)));
      tr.appendChild(sev);
      var rule = data.rules[f.rule] || { title: '', remediation: '', link: '' };
      var rc = el('td', 'rule');
      var a = el('a', '', f.rule);
      a.href = rule.link;
      a.rel = 'noreferrer';
      rc.appendChild(a);
      tr.appendChild(rc);
      tr.appendChild(el('td', 'where', f.where));
      var msg = el('td');
      msg.appendChild(el('div', '', f.message));
      if (rule.remediation) {
        var d = el('details');
        d.appendChild(el('summary', '', 'Remediation: ' + rule.title));
        d.appendChild(el('pre', '', rule.remediation));
        msg.appendChild(d);
      }
      tr.appendChild(msg);
      body.appendChild(tr);
    });
  }

  function update() {
    var v = visible();
    drawReach(v);
    drawFindings(v);
  }
  [fAgent, fCred, fSev, fUnreached].forEach(function (e) { e.addEventListener('change', update); });
  document.getElementById('f-clear').addEventListener('click', function () {
    fAgent.value = ''; fCred.value = ''; fSev.value = ''; fUnreached.checked = false;
    update();
  });
  update();
}());
