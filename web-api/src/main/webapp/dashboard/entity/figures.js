// How figures read on every page: whole numbers from 100 up, at most two decimals below, a dash when there is none.
export function fmt(value) {
    if (value === undefined || value === null) return '—';
    return Math.abs(value) >= 100 ? value.toFixed(0) : Number(value.toFixed(2)).toString();
}

// How long ago an instant was, in the largest whole unit that reads well.
export function ago(ms) {
    const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
    return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
}
