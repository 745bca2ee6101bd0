/* Supervisor review page: what the buyer typed (as the API gives it: personal data
   masked, everything else as typed), the same text with its entities marked, its jieba
   tokens, and the intent ranking. Span texts come from the masked view only. */
import { append, el, intentLabel, percent } from '/static/common.js';
import { ENTITY_LABEL } from './state.js';

/* Does the masked text still line up with the offsets (masking kept the length)? */
function aligned(message) {
  var text = message.text || '';
  var pieces = (message.tokens || []).map(function (t) { return [t.start, t.end, t.text]; })
    .concat((message.entities || []).map(function (e) { return [e.start, e.end, e.value]; }));
  return pieces.every(function (p) {
    return typeof p[0] === 'number' && typeof p[1] === 'number' && text.slice(p[0], p[1]) === String(p[2]);
  });
}

/* The masked text of [start, end): from the message view only. */
function spanText(message, start, end) {
  var entities = message.entities || [];
  for (var i = 0; i < entities.length; i++) {
    if (entities[i].start === start && entities[i].end === end) return String(entities[i].value);
  }
  var inside = (message.tokens || []).filter(function (t) { return t.start >= start && t.end <= end; });
  if (inside.length && inside[0].start === start && inside[inside.length - 1].end === end) {
    return inside.map(function (t, k) {
      return (k && t.start > inside[k - 1].end ? ' ' : '') + t.text;
    }).join('');
  }
  if (aligned(message)) return (message.text || '').slice(start, end);
  return '';
}

export function knownEntities(list) {
  return (list || []).filter(function (e) {
    return ENTITY_LABEL[e.entity] && typeof e.start === 'number' && typeof e.end === 'number' && e.end > e.start;
  }).sort(function (a, b) { return a.start - b.start; });
}

function entityMark(type, value, start, end) {
  return el('mark', { class: 'entity', testid: 'entity-mark', 'data-entity': type,
    'data-start': start, 'data-end': end, title: type + ' [' + start + ', ' + end + ')' },
  el('span', { testid: 'entity-value', text: value }),
  el('span', { class: 'entity-label', testid: 'entity-label', text: ENTITY_LABEL[type] || type }));
}

/* 买家原话: the message text itself, whole and unchanged (the API masked phones, ids and
   addresses in it), never rebuilt from tokens. */
export function buyerSaid(message) {
  return el('div', { class: 'message-text buyer-said', testid: 'message-text', lang: 'zh-CN',
    text: message.text || '' });
}

/* The message with each entity as a labelled mark (no overlaps: the first wins); null
   when it has none (买家原话 above shows the text). */
export function highlighted(message) {
  var text = message.text || '';
  var entities = knownEntities(message.entities);
  if (!entities.length) return null;
  var node = el('div', { class: 'message-text entity-text', testid: 'entity-text', lang: 'zh-CN' });
  var tokens = message.tokens || [];
  if (aligned(message)) {
    var cursor = 0;
    entities.forEach(function (e) {
      if (e.start < cursor || e.end > text.length) return;
      append(node, text.slice(cursor, e.start));
      node.appendChild(entityMark(e.entity, text.slice(e.start, e.end), e.start, e.end));
      cursor = e.end;
    });
    append(node, text.slice(cursor));
    return node;
  }
  if (tokens.length) {  // masking changed the length: rebuild the text from the (masked) tokens
    var i = 0;
    var last = null;
    var gap = function (t) { return last !== null && t.start > last ? ' ' : ''; };
    entities.forEach(function (e) {
      while (i < tokens.length && tokens[i].end <= e.start) {
        append(node, gap(tokens[i]) + tokens[i].text);
        last = tokens[i].end;
        i++;
      }
      var parts = [];
      var lead = i < tokens.length ? gap(tokens[i]) : '';
      var prev = null;
      while (i < tokens.length && tokens[i].start < e.end) {
        parts.push((prev !== null && tokens[i].start > prev ? ' ' : '') + tokens[i].text);
        prev = last = tokens[i].end;
        i++;
      }
      if (parts.length) {
        append(node, lead);
        node.appendChild(entityMark(e.entity, parts.join(''), e.start, e.end));
      }
    });
    while (i < tokens.length) {
      append(node, gap(tokens[i]) + tokens[i].text);
      last = tokens[i].end;
      i++;
    }
    return node;
  }
  node.textContent = text;  // no offsets to trust: the text, and the entities listed below it
  node.appendChild(el('div', { class: 'entity-list' }, entities.map(function (e) {
    return entityMark(e.entity, String(e.value || ''), e.start, e.end);
  })));
  return node;
}

export function tokenChips(message) {
  var entities = knownEntities(message.entities);
  var tokens = message.tokens || [];
  var box = el('div', { class: 'tokens', testid: 'tokens' });
  if (!tokens.length) box.appendChild(el('span', { class: 'muted small', text: '（无分词）' }));
  tokens.forEach(function (t, index) {
    var inEntity = entities.some(function (e) { return t.start < e.end && e.start < t.end; });
    box.appendChild(el('span', { class: 'token' + (inEntity ? ' in-entity' : ''), testid: 'token',
      'data-index': index, 'data-start': t.start, 'data-end': t.end,
      title: '#' + index + ' [' + t.start + ', ' + t.end + ')', text: t.text }));
  });
  return box;
}

export function rankingBars(message) {
  var box = el('div', { class: 'ranking', testid: 'ranking' });
  var ranking = (message.ranking || []).slice().sort(function (a, b) {
    return (b.confidence || 0) - (a.confidence || 0);
  }).slice(0, 5);
  if (!ranking.length) box.appendChild(el('span', { class: 'muted small', text: '（无排序）' }));
  ranking.forEach(function (r, index) {
    var width = Math.max(0, Math.min(100, Math.round((Number(r.confidence) || 0) * 1000) / 10));
    box.appendChild(el('div', { class: 'rank-row' + (index === 0 ? ' top' : ''), testid: 'ranking-row',
      'data-intent': r.name },
    el('span', { class: 'name', testid: 'ranking-name', title: r.name, text: intentLabel(r.name) }),
    el('span', { class: 'bar', role: 'presentation' }, el('span', { style: 'width:' + width + '%' })),
    el('span', { class: 'pct', testid: 'ranking-confidence', text: percent(r.confidence) })));
  });
  return box;
}

export function spanLabel(message, e) {
  var value = spanText(message, e.start, e.end);
  return (value ? '“' + value + '”' : '') + ' [' + e.start + ', ' + e.end + ')';
}
