import {chartOptions} from './chart-options.js';

// One metric's chart, <metric-chart>. It owns its uPlot (`plot`), adds pushed points at most once per animation
// frame however many arrive, and lets the plot go (its listeners, its cursor sync) when it leaves the page.
class MetricChart extends HTMLElement {
    draw(series, {metric, width, span, view}) {
        if (!this.isConnected) return; // the page has gone while the points were on their way
        Object.assign(this, {x: series.x, y: series.y, span, view, arriving: []});
        this.plot = new uPlot(chartOptions({metric, width, points: series.x.length, span, view}), [this.x, this.y], this);
        // Before uPlot's own double-click (the capture phase reaches this element first): its zoom-out already sees
        // the charts as not zoomed.
        this.addEventListener('dblclick', () => { view.zoomed = false; }, {capture: true});
    }

    add(time, value) {
        this.arriving.push([time, value]);
        if (this.arriving.length === 1) requestAnimationFrame(() => this.grow());
    }

    grow() {
        if (!this.isConnected) return; // the page has gone while the points waited for a frame
        for (const [time, value] of this.arriving) {
            this.x.push(time);
            this.y.push(value);
        }
        this.arriving = [];
        const [oldest] = this.span.bounds();
        while (this.x.length > 0 && this.x[0] < oldest) {
            this.x.shift();
            this.y.shift();
        }
        this.plot.setData([this.x, this.y], !this.view.zoomed);
    }

    disconnectedCallback() {
        this.plot?.destroy();
    }
}

customElements.define('metric-chart', MetricChart);
