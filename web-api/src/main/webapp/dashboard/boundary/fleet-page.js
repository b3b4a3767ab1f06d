import {allPages, enc, stream} from '../control/api.js';
import {whenClosed} from '../control/router.js';
import {ago, fmt} from '../entity/figures.js';
import {FLEET_METRICS, isStale} from '../entity/fleet.js';
import {el, main, showError} from './dom.js';
import {hostPanel} from './fleet-hosts.js';

// The fleet: hosts and their GPUs with the latest figures as the fleet stream pushes them; the search is in the URL.
export async function fleetPage({params, closed}) {
    const search = el('input', {type: 'search', placeholder: 'Search host, GPU, model', 'data-testid': 'search',
        value: params.get('q') || ''});
    const hostsFigure = el('span', {'data-testid': 'host-count', text: '…'});
    const gpusFigure = el('span', {'data-testid': 'gpu-count', text: '…'});
    const staleFigure = el('span', {'data-testid': 'stale-count', text: '…'});
    const live = el('span', {class: 'live', text: 'live'});
    const hosts = el('div', {class: 'hosts', 'data-testid': 'hosts'});
    main.replaceChildren(
        el('div', {class: 'bar'},
            el('div', {class: 'figure'}, hostsFigure, el('small', {text: 'hosts'})),
            el('div', {class: 'figure'}, gpusFigure, el('small', {text: 'GPUs'})),
            el('div', {class: 'figure'}, staleFigure, el('small', {text: 'stopped reporting'})),
            search, live),
        hosts);

    const gpus = new Map();
    const metricQuery = FLEET_METRICS.map(([metric]) => `metric=${metric}`).join('&');
    async function load() {
        const items = await allPages(`telemetry/latest?${metricQuery}&limit=1000`);
        const byHost = new Map();
        for (const gpu of items) {
            if (!byHost.has(gpu.hostname)) byHost.set(gpu.hostname, []);
            byHost.get(gpu.hostname).push(gpu);
        }
        gpus.clear();
        hosts.replaceChildren(...[...byHost].map(([hostname, hostGpus]) => {
            const {panel, rows} = hostPanel(hostname, hostGpus);
            rows.forEach((row) => gpus.set(row.gpu.uuid, row));
            return panel;
        }));
        hostsFigure.textContent = byHost.size;
        gpusFigure.textContent = gpus.size;
        refresh();
        filter();
    }

    function refresh() {
        let stale = 0;
        for (const gpu of gpus.values()) {
            const stopped = isStale(gpu.lastSeen);
            stale += stopped ? 1 : 0;
            gpu.row.classList.toggle('stale', stopped);
            gpu.flag.replaceChildren(...(stopped ? [el('span', {class: 'badge', text: 'stopped'})] : []));
            gpu.seen.textContent = ago(gpu.lastSeen);
        }
        staleFigure.textContent = stale;
    }

    function filter() {
        const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
        for (const section of hosts.children) {
            let shown = 0;
            for (const row of section.querySelectorAll('tr[data-uuid]')) {
                const visible = words.every((word) => gpus.get(row.dataset.uuid).search.includes(word));
                row.hidden = !visible;
                shown += visible ? 1 : 0;
            }
            section.hidden = shown === 0;
        }
        history.replaceState(null, '', search.value ? `#/?q=${enc(search.value)}` : '#/');
    }
    search.addEventListener('input', filter);

    let reload = null;
    const source = stream(`telemetry/stream?${metricQuery}`, (point) => {
        const gpu = gpus.get(point.uuid);
        if (!gpu) { // a GPU reporting for the first time
            reload = reload || setTimeout(() => { reload = null; load().catch((e) => showError(e.message)); }, 1000);
            return;
        }
        gpu.lastSeen = Math.max(gpu.lastSeen, Date.parse(point.timestamp));
        const cell = gpu.cells[point.metric];
        if (cell) cell.textContent = fmt(point.value);
    }, live);
    const timer = setInterval(refresh, 5000);
    whenClosed(closed, () => { source.close(); clearInterval(timer); clearTimeout(reload); });
    await load();
}
