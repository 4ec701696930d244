// Draws one of deploy/monitoring's Grafana dashboards from Prometheus, as Grafana would: the panels in their
// gridPos layout, each target's PromQL run over /api/v1/query_range with the dashboard's variables filled in.
// What it found is left in window.dashboardReport for the test that opened the page.
'use strict';

const params = new URLSearchParams(location.search);
const report = { done: false, variables: {}, panels: [] };
const charts = [];
window.dashboardReport = report;

const ROW_HEIGHT = 30;   // Grafana's grid: 24 columns, rows of 30 px
const GAP = 8;
const COLORS = ['#73bf69', '#f2cc0c', '#5794f2', '#ff780a', '#b877d9', '#f2495c', '#8ab8ff', '#96d98d', '#ffb357',
  '#ca95e5'];

async function prometheus(path, query) {
  const response = await fetch('/api/v1/' + path + '?' + new URLSearchParams(query));
  const body = await response.json();
  if (body.status !== 'success') {
    throw new Error(body.errorType + ': ' + body.error);
  }
  return body.data;
}

// Grafana's own choices: the step is the range over the panel's width, never finer than the scrape interval;
// $__rate_interval is max($__interval + scrape interval, 4 x scrape interval).
function intervals(from, to, width, scrape) {
  const step = Math.max(scrape, Math.ceil((to - from) / width));
  return { step, rate: Math.max(step + scrape, 4 * scrape) };
}

function substitute(expr, values, timing) {
  return expr.replace(/\$\{?(\w+)(?::\w+)?\}?/g, (whole, name) => {
    switch (name) {
      case '__rate_interval': return timing.rate + 's';
      case '__interval': return timing.step + 's';
      case '__interval_ms': return String(timing.step * 1000);
      case '__range': return (timing.to - timing.from) + 's';
      default: return name in values ? values[name] : whole;
    }
  });
}

function escapeRegex(value) {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Textbox variables take their value; query variables their label_values(...) from Prometheus: the first for a
// single choice, all of them as the regex (a|b) for "All". var-<name> in the page's address overrides both.
async function resolveVariables(dashboard, timing) {
  const values = {};
  for (const variable of (dashboard.templating && dashboard.templating.list) || []) {
    const name = variable.name;
    if (params.has('var-' + name)) {
      values[name] = params.get('var-' + name);
    } else if (variable.type === 'textbox' || variable.type === 'constant') {
      values[name] = (variable.current && variable.current.value) || variable.query;
    } else if (variable.type === 'query') {
      const definition = typeof variable.query === 'string' ? variable.query : variable.query.query;
      const match = /^\s*label_values\((.*),\s*(\w+)\s*\)\s*$/.exec(substitute(definition, values, timing));
      if (!match) {
        throw new Error('variable ' + name + ': only label_values(query, label) is understood: ' + definition);
      }
      const series = await prometheus('series', { 'match[]': match[1], start: timing.from, end: timing.to });
      const found = [...new Set(series.map(s => s[match[2]]).filter(v => v !== undefined))].sort();
      const all = variable.includeAll && (!variable.current || !variable.current.value
        || [].concat(variable.current.value).includes('$__all'));
      values[name] = all ? (variable.allValue || '(' + found.map(escapeRegex).join('|') + ')') : (found[0] || '');
    }
    if (name in values) {
      report.variables[name] = values[name];
    }
  }
  return values;
}

function legend(legendFormat, metric) {
  if (legendFormat) {
    return legendFormat.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, label) => metric[label] || '');
  }
  const labels = Object.entries(metric).filter(([k]) => k !== '__name__').map(([k, v]) => k + '="' + v + '"');
  return (metric.__name__ || '') + '{' + labels.join(', ') + '}';
}

const UNITS = {
  bytes: v => scaled(v, 1024, ['B', 'KiB', 'MiB', 'GiB', 'TiB']),
  s: v => Math.abs(v) >= 1 || v === 0 ? round(v) + ' s' : Math.abs(v) >= 0.001 ? round(v * 1000) + ' ms'
    : round(v * 1e6) + ' µs',
  ms: v => round(v) + ' ms',
  percentunit: v => round(v * 100) + '%',
  percent: v => round(v) + '%',
  reqps: v => round(v) + ' req/s',
};

function round(v) {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : String(+v.toPrecision(3));
}

function scaled(v, base, names) {
  let i = 0;
  while (Math.abs(v) >= base && i < names.length - 1) {
    v /= base;
    i++;
  }
  return round(v) + ' ' + names[i];
}

function format(value, unit) {
  if (value === null || value === undefined || Number.isNaN(value)) {
    return '–';
  }
  return (UNITS[unit] || round)(value);
}

function place(panel, grid, columnWidth) {
  const pos = panel.gridPos || { x: 0, y: 0, w: 24, h: 8 };
  const element = document.createElement('section');
  element.className = 'panel ' + panel.type;
  element.style.left = pos.x * columnWidth + 'px';
  element.style.top = pos.y * ROW_HEIGHT + 'px';
  element.style.width = pos.w * columnWidth - GAP + 'px';
  element.style.height = pos.h * ROW_HEIGHT - GAP + 'px';
  const title = document.createElement('h2');
  title.textContent = panel.title || '';
  element.appendChild(title);
  grid.appendChild(element);
  return element;
}

function say(element, className, text) {
  const p = document.createElement('p');
  p.className = className;
  p.textContent = text;
  element.appendChild(p);
}

async function runTargets(panel, values, timing) {
  const results = [];
  for (const target of panel.targets || []) {
    if (!target.expr || target.hide) {
      continue;
    }
    const query = { expr: target.expr, sent: substitute(target.expr, values, timing), series: 0, points: 0 };
    try {
      const data = await prometheus('query_range',
        { query: query.sent, start: timing.from, end: timing.to, step: timing.step });
      query.result = data.result.map(s => ({
        name: legend(target.legendFormat && substitute(target.legendFormat, values, timing), s.metric),
        metric: s.metric,
        values: s.values.map(([t, v]) => [t, parseFloat(v)]),
      }));
      query.series = query.result.length;
      query.points = query.result.reduce((n, s) => n + s.values.length, 0);
    } catch (e) {
      query.error = e.message;
    }
    results.push(query);
  }
  return results;
}

function lastValue(series) {
  for (let i = series.values.length - 1; i >= 0; i--) {
    if (!Number.isNaN(series.values[i][1])) {
      return series.values[i][1];
    }
  }
  return null;
}

function drawTimeseries(element, series, unit, timing) {
  const times = [];
  for (let t = timing.from; t <= timing.to; t += timing.step) {
    times.push(t);
  }
  const index = new Map(times.map((t, i) => [t, i]));
  const data = [times];
  for (const s of series) {
    const column = new Array(times.length).fill(null);
    for (const [t, v] of s.values) {
      if (index.has(t) && Number.isFinite(v)) {
        column[index.get(t)] = v;
      }
    }
    data.push(column);
  }
  const box = element.getBoundingClientRect();
  const width = box.width - 16;
  const height = box.height - 30;
  const plot = new uPlot({
    width,
    height,
    legend: { show: true, live: false },
    cursor: { show: false },
    scales: { x: { time: true }, y: { range: flatRange } },
    axes: [
      { stroke: '#8e8e8e', grid: { stroke: '#2c3235' }, ticks: { stroke: '#2c3235' } },
      { stroke: '#8e8e8e', grid: { stroke: '#2c3235' }, ticks: { stroke: '#2c3235' }, size: 72,
        values: (u, splits) => splits.map(v => format(v, unit)) },
    ],
    series: [{}].concat(series.map((s, i) => ({
      label: s.name, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: false,
      // Lines only, as Grafana draws them; points where a series has too few values to make a line.
      points: { show: s.values.length < 3 },
      value: (u, v) => format(v, unit),
    }))),
  }, data, element);
  charts.push({ plot, element, width, height });
}

// A value constant throughout is drawn halfway up an axis from 0 (0 itself on 0 to 1), not on uPlot's 0 to 100.
function flatRange(u, min, max) {
  if (min !== max) {
    return uPlot.rangeNum(min, max, 0.1, true);
  }
  return !max ? [0, 1] : max > 0 ? [0, 2 * max] : [2 * max, 0];
}

// The legend goes under the plot, and uPlot's height is the plot's alone: once every panel is laid out, shrink each
// plot by what its legend overflows.
function fitLegends() {
  for (const { plot, element, width, height } of charts) {
    const overflow = Math.ceil(plot.root.getBoundingClientRect().bottom - element.getBoundingClientRect().bottom + 6);
    if (overflow > 0) {
      plot.setSize({ width, height: Math.max(100, height - overflow) });
    }
  }
}

const NAMED_COLORS = { green: '#73bf69', orange: '#ff9830', red: '#f2495c', yellow: '#fade2a', blue: '#5794f2' };

// A threshold's colour where the panel has thresholds (the last step at or under the value), else the series'.
function statColor(value, thresholds, index) {
  if (!thresholds || !thresholds.steps || value === null) {
    return COLORS[index % COLORS.length];
  }
  let color = COLORS[0];
  for (const step of thresholds.steps) {
    if (step.value === null || value >= step.value) {
      color = NAMED_COLORS[step.color] || step.color;
    }
  }
  return color;
}

// textMode as Grafana's: "name" shows the series' name in place of its value.
function drawStats(element, series, unit, options, thresholds) {
  const stats = document.createElement('div');
  stats.className = 'stats';
  const textMode = (options && options.textMode) || 'auto';
  series.forEach((s, i) => {
    const stat = document.createElement('div');
    stat.className = 'stat';
    stat.innerHTML = '<div class="value"></div><div class="label"></div>';
    const value = lastValue(s);
    stat.firstChild.textContent = textMode === 'name' ? s.name : format(value, unit);
    stat.firstChild.style.color = statColor(value, thresholds, i);
    stat.lastChild.textContent = textMode === 'name' || textMode === 'value' || s.name.includes('{') ? '' : s.name;
    stats.appendChild(stat);
  });
  element.appendChild(stats);
}

function drawTable(element, series, unit) {
  const labels = [...new Set(series.flatMap(s => Object.keys(s.metric)))].filter(l => l !== '__name__').sort();
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  labels.concat(['Value']).forEach(l => head.appendChild(document.createElement('th')).textContent = l);
  const body = table.createTBody();
  for (const s of series) {
    const row = body.insertRow();
    labels.forEach(l => row.insertCell().textContent = s.metric[l] || '');
    row.insertCell().textContent = format(lastValue(s), unit);
  }
  element.appendChild(table);
}

function panelsOf(list) {
  return list.flatMap(p => [p].concat(p.panels ? panelsOf(p.panels) : []));
}

async function main() {
  const name = params.get('dashboard');
  const dashboard = await (await fetch('/dashboards/' + encodeURIComponent(name) + '.json')).json();
  const to = Math.floor(Number(params.get('to')) || Date.now() / 1000);
  const from = Math.floor(Number(params.get('from')) || to - 300);
  const scrape = Number(params.get('scrape')) || 15;
  document.title = dashboard.title;
  document.getElementById('title').textContent = dashboard.title;
  document.getElementById('range').textContent = new Date(from * 1000).toISOString() + ' to '
    + new Date(to * 1000).toISOString() + ' · Prometheus, scraped every ' + scrape + ' s';
  const grid = document.getElementById('grid');
  const columnWidth = grid.clientWidth / 24;
  const panels = panelsOf(dashboard.panels || []);
  grid.style.height = Math.max(...panels.map(p => (p.gridPos.y + p.gridPos.h) * ROW_HEIGHT)) + 'px';
  const timing = Object.assign({ from, to }, intervals(from, to, Math.round(columnWidth * 12), scrape));
  report.step = timing.step;
  report.rateInterval = timing.rate;
  const values = await resolveVariables(dashboard, timing);
  for (const panel of panels) {
    const element = place(panel, grid, columnWidth);
    const entry = { title: panel.title, type: panel.type, queries: [] };
    report.panels.push(entry);
    if (panel.type === 'row') {
      continue;
    }
    if (panel.type === 'text') {
      say(element, 'text', (panel.options && panel.options.content) || '');
      continue;
    }
    entry.queries = await runTargets(panel, values, timing);
    const unit = panel.fieldConfig && panel.fieldConfig.defaults && panel.fieldConfig.defaults.unit;
    const series = entry.queries.flatMap(q => q.result || []);
    const errors = entry.queries.filter(q => q.error);
    if (errors.length) {
      say(element, 'error', errors.map(q => q.error).join('; '));
    } else if (!series.length) {
      say(element, 'nodata', 'No data');
    } else if (panel.type === 'timeseries') {
      drawTimeseries(element, series, unit, timing);
    } else if (panel.type === 'table') {
      drawTable(element, series, unit);
    } else {
      drawStats(element, series, unit, panel.options, panel.fieldConfig && panel.fieldConfig.defaults
        && panel.fieldConfig.defaults.thresholds);
    }
    entry.queries.forEach(q => delete q.result);
  }
  await new Promise(resolve => requestAnimationFrame(resolve));
  fitLegends();
  await new Promise(resolve => requestAnimationFrame(resolve));
}

main().catch(e => {
  report.error = String(e && e.stack || e);
  say(document.body, 'error', report.error);
}).finally(() => {
  report.done = true;
});
