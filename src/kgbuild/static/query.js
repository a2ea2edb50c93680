// The query page of `kgbuild serve`: an editor (CodeMirror, or the plain textarea without
// it), the saved queries as examples, a results table whose IRIs link to the served
// resource pages, and a bar chart when the last column of every row is a number.
"use strict";

const NUMERIC = /^http:\/\/www\.w3\.org\/2001\/XMLSchema#(integer|decimal|double|float|int|long|short|byte|nonNegativeInteger|positiveInteger|unsignedInt|unsignedLong)$/;
const SVG = "http://www.w3.org/2000/svg";
const base = document.body.dataset.base;
const mount = document.body.dataset.mount;   // empty when the base IRI's resources are no paths
const textarea = document.getElementById("query");
const editor = window.CodeMirror
  ? CodeMirror.fromTextArea(textarea, { mode: "application/sparql-query", lineNumbers: true })
  : null;

function queryText() { return editor ? editor.getValue() : textarea.value; }
function setQueryText(text) { if (editor) editor.setValue(text); else textarea.value = text; }

function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

function setStatus(text, isError = false) {
  const status = document.getElementById("status");
  status.textContent = text;
  status.className = isError ? "error" : "";
}

// Where the server describes an IRI: its served path when under the base, else /resource.
function resourceHref(iri) {
  if (mount && iri.startsWith(base)) {
    return mount + iri.slice(base.length).split("/").map(encodeURIComponent).join("/");
  }
  return "/resource?" + new URLSearchParams({ iri });
}

function cell(value) {
  const td = element("td");
  if (!value) return td;
  if (value.type === "uri") {
    td.append(element("a", value.value, { href: resourceHref(value.value) }));
  } else {
    td.textContent = value.type === "bnode" ? "_:" + value.value : value.value;
  }
  return td;
}

function showTable(columns, bindings) {
  const table = element("table");
  const head = element("tr");
  columns.forEach((name) => head.append(element("th", name)));
  table.append(head);
  for (const binding of bindings) {
    const row = element("tr");
    columns.forEach((name) => row.append(cell(binding[name])));
    table.append(row);
  }
  document.getElementById("results").replaceChildren(table);
}

function isCount(value) {
  return value && value.type === "literal" && NUMERIC.test(value.datatype || "") && isFinite(Number(value.value));
}

function shortName(value) {
  if (!value) return "";
  return value.type === "uri" ? value.value.replace(/^.*[/#]/, "") : value.value;
}

// A horizontal bar per row: the other columns name the bar, the last one is its length.
function showChart(columns, bindings) {
  const chart = document.getElementById("chart");
  const last = columns[columns.length - 1];
  if (columns.length < 2 || bindings.length === 0 || !bindings.every((b) => isCount(b[last]))) {
    chart.replaceChildren();
    return;
  }
  const labelWidth = 320, barWidth = 420, rowHeight = 18;
  const largest = Math.max(...bindings.map((b) => Number(b[last].value)), 1);
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("width", labelWidth + barWidth + 60);
  svg.setAttribute("height", bindings.length * rowHeight + 4);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `${last} per row`);
  bindings.forEach((binding, index) => {
    const name = columns.slice(0, -1).map((c) => shortName(binding[c])).filter(Boolean).join(" · ");
    const count = Number(binding[last].value);
    const y = index * rowHeight;
    const group = document.createElementNS(SVG, "g");
    const title = document.createElementNS(SVG, "title");
    title.textContent = `${name}: ${count}`;
    const label = document.createElementNS(SVG, "text");
    label.setAttribute("x", labelWidth - 6);
    label.setAttribute("y", y + 13);
    label.setAttribute("text-anchor", "end");
    label.textContent = name.length > 52 ? name.slice(0, 51) + "…" : name;
    const bar = document.createElementNS(SVG, "rect");
    bar.setAttribute("x", labelWidth);
    bar.setAttribute("y", y + 2);
    bar.setAttribute("height", rowHeight - 4);
    bar.setAttribute("width", Math.max(1, (count / largest) * barWidth));
    const figure = document.createElementNS(SVG, "text");
    figure.setAttribute("x", labelWidth + (count / largest) * barWidth + 4);
    figure.setAttribute("y", y + 13);
    figure.textContent = String(count);
    group.append(title, label, bar, figure);
    svg.append(group);
  });
  chart.replaceChildren(element("h2", `${last} (chart)`), svg);
}

async function show(response) {
  const type = response.headers.get("content-type") || "";
  const body = await response.text();
  if (!response.ok) {
    setStatus(body.trim() || `error ${response.status}`, true);
    return;
  }
  document.getElementById("chart").replaceChildren();
  if (!type.includes("json")) {   // a CONSTRUCT or DESCRIBE graph
    document.getElementById("results").replaceChildren(element("pre", body));
    setStatus("a graph");
    return;
  }
  const results = JSON.parse(body);
  if ("boolean" in results) {
    document.getElementById("results").replaceChildren(element("p", String(results.boolean)));
    setStatus("yes/no answer");
    return;
  }
  const { vars } = results.head;
  const { bindings } = results.results;
  showTable(vars, bindings);
  showChart(vars, bindings);
  setStatus(`${bindings.length} row${bindings.length === 1 ? "" : "s"}`);
}

async function run(url, options) {
  setStatus("running…");
  try {
    await show(await fetch(url, options));
  } catch (error) {
    setStatus(`the server did not answer: ${error.message}`, true);
  }
}

function runEditor(event) {
  event.preventDefault();
  run("/sparql", {
    method: "POST",
    headers: { "Content-Type": "application/sparql-query",
               Accept: "application/sparql-results+json, text/turtle;q=0.9" },
    body: queryText(),
  });
}

function exampleItem(entry) {
  const item = element("li");
  const form = element("form", undefined, { "data-query": entry.name });
  form.append(element("strong", entry.title), " ", element("code", entry.name),
              element("p", entry.description, { class: "description" }));
  for (const parameter of entry.parameters) {
    const label = element("label", `${parameter.name} (${parameter.type}) `, { title: parameter.description });
    label.append(element("input", undefined, { name: parameter.name, value: parameter.default }));
    form.append(label);
  }
  form.append(element("button", "run", { type: "submit" }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams(new FormData(form));
    params.set("format", "json");
    setQueryText(entry.sparql);
    run(`/queries/${encodeURIComponent(entry.name)}?${params}`, {});
  });
  item.append(form);
  return item;
}

async function loadExamples() {
  const list = document.getElementById("example-list");
  try {
    const response = await fetch("/queries", { headers: { Accept: "application/json" } });
    const entries = await response.json();
    list.replaceChildren(...entries.map(exampleItem));
  } catch (error) {
    list.replaceChildren(element("li", `the saved queries could not be loaded: ${error.message}`));
  }
}

document.getElementById("query-form").addEventListener("submit", runEditor);
loadExamples();
