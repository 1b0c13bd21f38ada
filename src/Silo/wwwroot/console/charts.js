// The task page's four Chart.js charts (vendor/chart.js, loaded before the modules). Each chart is created on its
// first data, so its first render already shows data. After every render its canvas gets data-points (the points or
// non-empty bars drawn) and once all four have rendered, <body data-ready="true">: the browser test reads both.
import { formatTime, pct } from './common.js';

const Chart = window.Chart;
const palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];
export const KNOWN_GATE_REASONS = ['dissonance_too_high', 'out_of_distribution', 'budget_exhausted', 'invalid_label'];
const BUCKETS = Array.from({ length: 10 }, (_, i) => `${(i / 10).toFixed(1)}–${((i + 1) / 10).toFixed(1)}`);
const ALL = ['chart-accuracy', 'chart-dissonance', 'chart-lambda', 'chart-blocks'];

const rendered = new Set();
const instances = new Map();

const pointsPlugin = {
  id: 'sdPoints',
  afterRender(chart) {
    chart.canvas.dataset.points = String(countPoints(chart));
    rendered.add(chart.canvas.id);
    if (ALL.every((id) => rendered.has(id))) {
      document.body.dataset.ready = 'true';
    }
  },
};

function countPoints(chart) {
  let points = 0;
  chart.data.datasets.forEach((dataset, i) => {
    if (!chart.isDatasetVisible(i)) {
      return;
    }
    for (const value of dataset.data) {
      // A line point counts when it has a y; a bar counts when it is not empty.
      const y = typeof value === 'object' && value !== null ? value.y : value;
      if (Number.isFinite(y) && (chart.config.type === 'line' || y > 0)) {
        points += 1;
      }
    }
  });
  return points;
}

const timeAxis = {
  type: 'linear',
  ticks: { callback: (value) => formatTime(value), maxTicksLimit: 7, maxRotation: 0 },
};

const common = {
  animation: false,
  responsive: true,
  maintainAspectRatio: false,
  interaction: { mode: 'nearest', intersect: false },
};

function draw(id, create, update) {
  let chart = instances.get(id);
  if (!chart) {
    chart = new Chart(document.getElementById(id), { ...create(), plugins: [pointsPlugin] });
    instances.set(id, chart);
    return;
  }
  update(chart);
  chart.update('none');
}

export const colorOf = (i) => palette[i % palette.length];

/** series: [{version, golden: [{x, y}], live: [{x, y}]}], oldest version first. */
export function drawAccuracy(series) {
  const datasets = series.flatMap(({ version, golden, live }, i) => {
    const color = colorOf(i);
    const sets = [{ label: `v${version} golden`, data: golden, borderColor: color, backgroundColor: color, borderDash: [6, 4], pointRadius: 2, borderWidth: 2 }];
    if (live.length > 0) {
      sets.push({ label: `v${version} live`, data: live, borderColor: color, backgroundColor: color, pointRadius: 3, borderWidth: 2 });
    }
    return sets;
  });
  draw('chart-accuracy', () => ({
    type: 'line',
    data: { datasets },
    options: {
      ...common,
      scales: { x: timeAxis, y: { suggestedMax: 1, ticks: { callback: (value) => pct(value) } } },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: { callbacks: { title: (items) => formatTime(items[0].parsed.x), label: (item) => `${item.dataset.label}: ${pct(item.parsed.y)}` } },
      },
    },
  }), (chart) => {
    chart.data.datasets = datasets;
  });
}

export function drawDissonance(histogram) {
  const data = BUCKETS.map((_, i) => histogram[i] || 0);
  draw('chart-dissonance', () => ({
    type: 'bar',
    data: { labels: BUCKETS, datasets: [{ label: 'episodes', data, backgroundColor: '#6366f1' }] },
    options: {
      ...common,
      scales: { x: { title: { display: true, text: 'd' } }, y: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { display: false } },
    },
  }), (chart) => {
    chart.data.datasets[0].data = data;
  });
}

/** points: [{x, lambda, budgetLeft}], oldest first. */
export function drawLambda(points) {
  const lambda = points.map((p) => ({ x: p.x, y: p.lambda }));
  const budget = points.map((p) => ({ x: p.x, y: p.budgetLeft }));
  draw('chart-lambda', () => ({
    type: 'line',
    data: {
      datasets: [
        { label: 'λ', data: lambda, yAxisID: 'lambda', borderColor: '#9333ea', backgroundColor: '#9333ea', pointRadius: 2, stepped: true },
        { label: 'budget left', data: budget, yAxisID: 'budget', borderColor: '#0891b2', backgroundColor: '#0891b2', pointRadius: 2 },
      ],
    },
    options: {
      ...common,
      scales: {
        x: timeAxis,
        lambda: { type: 'linear', position: 'left', beginAtZero: true, title: { display: true, text: 'λ' } },
        budget: { type: 'linear', position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: 'budget left' }, ticks: { precision: 0 } },
      },
      plugins: { legend: { position: 'bottom' }, tooltip: { callbacks: { title: (items) => formatTime(items[0].parsed.x) } } },
    },
  }), (chart) => {
    chart.data.datasets[0].data = lambda;
    chart.data.datasets[1].data = budget;
  });
}

export function drawBlocks(blockedByReason) {
  const reasons = [...new Set([...KNOWN_GATE_REASONS, ...Object.keys(blockedByReason || {})])];
  const data = reasons.map((r) => (blockedByReason || {})[r] || 0);
  draw('chart-blocks', () => ({
    type: 'bar',
    data: { labels: reasons, datasets: [{ label: 'episodes blocked', data, backgroundColor: '#dc2626' }] },
    options: {
      ...common,
      indexAxis: 'y',
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { display: false } },
    },
  }), (chart) => {
    chart.data.labels = reasons;
    chart.data.datasets[0].data = data;
  });
}
