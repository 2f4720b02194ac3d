// The live feed: GET /api/stream as Server-Sent Events (EventSource).
//
// States: 'connecting' → 'live'; on a dropped connection the browser reconnects by itself
// ('reconnecting', with Last-Event-ID so the hub can replay); when the hub refuses the stream
// (EventSource gives up) we probe it once: 401 → login, 404 → 'unavailable' (hub without the
// live feed: the portal falls back to refetching), anything else → reconnect with backoff.
// When the hub ends a stream it says why first (`event: closed`, docs/live.md): see ON_CLOSED.

import { redirectToLogin } from './api.js';

/** Event kinds sent by the hub (the `event:` line). */
export const LIVE_KINDS = ['reading', 'event', 'outage', 'score', 'alert', 'edge', 'alarm', 'resync'];

const MAX_BACKOFF_MS = 10000;

/**
 * What to do when the hub ends the stream, by its `closed` event's `reason`:
 * 'stop' — stay closed (a newer page of this session holds the stream; reconnecting would take it
 * back and start a tug of war), 'probe' — ask the hub with HEAD (401 → login, else reconnect with
 * backoff), 'reconnect' — let the browser reconnect with Last-Event-ID (nothing is lost).
 * Unknown reasons are probed.
 */
export const ON_CLOSED = {
  replaced: 'stop',
  session_ended: 'probe',
  session_expired: 'probe',
  key_revoked: 'probe',
  access_changed: 'reconnect',
  stalled: 'reconnect',
  shutdown: 'reconnect',
};

/** Subscribes to the hub's stream and hands every message to `onMessage(kind, item)`. */
export class LiveFeed {
  /**
   * @param {object} options
   * @param {(kind: string, item: object) => void} options.onMessage
   * @param {(state: string, detail?: string) => void} options.onState
   * @param {() => void} [options.onFresh] a new connection started without replay: refetch state
   */
  constructor({ url = '/api/stream', onMessage, onState, onFresh }) {
    this.url = url;
    this.onMessage = onMessage;
    this.onState = onState;
    this.onFresh = onFresh;
    this.connections = 0;
    this.source = null;
    this.backoff = 1000;
    this.timer = null;
    this.stopped = false;
    this.state = 'idle';
    this.pageLoad = true; // the page's first stream may replace a stream its reload left behind
    this.closedInARow = 0; // streams the hub ended with no message between: more than one → back off
    this.lastClosed = null; // the last `closed` event's data ({reason, message})
  }

  start() {
    this.stopped = false;
    this.open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.source) this.source.close();
    this.source = null;
    this.setState('stopped');
  }

  setState(state, detail) {
    this.state = state;
    if (this.onState) this.onState(state, detail);
  }

  open() {
    if (typeof EventSource === 'undefined') {
      this.setState('unavailable', 'this browser has no EventSource');
      return;
    }
    this.setState(this.state === 'idle' ? 'connecting' : 'reconnecting');
    // `page_load=1` on the page's first stream only: at the per-user stream limit the hub lets it
    // replace this session's oldest stream (most likely the one of the page before a reload), never
    // a reconnect, so many open tabs do not take each other's place in turn.
    const url = this.pageLoad ? `${this.url}${this.url.includes('?') ? '&' : '?'}page_load=1` : this.url;
    this.pageLoad = false;
    const source = new EventSource(url, { withCredentials: true });
    this.source = source;
    let opened = false;
    let lastId = ''; // the last event id seen: what the browser's own reconnect sends as Last-Event-ID
    source.addEventListener('open', () => {
      if (!this.closedInARow) this.backoff = 1000; // after repeated `closed`, only a message resets it
      this.setState('live');
      // A new connection may have missed messages: refetch. The first one is covered by the initial
      // load; the browser's own reconnect replays from Last-Event-ID — unless no event had an id yet.
      const fresh = opened ? !lastId : this.connections++ > 0;
      if (fresh && this.onFresh) this.onFresh();
      opened = true;
    });
    for (const kind of LIVE_KINDS) {
      source.addEventListener(kind, (ev) => {
        let item = null;
        try {
          item = ev.data ? JSON.parse(ev.data) : null;
        } catch {
          return; // a message we cannot read is skipped, the feed goes on
        }
        if (ev.lastEventId) lastId = ev.lastEventId;
        if (this.closedInARow) this.backoff = 1000;
        this.closedInARow = 0;
        this.onMessage(kind, item);
      });
    }
    source.addEventListener('closed', (ev) => {
      if (this.stopped || source !== this.source) return;
      let why = {};
      try {
        why = JSON.parse(ev.data) || {};
      } catch {
        // unreadable: handled as an unknown reason
      }
      this.closed(source, why);
    });
    source.addEventListener('error', () => {
      if (this.stopped || source !== this.source) return;
      if (source.readyState === EventSource.CONNECTING) {
        this.setState('reconnecting');
      } else if (source.readyState === EventSource.CLOSED) {
        this.source = null;
        this.probe();
      }
    });
  }

  /** The hub ended `source` and said why (`{reason, message}`): stop, probe or let it reconnect. */
  closed(source, why) {
    this.lastClosed = why;
    const detail = why.message || why.reason || 'the hub ended the stream';
    let action = ON_CLOSED[why.reason] || 'probe';
    // Ended again before anything arrived: do not let the browser reconnect every `retry:`; probe
    // with the backoff, which only a message resets from now on.
    if (++this.closedInARow > 1 && action === 'reconnect') action = 'probe';
    if (action === 'reconnect') {
      this.setState('reconnecting', detail);
      return; // the body ends next; EventSource reconnects by itself with Last-Event-ID
    }
    source.close();
    this.source = null;
    if (action === 'stop') {
      this.setState('replaced', detail);
      return;
    }
    this.setState('reconnecting', detail);
    this.probe();
  }

  /** The browser gave up: find out why with a plain request, then decide. */
  async probe() {
    const controller = new AbortController();
    let status = 0;
    try {
      // HEAD: the hub checks access as for GET but opens no stream (which would count against the limit).
      const response = await fetch(this.url, { method: 'HEAD', credentials: 'same-origin', signal: controller.signal });
      status = response.status;
    } catch {
      status = 0;
    } finally {
      controller.abort();
    }
    if (this.stopped) return;
    if (status === 401) {
      this.setState('closed', 'signed out');
      redirectToLogin();
      return;
    }
    if (status === 404) {
      this.setState('unavailable', 'this hub has no live feed');
      return;
    }
    this.setState('reconnecting', status ? 'hub answered ' + status : 'hub unreachable');
    this.timer = setTimeout(() => this.open(), this.backoff);
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
  }
}

/** Tracks when data last arrived; `isStale()` once nothing came for `staleAfterS` seconds. */
export class Freshness {
  constructor(staleAfterS) {
    this.staleAfterS = staleAfterS;
    this.lastDataAt = Date.now();
    this.lastUpdateAt = null;
  }

  /** Data arrived now (a live message or a refetch). */
  touch(live = true) {
    const now = Date.now();
    if (live) this.lastDataAt = now;
    this.lastUpdateAt = now;
  }

  silentSeconds() {
    return Math.floor((Date.now() - this.lastDataAt) / 1000);
  }

  isStale() {
    return this.staleAfterS > 0 && this.silentSeconds() > this.staleAfterS;
  }
}
