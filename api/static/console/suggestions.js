/* Agent console: which buyer message the panel answers, and the actions on its
   suggestions (approve, edit then send, reject), with compliance answers kept on screen. */
import { byTestId } from '/static/common.js';
import { state, api, shopPath, idleUi } from './state.js';
import { renderPanel } from './panel.js';
import { renderComposer, loadDetail } from './chat.js';
import { scheduleListRefresh } from './list.js';

function stripPrefix(text) {
  return String(text || '').replace(/^reply (blocked|needs confirming):\s*/i, '');
}

function buyerItems() {
  return ((state.detail && state.detail.timeline) || []).filter(function (i) { return i.type === 'buyer'; });
}

export function findSuggestion(id) {
  var found = null;
  buyerItems().forEach(function (m) {
    (m.suggestions || []).forEach(function (s) { if (s.id === id) found = { message: m, suggestion: s }; });
  });
  return found;
}

export function pendingOf(message) {
  return (message.suggestions || []).filter(function (s) { return s.status === 'pending'; })
    .sort(function (a, b) { return a.rank - b.rank; });
}

/* The latest buyer message that still waits for an answer: it has pending
   suggestions, none of them was sent, and no reply was written for it. While
   the agent edits or rejects a suggestion, its message stays in the panel. */
export function targetMessage() {
  if (state.ui.sid) {
    var pinned = findSuggestion(state.ui.sid);
    if (pinned && pinned.suggestion.status === 'pending') return pinned.message;
  }
  var timeline = (state.detail && state.detail.timeline) || [];
  var answered = {};
  timeline.forEach(function (item) {
    if (item.type === 'reply' && item.message_id && item.kind !== 'auto_offhours') answered[item.message_id] = true;
  });
  var items = buyerItems();
  for (var i = items.length - 1; i >= 0; i--) {
    var message = items[i];
    var sent = (message.suggestions || []).some(function (s) {
      return s.status === 'approved' || s.status === 'edited';
    });
    if (!sent && !answered[message.id] && pendingOf(message).length) return message;
  }
  return null;
}

export function pendingSuggestions() {
  var message = targetMessage();
  return message ? pendingOf(message) : [];
}

export function setMode(mode, suggestion) {
  state.ui = { mode: mode, sid: suggestion ? suggestion.id : null,
    text: suggestion ? suggestion.text : '', intent: '', reason: '' };
  if (state.notice && state.notice.scope !== 'free') state.notice = null;
  renderPanel();
  var focusId = mode === 'edit' ? 'edit-text' : mode === 'reject' ? 'reject-intent' : null;
  if (focusId) {
    var node = byTestId(focusId);
    if (node) {
      node.focus();
      if (node.setSelectionRange) node.setSelectionRange(node.value.length, node.value.length);
    }
  }
}

/* POST a reply; on a compliance answer keep it on screen (and offer to confirm warnings). */
export function sendReply(scope, path, body, onSent) {
  if (state.busy) return Promise.resolve(false);
  state.busy = true;
  state.notice = null;
  renderPanel();
  renderComposer();
  var conversation = state.currentId;
  return api('POST', path, body).then(function () {
    state.busy = false;
    state.notice = null;
    if (onSent) onSent();
    renderPanel();
    renderComposer();
    if (conversation === state.currentId) loadDetail();
    scheduleListRefresh();
    return true;
  }).catch(function (error) {
    state.busy = false;
    var data = error.body || {};
    var matches = [];
    if (data.compliance && data.compliance.findings) {
      data.compliance.findings.forEach(function (f) { if (f.match && matches.indexOf(f.match) < 0) matches.push(f.match); });
    }
    if (error.status === 422 && data.compliance) {
      state.notice = { scope: scope, kind: 'block', text: stripPrefix(error.message), matches: matches };
    } else if (error.status === 409 && data.needs_confirm) {
      state.notice = { scope: scope, kind: 'warn', text: stripPrefix(error.message), matches: matches,
        retry: function () {
          var again = {};
          for (var key in body) if (Object.prototype.hasOwnProperty.call(body, key)) again[key] = body[key];
          again.confirm = true;
          return sendReply(scope, path, again, onSent);
        } };
    } else if (error.status !== 401) {
      state.notice = { scope: scope, kind: 'error', text: error.message, matches: [] };
      if (error.status === 409 && conversation === state.currentId) loadDetail();
    }
    renderPanel();
    renderComposer();
    return false;
  });
}

export function approveSuggestion(suggestion, editedText) {
  var body = editedText === undefined ? {} : { text: editedText };
  return sendReply('s:' + suggestion.id, shopPath('/suggestions/' + suggestion.id + '/approve'), body,
    function () { state.ui = idleUi(); });
}

export function rejectSuggestion(suggestion) {
  if (state.busy) return;
  state.busy = true;
  state.notice = null;
  renderPanel();
  var body = { correct_intent: state.ui.intent || null };
  if (state.ui.reason.trim()) body.reason = state.ui.reason.trim();
  var conversation = state.currentId;
  api('POST', shopPath('/suggestions/' + suggestion.id + '/reject'), body).then(function () {
    state.busy = false;
    state.ui = idleUi();
    renderPanel();
    if (conversation === state.currentId) loadDetail();
    scheduleListRefresh();
  }).catch(function (error) {
    state.busy = false;
    if (error.status !== 401) {
      state.notice = { scope: 's:' + suggestion.id, kind: 'error', text: error.message, matches: [] };
    }
    renderPanel();
  });
}
