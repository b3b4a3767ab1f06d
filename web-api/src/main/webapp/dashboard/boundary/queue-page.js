import {api, enc} from '../control/api.js';
import {whenClosed} from '../control/router.js';
import {clearError, el, main, showError} from './dom.js';
import {deadLettersTable, partitionsTable} from './queue-tables.js';

// The queue, for operators: rates, lag, partitions, dead letters (inspect, replay), and the workers of each group on
// this server. These are figures, not telemetry: read every 2 s while the page is open.
export async function queuePage({closed}) {
    const rates = el('div', {class: 'bar', 'data-testid': 'rates'});
    const groups = el('div', {'data-testid': 'groups'});
    const partitions = el('div', {class: 'panel'});
    const letters = el('div', {class: 'panel', 'data-testid': 'dead-letters'});
    const inspected = el('pre', {hidden: ''});
    main.replaceChildren(rates, groups, partitions, letters, inspected);
    const panels = new Map();
    let previous = null;

    function groupPanel(group) {
        const key = `${group.group}/${group.topic}`;
        if (!panels.has(key)) {
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
            groups.append(el('section', {class: 'panel'},
                el('h2', {text: `Group ${group.group} on ${group.topic}`}), figures,
                el('p', {}, 'Workers on this server (1-10): ', workers, ' ',
                    el('button', {type: 'button', text: 'Scale', 'data-testid': `scale-${group.group}`, onclick: scale}),
                    ' ', message)));
            panels.set(key, figures);
        }
        return panels.get(key);
    }

    const inspect = (letter) => api(`queue/dead-letters/${letter.id}`).then((full) => {
        inspected.textContent = full.payload;
        inspected.hidden = false;
    }, (e) => showError(`Dead letter ${letter.id}: ${e.message}`));
    const replay = (letter) => api(`queue/dead-letters/${letter.id}/replay`, {method: 'POST'}).then(refresh)
        .catch((e) => showError(`Replay of ${letter.id}: ${e.message}`));

    async function refresh() {
        const [topics, groupList, deadLetters] = await Promise.all([
            api('queue/topics'), api('queue/groups'), api('queue/dead-letters?limit=100')]);
        const now = Date.now();
        const head = topics.items.reduce((sum, t) => sum + t.partitions.reduce((s, p) => s + p.headOffset, 0), 0);
        const done = Object.fromEntries(groupList.items.map((g) =>
            [g.group, g.partitions.reduce((s, p) => s + p.committedOffset, 0)]));
        const rate = (a, b) => previous ? ((a - b) / ((now - previous.at) / 1000)).toFixed(1) : '…';
        const figure = (value, label) => el('div', {class: 'figure'}, el('span', {text: value}), el('small', {text: label}));
        rates.replaceChildren(
            figure(rate(head, previous && previous.head), 'records appended /s'),
            ...groupList.items.map((g) =>
                figure(rate(done[g.group], previous && previous.done[g.group]), `records processed /s by ${g.group}`)),
            ...groupList.items.map((g) => figure(g.lag, `lag of ${g.group}`)));
        previous = {at: now, head, done};

        for (const group of groupList.items) {
            groupPanel(group).textContent = `workers here: ${group.workers ?? '—'} · lag ${group.lag}`
                + ` · delivered ${group.delivered ?? '—'} · redeliveries ${group.redeliveries ?? '—'}`
                + ` · dead letters ${group.deadLetters}`;
        }
        partitions.replaceChildren(...topics.items.map((topic) => partitionsTable(topic, groupList.items)));
        letters.replaceChildren(...deadLettersTable(deadLetters.items, {inspect, replay}));
    }

    const timer = setInterval(() => refresh().then(clearError, (e) => showError(e.message)), 2000);
    whenClosed(closed, () => clearInterval(timer));
    await refresh();
}
