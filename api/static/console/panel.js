/* Agent console: the suggestion panel (the target message, one card per pending
   suggestion with its edit / reject forms) and the compliance notices. */
import { $, clear, el, formatTime, intentLabel, labelledOptions, percent, INTENTS } from '/static/common.js';
import { state } from './state.js';
import { renderComposer } from './chat.js';
import { targetMessage, pendingOf, setMode, approveSuggestion, rejectSuggestion } from './suggestions.js';

export function noticeBox(notice) {
  if (notice.kind === 'block') {
    return el('div', { class: 'alert alert-error', role: 'alert', testid: 'compliance-error' },
      el('div', { class: 'alert-title', text: '合规拦截，未发送 (blocked)' }),
      el('div', { testid: 'compliance-reason', text: notice.text }),
      notice.matches.length ? el('div', { class: 'small', text: '命中：' + notice.matches.join('、') }) : null);
  }
  if (notice.kind === 'warn') {
    return el('div', { class: 'alert alert-warn', role: 'alert', testid: 'compliance-warning' },
      el('div', { class: 'alert-title', text: '⚠ 合规提醒，请确认 (needs confirming)' }),
      el('div', { testid: 'compliance-reason', text: notice.text }),
      notice.matches.length ? el('div', { class: 'small', text: '命中：' + notice.matches.join('、') }) : null,
      el('div', { class: 'alert-actions' },
        el('button', { type: 'button', class: 'btn btn-warn btn-small', testid: 'confirm-send',
          disabled: state.busy, onclick: function () { if (notice.retry) notice.retry(); } }, '仍然发送'),
        el('button', { type: 'button', class: 'btn btn-small', testid: 'dismiss-notice',
          onclick: function () { state.notice = null; renderPanel(); renderComposer(); } }, '取消')));
  }
  return el('div', { class: 'alert alert-error', role: 'alert', testid: 'action-error', text: notice.text });
}

export function renderPanel() {
  var box = $('suggestions');
  var message = state.detail ? targetMessage() : null;
  var pending = message ? pendingOf(message) : [];
  // Re-render only when something visible changed: keeps an edit box (and its focus) intact.
  var key = JSON.stringify([state.currentId, !!state.detail, message && message.id,
    message && message.degraded, pending.map(function (s) { return [s.id, s.text, s.intent]; }),
    state.ui.mode, state.ui.sid, state.busy, state.notice && [state.notice.scope, state.notice.kind,
      state.notice.text]]);
  if (key === state.panelKey) return;
  state.panelKey = key;
  var active = document.activeElement;
  var activeId = active && box.contains(active) ? active.getAttribute('data-testid') : null;
  var selection = activeId && active.setSelectionRange ? [active.selectionStart, active.selectionEnd] : null;
  clear(box);
  if (!state.currentId) {
    box.appendChild(el('div', { class: 'empty', testid: 'no-suggestions', text: '未打开会话' }));
    return;
  }
  if (!state.detail) {
    box.appendChild(el('div', { class: 'empty', text: '加载中…' }));
    return;
  }
  if (!message) {
    box.appendChild(el('div', { class: 'empty', testid: 'no-suggestions', text: '暂无待处理的建议' }));
    return;
  }
  box.appendChild(el('div', { class: 'suggestion-target', testid: 'suggestion-target',
    'data-message-id': message.id },
  el('div', { class: 'small muted' }, '回复买家消息 · ', formatTime(message.at)),
  el('div', { class: 'quote', testid: 'target-text', text: message.text }),
  el('div', { class: 'suggestion-head' },
    el('span', { class: 'badge badge-blue', testid: 'message-intent', text: intentLabel(message.intent) }),
    el('span', { class: 'badge', testid: 'message-confidence', text: '置信度 ' + percent(message.confidence) }),
    message.escalate ? el('span', { class: 'badge badge-red', text: '建议转人工/主管' }) : null),
  message.degraded ? el('div', { class: 'alert alert-warn', testid: 'degraded-warning', role: 'note' },
    el('div', { class: 'alert-title', text: '⚠ 降级建议 (degraded)' }),
    el('div', { text: (message.degraded_reason ? message.degraded_reason + '，' : '') +
      '建议可能不准确，发送前请仔细核对' })) : null));

  var list = el('ol', { class: 'suggestion-list', testid: 'suggestion-list' });
  pending.forEach(function (s, index) {
    list.appendChild(suggestionCard(s, index, message));
  });
  box.appendChild(list);
  if (activeId) {
    var again = box.querySelector('[data-testid="' + activeId + '"]');
    if (again) {
      again.focus();
      if (selection && again.setSelectionRange) again.setSelectionRange(selection[0], selection[1]);
    }
  }
}

function suggestionCard(s, index, message) {
  var editing = state.ui.mode === 'edit' && state.ui.sid === s.id;
  var rejecting = state.ui.mode === 'reject' && state.ui.sid === s.id;
  var card = el('li', { class: 'suggestion' + (editing ? ' editing' : '') + (rejecting ? ' rejecting' : ''),
    testid: 'suggestion', 'data-suggestion-id': s.id, 'data-rank': s.rank },
  el('div', { class: 'suggestion-head' },
    index < 3 ? el('kbd', { title: '快捷键', text: String(index + 1) }) : null,
    el('span', { class: 'badge badge-blue', testid: 'suggestion-intent', text: intentLabel(s.intent) }),
    el('span', { class: 'badge', testid: 'suggestion-confidence', title: '意图识别置信度',
      text: '置信度 ' + percent(message.confidence) }),
    s.score !== null && s.score !== undefined
      ? el('span', { class: 'small muted', title: '话术匹配分', text: '匹配 ' + Number(s.score).toFixed(2) })
      : null));
  if (editing) {
    card.appendChild(el('textarea', { testid: 'edit-text', rows: 4, value: state.ui.text,
      'aria-label': '编辑建议内容',
      oninput: function (event) { state.ui.text = event.target.value; },
      onkeydown: function (event) {
        if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          approveSuggestion(s, state.ui.text);
        }
      } }));
    card.appendChild(el('div', { class: 'suggestion-actions' },
      el('button', { type: 'button', class: 'btn btn-primary btn-small', testid: 'send-edited',
        disabled: state.busy, onclick: function () { approveSuggestion(s, state.ui.text); } }, '发送'),
      el('button', { type: 'button', class: 'btn btn-small', testid: 'cancel',
        onclick: function () { setMode(null); } }, '取消'),
      el('span', { class: 'small muted', text: 'Ctrl+Enter 发送 · Esc 取消' })));
  } else {
    card.appendChild(el('div', { class: 'suggestion-text', testid: 'suggestion-text', text: s.text }));
  }
  if (rejecting) {
    var select = el('select', { testid: 'reject-intent', 'aria-label': '正确的意图',
      onchange: function (event) { state.ui.intent = event.target.value; } },
    el('option', { value: '', text: '正确意图（可不选）' }), labelledOptions(INTENTS));
    select.value = state.ui.intent;
    card.appendChild(el('div', { class: 'suggestion-actions' },
      select,
      el('input', { type: 'text', testid: 'reject-reason', placeholder: '原因（可选）', maxlength: 500,
        value: state.ui.reason, oninput: function (event) { state.ui.reason = event.target.value; } }),
      el('button', { type: 'button', class: 'btn btn-danger btn-small', testid: 'confirm-reject',
        disabled: state.busy, onclick: function () { rejectSuggestion(s); } }, '确认拒绝'),
      el('button', { type: 'button', class: 'btn btn-small', testid: 'cancel',
        onclick: function () { setMode(null); } }, '取消')));
  }
  if (!editing && !rejecting) {
    card.appendChild(el('div', { class: 'suggestion-actions' },
      el('button', { type: 'button', class: 'btn btn-primary btn-small', testid: 'approve',
        disabled: state.busy, onclick: function () { approveSuggestion(s); } }, '发送'),
      el('button', { type: 'button', class: 'btn btn-small', testid: 'edit',
        disabled: state.busy, onclick: function () { setMode('edit', s); } }, '编辑'),
      el('button', { type: 'button', class: 'btn btn-danger btn-small', testid: 'reject',
        disabled: state.busy, onclick: function () { setMode('reject', s); } }, '拒绝')));
  }
  if (state.notice && state.notice.scope === 's:' + s.id) card.appendChild(noticeBox(state.notice));
  return card;
}
