/* Buyer chat window: the message list. Each message is shown once (keyed by who sent it
   and its id), in order of its time; the buyer's own messages on the right, the shop's
   replies on the left. A message being sent is shown at once ("pending", keyed by its
   client_message_id) and keeps its place and node when the server confirms it.

   Order: by the server's time; at the same time a buyer's message before a reply (the
   reply answers it), then by id; pending messages last, in the order they were typed.
   Everything reaches the page through textContent (el()), never innerHTML. */
import { el, clear, formatTime } from '/static/common.js';

var entries = new Map();   // 'buyer:m-41' / 'shop:r-7' / 'pending:<client id>' → entry
var arrival = 0;

function log() { return document.getElementById('chat-log'); }

function timeOf(at) {
  var ms = at ? Date.parse(at) : NaN;
  return isNaN(ms) ? Infinity : ms;
}

/* The number in an id: 'm-41' and 'r-7' (the server's), or a plain number. */
function number(id) {
  var match = /(\d+)$/.exec(String(id));
  return match ? Number(match[1]) : 0;
}

function compare(a, b) {
  if (a.pending !== b.pending) return a.pending ? 1 : -1;
  if (!a.pending) {
    if (a.time !== b.time) return a.time < b.time ? -1 : 1;
    if (a.from !== b.from) return a.from === 'buyer' ? -1 : 1;
    if (number(a.id) !== number(b.id)) return number(a.id) < number(b.id) ? -1 : 1;
  }
  return a.seq - b.seq;
}

function build(entry) {
  entry.textNode = el('div', { class: 'msg-bubble', testid: 'chat-text', text: entry.text });
  entry.meta = el('div', { class: 'msg-meta' });
  entry.node = el('div', { class: 'msg', testid: 'chat-message', 'data-from': entry.from },
    entry.textNode, entry.meta);
  paint(entry);
}

/* The node's id, state and meta line (time, or 发送中… / 发送失败 重试). */
function paint(entry) {
  var node = entry.node;
  if (entry.id !== null) node.setAttribute('data-id', String(entry.id));
  else node.removeAttribute('data-id');
  node.setAttribute('data-state', entry.failed ? 'failed' : entry.pending ? 'pending' : 'sent');
  clear(entry.meta);
  if (entry.failed) {
    entry.meta.appendChild(el('span', { class: 'msg-failed', text: '发送失败' }));
    if (entry.retry) {
      entry.meta.appendChild(el('button', { type: 'button', class: 'btn btn-small', testid: 'chat-retry',
        onclick: entry.retry, text: '重试' }));
    }
  } else if (entry.pending) {
    entry.meta.appendChild(el('span', { text: entry.note || '发送中…' }));
  } else {
    var label = entry.at ? formatTime(entry.at, !recent(entry.at)) : '';
    entry.meta.appendChild(el('span', { text: (entry.from === 'shop' ? '客服 ' : '') + label }));
  }
}

/* Within 12 hours of now: the time alone; older ones get the date too. */
function recent(iso) {
  return Math.abs(Date.now() - Date.parse(iso)) < 12 * 3600 * 1000;
}

/* Put the nodes in order (moving only those out of place), and follow the newest
   message when the buyer was already at the bottom. */
function render(toBottom) {
  var box = log();
  var scroller = document.getElementById('chat-scroll');
  var atBottom = toBottom || scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 60;
  var sorted = Array.from(entries.values()).sort(compare);
  var cursor = box.firstChild;
  sorted.forEach(function (entry) {
    if (entry.node === cursor) cursor = cursor.nextSibling;
    else box.insertBefore(entry.node, cursor);
  });
  document.getElementById('chat-empty').hidden = sorted.length > 0;
  if (atBottom) scroller.scrollTop = scroller.scrollHeight;
}

function key(from, id) { return from + ':' + id; }

/* A message the server knows: {type|from: buyer|shop, id, text, at}. False when it
   was shown already. */
export function addMessage(from, id, text, at) {
  if (id === null || id === undefined || (from !== 'buyer' && from !== 'shop')) return false;
  if (entries.has(key(from, id))) return false;
  var entry = { from: from, id: id, text: String(text || ''), at: at || '', time: timeOf(at),
    pending: false, seq: arrival++ };
  build(entry);
  entries.set(key(from, id), entry);
  render();
  return true;
}

/* A message the buyer has just sent, shown before the server answers. */
export function addPending(clientId, text) {
  var entry = { from: 'buyer', id: null, text: text, at: '', time: Infinity, pending: true,
    seq: arrival++ };
  build(entry);
  entries.set(key('pending', clientId), entry);
  render(true);
}

/* Stored: it becomes the server's message (unless history showed it first). */
export function confirmPending(clientId, id, at) {
  var entry = entries.get(key('pending', clientId));
  if (!entry) return;
  entries.delete(key('pending', clientId));
  if (id === null || id === undefined || entries.has(key('buyer', id))) {
    entry.node.remove();
    render();
    return;
  }
  entry.id = id;
  entry.at = at || '';
  entry.time = timeOf(at);
  entry.pending = false;
  entry.failed = false;
  entries.set(key('buyer', id), entry);
  paint(entry);
  render();
}

/* Still being sent (a retry): a note under it. */
export function notePending(clientId, note) {
  var entry = entries.get(key('pending', clientId));
  if (!entry) return;
  entry.note = note;
  entry.failed = false;
  paint(entry);
}

/* Not sent: marked, with a 重试 button when retry is given. */
export function failPending(clientId, retry) {
  var entry = entries.get(key('pending', clientId));
  if (!entry) return;
  entry.failed = true;
  entry.retry = retry || null;
  paint(entry);
}

export function removePending(clientId) {
  var entry = entries.get(key('pending', clientId));
  if (!entry) return;
  entries.delete(key('pending', clientId));
  entry.node.remove();
  render();
}

/* The cursor for GET messages?after=: the newest reply seen ('r-57'), or 0. The server
   sends the buyer's own messages whole and only the replies after it. */
export function cursor() {
  var newest = null;
  entries.forEach(function (entry) {
    if (entry.from === 'shop' && (newest === null || number(entry.id) > number(newest))) newest = entry.id;
  });
  return newest === null ? '0' : String(newest);
}
