/* Supervisor review page: the queue of buyer messages the assistant probably got
   wrong (filters, reason counts), confirm / relabel (intent and entity spans) /
   dismiss, the training-data export, and retrain → before/after → activate.

   Plain JavaScript, no build step. Every piece of data reaches the page through
   textContent (the el() helper), never through innerHTML. Entity values stored with
   a review are never shown: span texts come from the masked message view. */
(function () {
  'use strict';

  var INTENTS = [
    ['greet', '问候'], ['goodbye', '告别'], ['affirm', '肯定'], ['deny', '否定'],
    ['shipping_query', '物流/发货'], ['size_query', '尺码咨询'], ['bargain', '议价'],
    ['refund', '退款退货'], ['complaint', '投诉'], ['product_query', '商品咨询'],
    ['change_order', '修改订单'], ['invoice', '发票'], ['human_handoff', '转人工'],
    ['nlu_fallback', '未识别']
  ];
  var INTENT_LABEL = {};
  INTENTS.forEach(function (pair) { INTENT_LABEL[pair[0]] = pair[1]; });
  var ENTITIES = [
    ['order_id', '订单号'], ['location', '地点'], ['height', '身高'], ['weight', '体重'],
    ['size', '尺码'], ['courier', '快递'], ['amount', '金额'], ['phone', '手机号'],
    ['id_number', '身份证号']
  ];
  var ENTITY_LABEL = {};
  ENTITIES.forEach(function (pair) { ENTITY_LABEL[pair[0]] = pair[1]; });
  var REASONS = [
    ['low_confidence', '低置信度', 'badge-warn'], ['fallback', '未识别', 'badge-orange'],
    ['rejected', '建议被拒', 'badge-red'], ['corrected', '意图被纠正', 'badge-night'],
    ['edited', '大幅改写', 'badge-blue']
  ];
  var REASON_LABEL = {};
  var REASON_CLASS = {};
  REASONS.forEach(function (r) { REASON_LABEL[r[0]] = r[1]; REASON_CLASS[r[0]] = r[2]; });
  var ROLE_LABEL = { agent: '客服', supervisor: '主管', admin: '管理员' };
  var SUGGESTION_STATUS = { pending: '待处理', approved: '已采纳', rejected: '已拒绝', expired: '已过期' };
  var REPLY_KIND = {
    approved: '采纳建议', edited: '编辑后发送', free_text: '人工输入', auto_offhours: '自动回复'
  };
  var REVIEW_STATUS = { confirmed: '已确认', relabelled: '已改标', dismissed: '已忽略' };
  var MODEL_STATUS = {
    training: '训练中', evaluating: '评估中', ready: '待决定', active: '已启用',
    retired: '已退役', rejected: '已放弃', failed: '失败'
  };
  var MODEL_BADGE = {
    training: 'badge-blue', evaluating: 'badge-blue', ready: 'badge-warn', active: 'badge-green',
    retired: '', rejected: '', failed: 'badge-red'
  };
  var POLL_MS = 2000;

  var state = {
    token: sessionStorage.getItem('token') || '',
    me: null,
    shop: null,
    filters: { reason: '', intent: '', since: '', until: '', status: 'open' },
    items: [],
    counts: {},
    loaded: false,
    loadSeq: 0,
    ui: {},            // message id → {mode, intent, entities, touched, addType, addStart, addEnd, busy, error}
    forbidden: false,
    models: null,
    job: null,
    pollTimer: null,
    servingTimer: null,
    exportUrl: null,
    flashTimer: null
  };

  // ---- small helpers ------------------------------------------------------------

  function $(id) { return document.getElementById(id); }

  /* el('div', {class: 'x', testid: 'y', text: 'z', onclick: fn}, child, ...) */
  function el(tag, attrs) {
    var node = document.createElement(tag);
    var key;
    attrs = attrs || {};
    for (key in attrs) {
      if (!Object.prototype.hasOwnProperty.call(attrs, key)) continue;
      var value = attrs[key];
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = String(value);
      else if (key === 'testid') node.setAttribute('data-testid', value);
      else if (key.slice(0, 2) === 'on') node.addEventListener(key.slice(2), value);
      else if (key === 'value' || key === 'disabled' || key === 'checked' || key === 'selected') node[key] = value;
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }

  function append(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(node, c); }); return; }
    node.appendChild(typeof child === 'string' || typeof child === 'number'
      ? document.createTextNode(String(child)) : child);
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function enc(value) { return encodeURIComponent(value); }

  function intentLabel(intent) {
    if (!intent) return '—';
    return INTENT_LABEL[intent] ? INTENT_LABEL[intent] + ' ' + intent : intent;
  }

  function percent(value) {
    if (value === null || value === undefined || isNaN(value)) return '—';
    return Math.round(Number(value) * 100) + '%';
  }

  function fixed(value) {
    if (value === null || value === undefined || isNaN(value)) return '—';
    return Number(value).toFixed(3);
  }

  function signed(value) {
    if (value === null || value === undefined || isNaN(value)) return '—';
    var n = Number(value);
    return (n > 0 ? '+' : n < 0 ? '−' : '±') + Math.abs(n).toFixed(3);
  }

  function deltaClass(value) {
    var n = Number(value);
    if (isNaN(n) || Math.abs(n) < 0.0005) return 'delta-zero';
    return n > 0 ? 'delta-up' : 'delta-down';
  }

  function formatTime(iso) {
    if (!iso) return '';
    var date = new Date(iso);
    if (isNaN(date.getTime())) return '';
    var options = { timeZone: 'Asia/Shanghai', month: '2-digit', day: '2-digit', hour: '2-digit',
      minute: '2-digit', hour12: false };
    try { return date.toLocaleString('zh-CN', options); } catch (e) { return date.toISOString(); }
  }

  function detailText(body, status) {
    if (body && typeof body.detail === 'string') return body.detail;
    if (body && Array.isArray(body.detail)) {
      return body.detail.map(function (d) { return d && d.msg ? d.msg : String(d); }).join('；');
    }
    return '请求失败 (HTTP ' + status + ')';
  }

  function intentOptions(select, selected, withAll) {
    clear(select);
    if (withAll) select.appendChild(el('option', { value: '', text: '全部意图 all' }));
    INTENTS.forEach(function (pair) {
      select.appendChild(el('option', { value: pair[0], text: pair[1] + ' ' + pair[0] }));
    });
    select.value = selected || (withAll ? '' : INTENTS[0][0]);
  }

  function flash(message) {
    var box = $('flash');
    box.textContent = message;
    box.className = 'small badge badge-green';
    clearTimeout(state.flashTimer);
    state.flashTimer = setTimeout(function () { box.textContent = ''; box.className = 'small'; }, 5000);
  }

  function showError(id, message) {
    var box = $(id);
    box.textContent = message || '';
    box.hidden = !message;
  }

  // ---- API ------------------------------------------------------------------------

  function ApiError(status, body) {
    this.status = status;
    this.body = body;
    this.message = detailText(body, status);
  }

  function request(method, path, body, asText) {
    var headers = { Authorization: 'Bearer ' + state.token };
    var options = { method: method, headers: headers };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    return fetch('/api' + path, options).then(function (response) {
      return response.text().then(function (raw) {
        var data = null;
        if (asText && response.ok) return raw;
        try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
        if (response.status === 401) {
          signOut('令牌无效或已过期，请重新登录 (401)');
          throw new ApiError(401, data);
        }
        if (response.status === 403) {
          forbidden(detailText(data, 403));
          throw new ApiError(403, data);
        }
        if (!response.ok) throw new ApiError(response.status, data);
        return data;
      });
    }, function () {
      throw new ApiError(0, { detail: '网络错误，无法连接服务 (network error)' });
    });
  }

  function api(method, path, body) { return request(method, path, body, false); }

  function shopPath(rest) { return '/shops/' + enc(state.shop) + rest; }

  // ---- login, permission and shop ------------------------------------------------------

  function showLogin(message) {
    $('login').hidden = false;
    $('workspace').hidden = true;
    $('nav-tools').hidden = true;
    showError('login-error', message);
    $('token-input').focus();
  }

  function signOut(message) {
    sessionStorage.removeItem('token');
    state.token = '';
    state.me = null;
    stopPolling();
    showLogin(message);
  }

  function forbidden(detail) {
    state.forbidden = true;
    stopPolling();
    var who = state.me ? state.me.name + '（' + (ROLE_LABEL[state.me.role] || state.me.role) + '）' : '当前用户';
    $('permission-detail').textContent = '审核页仅限主管和管理员使用，' + who + '无权访问。'
      + (detail ? '（' + detail + '）' : '');
    $('permission-error').hidden = false;
    $('review-grid').hidden = true;
  }

  function start() {
    if (!state.token) { showLogin(''); return; }
    api('GET', '/me').then(function (me) {
      state.me = me;
      state.forbidden = false;
      $('login').hidden = true;
      $('workspace').hidden = false;
      $('nav-tools').hidden = false;
      $('permission-error').hidden = true;
      $('review-grid').hidden = false;
      $('me-name').textContent = me.name + '（' + (ROLE_LABEL[me.role] || me.role) + '）';
      var select = $('shop-select');
      clear(select);
      (me.visible_shops || []).forEach(function (shop) {
        select.appendChild(el('option', { value: shop, text: shop }));
      });
      if (!me.visible_shops || !me.visible_shops.length) {
        showError('queue-error', '没有可见的店铺 (no visible shops)');
      } else {
        var saved = sessionStorage.getItem('shop');
        selectShop(me.visible_shops.indexOf(saved) >= 0 ? saved : me.visible_shops[0]);
      }
      loadModels(true);
    }).catch(function (error) {
      if (error.status !== 401 && error.status !== 403) showLogin('无法登录：' + error.message);
    });
  }

  function selectShop(shop) {
    state.shop = shop;
    $('shop-select').value = shop;
    sessionStorage.setItem('shop', shop);
    state.items = [];
    state.counts = {};
    state.ui = {};
    state.loaded = false;
    resetExport();
    loadQueue();
  }

  // ---- the queue ------------------------------------------------------------------

  function queryString() {
    var f = state.filters;
    var parts = ['status=' + enc(f.status), 'limit=200'];
    if (f.reason) parts.push('reason=' + enc(f.reason));
    if (f.intent) parts.push('intent=' + enc(f.intent));
    if (f.since) parts.push('since=' + enc(f.since));
    if (f.until) parts.push('until=' + enc(f.until));
    return '?' + parts.join('&');
  }

  function loadQueue() {
    if (!state.shop || state.forbidden) return Promise.resolve();
    var seq = ++state.loadSeq;
    var shop = state.shop;
    $('queue-state').textContent = '加载中…';
    return api('GET', shopPath('/review' + queryString())).then(function (body) {
      if (seq !== state.loadSeq || shop !== state.shop) return;
      state.items = body.items || [];
      state.counts = body.counts || {};
      state.loaded = true;
      var keep = {};
      state.items.forEach(function (item) {
        var id = item.message.id;
        if (state.ui[id]) keep[id] = state.ui[id];
      });
      state.ui = keep;
      showError('queue-error', '');
      $('queue-state').textContent = '';
      renderChips();
      renderQueue();
    }).catch(function (error) {
      if (seq !== state.loadSeq) return;
      $('queue-state').textContent = '';
      if (error.status !== 401 && error.status !== 403) showError('queue-error', '无法加载审核队列：' + error.message);
    });
  }

  function renderChips() {
    var box = $('reason-chips');
    clear(box);
    box.appendChild(el('span', { class: 'muted small', text: '按原因：' }));
    REASONS.forEach(function (r) {
      var active = state.filters.reason === r[0];
      box.appendChild(el('button', {
        type: 'button', class: 'chip' + (active ? ' active' : ''), testid: 'reason-chip',
        'data-reason': r[0], 'aria-pressed': active ? 'true' : 'false',
        title: active ? '取消筛选' : '只看这个原因',
        onclick: function () {
          state.filters.reason = active ? '' : r[0];
          $('filter-reason').value = state.filters.reason;
          loadQueue();
        }
      }, el('span', { text: r[1] + ' ' + r[0] }),
      el('span', { class: 'count', testid: 'reason-count', text: String(state.counts[r[0]] || 0) })));
    });
  }

  function renderQueue() {
    var box = $('queue');
    clear(box);
    $('queue-count').textContent = String(state.items.length);
    if (!state.items.length) {
      box.appendChild(el('div', { class: 'card empty', testid: 'queue-empty',
        text: state.loaded ? '没有需要审核的消息 (nothing to review)' : '' }));
      return;
    }
    state.items.forEach(function (item) { box.appendChild(renderItem(item)); });
  }

  function replaceItem(id) {
    var old = document.querySelector('[data-testid="review-item"][data-message-id="' + Number(id) + '"]');
    var item = findItem(id);
    if (old && item) old.parentNode.replaceChild(renderItem(item), old);
  }

  function findItem(id) {
    for (var i = 0; i < state.items.length; i++) if (state.items[i].message.id === id) return state.items[i];
    return null;
  }

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

  function knownEntities(list) {
    return (list || []).filter(function (e) {
      return ENTITY_LABEL[e.entity] && typeof e.start === 'number' && typeof e.end === 'number' && e.end > e.start;
    }).sort(function (a, b) { return a.start - b.start; });
  }

  function entityMark(type, value, start, end) {
    return el('mark', { class: 'entity', testid: 'entity-mark', 'data-entity': type,
      'data-start': start, 'data-end': end, title: type + ' [' + start + ', ' + end + ')' },
    el('span', { testid: 'entity-value', text: value }),
    el('span', { class: 'entity-label', testid: 'entity-label', text: type }));
  }

  /* The message with each entity as a labelled mark (no overlaps: the first wins). */
  function highlighted(message) {
    var text = message.text || '';
    var entities = knownEntities(message.entities);
    var node = el('div', { class: 'message-text', testid: 'message-text', lang: 'zh-CN' });
    var tokens = message.tokens || [];
    if (!entities.length) { node.textContent = text; return node; }
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

  function tokenChips(message) {
    var entities = knownEntities(message.entities);
    var tokens = message.tokens || [];
    var box = el('div', { class: 'tokens', testid: 'tokens' });
    if (!tokens.length) box.appendChild(el('span', { class: 'muted small', text: '（无分词 no tokens）' }));
    tokens.forEach(function (t, index) {
      var inEntity = entities.some(function (e) { return t.start < e.end && e.start < t.end; });
      box.appendChild(el('span', { class: 'token' + (inEntity ? ' in-entity' : ''), testid: 'token',
        'data-index': index, 'data-start': t.start, 'data-end': t.end,
        title: '#' + index + ' [' + t.start + ', ' + t.end + ')', text: t.text }));
    });
    return box;
  }

  function rankingBars(message) {
    var box = el('div', { class: 'ranking', testid: 'ranking' });
    var ranking = (message.ranking || []).slice().sort(function (a, b) {
      return (b.confidence || 0) - (a.confidence || 0);
    }).slice(0, 5);
    if (!ranking.length) box.appendChild(el('span', { class: 'muted small', text: '（无排序 no ranking）' }));
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

  function suggestionBlock(item) {
    var s = item.suggestion;
    if (!s) return el('div', { class: 'muted small', testid: 'suggestion-none', text: '没有建议' });
    return el('div', { testid: 'suggestion' },
      el('div', { class: 'quote', testid: 'suggestion-text', text: s.text }),
      el('div', { class: 'quote-meta' },
        el('span', { class: 'badge', testid: 'suggestion-intent', text: intentLabel(s.intent) }),
        el('span', { class: 'badge ' + (s.status === 'rejected' ? 'badge-red'
          : s.status === 'approved' ? 'badge-green' : ''), testid: 'suggestion-status', 'data-status': s.status,
        text: (SUGGESTION_STATUS[s.status] || s.status) + ' ' + s.status }),
        s.correct_intent ? el('span', { testid: 'suggestion-correct', 'data-intent': s.correct_intent },
          '客服认为应为：', el('strong', { text: intentLabel(s.correct_intent) })) : null));
  }

  function sentBlock(item) {
    var sent = item.sent;
    if (!sent) return el('div', { class: 'muted small', testid: 'sent-none', text: '客服尚未回复' });
    var edited = sent.original_text && sent.original_text !== sent.text;
    return el('div', { testid: 'sent', 'data-kind': sent.kind },
      el('div', { class: 'quote', testid: 'sent-text', text: sent.text }),
      edited ? el('div', { class: 'section-label', text: '原建议 original' }) : null,
      edited ? el('div', { class: 'quote original', testid: 'sent-original', text: sent.original_text }) : null,
      el('div', { class: 'quote-meta' },
        el('span', { class: 'badge', testid: 'sent-kind', text: REPLY_KIND[sent.kind] || sent.kind }),
        sent.approved_by ? el('span', { text: sent.approved_by }) : null,
        typeof sent.edit_ratio === 'number'
          ? el('span', { testid: 'sent-edit-ratio', text: '改动 ' + percent(sent.edit_ratio) }) : null));
  }

  function spanLabel(message, e) {
    var value = spanText(message, e.start, e.end);
    return (value ? '“' + value + '”' : '') + ' [' + e.start + ', ' + e.end + ')';
  }

  function reviewBlock(item) {
    var r = item.review;
    if (!r) return null;
    var entities = knownEntities(r.entities);
    return el('div', { class: 'review-result', testid: 'review-result', 'data-status': r.status },
      el('strong', { testid: 'review-status', text: (REVIEW_STATUS[r.status] || r.status) }), ' ',
      r.intent ? el('span', { testid: 'review-intent', 'data-intent': r.intent, text: intentLabel(r.intent) }) : null,
      ' · ', el('span', { text: r.reviewer || '' }), ' ', el('span', { class: 'muted', text: formatTime(r.reviewed_at) }),
      entities.length ? el('div', { testid: 'review-entities' }, '实体：', entities.map(function (e) {
        return el('span', { class: 'badge badge-orange', testid: 'review-entity', 'data-entity': e.entity,
          text: e.entity + spanLabel(item.message, e) });
      })) : null);
  }

  function renderItem(item) {
    var m = item.message;
    var ui = state.ui[m.id] || {};
    var node = el('article', { class: 'review-item' + (item.review ? ' reviewed' : ''), testid: 'review-item',
      'data-message-id': m.id, 'data-conversation-id': m.conversation_id });
    node.appendChild(el('div', { class: 'item-head' },
      (item.reasons || []).map(function (r) {
        return el('span', { class: 'badge ' + (REASON_CLASS[r] || ''), testid: 'reason-badge', 'data-reason': r,
          title: r, text: REASON_LABEL[r] || r });
      }),
      el('span', { class: 'badge', testid: 'message-intent', 'data-intent': m.intent || '',
        text: '识别：' + intentLabel(m.intent) + ' · ' + percent(m.confidence) }),
      el('span', { class: 'meta' }, '会话 ', el('span', { class: 'mono', text: m.conversation_id || '' }),
        ' · ', el('span', { text: formatTime(m.received_at) }))));

    var left = el('div', {},
      el('div', { class: 'section-label', text: '买家消息（已脱敏）· 实体 entities' }),
      highlighted(m),
      el('div', { class: 'section-label', text: '分词 jieba tokens' }),
      tokenChips(m),
      el('div', { class: 'section-label', text: '意图排序 intent ranking (top 5)' }),
      rankingBars(m));
    var right = el('div', {},
      el('div', { class: 'section-label', text: '助手建议 suggestion' }),
      suggestionBlock(item),
      el('div', { class: 'section-label', text: '实际发送 sent' }),
      sentBlock(item));
    node.appendChild(el('div', { class: 'item-body' }, left, right));
    append(node, reviewBlock(item));

    node.appendChild(el('div', { class: 'item-actions' },
      el('button', { type: 'button', class: 'btn btn-primary btn-small', testid: 'action-confirm',
        disabled: !!ui.busy, title: '确认助手识别的意图：' + (m.intent || ''),
        onclick: function () { decide(item, { action: 'confirm' }, '已确认'); } }, '确认 ', el('span', { class: 'small', text: m.intent || '' })),
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

  // ---- relabel ----------------------------------------------------------------------

  function toggleRelabel(item) {
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

  function relabelForm(item, ui) {
    var m = item.message;
    var tokens = m.tokens || [];
    var intent = el('select', { testid: 'relabel-intent', 'aria-label': '正确意图 intent',
      onchange: function (event) { ui.intent = event.target.value; } });
    intentOptions(intent, ui.intent, false);

    var list = el('ul', { class: 'span-list', testid: 'edit-entities' });
    if (!ui.entities.length) list.appendChild(el('li', { class: 'muted small', testid: 'edit-entities-empty', text: '（无实体 no entities）' }));
    ui.entities.forEach(function (e, index) {
      list.appendChild(el('li', { testid: 'edit-entity', 'data-entity': e.entity, 'data-start': e.start, 'data-end': e.end },
        el('span', { class: 'badge badge-orange', text: e.entity }),
        el('span', { testid: 'edit-entity-text', text: spanLabel(m, e) }),
        el('button', { type: 'button', class: 'btn btn-ghost btn-small btn-danger', testid: 'edit-entity-remove',
          'aria-label': '删除实体 ' + e.entity, onclick: function () {
            ui.entities.splice(index, 1);
            ui.touched = true;
            replaceItem(m.id);
          } }, '✕ 删除')));
    });

    var type = el('select', { testid: 'add-entity-type', 'aria-label': '实体类型 entity type',
      onchange: function (event) { ui.addType = event.target.value; } });
    ENTITIES.forEach(function (pair) { type.appendChild(el('option', { value: pair[0], text: pair[1] + ' ' + pair[0] })); });
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
    el('div', { class: 'section-label', text: '实体 entities（偏移量对应原文 offsets in the original text）' }),
    list,
    el('div', { class: 'row' }, el('span', { class: 'small muted', text: '添加：' }), type,
      el('span', { class: 'small muted', text: '从词' }), tokenSelect('add-entity-start', 'addStart', '起始词 start token'),
      el('span', { class: 'small muted', text: '到词' }), tokenSelect('add-entity-end', 'addEnd', '结束词 end token'), add),
    el('div', { class: 'row' },
      el('button', { type: 'submit', class: 'btn btn-primary btn-small', testid: 'relabel-submit', disabled: !!ui.busy }, '保存改标'),
      el('button', { type: 'button', class: 'btn btn-small', testid: 'relabel-cancel',
        onclick: function () { delete state.ui[m.id]; replaceItem(m.id); } }, '取消')));
  }

  // ---- decisions -------------------------------------------------------------------

  function decide(item, body, done) {
    var id = item.message.id;
    var ui = state.ui[id] || (state.ui[id] = {});
    if (ui.busy) return;
    ui.busy = true;
    ui.error = '';
    replaceItem(id);
    var shop = state.shop;
    api('POST', shopPath('/review/' + enc(id)), body).then(function (review) {
      if (shop !== state.shop) return;
      delete state.ui[id];
      var text = item.message.text || '';
      flash(done + '：' + (text.length > 16 ? text.slice(0, 16) + '…' : text)
        + (review.intent ? ' → ' + review.intent : ''));
      if (state.filters.status === 'open') {
        state.items = state.items.filter(function (other) { return other.message.id !== id; });
        (item.reasons || []).forEach(function (r) { if (state.counts[r]) state.counts[r] -= 1; });
        renderChips();
        renderQueue();
      } else {
        item.review = review;
        replaceItem(id);
      }
      if (state.exportLoaded) loadExport();
    }).catch(function (error) {
      if (error.status === 401 || error.status === 403) return;
      var current = state.ui[id] || (state.ui[id] = {});
      current.busy = false;
      current.error = '提交失败：' + error.message;
      replaceItem(id);
    });
  }

  // ---- export -------------------------------------------------------------------------

  function resetExport() {
    state.exportLoaded = false;
    $('export').hidden = true;
    $('export').textContent = '';
    $('export-download').hidden = true;
    if (state.exportUrl) { URL.revokeObjectURL(state.exportUrl); state.exportUrl = null; }
    showError('export-error', '');
  }

  function loadExport() {
    if (!state.shop) return;
    var shop = state.shop;
    var button = $('export-button');
    button.disabled = true;
    request('GET', shopPath('/review/export'), undefined, true).then(function (text) {
      if (shop !== state.shop) return;
      state.exportLoaded = true;
      var pre = $('export');
      pre.textContent = text;
      pre.hidden = false;
      if (state.exportUrl) URL.revokeObjectURL(state.exportUrl);
      state.exportUrl = URL.createObjectURL(new Blob([text], { type: 'text/yaml;charset=utf-8' }));
      var link = $('export-download');
      link.href = state.exportUrl;
      link.setAttribute('download', 'reviewed-' + shop + '.yml');
      link.hidden = false;
      showError('export-error', '');
    }).catch(function (error) {
      if (error.status !== 401 && error.status !== 403) showError('export-error', '导出失败：' + error.message);
    }).then(function () { button.disabled = false; });
  }

  // ---- models: retrain, before/after, activate -------------------------------------------

  function stopPolling() {
    clearTimeout(state.pollTimer);
    clearTimeout(state.servingTimer);
    state.pollTimer = state.servingTimer = null;
  }

  function running(job) { return !!job && (job.status === 'training' || job.status === 'evaluating'); }

  function loadModels(pickJob) {
    return api('GET', '/models').then(function (body) {
      state.models = body;
      if (pickJob || !state.job) {
        var versions = body.versions || [];
        var current = null;
        for (var i = 0; i < versions.length; i++) {
          if (running(versions[i]) || versions[i].status === 'ready') { current = versions[i]; break; }
        }
        if (current) state.job = current;
      } else if (state.job) {
        (body.versions || []).forEach(function (v) { if (v.id === state.job.id) state.job = v; });
      }
      renderModels();
      if (running(state.job)) schedulePoll();
      return body;
    }).catch(function (error) {
      if (error.status !== 401 && error.status !== 403) showError('retrain-error', '无法读取模型：' + error.message);
    });
  }

  function schedulePoll() {
    clearTimeout(state.pollTimer);
    state.pollTimer = setTimeout(pollJob, POLL_MS);
  }

  function pollJob() {
    var job = state.job;
    if (!job || state.forbidden) return;
    api('GET', '/models/' + enc(job.id)).then(function (fresh) {
      if (!state.job || state.job.id !== fresh.id) return;
      state.job = fresh;
      renderModels();
      if (running(fresh)) schedulePoll();
      else loadModels(false);
    }).catch(function (error) {
      if (error.status === 401 || error.status === 403) return;
      showError('retrain-error', '读取训练进度失败，稍后重试：' + error.message);
      schedulePoll();
    });
  }

  function retrain() {
    showError('retrain-error', '');
    $('retrain-button').disabled = true;
    api('POST', '/models/retrain').then(function (job) {
      state.job = job;
      renderModels();
      schedulePoll();
      loadModels(false);
    }).catch(function (error) {
      if (error.status === 401 || error.status === 403) return;
      if (error.status === 409) {
        showError('retrain-error', '已有模型在训练中 (already running)：' + error.message);
        loadModels(true);
      } else {
        showError('retrain-error', '无法开始训练：' + error.message);
        renderModels();
      }
    });
  }

  function decideModel(activate) {
    var job = state.job;
    if (!job) return;
    showError('retrain-error', '');
    api('POST', '/models/' + enc(job.id) + (activate ? '/activate' : '/reject')).then(function (fresh) {
      state.job = fresh;
      renderModels();
      loadModels(false);
      if (activate) waitForServing(fresh.model, 15);
    }).catch(function (error) {
      if (error.status === 401 || error.status === 403) return;
      showError('retrain-error', (activate ? '启用' : '放弃') + '失败：' + error.message);
      loadModels(false);
    });
  }

  /* The service switches models within seconds of an activation: follow it. */
  function waitForServing(model, tries) {
    clearTimeout(state.servingTimer);
    if (!model || tries <= 0) return;
    state.servingTimer = setTimeout(function () {
      loadModels(false).then(function (body) {
        if (body && body.serving !== model) waitForServing(model, tries - 1);
      });
    }, POLL_MS);
  }

  function renderModels() {
    var models = state.models || {};
    var job = state.job;
    $('serving-model').textContent = models.serving || '—';
    $('retrain-button').disabled = running(job);

    var box = $('retrain-job');
    clear(box);
    if (job) {
      box.appendChild(el('div', { class: 'retrain-status', testid: 'retrain-status', 'data-status': job.status,
        'data-job-id': job.id },
      el('strong', { text: '版本 #' + job.id + ' ' }),
      el('span', { class: 'badge ' + (MODEL_BADGE[job.status] || ''), testid: 'retrain-state',
        text: (MODEL_STATUS[job.status] || job.status) + ' ' + job.status }), ' ',
      running(job) ? el('span', { class: 'spinner', 'aria-label': '进行中' }) : null, ' ',
      el('span', { testid: 'retrain-progress', text: job.progress || '' }),
      typeof job.examples_added === 'number'
        ? el('div', { class: 'small muted', testid: 'examples-added', text: '新增审核样本 ' + job.examples_added + ' 条' }) : null,
      job.model ? el('div', { class: 'small muted' }, '候选模型 ', el('span', { class: 'mono', testid: 'candidate-model', text: job.model })) : null));
      if (job.report) box.appendChild(reportView(job.report));
      if (job.status === 'ready') {
        box.appendChild(el('div', { class: 'item-actions' },
          el('button', { type: 'button', class: 'btn btn-primary', testid: 'activate-button',
            onclick: function () { decideModel(true); } }, '启用'),
          el('button', { type: 'button', class: 'btn btn-danger', testid: 'reject-button',
            onclick: function () { decideModel(false); } }, '放弃'),
          el('span', { class: 'small muted', text: '启用后服务在几秒内切换到新模型' })));
      }
    }

    var versions = (models.versions || []).slice(0, 6);
    var list = $('model-versions');
    clear(list);
    if (versions.length) {
      list.appendChild(el('div', { class: 'section-label', text: '最近版本 versions' }));
      list.appendChild(el('table', { class: 'table report-table' },
        el('thead', {}, el('tr', {}, ['#', '状态', 'macro-F1', '发起', '时间'].map(function (h) { return el('th', { text: h }); }))),
        el('tbody', {}, versions.map(function (v) {
          return el('tr', { testid: 'model-version', 'data-status': v.status, 'data-job-id': v.id },
            el('td', { text: String(v.id) }),
            el('td', {}, el('span', { class: 'badge ' + (MODEL_BADGE[v.status] || ''), text: MODEL_STATUS[v.status] || v.status })),
            el('td', { class: 'num', text: v.report && v.report.after ? fixed(v.report.after.macro_f1) : '—' }),
            el('td', { text: v.requested_by || '' }),
            el('td', { class: 'nowrap', text: formatTime(v.created_at) }));
        }))));
    }
  }

  function reportView(report) {
    var before = report.before || {};
    var after = report.after || {};
    var macroDelta = typeof report.macro_f1_delta === 'number' ? report.macro_f1_delta
      : (Number(after.macro_f1) - Number(before.macro_f1));
    var accDelta = Number(after.accuracy) - Number(before.accuracy);
    var row = function (testid, label, b, a, d) {
      return el('div', { testid: testid, style: 'display:contents' },
        el('span', { text: label }),
        el('span', { class: 'num', testid: 'before', text: fixed(b) }),
        el('span', { class: 'num', testid: 'after', text: fixed(a) }),
        el('span', { class: deltaClass(d), testid: 'delta', text: signed(d) }));
    };
    var rows = (report.per_intent || []).slice().sort(function (a, b) { return a.intent < b.intent ? -1 : 1; });
    return el('div', { testid: 'report' },
      el('div', { class: 'report-summary' },
        el('span', { class: 'head', text: '指标' }), el('span', { class: 'head', text: '之前 before' }),
        el('span', { class: 'head', text: '之后 after' }), el('span', { class: 'head', text: '变化 Δ' }),
        row('report-macro', 'macro-F1', before.macro_f1, after.macro_f1, macroDelta),
        row('report-accuracy', '准确率 accuracy', before.accuracy, after.accuracy, accDelta)),
      el('div', { class: 'small muted', text: '测试集 ' + (before.examples || '—') + ' 条 held-out examples' }),
      el('table', { class: 'table report-table', testid: 'report-table' },
        el('thead', {}, el('tr', {},
          el('th', { text: '意图 intent' }), el('th', { class: 'num', text: '样本' }),
          el('th', { class: 'num', text: 'F1 之前' }), el('th', { class: 'num', text: 'F1 之后' }),
          el('th', { class: 'num', text: 'Δ' }))),
        el('tbody', {}, rows.map(function (r) {
          var delta = typeof r.delta === 'number' ? r.delta : Number(r.after) - Number(r.before);
          return el('tr', { testid: 'report-row', 'data-intent': r.intent },
            el('td', { testid: 'report-intent', title: intentLabel(r.intent), text: r.intent }),
            el('td', { class: 'num', text: String(r.support === undefined ? '' : r.support) }),
            el('td', { class: 'num', testid: 'report-before', text: fixed(r.before) }),
            el('td', { class: 'num', testid: 'report-after', text: fixed(r.after) }),
            el('td', { class: 'num ' + deltaClass(delta), testid: 'report-delta', text: signed(delta) }));
        }))));
  }

  // ---- wiring -----------------------------------------------------------------------

  function initFilters() {
    var reason = $('filter-reason');
    reason.appendChild(el('option', { value: '', text: '全部原因 all' }));
    REASONS.forEach(function (r) { reason.appendChild(el('option', { value: r[0], text: r[1] + ' ' + r[0] })); });
    intentOptions($('filter-intent'), '', true);
    var read = function () {
      state.filters = {
        reason: $('filter-reason').value, intent: $('filter-intent').value,
        since: $('filter-since').value, until: $('filter-until').value, status: $('filter-status').value
      };
    };
    ['filter-reason', 'filter-intent', 'filter-since', 'filter-until', 'filter-status'].forEach(function (id) {
      $(id).addEventListener('change', function () { read(); loadQueue(); });
    });
    $('filters').addEventListener('submit', function (event) { event.preventDefault(); read(); loadQueue(); });
  }

  initFilters();
  $('login-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var token = $('token-input').value.trim();
    if (!token) return;
    sessionStorage.setItem('token', token);
    state.token = token;
    $('token-input').value = '';
    start();
  });
  $('logout').addEventListener('click', function () { signOut(''); });
  $('shop-select').addEventListener('change', function (event) { selectShop(event.target.value); });
  $('export-button').addEventListener('click', loadExport);
  $('retrain-button').addEventListener('click', retrain);

  start();
})();
