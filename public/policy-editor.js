/*
 * The policy editor: checks the definition as it is typed (POST …/lint) and lists the findings with
 * their JSON paths.
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
      var code = document.createElement('code');
      code.className = 'mono';
      code.textContent = f.path;
      li.appendChild(code);
      li.appendChild(document.createTextNode('：' + f.message));
      ul.appendChild(li);
    });
    out.appendChild(ul);
  }

  function check() {
    var mine = ++seq;
    var def;
    try {
      def = JSON.parse(area.value);
    } catch (e) {
      show(t('JSON 语法错误：', 'JSON syntax error: ') + e.message, [], false);
      return;
    }
    if (!def || typeof def !== 'object' || Array.isArray(def)) { show(t('定义须为一个JSON对象', 'The definition must be one JSON object'), [], false); return; }
    fetch(url, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'accept-language': zh ? 'zh-CN' : 'en' },
      body: JSON.stringify({ definition: def })
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
