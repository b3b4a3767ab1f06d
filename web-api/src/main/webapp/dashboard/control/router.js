import {clearError, showError} from '../boundary/dom.js';

// The fragment names the page: #/ the fleet, #/gpu/<uuid>?window=1h (or ?from=&to=), #/queue.
let pages = {};
let current = new AbortController();

export function routeTo(table) {
    pages = table;
    addEventListener('hashchange', route);
    // A page the browser keeps for its back button would hold its streams open, and a browser opens at most six
    // connections to a server (the seventh request waits): the page closes them as it goes, and shows itself afresh
    // when it comes back.
    addEventListener('pagehide', () => current.abort());
    addEventListener('pageshow', (event) => {
        if (event.persisted) route();
    });
    route();
}

// Closes the page shown (its streams and timers stop) and shows the one the fragment names.
export async function route() {
    current.abort();
    const page = current = new AbortController();
    clearError();
    const [path, query] = (location.hash.slice(1) || '/').split('?');
    const parts = path.split('/').filter(Boolean);
    const name = parts[0] === 'gpu' && parts[1] ? 'gpu' : parts[0] === 'queue' ? 'queue' : 'fleet';
    document.querySelectorAll('[data-nav]').forEach((link) => {
        if (link.dataset.nav === name) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
    });
    try {
        await pages[name]({
            id: parts[1] && decodeURIComponent(parts[1]),
            params: new URLSearchParams(query || ''),
            closed: page.signal,
        });
    } catch (e) {
        if (!page.signal.aborted) {
            showError(e.status === 404 ? `Not found: ${e.message}` : `Could not load this page: ${e.message}`);
        }
    }
}

// Runs close when the page goes; at once when it has gone already (the user moved on while it was loading).
export function whenClosed(closed, close) {
    if (closed.aborted) close();
    else closed.addEventListener('abort', close, {once: true});
}
