import {api, enc} from './api.js';

// A metric's points over a window when they fit in the chart's pixels, else buckets of the summary that do.
// Times in epoch seconds, as uPlot counts them.
export async function series(uuid, metric, span, width) {
    const range = `start_time=${enc(new Date(span.from).toISOString())}&end_time=${enc(new Date(span.to).toISOString())}`;
    const raw = await api(`gpus/${enc(uuid)}/telemetry?metric=${enc(metric)}&${range}&limit=${width}`);
    if (!raw.nextCursor) {
        return {mode: 'points', x: raw.items.map((p) => Date.parse(p.timestamp) / 1000), y: raw.items.map((p) => p.value)};
    }
    const seconds = Math.max(1, Math.ceil((span.to - span.from) / 1000 / width));
    // Whole minutes or hours where a bucket is that wide: the server reads those from its rollups, not the points.
    const step = seconds >= 3600 ? `${Math.ceil(seconds / 3600)}h` : seconds >= 60 ? `${Math.ceil(seconds / 60)}m` : `${seconds}s`;
    const summary = await api(`gpus/${enc(uuid)}/telemetry/summary?metric=${enc(metric)}&${range}&step=${step}`);
    return {mode: 'buckets', x: summary.items.map((b) => Date.parse(b.start) / 1000), y: summary.items.map((b) => b.avg)};
}
