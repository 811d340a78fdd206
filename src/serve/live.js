// Added by `cxreport serve` to the pages it serves, never to a built site.
// Listens to the server's events: reloads the page when a rebuild changed it
// (or the styles and scripts every page uses), and shows the plan's problems
// over the page while a build fails. The problems are text, never markup.
(() => {
  "use strict";
  const me = document.currentScript;
  const server = me.dataset.server;
  let generation = Number(me.dataset.generation);
  // Decoded, as the server names what changed.
  const here = (() => {
    try {
      return decodeURI(location.pathname).replace(/index\.html$/, "");
    } catch {
      return location.pathname;
    }
  })();

  const affects = (changed) =>
    changed === null || changed.some((url) => url === here || /\.(css|js)$/.test(url));

  function show(update) {
    const old = document.getElementById("cxreport-problems");
    if (old) old.remove();
    if (update.problems.length === 0) return;
    const box = document.createElement("div");
    box.id = "cxreport-problems";
    box.setAttribute("role", "alert");
    const title = document.createElement("p");
    title.className = "title";
    title.textContent = update.title;
    const list = document.createElement("ol");
    for (const p of update.problems) {
      const item = document.createElement("li");
      if (p.place) {
        const place = document.createElement("span");
        place.className = "place";
        place.textContent = p.place;
        item.append(place, " ");
      }
      const severity = document.createElement("span");
      severity.className = p.severity;
      severity.textContent = p.severity + ":";
      item.append(severity, " " + p.message);
      list.append(item);
    }
    box.append(title, list);
    document.body.append(box);
  }

  const events = new EventSource("/__cxreport/events");
  events.onmessage = (message) => {
    const update = JSON.parse(message.data);
    // A new run of `cxreport serve`: this page may be out of date.
    if (update.server !== server) return location.reload();
    const fresh = update.generation > generation;
    generation = update.generation;
    // A failed build changes no file, so this reloads only into a good one;
    // the server draws any problems on the reloaded page itself.
    if (fresh && affects(update.changed)) return location.reload();
    show(update);
  };
})();
