// /admin entry point: checks the session (a 401 goes to the login page via app/api.js), shows the
// "administrators only" view to non-admins (the server answers them 403 anyway), and switches
// between the Users, API keys, Audit log and Map layers sections by URL hash (#users, #keys, #audit,
// #layers).

import { session } from '../app/api.js';
import { initHeader, showUser, markSection } from './header.js';
import { UsersSection } from './users.js';
import { KeysSection } from './keys.js';
import { AuditSection } from './audit.js';
import { LayersSection } from './layers.js';
import { $, notify, errorText } from './ui.js';

const SECTIONS = ['users', 'keys', 'audit', 'layers'];

/** Hides every admin section and shows the "administrators only" message. */
function showAdminsOnly() {
  for (const name of SECTIONS) $(`section-${name}`).hidden = true;
  $('admin-nav').hidden = true;
  $('admins-only').hidden = false;
  document.title = 'Administrators only · Hop';
}

async function start() {
  initHeader();
  let me;
  try {
    me = await session();
  } catch (error) {
    $('admin-loading').hidden = true;
    if (error.status !== 401) notify($('page-notice'), `Could not load your session: ${errorText(error)}`, 'error');
    return;
  }
  $('admin-loading').hidden = true;
  showUser(me);
  if (me.role !== 'admin') return showAdminsOnly();

  const sections = {
    users: new UsersSection(showAdminsOnly),
    keys: new KeysSection(showAdminsOnly),
    audit: new AuditSection(showAdminsOnly),
    layers: new LayersSection(showAdminsOnly),
  };
  await Promise.all(Object.values(sections).map((section) => section.init()));
  $('admin-nav').hidden = false;

  const show = () => {
    if (!$('admins-only').hidden) return;
    const wanted = location.hash.replace('#', '');
    const name = SECTIONS.includes(wanted) ? wanted : 'users';
    for (const other of SECTIONS) $(`section-${other}`).hidden = other !== name;
    markSection(name);
    sections[name].load();
  };
  window.addEventListener('hashchange', show);
  show();
}

start();
