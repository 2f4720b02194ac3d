// API keys section of /admin: list (GET /api/admin/keys), create (POST; the secret shown once with
// a copy button), rotate (POST …/rotate; the new secret shown once) and revoke (DELETE), each
// destructive action confirmed first.

import { getJSON, sendJSON } from '../app/api.js';
import { el, clear, text, fmtDateTime } from '../app/dom.js';
import { grantPicker, grantText } from './grants.js';
import { $, notify, dismiss, errorText, confirmAction, busy } from './ui.js';

const keyPath = (name) => `/api/admin/keys/${encodeURIComponent(name)}`;
const NAME_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

function scopesOf(key) {
  const scopes = Array.isArray(key.scopes) ? key.scopes : String(key.scopes ?? key.scope ?? '').split(',');
  return scopes.filter(Boolean).sort();
}

/** The API keys section: call `load()` whenever the section is shown. */
export class KeysSection {
  constructor(onForbidden) {
    this.onForbidden = onForbidden;
    this.keys = [];
    this.result = $('keys-result');
  }

  async init() {
    this.grants = await grantPicker($('kc-grants'), 'kc');
    const form = $('key-create');
    $('key-new').addEventListener('click', () => this.toggleCreate(form.hidden));
    $('kc-cancel').addEventListener('click', () => this.toggleCreate(false));
    form.addEventListener('submit', (e) => { e.preventDefault(); this.create(); });
    $('key-secret-copy').addEventListener('click', () => this.copySecret());
    $('key-secret-done').addEventListener('click', () => this.hideSecret());
  }

  toggleCreate(show) {
    const form = $('key-create');
    form.hidden = !show;
    $('key-new').setAttribute('aria-expanded', String(show));
    if (show) {
      form.reset();
      this.grants.set([]);
      dismiss($('key-create-error'));
      $('kc-name').focus();
    }
  }

  async load() {
    try {
      const answer = await getJSON('/api/admin/keys');
      this.keys = Array.isArray(answer) ? answer : (answer && answer.keys) || [];
      this.render();
    } catch (error) {
      if (error.status === 403) return this.onForbidden(error);
      notify(this.result, `Could not load API keys: ${errorText(error)}`, 'error');
    }
  }

  render() {
    const body = $('keys-table').querySelector('tbody');
    clear(body);
    for (const key of this.keys) {
      const revoked = key.revoked_at ?? null;
      const actions = el('td', { class: 'row-actions' });
      if (!revoked) {
        const rotate = el('button', { type: 'button', class: 'small', 'aria-label': `Rotate ${key.name}` }, 'Rotate');
        const revoke = el('button', { type: 'button', class: 'small danger', 'aria-label': `Revoke ${key.name}` }, 'Revoke');
        rotate.addEventListener('click', () => this.rotate(key.name, rotate));
        revoke.addEventListener('click', () => this.revoke(key.name, revoke));
        actions.append(rotate, revoke);
      } else {
        actions.append(el('span', { class: 'muted' }, '—'));
      }
      body.appendChild(el('tr', { dataset: { name: key.name }, class: revoked ? 'revoked' : null },
        el('td', { class: 'mono' }, key.name),
        el('td', {}, scopesOf(key).join(', ')),
        el('td', {}, grantText(key.substations)),
        el('td', {}, fmtDateTime(key.created_at)),
        el('td', {}, revoked ? el('span', { class: 'badge bad' }, `revoked ${fmtDateTime(revoked)}`) : '—'),
        actions));
    }
    $('keys-empty').hidden = this.keys.length > 0;
  }

  async create() {
    const box = $('key-create-error');
    dismiss(box);
    const name = $('kc-name').value.trim();
    const scopes = [...document.querySelectorAll('#key-create input[name=scope]:checked')].map((b) => b.value);
    if (!NAME_PATTERN.test(name)) return notify(box, 'Name: 1-64 of A-Z a-z 0-9 _ . : -', 'error');
    if (scopes.length === 0) return notify(box, 'Choose at least one scope.', 'error');
    const grantError = this.grants.error();
    if (grantError) return notify(box, grantError, 'error');
    let answer;
    try {
      answer = await busy($('kc-submit'), () =>
        sendJSON('POST', '/api/admin/keys', { name, scopes, substations: this.grants.value() }));
    } catch (error) {
      return notify(box, errorText(error), 'error');
    }
    this.toggleCreate(false);
    this.showSecret(name, answer && answer.key);
    notify(this.result, `Created key ${name} (${scopes.join(', ')}; ${grantText(this.grants.value())}).`, 'ok');
    await this.load();
  }

  async rotate(name, button) {
    const ok = await confirmAction(`Rotate key ${name}?`,
      `A new secret is issued and the current secret of ${name} stops working at once. Whatever uses it must be given the new one.`,
      'Rotate');
    if (!ok) return;
    let answer;
    try {
      answer = await busy(button, () => sendJSON('POST', `${keyPath(name)}/rotate`, undefined));
    } catch (error) {
      return notify(this.result, `Could not rotate ${name}: ${errorText(error)}`, 'error');
    }
    this.showSecret(name, answer && answer.key);
    notify(this.result, `Rotated key ${name}; the old secret no longer works.`, 'ok');
    await this.load();
  }

  async revoke(name, button) {
    const ok = await confirmAction(`Revoke key ${name}?`,
      `${name} stops working at once and cannot be restored. Create a new key if it is needed again.`, 'Revoke');
    if (!ok) return;
    try {
      await busy(button, () => sendJSON('DELETE', keyPath(name), undefined));
    } catch (error) {
      return notify(this.result, `Could not revoke ${name}: ${errorText(error)}`, 'error');
    }
    notify(this.result, `Revoked key ${name}.`, 'ok');
    await this.load();
  }

  /** Shows a freshly issued secret once; it lives only in this input until "I have stored it". */
  showSecret(name, secret) {
    text($('key-secret-name'), name);
    $('key-secret-value').value = secret || '(the hub returned no secret)';
    text($('key-secret-copied'), '');
    $('key-secret').hidden = false;
    $('key-secret-value').focus();
    $('key-secret-value').select();
  }

  hideSecret() {
    $('key-secret-value').value = '';
    $('key-secret').hidden = true;
  }

  async copySecret() {
    const input = $('key-secret-value');
    let copied = false;
    try {
      await navigator.clipboard.writeText(input.value);
      copied = true;
    } catch {
      input.select();
      copied = document.execCommand('copy');
    }
    text($('key-secret-copied'), copied ? 'Copied to the clipboard.' : 'Copy failed: select the key and copy it by hand.');
  }
}
