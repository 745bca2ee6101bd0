/* The embeddable chat widget: one script tag on a shop's page.

     <script src="https://assist.example.com/static/widget.js" data-shop="wuhan"
             data-item-id="520163408217" async></script>
     (a logged-in buyer: also data-buyer-id, data-buyer-ts, data-buyer-sig, signed by the
      shop's site: hex HMAC-SHA256(site_secret, "<shop>:<buyer id>:<ts>"))

   It adds a floating 联系客服 button that opens and closes a frame with the chat page,
   <origin of this script>/chat/<shop>?item_id=<id>&embed=1. The signed buyer id goes to
   the frame by postMessage, addressed to this script's origin only — never in a URL.
   A plain script (no module, no dependencies); styles are set through element.style,
   which a host page's CSP allows. */
(function () {
  'use strict';

  var script = document.currentScript;
  if (!script || !script.src) return;
  var shop = (script.getAttribute('data-shop') || '').trim();
  if (!shop) return;
  var origin = new URL(script.src, location.href).origin;
  var flag = '__shopassistWidget_' + shop;
  if (window[flag]) return;   // the same shop's widget twice on one page
  window[flag] = true;

  var itemId = (script.getAttribute('data-item-id') || '').trim();
  var identity = { type: 'shopassist-identity' };
  var buyerId = (script.getAttribute('data-buyer-id') || '').trim();
  var buyerTs = (script.getAttribute('data-buyer-ts') || '').trim();
  var buyerSig = (script.getAttribute('data-buyer-sig') || '').trim();
  if (buyerId && buyerTs && buyerSig) {
    identity.buyer_id = buyerId;
    identity.buyer_ts = buyerTs;
    identity.buyer_sig = buyerSig;
  }

  var button = null;
  var frame = null;
  var open = false;

  function style(node, values) {
    for (var name in values) {
      if (Object.prototype.hasOwnProperty.call(values, name)) node.style[name] = values[name];
    }
  }

  function chatUrl() {
    var url = new URL('/chat/' + encodeURIComponent(shop), origin);
    if (itemId) url.searchParams.set('item_id', itemId);
    url.searchParams.set('embed', '1');
    return url.href;
  }

  /* The identity, to the chat page only (the frame's origin is this script's). */
  function sendIdentity() {
    if (frame && frame.contentWindow) frame.contentWindow.postMessage(identity, origin);
  }

  function makeFrame() {
    frame = document.createElement('iframe');
    frame.src = chatUrl();
    frame.title = '在线客服';
    frame.setAttribute('data-testid', 'widget-frame');
    frame.setAttribute('referrerpolicy', 'no-referrer');
    style(frame, {
      position: 'fixed', right: '16px', bottom: '76px', zIndex: '2147483646',
      width: '370px', height: '560px', maxWidth: 'calc(100vw - 16px)',
      maxHeight: 'calc(100vh - 96px)', border: '1px solid #e1e4e8', borderRadius: '10px',
      boxShadow: '0 8px 28px rgba(0, 0, 0, .18)', background: '#fff'
    });
    if (window.innerWidth < 480) {
      style(frame, { right: '8px', left: '8px', width: 'auto', maxWidth: 'none', bottom: '68px',
        top: '8px', height: 'auto', maxHeight: 'none' });
    }
    frame.addEventListener('load', sendIdentity);
    document.body.appendChild(frame);
  }

  function toggle() {
    open = !open;
    if (open && !frame) makeFrame();
    else if (frame) frame.style.display = open ? 'block' : 'none';
    button.textContent = open ? '收起客服' : '联系客服';
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
  }

  /* The chat page asks when it is ready (a frame may load before its load listener). */
  window.addEventListener('message', function (event) {
    if (!frame || event.source !== frame.contentWindow || event.origin !== origin) return;
    if (event.data && event.data.type === 'shopassist-ready') sendIdentity();
  });

  function mount() {
    button = document.createElement('button');
    button.type = 'button';
    button.textContent = '联系客服';
    button.setAttribute('data-testid', 'widget-button');
    button.setAttribute('aria-expanded', 'false');
    style(button, {
      position: 'fixed', right: '16px', bottom: '16px', zIndex: '2147483647',
      padding: '10px 18px', border: '0', borderRadius: '22px', background: '#ff6a00',
      color: '#fff', fontSize: '15px', lineHeight: '24px', cursor: 'pointer',
      boxShadow: '0 4px 14px rgba(255, 106, 0, .4)',
      fontFamily: '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif'
    });
    button.addEventListener('click', toggle);
    document.body.appendChild(button);
  }

  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
