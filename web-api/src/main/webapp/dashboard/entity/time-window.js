// The time a GPU page shows: a relative window, which ends now and grows live, or a fixed custom one.
export const WINDOWS = {'15m': 15 * 60, '1h': 3600, '6h': 6 * 3600, '24h': 24 * 3600};

// From the page's parameters: ?from=&to= (RFC 3339) for a custom window, else ?window=15m|1h|6h|24h (1h by default).
export function windowOf(params) {
    const from = params.get('from');
    const to = params.get('to');
    if (from && to) {
        return fixed(Date.parse(from), Date.parse(to));
    }
    return relative(WINDOWS[params.get('window')] ? params.get('window') : '1h');
}

function fixed(from, to) {
    return {name: 'custom', from, to, live: false, bounds: () => [from / 1000, to / 1000]};
}

function relative(name) {
    const seconds = WINDOWS[name];
    const to = Date.now();
    return {
        name, from: to - seconds * 1000, to, live: true,
        // In epoch seconds, as the charts count time; read again at every draw, so the window moves on with the clock.
        bounds: () => [Date.now() / 1000 - seconds, Date.now() / 1000],
    };
}
