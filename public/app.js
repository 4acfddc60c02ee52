/* Progressive enhancement only: every page works without this file. Plain ES5 for old browsers. */
(function () {
  'use strict';
  var body = document.body;
  var zh = body.getAttribute('data-lang') !== 'en';
  function t(a, b) { return zh ? a : b; }
  function each(sel, fn, root) { Array.prototype.forEach.call((root || document).querySelectorAll(sel), fn); }

  // Error summaries, confirmations and results take the focus, so a screen reader starts there.
  var auto = document.querySelector('[data-autofocus]');
  if (auto) auto.focus();

  // Links in an error summary put the focus in the field itself.
  each('.error-summary a[href^="#"]', function (a) {
    a.addEventListener('click', function (e) {
      var target = document.getElementById(a.getAttribute('href').slice(1));
      if (!target) return;
      e.preventDefault();
      var control = /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName) ? target : target.parentNode.querySelector('input, select, textarea');
      (control || target).focus();
      (target.closest ? target.closest('.field') || target : target).scrollIntoView();
    });
  });

  // Session timeout: a warning five minutes before the end, a way to stay, and a notice when it is over.
  var expires = body.getAttribute('data-session-expires');
  if (expires) {
    var skew = new Date(body.getAttribute('data-server-now')).getTime() - Date.now();
    var end = new Date(expires).getTime();
    var box = document.getElementById('session-warning');
    var text = document.getElementById('session-warning-text');
    var form = document.getElementById('session-extend');
    var tick = function () {
      var left = end - (Date.now() + skew);
      if (left <= 0) {
        box.hidden = false;
        text.textContent = t('登录已过期。已保存的草稿不会丢失，请重新登录后继续。', 'Your session has ended. Saved drafts are kept; log in again to go on.');
        form.hidden = true;
        var a = document.createElement('a');
        a.href = '/login?next=' + encodeURIComponent(location.pathname);
        a.textContent = t('重新登录', 'Log in again');
        box.appendChild(a);
        return;
      }
      if (left <= 5 * 60 * 1000) {
        box.hidden = false;
        text.textContent = t('您的登录将在' + Math.ceil(left / 60000) + '分钟内过期。请先保存草稿，或点“继续保持登录”。',
          'Your session ends in ' + Math.ceil(left / 60000) + ' minute(s). Save a draft, or choose “Stay logged in”.');
      }
      setTimeout(tick, Math.min(30000, Math.max(1000, left - 5 * 60 * 1000)));
    };
    tick();
    if (form && window.fetch) {
      form.addEventListener('submit', function (e) {
        e.preventDefault();
        fetch('/session/extend', { method: 'POST', credentials: 'same-origin', headers: { 'x-csrf-token': body.getAttribute('data-csrf'), accept: 'application/json' } })
          .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
          .then(function (j) { end = new Date(j.expiresAt).getTime(); box.hidden = true; })
          .catch(function () { form.submit(); });
      });
    }
  }

  // Fields asked for only when another field has a given value: hidden until then.
  each('[data-show-field]', function (el) {
    var name = el.getAttribute('data-show-field');
    var values = JSON.parse(el.getAttribute('data-show-values') || '[]');
    var form = el.closest ? el.closest('form') : null;
    if (!form) return;
    var hint = el.querySelector('.conditional-hint');
    if (hint) hint.hidden = true;
    var update = function () {
      var on = false;
      each('[name="' + name + '"]', function (c) {
        if ((c.type === 'radio' || c.type === 'checkbox') ? c.checked && values.indexOf(c.value) >= 0 : values.indexOf(c.value) >= 0) on = true;
      }, form);
      el.hidden = !on;
    };
    form.addEventListener('change', update);
    update();
  });

  // Amounts are typed in yuan (kept in fen): the amount as read, grouped, beside the box. The
  // service reads it again exactly (src/money/yuan.ts); this is only an echo.
  var money = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  each('input[data-yuan]', function (input) {
    var echo = document.querySelector('[data-yuan-echo="' + input.id + '"]');
    if (!echo) return;
    var show = function () {
      var v = input.value.replace(/[\s¥￥元]/g, '').replace(/[，,]/g, '');
      echo.textContent = /^\d{1,9}(\.\d{1,2})?$/.test(v) ? '= ' + money.format(Number(v)) + t(' 元', ' yuan') : '';
    };
    input.addEventListener('input', show);
    show();
  });

  // A citizen ID number: its check digit, birth date and sex, read out while it is typed.
  var W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var C = '10X98765432';
  var idEcho = document.getElementById('id-echo');
  each('input[data-id-number]', function (input) {
    if (!idEcho) return;
    input.addEventListener('input', function () {
      var v = input.value.replace(/\s/g, '').toUpperCase();
      if (v.length < 18) { idEcho.textContent = v.length ? t('已输入' + v.length + '位，共18位', v.length + ' of 18 characters') : ''; return; }
      if (!/^\d{17}[\dX]$/.test(v)) { idEcho.textContent = t('号码格式不对：前17位应为数字', 'Wrong form: the first 17 must be digits'); return; }
      var s = 0;
      for (var i = 0; i < 17; i++) s += Number(v[i]) * W[i];
      if (C[s % 11] !== v[17]) { idEcho.textContent = t('校验位不对，请核对号码', 'The check digit is wrong; check the number'); return; }
      var sex = Number(v[16]) % 2 ? t('男', 'male') : t('女', 'female');
      idEcho.textContent = t('出生日期 ' + v.slice(6, 10) + '-' + v.slice(10, 12) + '-' + v.slice(12, 14) + '，性别 ' + sex + '（请与身份证核对）',
        'Born ' + v.slice(6, 10) + '-' + v.slice(10, 12) + '-' + v.slice(12, 14) + ', ' + sex + ' (check against the card)');
    });
  });

  // Files over the limit are caught before a long upload.
  each('input[type="file"][data-max-bytes]', function (input) {
    var max = Number(input.getAttribute('data-max-bytes'));
    var msg = document.createElement('p');
    msg.className = 'error-message';
    msg.setAttribute('aria-live', 'polite');
    input.parentNode.appendChild(msg);
    input.addEventListener('change', function () {
      var bad = [];
      for (var i = 0; i < input.files.length; i++) {
        var f = input.files[i];
        if (f.size > max) bad.push(f.name + t('（超过10MB）', ' (over 10 MB)'));
        else if (!/^(application\/pdf|image\/jpeg|image\/png)$/.test(f.type)) bad.push(f.name + t('（只收PDF、JPG、PNG）', ' (PDF, JPG or PNG only)'));
      }
      msg.textContent = bad.length ? t('不能上传：', 'Cannot attach: ') + bad.join('；') : '';
      if (bad.length) input.value = '';
    });
  });

  // Photos straight from a phone are large: a small thumbnail is made here and sent along, so
  // lists show it instead of the whole photo. createImageBitmap reads the file without an <img>
  // (the CSP allows no blob: or data: images). Without it the page shows the photo itself.
  if (window.createImageBitmap) {
    each('input[type="file"]', function (input) {
      var holder = document.createElement('span');
      input.parentNode.appendChild(holder);
      input.addEventListener('change', function () {
        holder.innerHTML = '';
        Array.prototype.forEach.call(input.files, function (f) {
          var hidden = document.createElement('input');
          hidden.type = 'hidden';
          hidden.name = '_thumb.' + input.name;
          hidden.value = '';
          holder.appendChild(hidden);
          if (!/^image\/(jpeg|png)$/.test(f.type)) return;
          createImageBitmap(f).then(function (bmp) {
            var scale = Math.min(1, 160 / Math.max(bmp.width, bmp.height));
            var canvas = document.createElement('canvas');
            canvas.width = Math.max(1, Math.round(bmp.width * scale));
            canvas.height = Math.max(1, Math.round(bmp.height * scale));
            canvas.getContext('2d').drawImage(bmp, 0, 0, canvas.width, canvas.height);
            hidden.value = canvas.toDataURL('image/jpeg', 0.7);
          }).catch(function () { /* no thumbnail: the photo itself is shown */ });
        });
      });
    });
  }

  // One click sends once.
  each('form', function (form) {
    form.addEventListener('submit', function (e) {
      var b = form.querySelector('[data-once]');
      if (!b) return;
      if (form.getAttribute('data-sent')) { e.preventDefault(); return; }
      form.setAttribute('data-sent', '1');
      b.setAttribute('aria-disabled', 'true');
    });
  });

  each('[data-print]', function (b) {
    b.hidden = false;
    b.addEventListener('click', function () { window.print(); });
  });
})();
