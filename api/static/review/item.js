/* Supervisor review page: one queue item: reasons, the message (entities, tokens,
   intent ranking), the suggestion, what was sent, the review, the action buttons. */
import { append, el, formatTime, intentLabel, percent, REPLY_KIND } from '/static/common.js';
import { state, ENTITY_LABEL, REASON_CLASS, REASON_LABEL } from './state.js';
import { buyerSaid, highlighted, knownEntities, rankingBars, spanLabel, tokenChips } from './message.js';
import { decide } from './queue.js';
import { relabelForm, toggleRelabel } from './relabel.js';

var SUGGESTION_STATUS = {
  pending: '待处理', approved: '已发送', edited: '已改后发送', rejected: '已拒绝', superseded: '已被取代',
  expired: '已过期'
};
var REVIEW_STATUS = { confirmed: '已确认', relabelled: '已改标', dismissed: '已忽略' };

function suggestionBlock(item) {
  var s = item.suggestion;
  if (!s) return el('div', { class: 'muted small', testid: 'suggestion-none', text: '没有建议' });
  return el('div', { testid: 'suggestion' },
    el('div', { class: 'quote', testid: 'suggestion-text', text: s.text }),
    el('div', { class: 'quote-meta' },
      el('span', { class: 'badge', testid: 'suggestion-intent', title: s.intent || '', text: intentLabel(s.intent) }),
      el('span', { class: 'badge ' + (s.status === 'rejected' ? 'badge-red'
        : s.status === 'approved' || s.status === 'edited' ? 'badge-green' : ''), testid: 'suggestion-status',
      'data-status': s.status, title: s.status, text: SUGGESTION_STATUS[s.status] || s.status }),
      s.correct_intent ? el('span', { testid: 'suggestion-correct', 'data-intent': s.correct_intent },
        '客服认为应为：', el('strong', { title: s.correct_intent, text: intentLabel(s.correct_intent) })) : null));
}

function sentBlock(item) {
  var sent = item.sent;
  if (!sent) return el('div', { class: 'muted small', testid: 'sent-none', text: '客服尚未回复' });
  var edited = sent.original_text && sent.original_text !== sent.text;
  return el('div', { testid: 'sent', 'data-kind': sent.kind },
    el('div', { class: 'quote', testid: 'sent-text', text: sent.text }),
    edited ? el('div', { class: 'section-label', text: '原建议' }) : null,
    edited ? el('div', { class: 'quote original', testid: 'sent-original', text: sent.original_text }) : null,
    el('div', { class: 'quote-meta' },
      el('span', { class: 'badge', testid: 'sent-kind', text: REPLY_KIND[sent.kind] || sent.kind }),
      sent.approved_by ? el('span', { text: sent.approved_by }) : null,
      typeof sent.edit_ratio === 'number'
        ? el('span', { testid: 'sent-edit-ratio', text: '改动 ' + percent(sent.edit_ratio) }) : null));
}

function reviewBlock(item) {
  var r = item.review;
  if (!r) return null;
  var entities = knownEntities(r.entities);
  return el('div', { class: 'review-result', testid: 'review-result', 'data-status': r.status },
    el('strong', { testid: 'review-status', text: (REVIEW_STATUS[r.status] || r.status) }), ' ',
    r.intent ? el('span', { testid: 'review-intent', 'data-intent': r.intent, title: r.intent, text: intentLabel(r.intent) }) : null,
    ' · ', el('span', { text: r.reviewer || '' }), ' ', el('span', { class: 'muted', text: formatTime(r.reviewed_at, true) }),
    entities.length ? el('div', { testid: 'review-entities' }, '实体：', entities.map(function (e) {
      return el('span', { class: 'badge badge-orange', testid: 'review-entity', 'data-entity': e.entity,
        title: e.entity, text: (ENTITY_LABEL[e.entity] || e.entity) + spanLabel(item.message, e) });
    })) : null);
}

export function renderItem(item) {
  var m = item.message;
  var ui = state.ui[m.id] || {};
  var node = el('article', { class: 'review-item' + (item.review ? ' reviewed' : ''), testid: 'review-item',
    'data-message-id': m.id, 'data-conversation-id': m.conversation_id });
  node.appendChild(el('div', { class: 'item-head' },
    (item.reasons || []).map(function (r) {
      return el('span', { class: 'badge ' + (REASON_CLASS[r] || ''), testid: 'reason-badge', 'data-reason': r,
        title: r, text: REASON_LABEL[r] || r });
    }),
    el('span', { class: 'badge', testid: 'message-intent', 'data-intent': m.intent || '', title: m.intent || '',
      text: '识别：' + intentLabel(m.intent) + ' · ' + percent(m.confidence) }),
    el('span', { class: 'meta' }, '会话 ', el('span', { class: 'mono', text: m.conversation_id || '' }),
      ' · ', el('span', { text: formatTime(m.received_at, true) }))));

  var marked = highlighted(m);
  var left = el('div', {},
    el('div', { class: 'section-label', text: '买家原话（电话、证件号、地址已脱敏）' }),
    buyerSaid(m),
    marked ? el('div', { class: 'section-label', text: '实体标注' }) : null,
    marked,
    el('div', { class: 'section-label', text: '分词（jieba）' }),
    tokenChips(m),
    el('div', { class: 'section-label', text: '意图排序（前 5 名）' }),
    rankingBars(m));
  var right = el('div', {},
    el('div', { class: 'section-label', text: '助手建议' }),
    suggestionBlock(item),
    el('div', { class: 'section-label', text: '实际发送' }),
    sentBlock(item));
  node.appendChild(el('div', { class: 'item-body' }, left, right));
  append(node, reviewBlock(item));

  node.appendChild(el('div', { class: 'item-actions' },
    el('button', { type: 'button', class: 'btn btn-primary btn-small', testid: 'action-confirm',
      disabled: !!ui.busy, title: '确认助手识别的意图：' + (m.intent || ''),
      onclick: function () { decide(item, { action: 'confirm' }, '已确认'); } }, '确认 ', el('span', { class: 'small', text: m.intent ? intentLabel(m.intent) : '' })),
    el('button', { type: 'button', class: 'btn btn-small', testid: 'action-relabel', disabled: !!ui.busy,
      'aria-expanded': ui.mode === 'relabel' ? 'true' : 'false',
      onclick: function () { toggleRelabel(item); } }, '改标'),
    el('button', { type: 'button', class: 'btn btn-danger btn-small', testid: 'action-dismiss', disabled: !!ui.busy,
      onclick: function () { decide(item, { action: 'dismiss' }, '已忽略'); } }, '忽略'),
    ui.busy ? el('span', { class: 'spinner', 'aria-label': '提交中' }) : null));
  if (ui.mode === 'relabel') node.appendChild(relabelForm(item, ui));
  if (ui.error) node.appendChild(el('div', { class: 'alert alert-error', testid: 'item-error', role: 'alert', text: ui.error }));
  return node;
}
