/* Agent console: the suggestion panel: which buyer message it answers ("回复：… · 14:02"),
   已处理 / 跳过 on that message, and one card per pending suggestion. */
import { $, clear, el, formatTime, percent } from '/static/common.js';
import { state } from './state.js';
import { renderChat, renderComposer } from './chat.js';
import { intentBadge, foldedText, shorten } from './labels.js';
import { noticeBox } from './notice.js';
import { suggestionCard } from './cards.js';
import { settleTarget } from './suggestions.js';
import { clearTarget, openMessages, pendingOf, targetIsPicked, targetMessage } from './target.js';

function rerender() { state.panelKey = null; renderPanel(); renderComposer(); }

/* "回复：<the buyer's text, shortened> · 14:02": which message a reply will answer. */
export function targetLabel(message) { return '回复：' + shorten(message.text) + ' · ' + formatTime(message.at); }

function settleButtons(message) {
  return el('div', { class: 'suggestion-actions settle-actions' },
    el('button', { type: 'button', class: 'btn btn-small', testid: 'mark-handled', disabled: state.busy,
      title: '已在别处处理，不需要回复（快捷键 h）', onclick: function () { settleTarget('handled'); } },
    el('kbd', { text: 'h' }), '已处理'),
    el('button', { type: 'button', class: 'btn btn-small', testid: 'skip', disabled: state.busy,
      title: '无需回复，跳过这条（快捷键 s）', onclick: function () { settleTarget('skip'); } },
    el('kbd', { text: 's' }), '跳过'),
    state.notice && state.notice.scope === 'm:' + message.id ? noticeBox(state.notice, rerender) : null);
}

function targetBox(message, open) {
  var index = open.indexOf(message) + 1;
  return el('div', { class: 'suggestion-target', testid: 'suggestion-target', 'data-message-id': message.id },
    el('div', { class: 'target-line' },
      el('span', { class: 'target-label', testid: 'target-label', text: targetLabel(message) }),
      el('span', { class: 'badge badge-orange', testid: 'target-position',
        text: '第 ' + index + ' / ' + open.length + ' 条待回复' })),
    targetIsPicked() ? el('button', { type: 'button', class: 'btn btn-ghost btn-small', testid: 'target-oldest',
      onclick: function () { clearTarget(); renderChat(); rerender(); } }, '← 回到最早的待回复消息')
      : null,
    foldedText(message.text, 'panel:' + message.id, { class: 'quote', testid: 'target-text' }, rerender),
    el('div', { class: 'suggestion-head' },
      intentBadge(message.intent, 'message-intent'),
      el('span', { class: 'badge', testid: 'message-confidence', text: '置信度 ' + percent(message.confidence) }),
      message.escalate ? el('span', { class: 'badge badge-red', text: '建议转人工/主管' }) : null),
    contextLine(message.context || {}),
    message.degraded ? el('div', { class: 'alert alert-warn', testid: 'degraded-warning', role: 'note' },
      el('div', { class: 'alert-title', text: '⚠ 降级建议' }),
      el('div', { text: (message.degraded_reason ? message.degraded_reason + '，' : '') +
        '建议可能不准确，发送前请仔细核对' })) : null,
    settleButtons(message));
}

/* What the turn was understood as: the sub-topic, the context carried from the previous
   turn ("接上文：运费 → 杭州"), the item in question, the buyer's mood. */
function contextLine(context) {
  var mood = context.mood || {};
  var item = context.item_id ? '宝贝 ' + context.item_id + (context.item_source === 'metadata' ? '（正在浏览）' : '')
    : (context.item_candidates && context.item_candidates.length ? '宝贝待确认：' + context.item_candidates.length + ' 款' : null);
  var parts = [
    context.label ? el('span', { class: 'badge badge-blue', testid: 'message-subtopic', text: '问题：' + context.label }) : null,
    context.carried ? el('span', { class: 'badge badge-orange', testid: 'message-carried', text: context.carried }) : null,
    item ? el('span', { class: 'badge', testid: 'message-item', text: item }) : null,
    mood.angry || mood.urgent ? el('span', { class: 'badge badge-red', testid: 'message-mood',
      text: (mood.angry ? '情绪激动' : '着急') + (mood.problem ? '：' + mood.problem : '') }) : null,
    context.unsure ? el('span', { class: 'badge', testid: 'message-unsure', text: '意图不确定：三条建议分别回答不同问题' }) : null,
  ].filter(Boolean);
  return parts.length ? el('div', { class: 'suggestion-head context-line', testid: 'message-context' }, parts) : null;
}

/* A notice about a suggestion whose card is gone (sent or decided elsewhere meanwhile). */
function strayNotice(pending) {
  var notice = state.notice;
  if (!notice || notice.scope.slice(0, 2) !== 's:') return null;
  var id = Number(notice.scope.slice(2));
  return pending.some(function (s) { return s.id === id; }) ? null : noticeBox(notice, rerender);
}

export function renderPanel() {
  var box = $('suggestions');
  var message = state.detail ? targetMessage() : null;
  var open = state.detail ? openMessages() : [];
  var pending = pendingOf(message);
  if (state.ui.sid && !pending.some(function (s) { return s.id === state.ui.sid; })) {
    state.ui = { mode: null, sid: null, text: '', intent: '', reason: '' };  // its message moved on
  }
  // Re-render only when something visible changed: keeps an edit box (and its focus) intact.
  var key = JSON.stringify([state.currentId, !!state.detail, message && [message.id, message.text,
    message.degraded, message.intent, message.context], open.map(function (m) { return m.id; }), targetIsPicked(),
  pending.map(function (s) { return [s.id, s.text, s.intent]; }), state.ui.mode, state.ui.sid,
  state.busy, state.notice && [state.notice.scope, state.notice.kind, state.notice.text]]);
  if (key === state.panelKey) return;
  state.panelKey = key;
  var active = document.activeElement;
  var activeId = active && box.contains(active) ? active.getAttribute('data-testid') : null;
  var selection = activeId && active.setSelectionRange ? [active.selectionStart, active.selectionEnd] : null;
  clear(box);
  if (!state.currentId || !state.detail) {
    box.appendChild(el('div', { class: 'empty', testid: 'no-suggestions',
      text: state.currentId ? '加载中…' : '未打开会话' }));
    return;
  }
  if (!message) {
    box.appendChild(el('div', { class: 'empty', testid: 'no-open-message' },
      el('div', { text: '没有待回复的消息' }),
      el('div', { class: 'small', text: '仍可在输入框里继续回复买家' })));
    return;
  }
  box.appendChild(targetBox(message, open));
  if (!pending.length) {
    box.appendChild(el('div', { class: 'empty', testid: 'no-suggestions',
      text: '这条消息没有可选的建议，请在输入框里回复，或点“已处理”/“跳过”' }));
  }
  var stray = strayNotice(pending);
  if (stray) box.appendChild(stray);
  var list = el('ol', { class: 'suggestion-list', testid: 'suggestion-list' });
  pending.forEach(function (s, index) { list.appendChild(suggestionCard(s, index, message, rerender)); });
  box.appendChild(list);
  if (activeId) {
    var again = box.querySelector('[data-testid="' + activeId + '"]');
    if (again) {
      again.focus();
      if (selection && again.setSelectionRange) again.setSelectionRange(selection[0], selection[1]);
    }
  }
}
