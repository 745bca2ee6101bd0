/* Agent console: keyboard shortcuts (1/2/3 send, e edit, r reject, h handled, s skip,
   j/k move, / type, Esc). All act on the panel's message. */
import { $ } from '/static/common.js';
import { state } from './state.js';
import { moveConversation } from './list.js';
import { renderComposer } from './chat.js';
import { renderPanel } from './panel.js';
import { pendingSuggestions, setMode, approveNth, settleTarget } from './suggestions.js';

function isTextBox(node) {
  if (!node || node === document.body) return false;
  if (node.isContentEditable) return true;
  var tag = node.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  return ['button', 'checkbox', 'radio', 'submit', 'reset'].indexOf((node.type || '').toLowerCase()) < 0;
}

export function onKey(event) {
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
      if (approveNth(Number(event.key) - 1)) event.preventDefault();
      break;
    }
    case 'e':
      if (pending[0]) { event.preventDefault(); setMode('edit', pending[0]); }
      break;
    case 'r':
      if (pending[0]) { event.preventDefault(); setMode('reject', pending[0]); }
      break;
    case 'h':
      if (settleTarget('handled')) event.preventDefault();
      break;
    case 's':
      if (settleTarget('skip')) event.preventDefault();
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
