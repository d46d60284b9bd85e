// The dashboard's page: #/ is the overview, #/exp/FOLDER an experiment (and, for a search, its trials, live).
"use strict";

const view = document.getElementById("view");
let poll = null;

function esc(s) {
  return String(s ?? "—").replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]));
}
function num(v, digits = 4) {
  return typeof v === "number" && isFinite(v) ? v.toFixed(digits) : "—";
}
function text(v) {
  return v === null || v === undefined ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v);
}
async function getJson(url) {
  const r = await fetch(url, {cache: "no-store"});
  if (!r.ok) throw new Error(url + ": " + r.status);
  return r.json();
}

async function overview() {
  const o = await getJson("/api/overview");
  const VERDICTS = o.verdicts;
  let html = "<h2>Scoreboard</h2><table id='scoreboard'><tr><th>report</th>"
      + VERDICTS.map(v => `<th>${v}</th>`).join("") + "</tr>";
  for (const [report, counts] of Object.entries(o.reports)) {
    html += `<tr data-report="${esc(report)}"><td>${esc(report)}</td>`
        + VERDICTS.map(v => `<td class="num ${v === "n/a" ? "" : v}">${counts[v] ?? 0}</td>`).join("") + "</tr>";
  }
  html += "</table><h2>Experiments</h2><table id='experiments'><tr><th>id</th><th>catalogue</th><th>title</th>"
      + "<th>status</th>" + VERDICTS.map(v => `<th>${v}</th>`).join("") + "</tr>";
  for (const e of o.experiments) {
    const trials = e.trials_planned ? ` (${e.trials_recorded} of ${e.trials_planned} trials)` : "";
    html += `<tr data-id="${esc(e.id)}"><td><a href="#/exp/${encodeURI(e.folder)}">${esc(e.id)}</a></td>`
        + `<td>${esc(e.catalogue)}</td><td>${esc(e.title)}</td><td>${esc(e.status)}${trials}</td>`
        + VERDICTS.map(v => `<td class="num">${e.verdicts[v] ?? 0}</td>`).join("") + "</tr>";
  }
  view.innerHTML = html + "</table>";
}

async function experiment(folder) {
  let summary = null;
  try {
    summary = await getJson(`/results/${folder}/summary.json`);
  } catch (e) {
    // a search whose first trials are still running has no summary yet: its trials show all the same
  }
  let html = `<h2>${esc(folder)}</h2><p class="muted"><a href="/results/${folder}/table.md">table.md</a> · `
      + `<a href="/results/${folder}/summary.json">summary.json</a></p>`;
  if (summary) {
    html += "<h3>Headline figures</h3><table id='figures'><tr><th>figure</th><th>report</th><th>reproduced</th>"
        + "<th>tolerance</th><th>verdict</th></tr>";
    for (const f of summary.figures ?? []) {
      html += `<tr><td>${esc(f.name)}</td><td class="num">${num(f.report)}</td><td class="num">${num(f.reproduced)}</td>`
          + `<td class="num">${f.tolerance == null ? "" : "± " + num(f.tolerance)}</td>`
          + `<td class="${esc(f.verdict)}">${esc(f.verdict)}</td></tr>`;
    }
    html += "</table>";
    for (const edge of summary.edge_of_search_space ?? []) html += `<p class="MISS">Edge of the searched space: ${esc(edge)}</p>`;
  }
  html += "<div id='search'></div><h3>Pictures</h3><div id='pictures'></div>";
  if (summary && summary.provenance) html += "<h3>Provenance</h3><pre id='provenance'>"
      + esc(JSON.stringify(provenanceOf(summary.provenance), null, 2)) + "</pre>";
  view.innerHTML = html;
  const pictures = await getJson(`/api/pictures?folder=${encodeURIComponent(folder)}`);
  document.getElementById("pictures").innerHTML =
      pictures.map(p => `<a href="/results/${folder}/${p}"><img src="/results/${folder}/${p}" alt="${esc(p)}"></a>`).join("");
  if (!summary || summary.trials_planned !== undefined) await search(folder);
}

function provenanceOf(p) {
  const software = p.software ?? [];
  return {code: software, substitutions: p.substitutions, data: p.data, backend: p.backend};
}

// A search's trials: sortable, filterable, and growing while the search runs.
async function search(folder) {
  const state = {trials: [], planned: 0, sortKey: "valAcc", descending: true, filter: "", selected: null};
  const box = document.getElementById("search");
  box.innerHTML = "<h3>Trials</h3><p id='progress'></p><input id='filter' placeholder='filter (e.g. lr=0.001, diverged)' "
      + "size='40'><table id='trials'></table><canvas id='curves'></canvas>";
  document.getElementById("filter").addEventListener("input", e => { state.filter = e.target.value.trim(); render(state); });
  const more = async () => {
    const t = await getJson(`/api/trials?folder=${encodeURIComponent(folder)}&from=${state.trials.length}`);
    state.planned = t.planned;
    if (t.trials.length > 0 || state.trials.length === 0) {
      state.trials.push(...t.trials);
      render(state);
    }
  };
  await more();
  poll = setInterval(more, 1500);
}

function keys(state) {
  const settings = new Set();
  for (const t of state.trials) Object.keys(t.settings ?? {}).forEach(k => settings.add(k));
  return [...settings];
}

function value(t, key) {
  if (key in (t.metrics ?? {})) return t.metrics[key];
  if (key === "status" || key === "index" || key === "wall_s" || key === "seed") return t[key];
  return text((t.settings ?? {})[key]);
}

function render(state) {
  const settings = keys(state);
  const metrics = ["trainAcc", "valAcc", "testAcc", "trainLoss", "valLoss"];
  const done = state.trials.length, left = state.planned - done;
  const started = state.trials.map(t => Date.parse(t.started)).filter(isFinite);
  let eta = "";
  if (left > 0 && started.length > 1) {
    const span = (Date.now() - Math.min(...started)) / 1000;
    eta = `, ETA ${Math.round(span / done * left / 60)} min`;
  }
  const counts = {};
  state.trials.forEach(t => counts[t.status] = (counts[t.status] ?? 0) + 1);
  document.getElementById("progress").textContent = `trial ${done} of ${state.planned}${eta} · `
      + Object.entries(counts).map(([s, n]) => `${n} ${s}`).join(", ");
  const shown = state.trials.filter(t => !state.filter || state.filter.split(/\s*,\s*/).every(f => {
    const [k, v] = f.split("=");
    return v === undefined ? t.status === f || JSON.stringify(t.settings).includes(f) : text((t.settings ?? {})[k]) === v;
  }));
  const dir = state.descending ? -1 : 1;
  shown.sort((a, b) => {
    const x = value(a, state.sortKey), y = value(b, state.sortKey);
    const fx = typeof x === "number" && isFinite(x), fy = typeof y === "number" && isFinite(y);
    if (fx !== fy) return fx ? -1 : 1;  // trials without the figure (diverged, failed) last either way
    if (fx) return (x - y) * dir || a.index - b.index;
    return String(x).localeCompare(String(y)) * dir || a.index - b.index;
  });
  const columns = ["index", ...settings, "seed", ...metrics, "wall_s", "status"];
  let html = "<tr>" + columns.map(c => `<th class="sortable" data-key="${esc(c)}">${esc(c)}`
      + (c === state.sortKey ? (state.descending ? " ▼" : " ▲") : "") + "</th>").join("") + "</tr>";
  for (const t of shown) {
    html += `<tr data-trial="${esc(t.id)}" class="${t.id === state.selected ? "selected" : ""}">`
        + columns.map(c => {
          const v = value(t, c);
          if (c === "status") return `<td class="${esc(v)}" title="${esc(t.failure ?? "")}">${esc(v)}</td>`;
          const shown = metrics.includes(c) ? num(v) : c === "wall_s" ? num(v, 1) : v;
          return typeof v === "number" ? `<td class="num">${shown}</td>` : `<td>${esc(v)}</td>`;
        }).join("") + "</tr>";
  }
  const table = document.getElementById("trials");
  table.innerHTML = html;
  table.querySelectorAll("th").forEach(th => th.addEventListener("click", () => {
    const key = th.dataset.key;
    state.descending = key === state.sortKey ? !state.descending : true;
    state.sortKey = key;
    render(state);
  }));
  table.querySelectorAll("tr[data-trial]").forEach(tr => tr.addEventListener("click", () => {
    state.selected = tr.dataset.trial;
    render(state);
    curves(state.trials.find(t => t.id === state.selected));
  }));
}

let chart = null;
function curves(trial) {
  if (!trial || typeof Chart === "undefined") return;
  const points = trial.curve ?? [];
  const series = (key, label, axis) => ({label, yAxisID: axis, data: points.map(p => ({x: p.step, y: p[key]}))});
  if (chart) chart.destroy();
  chart = new Chart(document.getElementById("curves"), {
    type: "line",
    data: {datasets: [series("trainLoss", "train loss", "loss"), series("valLoss", "val loss", "loss"),
      series("trainAcc", "train acc", "acc"), series("valAcc", "val acc", "acc")]},
    options: {animation: false, parsing: false, scales: {x: {type: "linear", title: {display: true, text: "step"}},
      loss: {position: "left"}, acc: {position: "right", min: 0, max: 1}},
      plugins: {title: {display: true, text: `trial ${trial.index} ${JSON.stringify(trial.settings)}`}}}
  });
}

async function route() {
  if (poll) clearInterval(poll);
  poll = null;
  const hash = location.hash || "#/";
  try {
    if (hash.startsWith("#/exp/")) await experiment(decodeURI(hash.substring("#/exp/".length)));
    else await overview();
  } catch (e) {
    view.textContent = "Could not load: " + e.message;
  }
}
window.addEventListener("hashchange", route);
route();
