import {css} from './dom.js';

// uPlot's options for one metric's chart. Colours are the theme's when drawn (a new theme draws the charts again).
// `view.zoomed` is shared by the charts of a page: they zoom together, as they share the cursor.
export function chartOptions({metric, width, points, span, view}) {
    const axis = {stroke: css('--muted'), grid: {stroke: css('--grid')}};
    return {
        width, height: 200,
        cursor: {sync: {key: 'gpu'}, drag: {x: true, y: false}},
        // Time spans the window asked for, not the data's extent: a GPU with one point in 24 h gets 24 h, not
        // uPlot's guess around that point. A zoom is the user's range and is kept.
        scales: {x: {time: true, range: (u, min, max) => (view.zoomed ? [min, max] : span.bounds())}},
        legend: {show: false},
        axes: [axis, {...axis, size: valueAxisSize}],
        series: [{}, {label: metric, stroke: css('--accent'), width: 1.5, points: {show: points < 60}}],
        hooks: {
            // Also called with an empty selection when uPlot redraws it; only a dragged one is a zoom.
            setSelect: [(u) => { if (u.select.width > 0) view.zoomed = true; }],
        },
    };
}

const text = document.createElement('canvas').getContext('2d');

// The value axis as wide as its widest label in the axis' font, beside the ticks and the gap: memory in MiB (labels
// like 150,000) needs more than a fixed width. uPlot asks again with the labels once it has chosen the ticks.
function valueAxisSize(u, labels, axisIndex) {
    const axis = u.axes[axisIndex];
    text.font = axis.font[0]; // scaled by the device pixel ratio, like the canvas uPlot draws on
    const widest = Math.max(0, ...(labels || []).filter((label) => label != null)
        .map((label) => text.measureText(String(label)).width));
    return Math.ceil(axis.ticks.size + axis.gap + widest / uPlot.pxRatio) + 2;
}
