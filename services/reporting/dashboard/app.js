// The dashboard reads the reporting API with the user's bearer token. Money arrives in
// integer cents and is formatted with integer arithmetic only.
"use strict";

const STAGES = {
  proposed: "Vorgeschlagen", priority_checked: "Vorrangigkeit geprüft",
  referred_elsewhere: "Anderes Programm vorrangig", endorsed: "Befürwortet",
  rejected: "Von der Steuerungsgruppe abgelehnt", submitted: "Antrag gestellt",
  approved: "Bewilligt", refused: "Bewilligung versagt",
  proof_accepted: "Verwendungsnachweis geprüft", closed: "Abgeschlossen", withdrawn: "Zurückgezogen",
};
const EVENTS = {
  ProjectProposed: "Vorgeschlagen", PriorityCheckRecorded: "Vorrangigkeitsprüfung",
  ProjectEndorsed: "Von der Steuerungsgruppe befürwortet", ProjectRejected: "Von der Steuerungsgruppe abgelehnt",
  ApplicationSubmitted: "Antrag bei der NBank gestellt", FundsCommitted: "Bewilligt",
  GrantRefused: "Bewilligung versagt", PaymentRequested: "Mittelabruf", FundsDisbursed: "Ausgezahlt",
  ProofOfUseAccepted: "Verwendungsnachweis geprüft", FundsReleased: "Mittel freigegeben",
  ProjectClosed: "Abgeschlossen", ProjectWithdrawn: "Zurückgezogen", FundsRecovered: "Zurückgefordert",
};
const state = { asOf: "", token: sessionStorage.getItem("zr-token") || "" };

function euro(cents) {
  const negative = cents < 0;
  const digits = String(Math.abs(cents)).padStart(3, "0");
  const whole = digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return (negative ? "−" : "") + whole + "," + digits.slice(-2) + " €";
}

class ApiDown extends Error {}
class NotAllowed extends Error {}

async function api(path, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v));
  let response;
  try {
    response = await fetch(path + (query.size ? "?" + query : ""), {
      headers: { Authorization: "Bearer " + state.token },
    });
  } catch (e) {
    throw new ApiDown("keine Verbindung");
  }
  if (response.status === 401) throw new NotAllowed("Anmeldung erforderlich");
  if (response.status === 403) throw new NotAllowed("keine Berechtigung");
  if (!response.ok) throw new ApiDown("Antwort " + response.status);
  return response.json();
}

function showError(text) {
  const box = document.getElementById("fehler");
  box.textContent = text;
  box.style.display = text ? "block" : "none";
}

function setKpi(id, cents) {
  const el = document.getElementById(id);
  el.textContent = cents === null || cents === undefined ? "–" : euro(cents);
  el.dataset.cents = cents === null || cents === undefined ? "" : String(cents);
}

async function load() {
  if (!state.token) {
    document.getElementById("anmeldung").style.display = "block";
    return;
  }
  try {
    const [overview, regions, days] = await Promise.all([
      api("/overview", { as_of: state.asOf }),
      api("/regions"),
      api("/timeline", { as_of: state.asOf }),
    ]);
    showError("");
    document.getElementById("stand-anzeige").textContent =
      "Stand: " + (state.asOf ? new Date(state.asOf).toLocaleDateString("de-DE") : "aktuell");
    setKpi("kpi-envelope", overview.envelope_cents);
    for (const k of ["allocated", "committed", "disbursed", "available", "open_claims"]) {
      setKpi("kpi-" + k, overview.totals[k + "_cents"]);
    }
    setKpi("kpi-regional_management", overview.regional_management.eu_cents);
    drawRegions(overview, regions);
    drawTimeline(days);
    fillRegionFilter(regions);
    await loadProjects();
  } catch (e) {
    if (e instanceof NotAllowed) {
      showError("Zugriff verweigert: " + e.message + ". Bitte mit einem gültigen Token anmelden.");
      document.getElementById("anmeldung").style.display = "block";
    } else {
      showError("Die Berichts-API ist nicht erreichbar (" + e.message + "). "
        + "Die angezeigten Zahlen sind nicht aktuell; bitte später erneut versuchen.");
    }
  }
}

function drawRegions(overview, regions) {
  const names = Object.fromEntries(regions.map((r) => [r.region_id, r.name]));
  const ids = Object.keys(overview.by_region);
  const million = (k) => ids.map((id) => overview.by_region[id][k] / 1e8);
  const bar = (k, name, color) => ({ type: "bar", name, x: ids.map((id) => names[id] || id), y: million(k), marker: { color } });
  Plotly.react("chart-regionen", [
    bar("allocated_cents", "Zugewiesen", "#9db7d5"),
    bar("committed_cents", "Bewilligt", "#003064"),
    bar("disbursed_cents", "Ausgezahlt", "#d9822b"),
  ], { barmode: "group", yaxis: { title: { text: "Mio. €" } }, margin: { t: 10 }, legend: { orientation: "h" } },
  { displayModeBar: false, responsive: true });
}

function drawTimeline(days) {
  const x = days.map((d) => d.day);
  const xaxis = { type: "date", tickformat: "%d.%m.%Y" };
  if (days.length === 1) {  // one day of data: show the weeks around it, not milliseconds
    const day = new Date(days[0].day);
    xaxis.range = [new Date(day - 14 * 864e5), new Date(+day + 14 * 864e5)];
  }
  Plotly.react("chart-zeit", [
    { type: "scatter", mode: "lines+markers", name: "Bewilligt (netto)", x, y: days.map((d) => d.committed_cents / 1e8), line: { color: "#003064" } },
    { type: "scatter", mode: "lines+markers", name: "Ausgezahlt (netto)", x, y: days.map((d) => d.disbursed_cents / 1e8), line: { color: "#d9822b" } },
  ], { xaxis, yaxis: { title: { text: "Mio. €" }, rangemode: "tozero" }, margin: { t: 10 }, legend: { orientation: "h" } },
  { displayModeBar: false, responsive: true });
}

function fillRegionFilter(regions) {
  const select = document.getElementById("f-region");
  if (select.options.length > 1) return;
  for (const r of regions) select.add(new Option(r.name, r.region_id));
  const stages = document.getElementById("f-stage");
  for (const [key, label] of Object.entries(STAGES)) stages.add(new Option(label, key));
}

async function loadProjects() {
  const filters = {
    region_id: document.getElementById("f-region").value,
    stage: document.getElementById("f-stage").value,
    fund: document.getElementById("f-fund").value,
    handlungsfeld: document.getElementById("f-hf").value,
    as_of: state.asOf,
  };
  const body = document.querySelector("#vorhaben tbody");
  let projects;
  try {
    projects = await api("/projects", filters);
  } catch (e) {
    body.innerHTML = "";
    const row = body.insertRow();
    row.insertCell().textContent = e instanceof NotAllowed
      ? "Die Vorhabenliste ist für diese Rolle nicht freigegeben." : "Vorhaben nicht abrufbar.";
    return;
  }
  body.innerHTML = "";
  for (const p of projects) {
    const row = body.insertRow();
    row.dataset.projectId = p.project_id;
    for (const text of [p.operation_code, p.title, p.region_id, p.fund, p.handlungsfeld, STAGES[p.stage] || p.stage]) {
      row.insertCell().textContent = text;
    }
    for (const cents of [p.committed_cents - p.released_cents - p.recovered_cents, p.disbursed_cents - p.recovered_cents]) {
      const cell = row.insertCell();
      cell.className = "num";
      cell.textContent = euro(cents);
    }
    const link = document.createElement("a");
    link.href = "#verlauf";
    link.textContent = "Verlauf";
    link.addEventListener("click", () => showHistory(p));
    row.insertCell().append(link);
  }
}

async function showHistory(project) {
  const section = document.getElementById("verlauf");
  const list = section.querySelector("ol");
  section.hidden = false;
  document.getElementById("verlauf-titel").textContent = project.operation_code + " – " + project.title;
  list.innerHTML = "";
  try {
    const events = await api("/audit/events", { aggregate_id: project.project_id });
    for (const e of events) {
      const name = e.type.split(".").slice(-2)[0];
      const item = document.createElement("li");
      const when = new Date(e.time).toLocaleString("de-DE");
      const money = e.data.amount_cents !== undefined ? " – " + euro(e.data.amount_cents) : "";
      item.innerHTML = '<div class="zeit"></div><div class="was"></div>';
      item.querySelector(".zeit").textContent = when + " · " + (e.actor_organisation || e.actor_role || "") + (e.actor_subject ? " (" + e.actor_subject + ")" : "");
      item.querySelector(".was").textContent = (EVENTS[name] || name) + money + (e.data.note ? " (" + e.data.note + ")" : "");
      list.append(item);
    }
  } catch (e) {
    const item = document.createElement("li");
    item.textContent = e instanceof NotAllowed
      ? "Der Verlauf ist nur für Ministerium, NBank und Prüfbehörden einsehbar." : "Verlauf nicht abrufbar.";
    list.append(item);
  }
}

function init() {
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get("token")) {
    state.token = hash.get("token");
    sessionStorage.setItem("zr-token", state.token);
    history.replaceState(null, "", location.pathname + location.search);
  }
  document.getElementById("stand").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const day = document.getElementById("stichtag").value;
    state.asOf = day || "";
    load();
  });
  document.getElementById("heute").addEventListener("click", () => {
    document.getElementById("stichtag").value = "";
    state.asOf = "";
    load();
  });
  document.getElementById("anmeldung").addEventListener("submit", (ev) => {
    ev.preventDefault();
    state.token = document.getElementById("token").value.trim();
    sessionStorage.setItem("zr-token", state.token);
    document.getElementById("anmeldung").style.display = "none";
    load();
  });
  for (const id of ["f-region", "f-stage", "f-fund", "f-hf"]) {
    document.getElementById(id).addEventListener("change", loadProjects);
  }
  load();
}

init();
