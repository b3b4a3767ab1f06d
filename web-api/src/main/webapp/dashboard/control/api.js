// The server's API: requests, event streams, and the token a server with READ_TOKEN or ADMIN_TOKEN wants.
const API = 'api/v1';

export const enc = encodeURIComponent;

// Kept for this tab only, sent with every request.
const token = () => sessionStorage.getItem('token');

export function useToken(value) {
    if (value) sessionStorage.setItem('token', value);
    else sessionStorage.removeItem('token');
}

// The answer's JSON; a failure is an Error with the problem's detail and the HTTP status.
export async function api(path, options = {}) {
    const headers = {Accept: 'application/json', ...(options.headers || {})};
    if (token()) headers.Authorization = `Bearer ${token()}`;
    const response = await fetch(`${API}/${path}`, {...options, headers});
    if (!response.ok) {
        let detail = `${response.status} ${response.statusText}`;
        try { detail = (await response.json()).detail || detail; } catch (ignored) { /* not JSON */ }
        if (response.status === 401 || response.status === 403) detail += ' (enter a token with 🔑)';
        const error = new Error(detail);
        error.status = response.status;
        throw error;
    }
    return response.status === 204 ? null : response.json();
}

// Every item of a paged list, following its cursors.
export async function allPages(path) {
    const items = [];
    let cursor = null;
    do {
        const page = await api(cursor ? `${path}&cursor=${enc(cursor)}` : path);
        items.push(...page.items);
        cursor = page.nextCursor;
    } while (cursor);
    return items;
}

// The points a stream pushes; the indicator is lit while the stream is connected.
export function stream(path, onPoint, indicator) {
    const url = `${API}/${path}`;
    // EventSource sends no headers: the token goes as a query parameter, which the streams accept.
    const source = new EventSource(token()
        ? `${url}${url.includes('?') ? '&' : '?'}access_token=${enc(token())}` : url);
    source.addEventListener('point', (event) => onPoint(JSON.parse(event.data)));
    source.onopen = () => indicator.classList.add('on');
    source.onerror = () => indicator.classList.remove('on');
    return source;
}
