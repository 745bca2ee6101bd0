/* Supervisor review page: the relabel form: the right intent, and entity spans
   (remove one, or add one from a start token to an end token). */
import { el, labelledOptions, INTENTS } from '/static/common.js';
import { state, intentOptions, ENTITIES, ENTITY_LABEL } from './state.js';
import { knownEntities, spanLabel } from './message.js';
import { decide, replaceItem } from './queue.js';

export function toggleRelabel(item) {
  var id = item.message.id;
  var ui = state.ui[id] || {};
  if (ui.mode === 'relabel') {
    delete state.ui[id];
  } else {
    var source = item.review && item.review.status !== 'dismissed' ? item.review.entities : item.message.entities;
    state.ui[id] = {
      mode: 'relabel',
      intent: (item.suggestion && item.suggestion.correct_intent) || (item.review && item.review.intent)
        || item.message.intent || INTENTS[0][0],
      entities: knownEntities(source).map(function (e) { return { entity: e.entity, start: e.start, end: e.end }; }),
      touched: false, addType: ENTITIES[0][0], addStart: 0, addEnd: 0, busy: false, error: ''
    };
  }
  replaceItem(id);
  var form = document.querySelector('[data-testid="review-item"][data-message-id="' + Number(id) + '"] [data-testid="relabel-intent"]');
  if (form) form.focus();
}

export function relabelForm(item, ui) {
  var m = item.message;
  var tokens = m.tokens || [];
  var intent = el('select', { testid: 'relabel-intent', 'aria-label': '正确意图',
    onchange: function (event) { ui.intent = event.target.value; } });
  intentOptions(intent, ui.intent, false);

  var list = el('ul', { class: 'span-list', testid: 'edit-entities' });
  if (!ui.entities.length) list.appendChild(el('li', { class: 'muted small', testid: 'edit-entities-empty', text: '（无实体）' }));
  ui.entities.forEach(function (e, index) {
    list.appendChild(el('li', { testid: 'edit-entity', 'data-entity': e.entity, 'data-start': e.start, 'data-end': e.end },
      el('span', { class: 'badge badge-orange', title: e.entity, text: ENTITY_LABEL[e.entity] || e.entity }),
      el('span', { testid: 'edit-entity-text', text: spanLabel(m, e) }),
      el('button', { type: 'button', class: 'btn btn-ghost btn-small btn-danger', testid: 'edit-entity-remove',
        'aria-label': '删除实体 ' + (ENTITY_LABEL[e.entity] || e.entity), onclick: function () {
          ui.entities.splice(index, 1);
          ui.touched = true;
          replaceItem(m.id);
        } }, '✕ 删除')));
  });

  var type = el('select', { testid: 'add-entity-type', 'aria-label': '实体类型',
    onchange: function (event) { ui.addType = event.target.value; } }, labelledOptions(ENTITIES));
  type.value = ui.addType;
  var tokenSelect = function (testid, key, label) {
    var select = el('select', { testid: testid, 'aria-label': label, disabled: !tokens.length,
      onchange: function (event) { ui[key] = Number(event.target.value); } });
    tokens.forEach(function (t, index) {
      select.appendChild(el('option', { value: String(index), text: index + ': ' + t.text }));
    });
    if (tokens.length) select.value = String(Math.min(ui[key] || 0, tokens.length - 1));
    return select;
  };
  var add = el('button', { type: 'button', class: 'btn btn-small', testid: 'add-entity', disabled: !tokens.length,
    onclick: function () {
      var a = Math.min(ui.addStart || 0, ui.addEnd || 0);
      var b = Math.max(ui.addStart || 0, ui.addEnd || 0);
      if (!tokens[a] || !tokens[b]) return;
      var span = { entity: ui.addType, start: tokens[a].start, end: tokens[b].end };
      ui.entities = ui.entities.filter(function (e) { return !(e.start < span.end && span.start < e.end); });
      ui.entities.push(span);
      ui.entities.sort(function (x, y) { return x.start - y.start; });
      ui.touched = true;
      replaceItem(m.id);
    } }, '＋ 添加实体');

  return el('form', { class: 'relabel-form', testid: 'relabel-form', onsubmit: function (event) {
    event.preventDefault();
    var body = { action: 'relabel', intent: ui.intent };
    if (ui.touched) body.entities = ui.entities.map(function (e) { return { entity: e.entity, start: e.start, end: e.end }; });
    decide(item, body, '已改标');
  } },
  el('div', { class: 'row' }, el('label', { text: '正确意图' }), intent),
  el('div', { class: 'section-label', text: '实体（偏移量对应原文位置）' }),
  list,
  el('div', { class: 'row' }, el('span', { class: 'small muted', text: '添加：' }), type,
    el('span', { class: 'small muted', text: '从词' }), tokenSelect('add-entity-start', 'addStart', '起始词'),
    el('span', { class: 'small muted', text: '到词' }), tokenSelect('add-entity-end', 'addEnd', '结束词'), add),
  el('div', { class: 'row' },
    el('button', { type: 'submit', class: 'btn btn-primary btn-small', testid: 'relabel-submit', disabled: !!ui.busy }, '保存改标'),
    el('button', { type: 'button', class: 'btn btn-small', testid: 'relabel-cancel',
      onclick: function () { delete state.ui[m.id]; replaceItem(m.id); } }, '取消')));
}
