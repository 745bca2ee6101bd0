/* Agent console: one card per pending suggestion of the panel's message, with its
   send / edit / reject buttons and the edit and reject forms. */
import { el, percent, INTENTS } from '/static/common.js';
import { state } from './state.js';
import { intentBadge } from './labels.js';
import { noticeBox } from './notice.js';
import { setMode, approveSuggestion, rejectSuggestion } from './suggestions.js';

function intentOptions() {
  return INTENTS.map(function (pair) { return el('option', { value: pair[0], title: pair[0], text: pair[1] }); });
}

function editForm(s) {
  return [
    el('textarea', { testid: 'edit-text', rows: 4, value: state.ui.text, 'aria-label': '编辑建议内容',
      oninput: function (event) { state.ui.text = event.target.value; },
      onkeydown: function (event) {
        if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          approveSuggestion(s, state.ui.text);
        }
      } }),
    el('div', { class: 'suggestion-actions' },
      el('button', { type: 'button', class: 'btn btn-primary btn-small', testid: 'send-edited',
        disabled: state.busy, onclick: function () { approveSuggestion(s, state.ui.text); } }, '发送'),
      el('button', { type: 'button', class: 'btn btn-small', testid: 'cancel',
        onclick: function () { setMode(null); } }, '取消'),
      el('span', { class: 'small muted', text: 'Ctrl+Enter 发送 · Esc 取消' }))
  ];
}

function rejectForm(s) {
  var select = el('select', { testid: 'reject-intent', 'aria-label': '正确的意图',
    onchange: function (event) { state.ui.intent = event.target.value; } },
  el('option', { value: '', text: '正确意图（可不选）' }), intentOptions());
  select.value = state.ui.intent;
  return el('div', { class: 'suggestion-actions' },
    select,
    el('input', { type: 'text', testid: 'reject-reason', placeholder: '原因（可选）', maxlength: 500,
      value: state.ui.reason, oninput: function (event) { state.ui.reason = event.target.value; } }),
    el('button', { type: 'button', class: 'btn btn-danger btn-small', testid: 'confirm-reject',
      disabled: state.busy, onclick: function () { rejectSuggestion(s); } }, '确认拒绝'),
    el('button', { type: 'button', class: 'btn btn-small', testid: 'cancel',
      onclick: function () { setMode(null); } }, '取消'));
}

function buttons(s) {
  return el('div', { class: 'suggestion-actions' },
    el('button', { type: 'button', class: 'btn btn-primary btn-small', testid: 'approve',
      disabled: state.busy, onclick: function () { approveSuggestion(s); } }, '发送'),
    el('button', { type: 'button', class: 'btn btn-small', testid: 'edit',
      disabled: state.busy, onclick: function () { setMode('edit', s); } }, '编辑'),
    el('button', { type: 'button', class: 'btn btn-danger btn-small', testid: 'reject',
      disabled: state.busy, onclick: function () { setMode('reject', s); } }, '拒绝'));
}

/* The card of suggestion `s` (index: its place in the list, for the 1/2/3 key). */
export function suggestionCard(s, index, message, rerender) {
  var editing = state.ui.mode === 'edit' && state.ui.sid === s.id;
  var rejecting = state.ui.mode === 'reject' && state.ui.sid === s.id;
  var card = el('li', { class: 'suggestion' + (editing ? ' editing' : '') + (rejecting ? ' rejecting' : ''),
    testid: 'suggestion', 'data-suggestion-id': s.id, 'data-rank': s.rank },
  el('div', { class: 'suggestion-head' },
    index < 3 ? el('kbd', { title: '快捷键', text: String(index + 1) }) : null,
    intentBadge(s.intent, 'suggestion-intent'),
    s.label ? el('span', { class: 'badge', testid: 'suggestion-label', title: '这条建议回答的问题', text: s.label }) : null,
    el('span', { class: 'badge', testid: 'suggestion-confidence', title: '意图识别置信度',
      text: '置信度 ' + percent(message.confidence) }),
    s.score !== null && s.score !== undefined
      ? el('span', { class: 'small muted', title: '话术匹配分', text: '匹配 ' + Number(s.score).toFixed(2) })
      : null));
  if (editing) editForm(s).forEach(function (node) { card.appendChild(node); });
  else card.appendChild(el('div', { class: 'suggestion-text', testid: 'suggestion-text', text: s.text }));
  if (rejecting) card.appendChild(rejectForm(s));
  if (!editing && !rejecting) card.appendChild(buttons(s));
  if (state.notice && state.notice.scope === 's:' + s.id) card.appendChild(noticeBox(state.notice, rerender));
  return card;
}
