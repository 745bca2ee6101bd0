/* Buyer chat window: the page's state and the chat API (/api/chat/{shop}/…).

   The chat token lives in memory only (never in a URL, never in storage): a reload
   opens a new session, which for an anonymous visitor is the same conversation
   (the visitor id is kept in localStorage under shopassist-visitor-<shop>). A 401 on
   any call opens a new session once (the token is good for 24 h) and repeats the call. */
import { enc } from '/static/common.js';

var parts = location.pathname.split('/');
var query = new URLSearchParams(location.search);

/* A 宝贝 id is digits (at most 20); anything else in the link is ignored. */
function itemOf(value) {
  var text = (value || '').trim();
  return /^[0-9]{1,20}$/.test(text) ? text : '';
}

export var chat = {
  shop: decodeURIComponent(parts[2] || ''),
  itemId: itemOf(query.get('item_id')),
  embed: query.get('embed') === '1' && window.parent !== window,
  identity: null,       // {buyer_id, buyer_ts, buyer_sig} from the embedding page, if any
  gate: Promise.resolve(), // settles once the identity is known: no session before that
  token: '',
  conversationId: '',
  shopName: ''
};

export function ChatError(status, body, retryAfter) {
  this.status = status;        // 0: no answer (network)
  this.body = body;
  this.retryAfter = retryAfter; // seconds, from Retry-After, or null
  this.detail = body && typeof body.detail === 'string' ? body.detail : '';
}

/* Worth trying again as is: no answer, or the server's own failure. */
export function isTransient(error) {
  return !error || !(error instanceof ChatError) || error.status === 0 || error.status >= 500;
}

function base() { return '/api/chat/' + enc(chat.shop); }

function call(method, path, body, withToken) {
  var headers = { Accept: 'application/json' };
  if (withToken) headers.Authorization = 'Bearer ' + chat.token;
  var options = { method: method, headers: headers, cache: 'no-store', credentials: 'omit' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  return fetch(base() + path, options).then(function (response) {
    return response.text().then(function (raw) {
      var data = null;
      try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
      if (!response.ok) throw new ChatError(response.status, data, retryAfterOf(response));
      return data;
    });
  }, function () {
    throw new ChatError(0, null, null);
  });
}

export function retryAfterOf(response) {
  var value = Number(response.headers.get('Retry-After'));
  return value > 0 ? value : null;
}

// ---- the session ---------------------------------------------------------------------------

var VISITOR_KEY = 'shopassist-visitor-' + chat.shop;
var opening = null;
var listeners = [];

function storedVisitor() {
  try { return localStorage.getItem(VISITOR_KEY) || ''; } catch (e) { return ''; }
}

function rememberVisitor(id) {
  try { if (id) localStorage.setItem(VISITOR_KEY, id); } catch (e) { /* storage blocked */ }
}

/* Called with each new session's answer (the page shows the shop's name). */
export function onSession(fn) { listeners.push(fn); }

function sessionBody() {
  if (chat.identity) return chat.identity;
  return storedVisitor() ? { visitor_id: storedVisitor() } : {};
}

function accept(data) {
  chat.token = data.token;
  chat.conversationId = data.conversation_id || '';
  chat.shopName = data.shop_name || '';
  if (!chat.identity && data.visitor_id) rememberVisitor(data.visitor_id);
  listeners.forEach(function (fn) { fn(data, null); });
  return data;
}

/* A new session (one at a time: concurrent callers share it). A signed identity the
   server refuses (401) is dropped, and the buyer continues as an anonymous visitor. */
export function openSession() {
  if (opening) return opening;
  opening = chat.gate.then(function () {
    return call('POST', '/session', sessionBody(), false);
  }).catch(function (error) {
    if (error.status !== 401 || !chat.identity) throw error;
    chat.identity = null;
    listeners.forEach(function (fn) { fn(null, 'identity'); });
    return call('POST', '/session', sessionBody(), false);
  }).then(accept).finally(function () { opening = null; });
  return opening;
}

export function ensureSession() {
  return chat.token ? Promise.resolve() : openSession();
}

/* A call with the chat token; on 401 a new session and one more try. */
export function authed(method, path, body) {
  return ensureSession().then(function () {
    var used = chat.token;
    return call(method, path, body, true).catch(function (error) {
      if (error.status !== 401) throw error;
      if (chat.token === used) chat.token = '';
      return ensureSession().then(function () { return call(method, path, body, true); });
    });
  });
}

/* A random id for a message (crypto.randomUUID needs a secure context). */
export function newMessageId() {
  if (window.crypto && typeof crypto.randomUUID === 'function') {
    try { return crypto.randomUUID(); } catch (e) { /* not a secure context */ }
  }
  var bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join('');
}
