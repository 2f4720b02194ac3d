// Small UI pieces shared by the admin sections: `$` (element by id), result notices, the
// confirmation dialog and error text. Everything is set with textContent (app/dom.js); never innerHTML.

import { text } from '../app/dom.js';

/** The element with id `id` (null when the page has none). */
export const $ = (id) => document.getElementById(id);

/** Shows `message` in the notice `box` styled as `kind` ('ok' | 'error' | 'warn' | ''). */
export function notify(box, message, kind = 'ok') {
  text(box, message);
  box.className = kind ? `notice ${kind}` : 'notice';
  box.hidden = false;
}

/** Hides the notice `box`. */
export function dismiss(box) {
  box.hidden = true;
  text(box, '');
}

/** The hub's message for an ApiError (shown verbatim), or the error's own text. */
export function errorText(error) {
  if (error && typeof error.message === 'string' && error.message) return error.message;
  return String(error);
}

/**
 * Asks the user to confirm `message` in the page's <dialog id="confirm-dialog">; resolves true only
 * when the (red) `confirmLabel` button was pressed. Escape and Cancel resolve false.
 */
export function confirmAction(title, message, confirmLabel = 'Confirm') {
  const dialog = document.getElementById('confirm-dialog');
  text(document.getElementById('confirm-title'), title);
  text(document.getElementById('confirm-message'), message);
  text(document.getElementById('confirm-ok'), confirmLabel);
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.showModal();
    document.getElementById('confirm-cancel').focus();
  });
}

/** Runs `work` with `button` disabled, so a double click cannot send the request twice. */
export async function busy(button, work) {
  button.disabled = true;
  try {
    return await work();
  } finally {
    button.disabled = false;
  }
}
