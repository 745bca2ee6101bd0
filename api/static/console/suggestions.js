/* Agent console: the actions on the panel's message: approve / edit then send / reject
   one of its suggestions, mark it handled (已处理) or skip it (跳过). */
import { byTestId, enc } from '/static/common.js';
import { state, api, shopPath, idleUi } from './state.js';
import { renderPanel } from './panel.js';
import { loadDetail } from './chat.js';
import { scheduleListRefresh } from './list.js';
import { post } from './send.js';
import { targetMessage, pendingSuggestions } from './target.js';

export { findSuggestion, pendingOf, targetMessage, pendingSuggestions } from './target.js';

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

/* Send a suggestion of the panel's message (as it is, or edited): it answers that message. */
export function approveSuggestion(suggestion, editedText) {
  var body = editedText === undefined ? {} : { text: editedText };
  return post('s:' + suggestion.id, shopPath('/suggestions/' + suggestion.id + '/approve'), body,
    function () { state.ui = idleUi(); });
}

/* The n-th (0-based) pending suggestion of the panel's message, for the 1/2/3 keys. */
export function approveNth(index) {
  var chosen = pendingSuggestions()[index];
  if (!chosen || state.busy) return false;
  approveSuggestion(chosen);
  return true;
}

/* 已处理 ('handled') or 跳过 ('skip') on the panel's message: settles that one message. */
export function settleTarget(action) {
  var message = targetMessage();
  if (!message || state.busy) return false;
  var path = shopPath('/conversations/' + enc(state.currentId) + '/messages/' + enc(message.id) + '/' + action);
  post('m:' + message.id, path, {}, function () { state.ui = idleUi(); });
  return true;
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
      state.notice = { scope: 's:' + suggestion.id, kind: 'error', text: '拒绝失败：' + error.message, matches: [] };
    }
    renderPanel();
  });
}
