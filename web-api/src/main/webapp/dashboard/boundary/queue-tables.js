import {el} from './dom.js';

// A topic's partitions: head and oldest offset, then each of its groups' committed offset, lag and owner.
export function partitionsTable(topic, groups) {
    const readers = groups.filter((g) => g.topic === topic.topic)
        .map((g) => [g, new Map(g.partitions.map((p) => [p.partition, p]))]);
    return el('div', {},
        el('h2', {text: `Topic ${topic.topic}: ${topic.partitionCount} partitions, ${topic.records} records kept`}),
        el('table', {'data-testid': `partitions-${topic.topic}`},
            el('thead', {}, el('tr', {}, el('th', {class: 'num', text: 'Partition'}), el('th', {class: 'num', text: 'Head'}),
                el('th', {class: 'num', text: 'Oldest'}),
                readers.map(([g]) => [
                    el('th', {class: 'num', text: `${g.group} committed`}), el('th', {class: 'num', text: 'lag'}),
                    el('th', {class: 'hide-narrow', text: 'owner'})]))),
            el('tbody', {}, topic.partitions.map((p) => el('tr', {},
                el('td', {class: 'num', text: p.partition}), el('td', {class: 'num', text: p.headOffset}),
                el('td', {class: 'num', text: p.oldestOffset}),
                readers.map(([, progress]) => {
                    const q = progress.get(p.partition) || {};
                    return [el('td', {class: 'num', text: q.committedOffset ?? '—'}),
                        el('td', {class: 'num', text: q.lag ?? '—'}),
                        el('td', {class: 'hide-narrow', text: q.owner || 'free'})];
                }))))));
}

// The dead letters, each with its buttons to show its payload and to replay it.
export function deadLettersTable(letters, {inspect, replay}) {
    return [el('h2', {text: `Dead letters (${letters.length})`}),
        letters.length === 0 ? el('p', {class: 'muted', text: 'None.'}) : el('table', {},
            el('thead', {}, el('tr', {}, ['Id', 'Group', 'Partition', 'Offset', 'Attempts', 'Error', 'Failed', '']
                .map((text) => el('th', {text})))),
            el('tbody', {}, letters.map((letter) => el('tr', {},
                el('td', {text: letter.id}), el('td', {text: letter.group}), el('td', {text: letter.partition}),
                el('td', {text: letter.offset}), el('td', {text: letter.attempts}),
                el('td', {text: letter.lastError.slice(0, 80), title: letter.lastError}),
                el('td', {text: new Date(letter.failedAtMillis).toISOString()}),
                el('td', {},
                    el('button', {type: 'button', text: 'Inspect', onclick: () => inspect(letter)}), ' ',
                    el('button', {type: 'button', text: 'Replay', onclick: () => replay(letter)}))))))];
}
