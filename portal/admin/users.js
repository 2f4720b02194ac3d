// Users section of /admin: the table (GET /api/admin/users), the create form (POST), and the edit
// dialog (PATCH; password reset, unlock, end sessions). Destructive actions ask for confirmation;
// every outcome is shown as a notice. All user-supplied text is set with textContent.

import { getJSON, sendJSON } from '../app/api.js';
import { el, clear, text, fmtDateTime } from '../app/dom.js';
import { grantPicker, grantText } from './grants.js';
import { $, notify, dismiss, errorText, confirmAction, busy } from './ui.js';

const userPath = (email) => `/api/admin/users/${encodeURIComponent(email)}`;

/** When the user's sign-in is locked: a Date in the future, true (unknown end), or null. */
function lockedUntil(user) {
  const until = user.locked_until ?? user.lockout_until ?? null;
  if (until) {
    const d = new Date(until);
    return Number.isNaN(d.getTime()) || d.getTime() > Date.now() ? d : null;
  }
  return user.locked === true ? true : null;
}

function badge(label, kind) {
  return el('span', { class: `badge ${kind}` }, label);
}

/** The Users section: call `load()` whenever the section is shown. */
export class UsersSection {
  constructor(onForbidden) {
    this.onForbidden = onForbidden;
    this.users = [];
    this.editing = null;
    this.result = $('users-result');
  }

  /** Builds the grant pickers and wires the buttons; once per page. */
  async init() {
    this.createGrants = await grantPicker($('uc-grants'), 'uc');
    this.editGrants = await grantPicker($('ue-grants'), 'ue');
    const form = $('user-create');
    $('user-new').addEventListener('click', () => this.toggleCreate(form.hidden));
    $('uc-cancel').addEventListener('click', () => this.toggleCreate(false));
    form.addEventListener('submit', (e) => { e.preventDefault(); this.create(); });
    $('uc-role').addEventListener('change', () => {
      if ($('uc-role').value === 'admin') this.createGrants.set('all');
    });
    $('user-edit-form').addEventListener('submit', (e) => { e.preventDefault(); this.save(); });
    $('ue-cancel').addEventListener('click', () => $('user-edit').close());
    $('ue-reset').addEventListener('click', () => this.resetPassword());
    $('ue-unlock').addEventListener('click', () => this.unlock());
    $('ue-end-sessions').addEventListener('click', () => this.endSessions());
  }

  toggleCreate(show) {
    const form = $('user-create');
    form.hidden = !show;
    $('user-new').setAttribute('aria-expanded', String(show));
    if (show) {
      form.reset();
      this.createGrants.set([]);
      dismiss($('user-create-error'));
      $('uc-email').focus();
    }
  }

  /** Fetches the users and redraws the table. */
  async load() {
    try {
      const answer = await getJSON('/api/admin/users');
      this.users = Array.isArray(answer) ? answer : (answer && answer.users) || [];
      this.render();
    } catch (error) {
      if (error.status === 403) return this.onForbidden(error);
      notify(this.result, `Could not load users: ${errorText(error)}`, 'error');
    }
  }

  render() {
    const body = $('users-table').querySelector('tbody');
    clear(body);
    for (const user of this.users) {
      const locked = lockedUntil(user);
      const lockedCell = locked === null ? '—'
        : badge(locked === true ? 'locked' : `locked until ${fmtDateTime(locked)}`, 'bad');
      const edit = el('button', {
        type: 'button', class: 'small', 'aria-label': `Edit ${user.email}`, dataset: { email: user.email },
      }, 'Edit');
      edit.addEventListener('click', () => this.openEdit(user.email));
      body.appendChild(el('tr', { dataset: { email: user.email } },
        el('td', { class: 'email' }, user.email),
        el('td', {}, user.name ?? ''),
        el('td', {}, user.org_name ?? ''),
        el('td', {}, user.role ?? ''),
        el('td', {}, user.active === false ? badge('inactive', 'warn') : badge('active', 'ok')),
        el('td', { class: 'grants' }, grantText(user.substations)),
        el('td', {}, user.alert_opt_in ? 'yes' : 'no'),
        el('td', { class: 'locked' }, lockedCell),
        el('td', {}, edit)));
    }
    $('users-empty').hidden = this.users.length > 0;
  }

  async create() {
    const box = $('user-create-error');
    dismiss(box);
    const grantError = this.createGrants.error();
    if (grantError) return notify(box, grantError, 'error');
    const body = {
      email: $('uc-email').value.trim(),
      name: $('uc-name').value.trim(),
      role: $('uc-role').value,
      substations: this.createGrants.value(),
      password: $('uc-password').value,
      alert_opt_in: $('uc-alerts').checked,
    };
    const org = $('uc-org').value.trim();
    if (org) body.org_name = org;
    try {
      await busy($('uc-submit'), () => sendJSON('POST', '/api/admin/users', body));
    } catch (error) {
      return notify(box, errorText(error), 'error');
    }
    $('uc-password').value = '';
    this.toggleCreate(false);
    notify(this.result, `Created ${body.role} ${body.email} (${grantText(body.substations)}).`, 'ok');
    await this.load();
  }

  openEdit(email) {
    const user = this.users.find((u) => u.email === email);
    if (!user) return;
    this.editing = user;
    text($('ue-email'), user.email);
    $('ue-name').value = user.name ?? '';
    $('ue-org').value = user.org_name ?? '';
    $('ue-role').value = user.role;
    $('ue-active').checked = user.active !== false;
    $('ue-alerts').checked = Boolean(user.alert_opt_in);
    $('ue-password').value = '';
    this.editGrants.set(user.substations ?? []);
    dismiss($('ue-error'));
    $('user-edit').showModal();
  }

  /** The PATCH body: only the fields that changed. */
  changes(user) {
    const patch = {};
    const name = $('ue-name').value.trim();
    const org = $('ue-org').value.trim();
    if (name !== (user.name ?? '')) patch.name = name;
    if (org !== (user.org_name ?? '')) patch.org_name = org;
    if ($('ue-role').value !== user.role) patch.role = $('ue-role').value;
    if ($('ue-active').checked !== (user.active !== false)) patch.active = $('ue-active').checked;
    if ($('ue-alerts').checked !== Boolean(user.alert_opt_in)) patch.alert_opt_in = $('ue-alerts').checked;
    const grants = this.editGrants.value();
    if (JSON.stringify(grants) !== JSON.stringify(user.substations === 'all' ? 'all' : [...(user.substations ?? [])].sort())) {
      patch.substations = grants;
    }
    return patch;
  }

  async save() {
    const user = this.editing;
    const box = $('ue-error');
    dismiss(box);
    const grantError = this.editGrants.error();
    if (grantError) return notify(box, grantError, 'error');
    const patch = this.changes(user);
    if (Object.keys(patch).length === 0) return notify(box, 'Nothing changed.', 'warn');
    if (patch.active === false) {
      const ok = await confirmAction(`Deactivate ${user.email}?`,
        `${user.email} is signed out at once and can no longer sign in. The account and its history are kept; you can reactivate it later.`,
        'Deactivate');
      if (!ok) return;
    }
    try {
      await busy($('ue-save'), () => sendJSON('PATCH', userPath(user.email), patch));
    } catch (error) {
      return notify(box, errorText(error), 'error');
    }
    $('user-edit').close();
    notify(this.result, `Updated ${user.email}: ${Object.keys(patch).join(', ')}.`, 'ok');
    await this.load();
  }

  async resetPassword() {
    const user = this.editing;
    const box = $('ue-error');
    dismiss(box);
    const password = $('ue-password').value;
    if (!password) return notify(box, 'Type the new password first.', 'error');
    const ok = await confirmAction(`Reset the password of ${user.email}?`,
      'The old password stops working, any lockout is cleared and every session of this user ends at once. Give the new password to the user over a separate channel.', 'Reset password');
    if (!ok) return;
    try {
      await busy($('ue-reset'), () => sendJSON('POST', `${userPath(user.email)}/password`, { password }));
    } catch (error) {
      return notify(box, errorText(error), 'error');
    }
    $('ue-password').value = '';
    $('user-edit').close();
    notify(this.result, `Password of ${user.email} reset.`, 'ok');
    await this.load();
  }

  async unlock() {
    const user = this.editing;
    dismiss($('ue-error'));
    try {
      await busy($('ue-unlock'), () => sendJSON('POST', `${userPath(user.email)}/unlock`, undefined));
    } catch (error) {
      return notify($('ue-error'), errorText(error), 'error');
    }
    $('user-edit').close();
    notify(this.result, `Sign-in of ${user.email} unlocked.`, 'ok');
    await this.load();
  }

  async endSessions() {
    const user = this.editing;
    dismiss($('ue-error'));
    const ok = await confirmAction(`End all sessions of ${user.email}?`,
      `Every browser where ${user.email} is signed in is signed out at once. They can sign in again.`, 'End sessions');
    if (!ok) return;
    try {
      await busy($('ue-end-sessions'), () => sendJSON('DELETE', `${userPath(user.email)}/sessions`, undefined));
    } catch (error) {
      return notify($('ue-error'), errorText(error), 'error');
    }
    $('user-edit').close();
    notify(this.result, `All sessions of ${user.email} ended.`, 'ok');
  }
}
