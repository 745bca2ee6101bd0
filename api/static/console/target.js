/* Agent console: which buyer message the panel answers.

   The panel's target is the OLDEST message of the conversation that is still open,
   unless the agent picked another open one (by clicking it in the chat). A reply
   settles every open message up to the one it answers, so the target only ever moves
   forward: to the next oldest open message, never back, and never ahead on its own
   when new messages arrive. */
import { state } from './state.js';

export function buyerItems() {
  return ((state.detail && state.detail.timeline) || []).filter(function (i) { return i.type === 'buyer'; });
}

export function isOpen(message) { return !!message && (message.state || 'open') === 'open'; }

/* The conversation's open messages, oldest first. */
export function openMessages() { return buyerItems().filter(isOpen); }

export function findMessage(id) {
  var items = buyerItems();
  for (var i = 0; i < items.length; i++) if (items[i].id === id) return items[i];
  return null;
}

export function findSuggestion(id) {
  var found = null;
  buyerItems().forEach(function (m) {
    (m.suggestions || []).forEach(function (s) { if (s.id === id) found = { message: m, suggestion: s }; });
  });
  return found;
}

export function pendingOf(message) {
  return ((message && message.suggestions) || []).filter(function (s) { return s.status === 'pending'; })
    .sort(function (a, b) { return a.rank - b.rank; });
}

/* The message the panel answers, or null when none is open. */
export function targetMessage() {
  var picked = state.targetId === null ? null : findMessage(state.targetId);
  if (isOpen(picked)) return picked;
  return openMessages()[0] || null;
}

/* Did the agent pick the target (rather than it being the oldest open message)? */
export function targetIsPicked() {
  var target = targetMessage();
  var oldest = openMessages()[0];
  return !!target && !!oldest && target.id !== oldest.id;
}

export function pendingSuggestions() { return pendingOf(targetMessage()); }

/* The agent picks an open message as the panel's target (false when it is not open). */
export function pickTarget(id) {
  if (!isOpen(findMessage(id))) return false;
  state.targetId = id;
  return true;
}

/* Back to the automatic target (after a reply, a skip, opening another conversation). */
export function clearTarget() { state.targetId = null; }

/* The buyer message a reply answered (answers_message_id; older views: message_id). */
export function answeredBy(reply) {
  var id = reply.answers_message_id !== undefined ? reply.answers_message_id : reply.message_id;
  return id === null || id === undefined ? null : findMessage(id);
}
