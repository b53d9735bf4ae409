// Charts the page draws itself, as inline SVG built element by element (no markup, no
// styles in attributes: the colours come from console.css), so that the console loads
// nothing from elsewhere and keeps its strict content security policy.

const SVG = 'http://www.w3.org/2000/svg';

const WIDTH = 640;
const HEIGHT = 180;
const PAD = { top: 12, right: 12, bottom: 24, left: 40 };

/** An SVG element with attributes and children; strings become text nodes. */
function s(tag, attributes = {}, ...children) {
	const element = document.createElementNS(SVG, tag);
	for (const [name, value] of Object.entries(attributes)) {
		element.setAttribute(name, String(value));
	}
	for (const child of children.flat()) {
		element.append(child instanceof Node ? child : String(child));
	}
	return element;
}

/** A rounded-up top for the y axis, at least 1. */
function top(values) {
	const most = Math.max(1, ...values);
	const step = 10 ** Math.floor(Math.log10(most));
	return Math.ceil(most / step) * step;
}

function frame(title, most, labels) {
	const svg = s('svg', {
		viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'chart', role: 'img', 'aria-label': title,
		preserveAspectRatio: 'xMidYMid meet',
	}, s('title', {}, title));
	const bottom = HEIGHT - PAD.bottom;
	svg.append(
		s('line', { class: 'chart-axis', x1: PAD.left, y1: bottom, x2: WIDTH - PAD.right, y2: bottom }),
		s('line', { class: 'chart-grid', x1: PAD.left, y1: PAD.top, x2: WIDTH - PAD.right, y2: PAD.top }),
		s('text', { class: 'chart-label', x: PAD.left - 6, y: PAD.top + 4, 'text-anchor': 'end' }, most),
		s('text', { class: 'chart-label', x: PAD.left - 6, y: bottom, 'text-anchor': 'end' }, 0),
		s('text', { class: 'chart-label', x: PAD.left, y: HEIGHT - 6 }, labels[0] || ''),
		s('text', { class: 'chart-label', x: WIDTH - PAD.right, y: HEIGHT - 6, 'text-anchor': 'end' },
			labels[labels.length - 1] || ''));
	return svg;
}

const y = (value, most) => HEIGHT - PAD.bottom - (value / most) * (HEIGHT - PAD.top - PAD.bottom);

/**
 * Lines, one per series ({ name, values }), over the same points, each labelled; the
 * series' index picks its colour (series-0, series-1, ...).
 */
export function lineChart(title, labels, series) {
	const most = top(series.flatMap((one) => one.values));
	const svg = frame(title, most, labels);
	const step = (WIDTH - PAD.left - PAD.right) / Math.max(1, labels.length - 1);
	series.forEach((one, index) => {
		const points = one.values.map((value, i) => `${PAD.left + i * step},${y(value, most)}`).join(' ');
		svg.append(s('polyline', { class: `chart-line series-${index % 4}`, points, 'data-series': one.name }));
		one.values.forEach((value, i) => svg.append(s('circle', {
			class: `chart-dot series-${index % 4}`, cx: PAD.left + i * step, cy: y(value, most), r: 2.5,
		}, s('title', {}, `${one.name} · ${labels[i]}: ${value} live`))));
	});
	return svg;
}

/**
 * Two bars per point, opens and ends, each with its value in a tooltip; the totals are
 * kept on the chart (data-opens, data-ends) for whoever reads it without looking.
 */
export function barChart(title, labels, opens, ends) {
	const most = top([...opens, ...ends]);
	const svg = frame(title, most, labels);
	const slot = (WIDTH - PAD.left - PAD.right) / Math.max(1, labels.length);
	const bar = Math.max(1, slot * 0.4);
	labels.forEach((label, i) => {
		const x = PAD.left + i * slot + slot * 0.1;
		for (const [kind, values, offset] of [['opens', opens, 0], ['ends', ends, bar]]) {
			const height = HEIGHT - PAD.bottom - y(values[i], most);
			svg.append(s('rect', {
				class: `chart-bar bar-${kind}`, x: x + offset, y: y(values[i], most), width: bar, height,
			}, s('title', {}, `${label}: ${values[i]} ${kind}`)));
		}
	});
	svg.dataset.opens = opens.reduce((a, b) => a + b, 0);
	svg.dataset.ends = ends.reduce((a, b) => a + b, 0);
	return svg;
}
