'use strict';
// The dashboard: plain scripts, no build step; every script and style comes from this server.
(() => {
    const API = 'api/v1';
    const FLEET_METRICS = [
        ['DCGM_FI_DEV_GPU_UTIL', 'Util', '%'],
        ['DCGM_FI_DEV_GPU_TEMP', 'Temp', '°C'],
        ['DCGM_FI_DEV_POWER_USAGE', 'Power', 'W'],
        ['DCGM_FI_DEV_FB_USED', 'Mem', 'MiB'],
    ];
    // A GPU that has not reported for this long is flagged: the sample's streamers report every few seconds.
    const STALE_MS = 2 * 60 * 1000;
    const WINDOWS = {'15m': 15 * 60, '1h': 3600, '6h': 6 * 3600, '24h': 24 * 3600};

    const main = document.getElementById('main');
    const banner = document.getElementById('banner');
    let page = {close() {}};

    // ---- helpers ----
    const el = (tag, attrs = {}, ...children) => {
        const node = document.createElement(tag);
        for (const [name, value] of Object.entries(attrs)) {
            if (name === 'text') node.textContent = value;
            else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
            else node.setAttribute(name, value);
        }
        children.flat(Infinity).forEach((child) => node.append(child));
        return node;
    };
    const enc = encodeURIComponent;
    const fmt = (value) => value === undefined || value === null ? '—'
        : Math.abs(value) >= 100 ? value.toFixed(0) : Number(value.toFixed(2)).toString();
    const ago = (ms) => {
        const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
        return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
    };
    const showError = (message) => {
        banner.textContent = message;
        banner.hidden = false;
    };
    const clearError = () => { banner.hidden = true; };

    // A server with READ_TOKEN or ADMIN_TOKEN wants a token: kept for this tab only, sent with every request.
    const token = () => sessionStorage.getItem('token');
    const tokenForm = document.getElementById('token-form');
    const tokenValue = document.getElementById('token-value');
    document.getElementById('token').addEventListener('click', () => {
        tokenForm.hidden = !tokenForm.hidden;
        if (!tokenForm.hidden) tokenValue.focus();
    });
    tokenForm.addEventListener('submit', (event) => {
        event.preventDefault();
        if (tokenValue.value) sessionStorage.setItem('token', tokenValue.value);
        else sessionStorage.removeItem('token');
        tokenValue.value = '';
        tokenForm.hidden = true;
        route();
    });

    async function api(path, options = {}) {
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

    async function allPages(path) {
        const items = [];
        let cursor = null;
        do {
            const page = await api(cursor ? `${path}&cursor=${enc(cursor)}` : path);
            items.push(...page.items);
            cursor = page.nextCursor;
        } while (cursor);
        return items;
    }

    // Redraws at most once per animation frame however many events arrive.
    function throttled(draw) {
        let pending = false;
        return () => {
            if (!pending) {
                pending = true;
                requestAnimationFrame(() => { pending = false; draw(); });
            }
        };
    }

    function stream(url, onPoint, indicator) {
        // EventSource sends no headers: the token goes as a query parameter, which the streams accept.
        const source = new EventSource(token()
            ? `${url}${url.includes('?') ? '&' : '?'}access_token=${enc(token())}` : url);
        source.addEventListener('point', (event) => onPoint(JSON.parse(event.data)));
        source.onopen = () => indicator && indicator.classList.add('on');
        source.onerror = () => indicator && indicator.classList.remove('on');
        return source;
    }

    function css(name) {
        return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    }

    // ---- theme ----
    const themeButton = document.getElementById('theme');
    function applyTheme(theme) {
        document.documentElement.dataset.theme = theme;
    }
    applyTheme(localStorage.getItem('theme')
        || (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
    themeButton.addEventListener('click', () => {
        const theme = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
        localStorage.setItem('theme', theme);
        applyTheme(theme);
        route(); // charts take their colours when drawn
    });

    // ---- fleet ----
    async function fleetPage(params) {
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
            hosts.replaceChildren();
            gpus.clear();
            const byHost = new Map();
            for (const gpu of items) {
                if (!byHost.has(gpu.hostname)) byHost.set(gpu.hostname, []);
                byHost.get(gpu.hostname).push(gpu);
            }
            for (const [hostname, hostGpus] of byHost) {
                const body = el('tbody');
                for (const gpu of hostGpus) {
                    const cells = Object.fromEntries(FLEET_METRICS.map(([metric]) => [metric, el('td', {class: 'num'})]));
                    const seen = el('td', {class: 'hide-narrow'});
                    const flag = el('span');
                    const row = el('tr', {'data-uuid': gpu.uuid, 'data-testid': 'gpu-row'},
                        el('td', {class: 'num', text: gpu.gpuIndex}),
                        el('td', {}, el('a', {href: `#/gpu/${enc(gpu.uuid)}`, text: gpu.uuid.slice(0, 12),
                            title: gpu.uuid}), ' ', flag),
                        el('td', {class: 'hide-narrow', text: gpu.model.replace(/^NVIDIA /, '')}),
                        FLEET_METRICS.map(([metric]) => cells[metric]),
                        seen);
                    const state = {gpu, row, cells, seen, flag, lastSeen: Date.parse(gpu.lastSeen),
                        search: `${hostname} ${gpu.uuid} ${gpu.model} gpu${gpu.gpuIndex}`.toLowerCase()};
                    for (const value of gpu.latest) {
                        cells[value.metric].textContent = fmt(value.value);
                    }
                    gpus.set(gpu.uuid, state);
                    body.append(row);
                }
                hosts.append(el('section', {class: 'panel', 'data-host': hostname},
                    el('h3', {}, hostname, el('span', {class: 'muted', text: ` · ${hostGpus.length} GPUs`})),
                    el('table', {},
                        el('thead', {}, el('tr', {},
                            el('th', {class: 'num', text: '#'}), el('th', {text: 'GPU'}),
                            el('th', {class: 'hide-narrow', text: 'Model'}),
                            FLEET_METRICS.map(([, label, unit]) => el('th', {class: 'num', text: `${label} ${unit}`})),
                            el('th', {class: 'hide-narrow', text: 'Last seen'}))),
                        body)));
            }
            hostsFigure.textContent = byHost.size;
            gpusFigure.textContent = gpus.size;
            refresh();
            filter();
        }

        function refresh() {
            let stale = 0;
            for (const state of gpus.values()) {
                const isStale = Date.now() - state.lastSeen > STALE_MS;
                stale += isStale ? 1 : 0;
                state.row.classList.toggle('stale', isStale);
                state.flag.replaceChildren(...(isStale ? [el('span', {class: 'badge', text: 'stopped'})] : []));
                state.seen.textContent = ago(state.lastSeen);
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
        const source = stream(`${API}/telemetry/stream?${metricQuery}`, (point) => {
            const state = gpus.get(point.uuid);
            if (!state) { // a GPU reporting for the first time
                reload = reload || setTimeout(() => { reload = null; load().catch((e) => showError(e.message)); }, 1000);
                return;
            }
            state.lastSeen = Math.max(state.lastSeen, Date.parse(point.timestamp));
            const cell = state.cells[point.metric];
            if (cell) cell.textContent = fmt(point.value);
        }, live);
        const timer = setInterval(refresh, 5000);
        page = {close() { source.close(); clearInterval(timer); clearTimeout(reload); }};
        await load();
    }

    // ---- one GPU ----
    function windowOf(params) {
        const from = params.get('from');
        const to = params.get('to');
        if (from && to) {
            return {name: 'custom', from: Date.parse(from), to: Date.parse(to), live: false};
        }
        const name = WINDOWS[params.get('window')] ? params.get('window') : '1h';
        return {name, from: Date.now() - WINDOWS[name] * 1000, to: Date.now(), live: true, seconds: WINDOWS[name]};
    }

    async function gpuPage(uuid, params) {
        const span = windowOf(params);
        const detail = await api(`gpus/${enc(uuid)}`);
        const live = el('span', {class: 'live', text: 'live'});
        const latestBody = el('tbody');
        const charts = el('div', {class: 'charts'});
        const isoMinute = (ms) => new Date(ms - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 16);
        const fromInput = el('input', {type: 'datetime-local', 'aria-label': 'from', value: isoMinute(span.from)});
        const toInput = el('input', {type: 'datetime-local', 'aria-label': 'to', value: isoMinute(span.to)});
        const base = `#/gpu/${enc(uuid)}`;
        main.replaceChildren(
            el('p', {}, el('a', {href: '#/', text: '← Fleet'})),
            el('div', {class: 'bar'},
                el('div', {class: 'figure', 'data-testid': 'gpu-title'},
                    `${detail.hostname} · GPU ${detail.gpuIndex}`, el('small', {text: `${detail.model} · ${detail.uuid}`})),
                live),
            el('div', {class: 'bar windows', 'data-testid': 'windows'},
                Object.keys(WINDOWS).map((name) => el('a', {href: `${base}?window=${name}`, text: name,
                    'aria-current': String(span.name === name)})),
                el('span', {class: 'muted', text: 'custom:'}), fromInput, toInput,
                el('button', {type: 'button', text: 'Show', onclick: () => {
                    location.hash = `${base}?from=${enc(new Date(fromInput.value).toISOString())}`
                        + `&to=${enc(new Date(toInput.value).toISOString())}`;
                }})),
            el('div', {class: 'columns'},
                el('section', {class: 'panel'}, el('h2', {text: 'Latest'}), el('table', {'data-testid': 'latest'}, latestBody)),
                el('section', {class: 'panel'}, el('h2', {text: 'Labels'}), el('table', {},
                    el('tbody', {}, Object.entries({...detail.labels, driver: detail.driverVersion,
                        'first seen': detail.firstSeen, 'last seen': detail.lastSeen})
                        .filter(([, value]) => value)
                        .map(([name, value]) => el('tr', {}, el('th', {text: name}), el('td', {text: value}))))))),
            charts);

        const latestCells = new Map();
        for (const value of detail.latest) {
            const cell = el('td', {class: 'num', text: fmt(value.value)});
            latestCells.set(value.metric, cell);
            latestBody.append(el('tr', {}, el('th', {text: value.metric}), cell, el('td', {class: 'muted', text: value.unit})));
        }

        const plots = new Map();
        const metrics = detail.latest.map((value) => [value.metric, value.unit]);
        await Promise.all(metrics.map(async ([metric, unit]) => {
            const box = el('div', {class: 'chart panel', 'data-metric': metric, 'data-testid': 'chart'},
                el('h3', {}, metric, el('span', {class: 'muted', text: ` ${unit}`})));
            charts.append(box);
            const width = Math.max(280, Math.floor(box.clientWidth - 24));
            const data = await series(uuid, metric, span, width);
            box.dataset.mode = data.mode;
            const plot = new uPlot({
                width, height: 200,
                cursor: {sync: {key: 'gpu'}, drag: {x: true, y: false}},
                scales: {x: {time: true}},
                legend: {show: false},
                axes: [
                    {stroke: css('--muted'), grid: {stroke: css('--grid')}},
                    {stroke: css('--muted'), grid: {stroke: css('--grid')}, size: 55},
                ],
                series: [{}, {label: metric, stroke: css('--accent'), width: 1.5, points: {show: data.x.length < 60}}],
            }, [data.x, data.y], box);
            plots.set(metric, {plot, box, x: data.x, y: data.y, zoomed: false});
            box.dataset.points = data.x.length;
            plot.over.addEventListener('dblclick', () => { plots.get(metric).zoomed = false; });
            plot.over.addEventListener('mouseup', () => { plots.get(metric).zoomed = true; });
        }));

        const redraw = throttled(() => {
            for (const chart of plots.values()) {
                if (chart.dirty) {
                    chart.dirty = false;
                    chart.plot.setData([chart.x, chart.y], !chart.zoomed);
                    chart.box.dataset.points = chart.x.length;
                }
            }
        });
        let source = null;
        if (span.live) {
            source = stream(`${API}/gpus/${enc(uuid)}/telemetry/stream`, (point) => {
                const cell = latestCells.get(point.metric);
                if (cell) cell.textContent = fmt(point.value);
                const chart = plots.get(point.metric);
                if (!chart) return;
                const x = Date.parse(point.timestamp) / 1000;
                chart.x.push(x);
                chart.y.push(point.value);
                const oldest = Date.now() / 1000 - span.seconds;
                while (chart.x.length > 0 && chart.x[0] < oldest) { chart.x.shift(); chart.y.shift(); }
                chart.dirty = true;
                redraw();
            }, live);
        }
        page = {close() { source && source.close(); plots.forEach((chart) => chart.plot.destroy()); }};
    }

    // The points of a window when they fit in the chart's pixels, else buckets of the summary that do.
    async function series(uuid, metric, span, width) {
        const range = `start_time=${enc(new Date(span.from).toISOString())}&end_time=${enc(new Date(span.to).toISOString())}`;
        const raw = await api(`gpus/${enc(uuid)}/telemetry?metric=${enc(metric)}&${range}&limit=${width}`);
        if (!raw.nextCursor) {
            return {mode: 'points', x: raw.items.map((p) => Date.parse(p.timestamp) / 1000), y: raw.items.map((p) => p.value)};
        }
        const step = Math.max(1, Math.ceil((span.to - span.from) / 1000 / width));
        const summary = await api(`gpus/${enc(uuid)}/telemetry/summary?metric=${enc(metric)}&${range}&step=${step}s`);
        return {mode: 'buckets', x: summary.items.map((b) => Date.parse(b.start) / 1000), y: summary.items.map((b) => b.avg)};
    }

    // ---- queue ----
    async function queuePage() {
        const rates = el('div', {class: 'bar', 'data-testid': 'rates'});
        const groups = el('div', {'data-testid': 'groups'});
        const partitions = el('div', {class: 'panel'});
        const letters = el('div', {class: 'panel', 'data-testid': 'dead-letters'});
        const inspected = el('pre', {hidden: ''});
        main.replaceChildren(rates, groups, partitions, letters, inspected);
        const controls = new Map();
        let previous = null;

        function groupPanel(group) {
            const key = `${group.group}/${group.topic}`;
            if (!controls.has(key)) {
                const workers = el('input', {type: 'number', min: '1', max: '10', value: group.workers || 1,
                    'aria-label': `workers of ${group.group}`, 'data-testid': `workers-input-${group.group}`});
                const message = el('span', {class: 'muted'});
                const figures = el('span', {'data-testid': `group-${group.group}`});
                const scale = async () => {
                    try {
                        const status = await api(`queue/groups/${enc(group.group)}/workers?topic=${enc(group.topic)}`, {
                            method: 'PUT', headers: {'Content-Type': 'application/json'},
                            body: JSON.stringify({workers: Number(workers.value)})});
                        message.textContent = `now ${status.workers} workers`;
                        await refresh();
                    } catch (e) {
                        message.textContent = e.message;
                    }
                };
                const panel = el('section', {class: 'panel'},
                    el('h2', {text: `Group ${group.group} on ${group.topic}`}), figures,
                    el('p', {}, 'Workers on this server (1-10): ', workers, ' ',
                        el('button', {type: 'button', text: 'Scale', 'data-testid': `scale-${group.group}`, onclick: scale}),
                        ' ', message));
                groups.append(panel);
                controls.set(key, {figures});
            }
            return controls.get(key);
        }

        async function refresh() {
            const [topics, groupList, deadLetters] = await Promise.all([
                api('queue/topics'), api('queue/groups'), api('queue/dead-letters?limit=100')]);
            const now = Date.now();
            const head = topics.items.reduce((sum, t) => sum + t.partitions.reduce((s, p) => s + p.headOffset, 0), 0);
            const done = Object.fromEntries(groupList.items.map((g) =>
                [g.group, g.partitions.reduce((s, p) => s + p.committedOffset, 0)]));
            const rate = (a, b) => previous ? ((a - b) / ((now - previous.at) / 1000)).toFixed(1) : '…';
            rates.replaceChildren(
                el('div', {class: 'figure'}, el('span', {text: rate(head, previous && previous.head)}),
                    el('small', {text: 'records appended /s'})),
                ...groupList.items.map((g) => el('div', {class: 'figure'},
                    el('span', {text: rate(done[g.group], previous && previous.done[g.group])}),
                    el('small', {text: `records processed /s by ${g.group}`}))),
                ...groupList.items.map((g) => el('div', {class: 'figure'}, el('span', {text: g.lag}),
                    el('small', {text: `lag of ${g.group}`}))));
            previous = {at: now, head, done};

            for (const group of groupList.items) {
                groupPanel(group).figures.textContent = `workers here: ${group.workers ?? '—'} · lag ${group.lag}`
                    + ` · delivered ${group.delivered ?? '—'} · redeliveries ${group.redeliveries ?? '—'}`
                    + ` · dead letters ${group.deadLetters}`;
            }

            const byGroup = groupList.items.map((g) =>
                [g, new Map(g.partitions.map((p) => [p.partition, p]))]);
            partitions.replaceChildren(...topics.items.map((topic) => el('div', {},
                el('h2', {text: `Topic ${topic.topic}: ${topic.partitionCount} partitions, ${topic.records} records kept`}),
                el('table', {'data-testid': `partitions-${topic.topic}`},
                    el('thead', {}, el('tr', {}, el('th', {class: 'num', text: 'Partition'}), el('th', {class: 'num', text: 'Head'}),
                        el('th', {class: 'num', text: 'Oldest'}),
                        byGroup.filter(([g]) => g.topic === topic.topic).map(([g]) => [
                            el('th', {class: 'num', text: `${g.group} committed`}), el('th', {class: 'num', text: 'lag'}),
                            el('th', {class: 'hide-narrow', text: 'owner'})]))),
                    el('tbody', {}, topic.partitions.map((p) => el('tr', {},
                        el('td', {class: 'num', text: p.partition}), el('td', {class: 'num', text: p.headOffset}),
                        el('td', {class: 'num', text: p.oldestOffset}),
                        byGroup.filter(([g]) => g.topic === topic.topic).map(([, progress]) => {
                            const q = progress.get(p.partition) || {};
                            return [el('td', {class: 'num', text: q.committedOffset ?? '—'}),
                                el('td', {class: 'num', text: q.lag ?? '—'}),
                                el('td', {class: 'hide-narrow', text: q.owner || 'free'})];
                        }))))))));

            letters.replaceChildren(el('h2', {text: `Dead letters (${deadLetters.items.length})`}),
                deadLetters.items.length === 0 ? el('p', {class: 'muted', text: 'None.'}) : el('table', {},
                    el('thead', {}, el('tr', {}, ['Id', 'Group', 'Partition', 'Offset', 'Attempts', 'Error', 'Failed', '']
                        .map((text) => el('th', {text})))),
                    el('tbody', {}, deadLetters.items.map((letter) => el('tr', {},
                        el('td', {text: letter.id}), el('td', {text: letter.group}), el('td', {text: letter.partition}),
                        el('td', {text: letter.offset}), el('td', {text: letter.attempts}),
                        el('td', {text: letter.lastError.slice(0, 80), title: letter.lastError}),
                        el('td', {text: new Date(letter.failedAtMillis).toISOString()}),
                        el('td', {},
                            el('button', {type: 'button', text: 'Inspect', onclick: async () => {
                                try {
                                    const full = await api(`queue/dead-letters/${letter.id}`);
                                    inspected.textContent = full.payload;
                                    inspected.hidden = false;
                                } catch (e) {
                                    showError(`Dead letter ${letter.id}: ${e.message}`);
                                }
                            }}), ' ',
                            el('button', {type: 'button', text: 'Replay', onclick: async () => {
                                try {
                                    await api(`queue/dead-letters/${letter.id}/replay`, {method: 'POST'});
                                    await refresh();
                                } catch (e) {
                                    showError(`Replay of ${letter.id}: ${e.message}`);
                                }
                            }})))))));
        }
        // Operators' figures, not telemetry: read every 2 s while the page is open.
        const timer = setInterval(() => refresh().then(clearError, (e) => showError(e.message)), 2000);
        page = {close() { clearInterval(timer); }};
        await refresh();
    }

    // ---- routing: #/ fleet, #/gpu/<uuid>?window=1h or ?from=&to=, #/queue ----
    async function route() {
        page.close();
        page = {close() {}};
        clearError();
        const [path, query] = (location.hash.slice(1) || '/').split('?');
        const params = new URLSearchParams(query || '');
        const parts = path.split('/').filter(Boolean);
        const name = parts[0] === 'gpu' && parts[1] ? 'gpu' : parts[0] === 'queue' ? 'queue' : 'fleet';
        document.querySelectorAll('[data-nav]').forEach((link) => {
            if (link.dataset.nav === name) link.setAttribute('aria-current', 'page');
            else link.removeAttribute('aria-current');
        });
        try {
            if (name === 'gpu') await gpuPage(decodeURIComponent(parts[1]), params);
            else if (name === 'queue') await queuePage();
            else await fleetPage(params);
        } catch (e) {
            showError(e.status === 404 ? `Not found: ${e.message}` : `Could not load this page: ${e.message}`);
        }
    }
    addEventListener('hashchange', route);
    route();
})();
