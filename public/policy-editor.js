/*
 * The policy editor: checks the definition as it is typed (POST …/lint with the text) and lists the
 * findings in the page's language, each with the step, move or field it names, its line and JSON path;
 * the service reads the text, so a syntax error is told the same way, at its line and column.
 */
(function () {
  'use strict';
  var area = document.getElementById('definition');
  var out = document.getElementById('live-lint');
  var form = document.getElementById('draft-form');
  if (!area || !out || !form || !window.fetch) return;
  var zh = document.body.getAttribute('data-lang') !== 'en';
  function t(a, b) { return zh ? a : b; }
  var url = form.getAttribute('data-lint-url');
  var timer = null;
  var seq = 0;

  function show(title, items, ok) {
    out.textContent = '';
    var p = document.createElement('p');
    p.className = ok ? 'lint-ok' : 'lint-bad';
    p.textContent = title;
    out.appendChild(p);
    if (!items.length) return;
    var ul = document.createElement('ul');
    ul.className = 'findings';
    items.forEach(function (f) {
      var li = document.createElement('li');
      var where = document.createElement('strong');
      where.textContent = f.at ? f.at.label + (f.at.line && f.at.kind !== 'json' ? t('（第' + f.at.line + '行）', ' (line ' + f.at.line + ')') : '') + t('：', ': ') : '';
      li.appendChild(where);
      li.appendChild(document.createTextNode(f.message + ' '));
      var code = document.createElement('code');
      code.className = 'mono small';
      code.textContent = f.path;
      li.appendChild(code);
      ul.appendChild(li);
    });
    out.appendChild(ul);
  }

  function check() {
    var mine = ++seq;
    fetch(url, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'accept-language': zh ? 'zh-CN' : 'en' },
      body: JSON.stringify({ text: area.value })
    }).then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (j) {
        if (mine !== seq) return;
        if (j.findings.length) show(t('实时检查：发现' + j.findings.length + '个问题', 'Live check: ' + j.findings.length + ' finding(s)'), j.findings, false);
        else show(t('实时检查：未发现问题', 'Live check: no findings'), [], true);
      })
      .catch(function () { if (mine === seq) show(t('暂时无法检查，保存草稿时会再检查。', 'Cannot check now; saving the draft checks it again.'), [], false); });
  }

  area.addEventListener('input', function () {
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
})();
