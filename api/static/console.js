/* Agent console: conversations, chat, suggestions (approve / edit / reject), the
   buyer's orders, live updates over server-sent events, keyboard shortcuts.

   Plain JavaScript, no build step. Every piece of data reaches the page through
   textContent (the el() helper), never through innerHTML. */
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
  var ROLE_LABEL = { agent: '客服', supervisor: '主管', admin: '管理员' };
  var REPLY_KIND = {
    approved: '采纳建议', edited: '编辑后发送', free_text: '人工输入', auto_offhours: '自动回复'
  };

  var state = {
    token: sessionStorage.getItem('token') || '',
    me: null,
    shop: null,
    conversations: [],
    currentId: null,
    detail: null,
    orders: null,
    ordersError: null,
    ui: { mode: null, sid: null, text: '', intent: '', reason: '' },
    notice: null,   // {scope: 's:<id>' | 'free', kind: 'block'|'warn'|'error', text, matches, retry}
    busy: false,
    source: null,
    retryTimer: null,
    detailSeq: 0,
    listSeq: 0,
    listTimer: null,
    panelKey: null
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

  function formatTime(iso, withDate) {
    if (!iso) return '';
    var date = new Date(iso);
    if (isNaN(date.getTime())) return '';
    var options = { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false };
    if (withDate) { options.month = '2-digit'; options.day = '2-digit'; }
    try { return date.toLocaleString('zh-CN', options); } catch (e) { return date.toISOString(); }
  }

  function detailText(body, status) {
    if (body && typeof body.detail === 'string') return body.detail;
    if (body && Array.isArray(body.detail)) {
      return body.detail.map(function (d) { return d && d.msg ? d.msg : String(d); }).join('；');
    }
    return '请求失败 (HTTP ' + status + ')';
  }

  function stripPrefix(text) {
    return String(text || '').replace(/^reply (blocked|needs confirming):\s*/i, '');
  }

  var toastTimer = null;
  function toast(message) {
    var box = $('toast');
    box.textContent = message;
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { box.hidden = true; }, 6000);
  }

  // ---- API ------------------------------------------------------------------------

  function ApiError(status, body) {
    this.status = status;
    this.body = body;
    this.message = detailText(body, status);
  }

  function api(method, path, body) {
    var headers = { Authorization: 'Bearer ' + state.token };
    var options = { method: method, headers: headers };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    return fetch('/api' + path, options).then(function (response) {
      return response.text().then(function (raw) {
        var data = null;
        try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
        if (response.status === 401) {
          signOut('令牌无效或已过期，请重新登录');
          throw new ApiError(401, data);
        }
        if (!response.ok) throw new ApiError(response.status, data);
        return data;
      });
    });
  }

  function shopPath(rest) { return '/shops/' + enc(state.shop) + rest; }

  // ---- login and shop -----------------------------------------------------------

  function showLogin(message) {
    $('login').hidden = false;
    $('workspace').hidden = true;
    $('nav-tools').hidden = true;
    $('shortcut-hint').hidden = true;
    var error = $('login-error');
    error.textContent = message || '';
    error.hidden = !message;
    $('token-input').focus();
  }

  function signOut(message) {
    sessionStorage.removeItem('token');
    state.token = '';
    state.me = null;
    closeLive();
    showLogin(message);
  }

  function start() {
    if (!state.token) { showLogin(''); return; }
    api('GET', '/me').then(function (me) {
      state.me = me;
      $('login').hidden = true;
      $('workspace').hidden = false;
      $('nav-tools').hidden = false;
      $('shortcut-hint').hidden = false;
      $('me-name').textContent = me.name + '（' + (ROLE_LABEL[me.role] || me.role) + '）';
      var select = $('shop-select');
      clear(select);
      (me.visible_shops || []).forEach(function (shop) {
        select.appendChild(el('option', { value: shop, text: shop }));
      });
      if (!me.visible_shops || !me.visible_shops.length) {
        renderAll();
        $('conversation-list').appendChild(el('li', { class: 'empty', text: '没有可见的店铺' }));
        return;
      }
      var saved = sessionStorage.getItem('shop');
      selectShop(me.visible_shops.indexOf(saved) >= 0 ? saved : me.visible_shops[0]);
    }).catch(function (error) {
      if (error.status !== 401) showLogin('无法登录：' + error.message);
    });
  }

  function selectShop(shop) {
    state.shop = shop;
    $('shop-select').value = shop;
    sessionStorage.setItem('shop', shop);
    state.conversations = [];
    resetConversation(null);
    renderAll();
    loadConversations().then(function () {
      var saved = sessionStorage.getItem('conversation:' + shop);
      if (saved && !state.currentId && state.conversations.some(function (c) { return c.id === saved; })) {
        openConversation(saved);
      }
    });
    connectLive();
  }

  function resetConversation(id) {
    state.currentId = id;
    state.detail = null;
    state.orders = null;
    state.ordersError = null;
    state.ui = { mode: null, sid: null, text: '', intent: '', reason: '' };
    state.notice = null;
    state.detailSeq++;
  }

  // ---- loading --------------------------------------------------------------------

  function loadConversations() {
    if (!state.shop) return Promise.resolve();
    var seq = ++state.listSeq;
    var shop = state.shop;
    return api('GET', shopPath('/conversations?limit=100')).then(function (body) {
      if (seq !== state.listSeq || shop !== state.shop) return;
      state.conversations = body.conversations || [];
      renderList();
    }).catch(function (error) {
      if (error.status !== 401) toast('会话列表加载失败：' + error.message);
    });
  }

  function scheduleListRefresh() {
    clearTimeout(state.listTimer);
    state.listTimer = setTimeout(loadConversations, 80);
  }

  function loadDetail() {
    if (!state.currentId) return Promise.resolve();
    var seq = ++state.detailSeq;
    var id = state.currentId;
    return api('GET', shopPath('/conversations/' + enc(id))).then(function (body) {
      if (seq !== state.detailSeq || id !== state.currentId) return;
      state.detail = body;
      renderChat();
      renderPanel();
    }).catch(function (error) {
      if (error.status !== 401 && id === state.currentId) toast('会话加载失败：' + error.message);
    });
  }

  function loadOrders() {
    var id = state.currentId;
    return api('GET', shopPath('/conversations/' + enc(id) + '/orders')).then(function (body) {
      if (id !== state.currentId) return;
      state.orders = body;
      renderOrders();
    }).catch(function (error) {
      if (id !== state.currentId) return;
      state.ordersError = error.message;
      renderOrders();
    });
  }

  function markRead(id) {
    return api('POST', shopPath('/conversations/' + enc(id) + '/read')).then(function () {
      state.conversations.forEach(function (c) { if (c.id === id) c.unread = 0; });
      renderList();
    }).catch(function () { /* not fatal: the badge stays */ });
  }

  function openConversation(id) {
    if (!id) return;
    resetConversation(id);
    sessionStorage.setItem('conversation:' + state.shop, id);
    renderAll();
    markRead(id);
    loadDetail();
    loadOrders();
  }

  function moveConversation(step) {
    var list = state.conversations;
    if (!list.length) return;
    var index = -1;
    for (var i = 0; i < list.length; i++) if (list[i].id === state.currentId) index = i;
    var next = index < 0 ? (step > 0 ? 0 : list.length - 1) : index + step;
    if (next < 0 || next >= list.length) return;
    openConversation(list[next].id);
    var button = document.querySelector('[data-conversation-id="' + cssEscape(list[next].id) + '"]');
    if (button) { button.focus(); button.scrollIntoView({ block: 'nearest' }); }
  }

  function cssEscape(value) {
    return window.CSS && CSS.escape ? CSS.escape(value) : String(value).replace(/["\\]/g, '\\$&');
  }

  // ---- live updates -------------------------------------------------------------

  function setLive(stateName, label) {
    var badge = document.querySelector('[data-testid="live-status"]');
    badge.setAttribute('data-state', stateName);
    badge.textContent = label;
  }

  function closeLive() {
    clearTimeout(state.retryTimer);
    if (state.source) { state.source.close(); state.source = null; }
    setLive('off', '未连接');
  }

  function connectLive() {
    closeLive();
    var shop = state.shop;
    var source = new EventSource('/api/shops/' + enc(shop) + '/events?token=' + enc(state.token));
    var missed = false;
    state.source = source;
    setLive('connecting', '连接中…');
    source.onopen = function () {
      setLive('open', '实时更新');
      if (missed) {  // events may have been lost while disconnected
        missed = false;
        loadConversations();
        loadDetail();
      }
    };
    source.onerror = function () {
      missed = true;
      if (source.readyState === EventSource.CLOSED) {
        setLive('closed', '已断开，重连中…');
        state.retryTimer = setTimeout(function () {
          if (state.source === source && state.token) connectLive();
        }, 3000);
      } else {
        setLive('connecting', '重连中…');
      }
    };
    function handler(fn) {
      return function (event) {
        if (state.source !== source) return;
        var data;
        try { data = JSON.parse(event.data); } catch (e) { return; }
        if (data.shop_id && data.shop_id !== state.shop) return;
        fn(data);
      };
    }
    source.addEventListener('message', handler(onMessageEvent));
    source.addEventListener('reply', handler(onReplyEvent));
    source.addEventListener('suggestion', handler(onSuggestionEvent));
  }

  function onMessageEvent(data) {
    scheduleListRefresh();
    var message = data.message || {};
    if (message.conversation_id && message.conversation_id === state.currentId) {
      loadDetail();
      if (document.visibilityState !== 'hidden') markRead(state.currentId);
    }
  }

  function onReplyEvent(data) {
    scheduleListRefresh();
    if (data.conversation_id && data.conversation_id === state.currentId) loadDetail();
  }

  function onSuggestionEvent(data) {
    scheduleListRefresh();
    if (findSuggestion(data.id)) loadDetail();
  }

  // ---- suggestions: which message, and the actions ------------------------------

  function buyerItems() {
    return ((state.detail && state.detail.timeline) || []).filter(function (i) { return i.type === 'buyer'; });
  }

  function findSuggestion(id) {
    var found = null;
    buyerItems().forEach(function (m) {
      (m.suggestions || []).forEach(function (s) { if (s.id === id) found = { message: m, suggestion: s }; });
    });
    return found;
  }

  function pendingOf(message) {
    return (message.suggestions || []).filter(function (s) { return s.status === 'pending'; })
      .sort(function (a, b) { return a.rank - b.rank; });
  }

  /* The latest buyer message that still waits for an answer: it has pending
     suggestions, none of them was sent, and no reply was written for it. While
     the agent edits or rejects a suggestion, its message stays in the panel. */
  function targetMessage() {
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

  function pendingSuggestions() {
    var message = targetMessage();
    return message ? pendingOf(message) : [];
  }

  function setMode(mode, suggestion) {
    state.ui = { mode: mode, sid: suggestion ? suggestion.id : null,
      text: suggestion ? suggestion.text : '', intent: '', reason: '' };
    if (state.notice && state.notice.scope !== 'free') state.notice = null;
    renderPanel();
    var focusId = mode === 'edit' ? 'edit-text' : mode === 'reject' ? 'reject-intent' : null;
    if (focusId) {
      var node = document.querySelector('[data-testid="' + focusId + '"]');
      if (node) {
        node.focus();
        if (node.setSelectionRange) node.setSelectionRange(node.value.length, node.value.length);
      }
    }
  }

  /* POST a reply; on a compliance answer keep it on screen (and offer to confirm warnings). */
  function sendReply(scope, path, body, onSent) {
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

  function approveSuggestion(suggestion, editedText) {
    var body = editedText === undefined ? {} : { text: editedText };
    return sendReply('s:' + suggestion.id, shopPath('/suggestions/' + suggestion.id + '/approve'), body,
      function () { state.ui = { mode: null, sid: null, text: '', intent: '', reason: '' }; });
  }

  function rejectSuggestion(suggestion) {
    if (state.busy) return;
    state.busy = true;
    state.notice = null;
    renderPanel();
    var body = { correct_intent: state.ui.intent || null };
    if (state.ui.reason.trim()) body.reason = state.ui.reason.trim();
    var conversation = state.currentId;
    api('POST', shopPath('/suggestions/' + suggestion.id + '/reject'), body).then(function () {
      state.busy = false;
      state.ui = { mode: null, sid: null, text: '', intent: '', reason: '' };
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

  // ---- rendering ------------------------------------------------------------------

  function renderAll() {
    renderList();
    renderChat();
    renderPanel();
    renderOrders();
    renderComposer();
  }

  function renderList() {
    var list = $('conversation-list');
    var focused = document.activeElement && document.activeElement.getAttribute('data-conversation-id');
    clear(list);
    $('conversation-count').textContent = String(state.conversations.length);
    if (!state.conversations.length) {
      list.appendChild(el('li', { class: 'empty', text: state.shop ? '暂无会话' : '' }));
      return;
    }
    state.conversations.forEach(function (c) {
      var active = c.id === state.currentId;
      var button = el('button', {
        type: 'button', class: 'conv-item' + (active ? ' active' : ''), testid: 'conversation-item',
        'data-conversation-id': c.id, 'aria-current': active ? 'true' : null,
        onclick: function () { openConversation(c.id); }
      },
      el('div', { class: 'conv-row' },
        el('span', { class: 'conv-buyer', text: c.buyer_id || c.id, title: c.id }),
        c.unread > 0 ? el('span', { class: 'badge badge-red', testid: 'unread-badge', title: '未读',
          text: String(c.unread) }) : null,
        el('span', { class: 'conv-time', text: formatTime(c.last_message_at, true) })),
      el('div', { class: 'conv-row' },
        el('span', { class: 'conv-preview', testid: 'conversation-preview', text: c.last_message || '' })),
      el('div', { class: 'conv-row' },
        c.last_intent ? el('span', { class: 'badge badge-blue', testid: 'conversation-intent',
          text: intentLabel(c.last_intent) }) : null,
        c.pending_suggestions > 0 ? el('span', { class: 'badge badge-orange', testid: 'pending-badge',
          text: '待处理 ' + c.pending_suggestions }) : null,
        c.offhours_unseen ? el('span', { class: 'badge badge-night', testid: 'offhours-badge',
          title: '非营业时间已自动回复，尚无客服跟进', text: '夜间已自动回复' }) : null));
      list.appendChild(el('li', {}, button));
      if (focused && focused === c.id) button.focus();
    });
  }

  function renderChat() {
    var chat = $('chat');
    var scroller = $('chat-scroll');
    var nearBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 60;
    var changed = chat.getAttribute('data-conversation-id') !== (state.currentId || '');
    clear(chat);
    chat.setAttribute('data-conversation-id', state.currentId || '');
    var title = $('chat-title');
    clear(title);
    if (!state.currentId) {
      title.textContent = '请选择左侧会话';
      chat.appendChild(el('div', { class: 'empty', text: '从左侧选择一个会话开始回复' }));
      return;
    }
    var detail = state.detail;
    append(title, [
      el('span', { text: (detail && detail.buyer_id) || '买家' }),
      el('span', { class: 'muted small mono', testid: 'chat-conversation-id', text: state.currentId }),
      detail && detail.offhours_unseen ? el('span', { class: 'badge badge-night', testid: 'chat-offhours',
        text: '夜间已自动回复，请跟进' }) : null
    ]);
    if (!detail) {
      chat.appendChild(el('div', { class: 'empty', text: '加载中…' }));
      return;
    }
    var timeline = detail.timeline || [];
    if (!timeline.length) chat.appendChild(el('div', { class: 'empty', text: '暂无消息' }));
    timeline.forEach(function (item) {
      if (item.type === 'buyer') {
        chat.appendChild(el('div', { class: 'bubble-row from-buyer', testid: 'chat-buyer',
          'data-message-id': item.id },
        el('div', { class: 'bubble', testid: 'chat-text', text: item.text }),
        el('div', { class: 'bubble-meta' },
          el('span', { text: formatTime(item.at) }),
          item.intent ? el('span', { class: 'badge badge-blue', text: intentLabel(item.intent) }) : null,
          el('span', { text: '置信度 ' + percent(item.confidence) }),
          item.degraded ? el('span', { class: 'badge badge-warn', text: '⚠ 降级' }) : null,
          item.escalate ? el('span', { class: 'badge badge-red', text: '需转人工/主管' }) : null)));
      } else {
        var auto = item.kind === 'auto_offhours';
        chat.appendChild(el('div', { class: 'bubble-row from-shop' + (auto ? ' auto' : ''),
          testid: 'chat-reply', 'data-kind': item.kind, 'data-reply-id': item.id },
        el('div', { class: 'bubble', testid: 'chat-text', text: item.text }),
        el('div', { class: 'bubble-meta' },
          auto ? el('span', { class: 'badge badge-night', testid: 'auto-reply-badge', text: '自动回复' })
            : el('span', { class: 'badge', text: REPLY_KIND[item.kind] || item.kind }),
          item.approved_by ? el('span', { text: item.approved_by }) : null,
          el('span', { text: formatTime(item.at) }))));
      }
    });
    if (changed || nearBottom) scroller.scrollTop = scroller.scrollHeight;
  }

  function noticeBox(notice) {
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

  function renderPanel() {
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
      el('option', { value: '', text: '正确意图（可不选）' }));
      INTENTS.forEach(function (pair) {
        select.appendChild(el('option', { value: pair[0], text: pair[1] + ' ' + pair[0] }));
      });
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

  function renderOrders() {
    var box = $('orders');
    clear(box);
    if (!state.currentId) {
      box.appendChild(el('div', { class: 'empty', text: '未打开会话' }));
      return;
    }
    if (state.ordersError) {
      box.appendChild(el('div', { class: 'alert alert-error', text: '订单加载失败：' + state.ordersError }));
      return;
    }
    if (!state.orders) {
      box.appendChild(el('div', { class: 'empty', text: '加载中…' }));
      return;
    }
    var orders = state.orders.orders || [];
    if (!state.orders.buyer_id) {
      box.appendChild(el('div', { class: 'empty', testid: 'no-orders', text: '未关联买家账号' }));
      return;
    }
    if (!orders.length) {
      box.appendChild(el('div', { class: 'empty', testid: 'no-orders', text: '该买家在本店没有订单' }));
      return;
    }
    orders.forEach(function (o) {
      var items = el('ul', { class: 'order-items', testid: 'order-items' });
      (o.items || []).forEach(function (item) {
        var extra = [item.colour, item.size].filter(Boolean).join(' / ');
        items.appendChild(el('li', { testid: 'order-item' },
          el('span', { text: item.title }),
          el('span', { class: 'muted', text: ' ×' + item.quantity + (extra ? ' · ' + extra : '') +
            ' · ¥' + item.price })));
      });
      var shipping = o.courier || o.tracking_no
        ? [o.courier || '', o.tracking_no || ''].join(' ').trim() : '未发货';
      box.appendChild(el('div', { class: 'order', testid: 'order-card', 'data-order-id': o.id },
        el('div', { class: 'order-head' },
          el('span', { class: 'mono small', testid: 'order-id', text: o.id }),
          el('span', { class: 'badge ' + statusClass(o.status), testid: 'order-status',
            text: o.status_label || o.status })),
        items,
        el('dl', {},
          el('dt', { text: '实付' }), el('dd', { testid: 'order-total', text: '¥' + o.total +
            (o.postage && Number(o.postage) > 0 ? '（含运费 ¥' + o.postage + '）' : '') }),
          el('dt', { text: '物流' }), el('dd', { testid: 'order-tracking', text: shipping }),
          el('dt', { text: '收货人' }), el('dd', { testid: 'order-receiver', text: o.receiver || '—' }),
          el('dt', { text: '电话' }), el('dd', { testid: 'order-phone', text: o.phone || '—' }),
          el('dt', { text: '地址' }), el('dd', { testid: 'order-address',
            text: [o.province, o.address].filter(Boolean).join(' ') || '—' }),
          el('dt', { text: '下单' }), el('dd', { text: formatTime(o.created_at, true) || '—' }))));
    });
  }

  function statusClass(status) {
    if (status === 'shipped') return 'badge-blue';
    if (status === 'paid') return 'badge-orange';
    if (status === 'delivered' || status === 'completed' || status === 'received') return 'badge-green';
    if (status === 'refunding' || status === 'refunded' || status === 'closed') return 'badge-warn';
    return '';
  }

  function renderComposer() {
    var open = !!state.currentId;
    $('free-text').disabled = !open;
    $('free-send').disabled = !open || state.busy;
    var box = $('composer-notice');
    clear(box);
    if (state.notice && state.notice.scope === 'free') box.appendChild(noticeBox(state.notice));
  }

  function sendFreeText() {
    var input = $('free-text');
    var text = input.value;
    if (!state.currentId || !text.trim()) return;
    sendReply('free', shopPath('/conversations/' + enc(state.currentId) + '/replies'), { text: text },
      function () { if (input.value === text) input.value = ''; });
  }

  // ---- keyboard ---------------------------------------------------------------------

  function isTextBox(node) {
    if (!node || node === document.body) return false;
    if (node.isContentEditable) return true;
    var tag = node.tagName;
    if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
    if (tag !== 'INPUT') return false;
    return ['button', 'checkbox', 'radio', 'submit', 'reset'].indexOf((node.type || '').toLowerCase()) < 0;
  }

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if ($('workspace').hidden) return;
    if (event.key === 'Escape') {
      if (state.ui.mode) { event.preventDefault(); setMode(null); return; }
      if (state.notice) { state.notice = null; renderPanel(); renderComposer(); return; }
      if (isTextBox(event.target)) event.target.blur();
      return;
    }
    if (isTextBox(event.target)) return;
    var pending = pendingSuggestions();
    switch (event.key) {
      case '1': case '2': case '3': {
        var chosen = pending[Number(event.key) - 1];
        if (chosen && !state.busy) { event.preventDefault(); approveSuggestion(chosen); }
        break;
      }
      case 'e':
        if (pending[0]) { event.preventDefault(); setMode('edit', pending[0]); }
        break;
      case 'r':
        if (pending[0]) { event.preventDefault(); setMode('reject', pending[0]); }
        break;
      case 'j':
        event.preventDefault();
        moveConversation(1);
        break;
      case 'k':
        event.preventDefault();
        moveConversation(-1);
        break;
      case '/':
        if (state.currentId) { event.preventDefault(); $('free-text').focus(); }
        break;
      default:
        break;
    }
  }

  // ---- wiring -----------------------------------------------------------------------

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
  $('composer').addEventListener('submit', function (event) { event.preventDefault(); sendFreeText(); });
  $('free-text').addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      sendFreeText();
    }
  });
  document.addEventListener('keydown', onKey);
  window.addEventListener('beforeunload', function () { if (state.source) state.source.close(); });

  start();
})();
