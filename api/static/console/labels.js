/* Agent console: Chinese labels (message states, suggestion statuses, intents), short
   quotes of a buyer's text, and long texts folded behind 展开/收起. */
import { el, INTENT_LABEL } from '/static/common.js';
import { state } from './state.js';

export var MESSAGE_STATE = { open: '待回复', answered: '已回复', handled: '已处理', skipped: '已跳过' };
export var MESSAGE_STATE_CLASS = { open: 'badge-orange', answered: 'badge-green', handled: '', skipped: '' };
export var SUGGESTION_STATUS = {
  pending: '待处理', approved: '已发送', edited: '已改后发送', rejected: '已拒绝', superseded: '已被取代'
};

/* Longer than this, a text is folded (the first LONG_TEXT characters and 展开). */
export var LONG_TEXT = 200;

/* The intent in Chinese; the code only when there is no Chinese name for it. */
export function intentName(intent) {
  if (!intent) return '—';
  return INTENT_LABEL[intent] || intent;
}

/* A badge for an intent: Chinese text, the code in data-intent and the tooltip. */
export function intentBadge(intent, testid) {
  return el('span', { class: 'badge badge-blue', testid: testid, 'data-intent': intent || '',
    title: intent || '', text: intentName(intent) });
}

/* The first `limit` characters of a text on one line, with … when cut. */
export function shorten(text, limit) {
  var flat = String(text || '').replace(/\s+/g, ' ').trim();
  limit = limit || 24;
  return Array.from(flat).length > limit ? Array.from(flat).slice(0, limit).join('') + '…' : flat;
}

/* A text node holder: the whole text, or (when long) the start of it with a 展开/收起
   button. `key` names the fold in state.expanded, so it survives re-renders. */
export function foldedText(text, key, attrs, rerender) {
  text = String(text || '');
  var chars = Array.from(text);
  var body = el('div', attrs);
  if (chars.length <= LONG_TEXT) { body.textContent = text; return body; }
  var open = !!state.expanded[key];
  body.setAttribute('data-folded', open ? 'false' : 'true');
  body.textContent = open ? text : chars.slice(0, LONG_TEXT).join('') + '…';
  var toggle = el('button', { type: 'button', class: 'btn btn-ghost btn-small fold-toggle',
    testid: 'fold-toggle', 'aria-expanded': open ? 'true' : 'false',
    onclick: function (event) {
      event.stopPropagation();
      if (open) delete state.expanded[key]; else state.expanded[key] = true;
      rerender();
    } }, open ? '收起' : '展开（共 ' + chars.length + ' 字）');
  return el('div', { class: 'folded' }, body, toggle);
}
