// The coordinator's web page: reads the REST API every second and redraws. No framework, no build.
"use strict";
const REFRESH_MILLIS = 1000;
const previous = new Map(); // "pipeline/stage" -> {rowsIn, rowsOut, at}
let cluster = { flightPort: 8816 };

function headers() {
  const token = localStorage.getItem("skein-token");
  return token ? { Authorization: "Bearer " + token } : {};
}

async function api(path) {
  const response = await fetch(path, { headers: headers() });
  if (response.status === 401) {
    document.getElementById("login").hidden = false;
    throw new Error("the coordinator asks for a token");
  }
  if (!response.ok) throw new Error(path + " answered " + response.status);
  return response.json();
}

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
  for (const child of children) node.append(child instanceof Node ? child : String(child));
  return node;
}

function number(n) {
  return Math.round(n).toLocaleString("en-US");
}

function bytes(n) {
  if (n === undefined || n === null) return "?";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return n.toFixed(i === 0 ? 0 : 1) + " " + units[i];
}

/** rows/s since the previous poll of the same stage */
function rates(pipeline, stage, now) {
  const key = pipeline.name + "/" + stage.name;
  const last = previous.get(key);
  previous.set(key, { rowsIn: stage.rowsIn, rowsOut: stage.rowsOut, at: now });
  if (!last || now <= last.at) return { in: 0, out: 0 };
  const seconds = (now - last.at) / 1000;
  return { in: (stage.rowsIn - last.rowsIn) / seconds, out: (stage.rowsOut - last.rowsOut) / seconds };
}

function tapSnippets(pipeline, stage) {
  const host = location.hostname;
  const port = cluster.flightPort;
  const cli = `skein tap ${pipeline}/${stage} --coordinator-flight ${host}:${port} --limit 20 --format csv`;
  const python = `import pyarrow.flight as fl
info = fl.connect("grpc+tcp://${host}:${port}").get_flight_info(fl.FlightDescriptor.for_path("${pipeline}", "${stage}"))
for endpoint in info.endpoints:
    print(fl.connect(endpoint.locations[0]).do_get(endpoint.ticket).read_all().to_pandas())`;
  const java = `try (BufferAllocator allocator = new RootAllocator();
     FlightClient coordinator = FlightClient.builder(allocator, Location.forGrpcInsecure("${host}", ${port})).build()) {
    FlightInfo info = coordinator.getInfo(FlightDescriptor.path("${pipeline}", "${stage}"));
    for (FlightEndpoint endpoint : info.getEndpoints()) {
        try (FlightClient worker = FlightClient.builder(allocator, endpoint.getLocations().get(0)).build();
             FlightStream stream = worker.getStream(endpoint.getTicket())) {
            while (stream.next()) System.out.println(stream.getRoot().contentToTSVString());
        }
    }
}`;
  return el("details", { class: "tap" }, el("summary", {}, "tap " + stage),
      el("div", {}, "CLI"), el("pre", { class: "tap-cli" }, cli),
      el("div", {}, "Python (pyarrow)"), el("pre", { class: "tap-python" }, python),
      el("div", {}, "Java (Arrow Flight)"), el("pre", { class: "tap-java" }, java),
      el("div", {}, "SQL: not yet (Flight SQL is not built)"));
}

function pipelineBox(pipeline, now, open) {
  const box = el("div", { class: "pipeline", "data-pipeline": pipeline.name });
  box.append(el("div", {}, el("b", {}, pipeline.name), " ",
      el("span", { class: "state " + pipeline.state }, pipeline.state),
      `  epoch ${pipeline.epoch}, ${number(pipeline.sourceRows)} source rows, ${(pipeline.elapsedMillis / 1000).toFixed(1)} s`));
  const table = el("table", {}, el("tr", {}, ...["stage", "tasks", "rows in", "rows out", "rows/s in", "rows/s out",
      "senders waited", "time sending", "workers", ""].map(h => el("th", {}, h))));
  for (const stage of pipeline.stages) {
    const rate = rates(pipeline, stage, now);
    const blocked = n => n === undefined ? "?" : (n / 1e9).toFixed(1) + " s";
    const snippet = tapSnippets(pipeline.name, stage.name);
    if (open.has(pipeline.name + "/" + stage.name)) snippet.open = true;
    table.append(el("tr", { class: "stage", "data-stage": stage.name },
        el("td", {}, stage.name), el("td", { class: "num" }, stage.tasks),
        el("td", { class: "num rows-in" }, number(stage.rowsIn)), el("td", { class: "num rows-out" }, number(stage.rowsOut)),
        el("td", { class: "num rate-in" }, number(rate.in)), el("td", { class: "num rate-out" }, number(rate.out)),
        el("td", { class: "num" }, blocked(stage.inboxBlockedNanos)), el("td", { class: "num" }, blocked(stage.sendNanos)),
        el("td", {}, [...new Set(stage.workers)].join(", ")), el("td", {}, snippet)));
  }
  box.append(table);
  return box;
}

function workersTable(workers) {
  const table = el("table", {}, el("tr", {}, ...["worker", "Flight", "cores", "tasks", "heap", "Arrow", "metrics"]
      .map(h => el("th", {}, h))));
  for (const w of workers) {
    const metrics = w.metricsUrl ? el("a", { href: w.metricsUrl }, "/metrics") : "";
    table.append(el("tr", { class: "worker" }, el("td", {}, w.id), el("td", {}, w.address), el("td", { class: "num" }, w.cores),
        el("td", { class: "num" }, w.tasks), el("td", { class: "num" }, bytes(w.heapUsedBytes)),
        el("td", { class: "num" }, bytes(w.arrowBytes)), el("td", {}, metrics)));
  }
  return table;
}

function failures(pipelines) {
  const rows = [];
  for (const p of pipelines) {
    for (const a of p.attempts || []) {
      if (a.cause) rows.push({ at: a.endedAtMillis || 0, text: `${p.name} epoch ${a.epoch}: ${a.cause}` });
    }
    if (p.failure && p.state === "FAILED") rows.push({ at: p.submittedAtMillis + p.elapsedMillis, text: `${p.name}: ${p.failure}` });
  }
  rows.sort((a, b) => b.at - a.at);
  if (rows.length === 0) return "none";
  return el("ul", {}, ...rows.slice(0, 10).map(r => el("li", {}, (r.at ? new Date(r.at).toLocaleTimeString() + " " : "") + r.text)));
}

async function refresh() {
  try {
    const [pipelines, workers] = await Promise.all([api("api/v1/pipelines"), api("api/v1/workers")]);
    const now = Date.now();
    const open = new Set([...document.querySelectorAll("details.tap[open]")]
        .map(d => d.closest(".pipeline").dataset.pipeline + "/" + d.closest("tr").dataset.stage));
    const list = document.getElementById("pipelines");
    list.replaceChildren(...(pipelines.length ? pipelines.map(p => pipelineBox(p, now, open)) : ["no pipelines"]));
    document.getElementById("workers").replaceChildren(workers.length ? workersTable(workers) : "no live workers");
    document.getElementById("failures").replaceChildren(failures(pipelines));
    document.getElementById("updated").textContent = "updated " + new Date(now).toLocaleTimeString();
    document.getElementById("error").textContent = "";
  } catch (e) {
    document.getElementById("error").textContent = e.message;
  }
}

document.getElementById("use-token").addEventListener("click", () => {
  localStorage.setItem("skein-token", document.getElementById("token").value.trim());
  document.getElementById("login").hidden = true;
  refresh();
});
api("api/v1/cluster").then(c => { cluster = c; }).catch(() => {});
refresh();
setInterval(refresh, REFRESH_MILLIS);
