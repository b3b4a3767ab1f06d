import {api, enc, stream} from '../control/api.js';
import {whenClosed} from '../control/router.js';
import {series} from '../control/series.js';
import {fmt} from '../entity/figures.js';
import {WINDOWS, windowOf} from '../entity/time-window.js';
import {el, main} from './dom.js';
import './metric-chart.js';

// One GPU: a chart per metric over the window asked for, the latest values, the exporter's labels and the workloads
// it served. The charts of a relative window grow as the GPU's stream pushes points.
export async function gpuPage({id: uuid, params, closed}) {
    const span = windowOf(params);
    const detail = await api(`gpus/${enc(uuid)}`);
    if (closed.aborted) return; // the user has moved on to another page meanwhile
    const live = el('span', {class: 'live', text: 'live'});
    const latestBody = el('tbody');
    const charts = el('div', {class: 'charts'});
    main.replaceChildren(
        el('p', {}, el('a', {href: '#/', text: '← Fleet'})),
        el('div', {class: 'bar'},
            el('div', {class: 'figure', 'data-testid': 'gpu-title'},
                `${detail.hostname} · GPU ${detail.gpuIndex}`, el('small', {text: `${detail.model} · ${detail.uuid}`})),
            live),
        windowChoice(`#/gpu/${enc(uuid)}`, span),
        el('div', {class: 'columns'},
            el('section', {class: 'panel'}, el('h2', {text: 'Latest'}), el('table', {'data-testid': 'latest'}, latestBody)),
            el('section', {class: 'panel'}, el('h2', {text: 'Labels'}), el('table', {},
                el('tbody', {}, Object.entries({...detail.labels, driver: detail.driverVersion,
                    'first seen': detail.firstSeen, 'last seen': detail.lastSeen})
                    .filter(([, value]) => value)
                    .map(([name, value]) => el('tr', {}, el('th', {text: name}), el('td', {text: value}))))))),
        workloads(detail.workloads),
        charts);

    const latestCells = new Map();
    for (const value of detail.latest) {
        const cell = el('td', {class: 'num', text: fmt(value.value)});
        latestCells.set(value.metric, cell);
        latestBody.append(el('tr', {}, el('th', {text: value.metric}), cell, el('td', {class: 'muted', text: value.unit})));
    }

    const view = {zoomed: false};
    const drawn = new Map();
    await Promise.all(detail.latest.map(async ({metric, unit}) => {
        const chart = el('metric-chart', {class: 'chart panel', 'data-metric': metric, 'data-testid': 'chart'},
            el('h3', {}, metric, el('span', {class: 'muted', text: ` ${unit}`})));
        charts.append(chart);
        const width = Math.max(280, Math.floor(chart.clientWidth - 24));
        const data = await series(uuid, metric, span, width);
        chart.dataset.mode = data.mode;
        chart.draw(data, {metric, width, span, view});
        drawn.set(metric, chart);
    }));

    if (span.live) {
        const source = stream(`gpus/${enc(uuid)}/telemetry/stream`, (point) => {
            const cell = latestCells.get(point.metric);
            if (cell) cell.textContent = fmt(point.value);
            drawn.get(point.metric)?.add(Date.parse(point.timestamp) / 1000, point.value);
        }, live);
        whenClosed(closed, () => source.close());
    }
}

// The relative windows as links, and a custom one from two local times.
function windowChoice(base, span) {
    const isoMinute = (ms) => new Date(ms - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 16);
    const fromInput = el('input', {type: 'datetime-local', 'aria-label': 'from', value: isoMinute(span.from)});
    const toInput = el('input', {type: 'datetime-local', 'aria-label': 'to', value: isoMinute(span.to)});
    return el('div', {class: 'bar windows', 'data-testid': 'windows'},
        Object.keys(WINDOWS).map((name) => el('a', {href: `${base}?window=${name}`, text: name,
            'aria-current': String(span.name === name)})),
        el('span', {class: 'muted', text: 'custom:'}), fromInput, toInput,
        el('button', {type: 'button', text: 'Show', onclick: () => {
            location.hash = `${base}?from=${enc(new Date(fromInput.value).toISOString())}`
                + `&to=${enc(new Date(toInput.value).toISOString())}`;
        }}));
}

// Which pod held the GPU when: the question dcgm-exporter's users ask most. Nothing when no pod ever did.
function workloads(served) {
    if (!served.length) return [];
    return el('section', {class: 'panel'}, el('h2', {text: 'Workloads'}),
        el('table', {'data-testid': 'workloads'},
            el('thead', {}, el('tr', {}, ['namespace', 'pod', 'container', 'from', 'to']
                .map((name) => el('th', {text: name})))),
            el('tbody', {}, served.map((w) => el('tr', {'data-testid': 'workload'},
                [w.namespace, w.pod, w.container, w.firstSeen, w.lastSeen].map((text) => el('td', {text})))))));
}
