import {enc} from '../control/api.js';
import {FLEET_METRICS} from '../entity/fleet.js';
import {fmt} from '../entity/figures.js';
import {el} from './dom.js';

// One host's panel: a row per GPU. Each row's cells are handed back so that pushed points and the clock update them
// in place, and its search text so that the search box can match it.
export function hostPanel(hostname, gpus) {
    const rows = gpus.map((gpu) => gpuRow(hostname, gpu));
    const panel = el('section', {class: 'panel', 'data-host': hostname},
        el('h3', {}, hostname, el('span', {class: 'muted', text: ` · ${gpus.length} GPUs`})),
        el('table', {},
            el('thead', {}, el('tr', {},
                el('th', {class: 'num', text: '#'}), el('th', {text: 'GPU'}),
                el('th', {class: 'hide-narrow', text: 'Model'}),
                FLEET_METRICS.map(([, label, unit]) => el('th', {class: 'num', text: `${label} ${unit}`})),
                el('th', {class: 'hide-narrow', text: 'Last seen'}))),
            el('tbody', {}, rows.map((row) => row.row))));
    return {panel, rows};
}

function gpuRow(hostname, gpu) {
    const cells = Object.fromEntries(FLEET_METRICS.map(([metric]) => [metric, el('td', {class: 'num'})]));
    const seen = el('td', {class: 'hide-narrow'});
    const flag = el('span');
    const row = el('tr', {'data-uuid': gpu.uuid, 'data-testid': 'gpu-row'},
        el('td', {class: 'num', text: gpu.gpuIndex}),
        el('td', {}, el('a', {href: `#/gpu/${enc(gpu.uuid)}`, text: gpu.uuid.slice(0, 12), title: gpu.uuid}), ' ', flag),
        el('td', {class: 'hide-narrow', text: gpu.model.replace(/^NVIDIA /, '')}),
        FLEET_METRICS.map(([metric]) => cells[metric]),
        seen);
    for (const value of gpu.latest) {
        cells[value.metric].textContent = fmt(value.value);
    }
    return {gpu, row, cells, seen, flag, lastSeen: Date.parse(gpu.lastSeen),
        search: `${hostname} ${gpu.uuid} ${gpu.model} gpu${gpu.gpuIndex}`.toLowerCase()};
}
