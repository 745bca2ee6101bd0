/* Shared by the three pages (console, review, dashboard): the DOM helper, labels and
   formatting, the session token, the authorised fetch wrapper, the top nav and the
   token login box, the shop selector.

   A native ES module, no build step. Every piece of data reaches the page through
   textContent (the el() helper), never through innerHTML. */

// ---- DOM ----------------------------------------------------------------------------

export function $(id) { return document.getElementById(id); }

export function byTestId(testid) { return document.querySelector('[data-testid="' + testid + '"]'); }

/* el('div', {class: 'x', testid: 'y', text: 'z', onclick: fn}, child, ...) */
export function el(tag, attrs) {
  var node = document.createElement(tag);
  var key;
  attrs = attrs || {};
  for (key in attrs) {
    if (!Object.prototype.hasOwnProperty.call(attrs, key)) continue;
    var value = attrs[key];
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = String(value);
    else if (key === 'testid') node.setAttribute('data-testid', value);
    else if (key.slice(0, 2) === 'on') node.addEventListener(key.slice(2), value);
    else if (key === 'value' || key === 'disabled' || key === 'checked' || key === 'selected') node[key] = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
  return node;
}

export function append(node, child) {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) { child.forEach(function (c) { append(node, c); }); return; }
  node.appendChild(typeof child === 'string' || typeof child === 'number'
    ? document.createTextNode(String(child)) : child);
}

export function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

export function enc(value) { return encodeURIComponent(value); }

/* Show a message in the box `id`, or hide the box when there is none. */
export function showError(id, message) {
  var box = $(id);
  box.textContent = message || '';
  box.hidden = !message;
}

// ---- labels and formatting ------------------------------------------------------------

export var INTENTS = [
  ['greet', '问候'], ['goodbye', '告别'], ['affirm', '肯定'], ['deny', '否定'],
  ['shipping_query', '物流/发货'], ['size_query', '尺码咨询'], ['bargain', '议价'],
  ['refund', '退款退货'], ['complaint', '投诉'], ['product_query', '商品咨询'],
  ['change_order', '修改订单'], ['invoice', '发票'], ['human_handoff', '转人工'],
  ['nlu_fallback', '未识别']
];
export var INTENT_LABEL = {};
INTENTS.forEach(function (pair) { INTENT_LABEL[pair[0]] = pair[1]; });
export var ROLE_LABEL = { agent: '客服', supervisor: '主管', admin: '管理员' };
export var REPLY_KIND = {
  approved: '采纳建议', edited: '编辑后发送', free_text: '人工输入', auto_offhours: '自动回复'
};

/* The intent in Chinese (the code only when it has no Chinese name; pages put the code
   in the tooltip). */
export function intentLabel(intent) {
  if (!intent) return '—';
  return INTENT_LABEL[intent] || intent;
}

/* <option>s for [[value, label], ...], shown by label, the value in the tooltip. */
export function labelledOptions(pairs) {
  return pairs.map(function (pair) { return el('option', { value: pair[0], title: pair[0], text: pair[1] }); });
}

export function userLabel(me) { return me.name + '（' + (ROLE_LABEL[me.role] || me.role) + '）'; }

export function percent(value) {
  if (value === null || value === undefined || isNaN(value)) return '—';
  return Math.round(Number(value) * 100) + '%';
}

/* HH:MM in Shanghai time, with MM-DD in front when withDate. */
export function formatTime(iso, withDate) {
  if (!iso) return '';
  var date = new Date(iso);
  if (isNaN(date.getTime())) return '';
  var options = { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false };
  if (withDate) { options.month = '2-digit'; options.day = '2-digit'; }
  try { return date.toLocaleString('zh-CN', options); } catch (e) { return date.toISOString(); }
}

// ---- the session token ------------------------------------------------------------------

var token = sessionStorage.getItem('token') || '';

export function getToken() { return token; }

function setToken(value) {
  sessionStorage.setItem('token', value);
  token = value;
}

export function clearToken() {
  sessionStorage.removeItem('token');
  token = '';
}

// ---- API --------------------------------------------------------------------------------

export function detailText(body, status) {
  if (body && typeof body.detail === 'string') return body.detail;
  if (body && Array.isArray(body.detail)) {
    return body.detail.map(function (d) { return d && d.msg ? d.msg : String(d); }).join('；');
  }
  return '请求失败 (HTTP ' + status + ')';
}

/* The API's 403 reasons are English: their Chinese for the pages. */
export function permissionText(detail) {
  var text = String(detail || '');
  if (/^supervisors only/.test(text)) return '仅限主管和管理员';
  if (/^admins only/.test(text)) return '仅限管理员';
  if (/does not work for shop/.test(text)) return '不是该店铺的员工';
  return text;
}

export function ApiError(status, body) {
  this.status = status;
  this.body = body;
  this.message = detailText(body, status);
}

/* The authorised fetch wrapper of one page. Paths are relative to /api; the answer is
   the parsed JSON body (or the raw text with asText). A failure rejects with an
   ApiError, after calling the page's handlers:
     onUnauthorized(body)  on 401 (the page signs out)
     onForbidden(body)     on 403
     networkError          when set, a failed fetch becomes ApiError(0) with this text */
export function createApi(handlers) {
  handlers = handlers || {};

  function request(method, path, body, asText) {
    var headers = { Authorization: 'Bearer ' + token };
    var options = { method: method, headers: headers };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    return fetch('/api' + path, options).then(function (response) {
      return response.text().then(function (raw) {
        var data = null;
        if (asText && response.ok) return raw;
        try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
        if (response.ok && method === 'GET' && path === '/me' && data) showNavFor(data.role);
        if (!response.ok) {
          var handler = response.status === 401 ? handlers.onUnauthorized
            : response.status === 403 ? handlers.onForbidden : null;
          if (handler) handler(data);
          throw new ApiError(response.status, data);
        }
        return data;
      });
    }, handlers.networkError ? function () {
      throw new ApiError(0, { detail: handlers.networkError });
    } : undefined);
  }

  return {
    request: request,
    api: function (method, path, body) { return request(method, path, body, false); }
  };
}

// ---- page chrome: top nav, login box, shop selector -------------------------------------

/* [href, label, page, roles that may open it (null: everyone)] */
var PAGES = [['/', '控制台', 'console', null],
  ['/review', '审核', 'review', ['supervisor', 'admin']],
  ['/dashboard', '数据', 'dashboard', ['supervisor', 'admin']]];
var ICON = '/static/favicon.svg';

/* The browser asks for /favicon.ico unless the page names an icon: name ours. */
function linkIcon() {
  if (document.querySelector('link[rel~="icon"]')) return;
  document.head.appendChild(el('link', { rel: 'icon', type: 'image/svg+xml', href: ICON }));
}

/* Show the nav links the user's role may open (the others answer 403); none of the
   restricted ones before the role is known. Called with each GET /api/me answer. */
export function showNavFor(role) {
  var links = document.querySelectorAll('[data-testid="topnav"] a[data-roles]');
  Array.prototype.forEach.call(links, function (link) {
    link.hidden = !role || link.getAttribute('data-roles').split(' ').indexOf(role) < 0;
  });
}

/* Fill the page's empty <header class="topnav"> (brand, links, and the tools shown once
   signed in: options.before, the shop selector, options.after, the user, sign out) and
   its empty #login box (the token form; options.loginError adds the #login-error box). */
export function mountChrome(current, options) {
  linkIcon();
  append(document.querySelector('header.topnav'), [
    el('span', { class: 'brand', text: '店铺回复助手' }),
    el('nav', { testid: 'topnav' }, PAGES.map(function (page) {
      var active = page[2] === current;
      return el('a', { href: page[0], class: active ? 'active' : null, 'aria-current': active ? 'page' : null,
        'data-roles': page[3] ? page[3].join(' ') : null, hidden: !!page[3], text: page[1] });
    })),
    el('div', { class: 'nav-tools', id: 'nav-tools', hidden: true },
      options.before,
      el('label', { class: 'small' }, '店铺 ',
        el('select', { id: 'shop-select', testid: 'shop-select', 'aria-label': '店铺' })),
      options.after,
      el('span', { class: 'small', testid: 'me-name', id: 'me-name' }),
      el('button', { type: 'button', class: 'btn btn-small', testid: 'logout', id: 'logout' }, '退出'))
  ]);
  append($('login'), [
    el('h1', { text: '登录' }),
    el('form', { id: 'login-form' },
      el('label', { for: 'token-input', text: '访问令牌' }),
      el('input', { type: 'password', id: 'token-input', testid: 'token-input', autocomplete: 'off',
        required: true }),
      el('button', { type: 'submit', class: 'btn btn-primary', testid: 'login-button' }, '登录'),
      options.loginError ? el('div', { class: 'alert alert-error', testid: 'login-error', id: 'login-error',
        role: 'alert', hidden: true }) : null)
  ]);
}

/* The token form: store a non-empty token, then signedIn(). */
export function onLogin(signedIn) {
  $('login-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var value = $('token-input').value.trim();
    if (!value) return;
    setToken(value);
    $('token-input').value = '';
    signedIn();
  });
}

/* Show the login box (with message in #login-error, if the page has one); hide the ids. */
export function showLogin(message, hide) {
  showNavFor(null);
  $('login').hidden = false;
  hide.forEach(function (id) { $(id).hidden = true; });
  if ($('login-error')) showError('login-error', message);
  $('token-input').focus();
}

/* After GET /api/me: hide the login box, show the ids, name the user. */
export function showSignedIn(name, show) {
  $('login').hidden = true;
  show.forEach(function (id) { $(id).hidden = false; });
  $('me-name').textContent = name;
}

/* The shop selector: one option per visible shop. */
export function fillShops(shops) {
  var select = $('shop-select');
  clear(select);
  (shops || []).forEach(function (shop) {
    select.appendChild(el('option', { value: shop, text: shop }));
  });
}

/* The shop chosen last in this tab, if still visible, else the first one. */
export function savedShop(shops) {
  var saved = sessionStorage.getItem('shop');
  return shops.indexOf(saved) >= 0 ? saved : shops[0];
}

export function rememberShop(shop) {
  $('shop-select').value = shop;
  sessionStorage.setItem('shop', shop);
}
