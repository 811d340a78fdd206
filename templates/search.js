// The search box of every page. Served over http(s), it searches the full
// text with pagefind's index (pagefind/pagefind.js, written by the build,
// and the bundles pagefind/cxreport-merged.json lists, merged into it).
// Opened from disk, where browsers refuse to import modules or fetch files,
// it searches the pages' titles in static/search-titles.js instead, and says
// so. The site's root comes from the form's data-root, so the script works
// at any depth and under any sub-path.
//
// Keys: typing searches; Down from the box goes to the results, Up and Down
// move among them, Up from the first goes back to the box, Enter follows a
// result, Escape goes back to the box and clears it. The status line is a
// polite live region: it tells how many pages match. The form is hidden
// until this script runs, since it needs it.
(function () {
  "use strict";
  var form = document.querySelector(".site-search");
  if (!form) return;
  var input = form.querySelector("input");
  var status = form.querySelector(".site-search-status");
  var note = form.querySelector(".site-search-note");
  var list = form.querySelector(".site-search-results");
  var root = new URL(form.getAttribute("data-root") || "/", document.baseURI).href;
  var SHOWN = 10;
  var fullText = null; // the pagefind module, once loaded
  var engine = null; // a promise of "full" or "titles"
  var latest = 0; // the number of the latest query, so an older answer is dropped

  form.hidden = false;

  function loadTitles() {
    return new Promise(function (resolve) {
      if (window.cxreportTitles) return resolve("titles");
      var s = document.createElement("script");
      s.src = root + "static/search-titles.js";
      s.onload = s.onerror = function () { resolve("titles"); };
      document.head.appendChild(s);
    });
  }

  // Which search this page can run, decided on the first query: from disk
  // the import would only fail (with an error in the console), so it is
  // not tried.
  function start() {
    if (engine) return engine;
    if (location.protocol === "file:") {
      engine = loadTitles();
    } else {
      // Several indexes (docs/search.md): the home and content pages', with
      // pagefind itself, and those cxreport-merged.json lists (the pages of
      // figures', the second half of many content pages), merged into it.
      engine = import(root + "pagefind/pagefind.js")
        .then(function (module) {
          return module.options({ basePath: root + "pagefind/" })
            .then(function () { return fetch(root + "pagefind/cxreport-merged.json"); })
            .then(function (response) {
              if (!response.ok) throw new Error("no list of indexes");
              return response.json();
            })
            .then(function (merged) {
              return merged.reduce(function (done, dir) {
                return done.then(function () { return module.mergeIndex(root + "pagefind/" + dir); });
              }, Promise.resolve());
            })
            .then(function () {
              fullText = module;
              return "full";
            });
        })
        .catch(function () { return loadTitles(); });
    }
    return engine.then(function (kind) {
      note.hidden = kind === "full";
      return kind;
    });
  }

  function say(count) {
    var text;
    if (count === 0) text = form.getAttribute("data-none");
    else if (count === 1) text = form.getAttribute("data-one");
    else text = form.getAttribute("data-many").replace("{count}", String(count));
    if (count > SHOWN) text += " " + form.getAttribute("data-more").replace("{count}", String(SHOWN));
    status.textContent = text;
  }

  // Text folded for comparison: lower case, accents dropped, so that
  // "satisfaccion" finds "Satisfacción".
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function byTitle(query) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    var titles = window.cxreportTitles || [];
    return titles
      .filter(function (page) {
        var title = fold(page.t);
        return words.every(function (w) { return title.indexOf(w) !== -1; });
      })
      .map(function (page) { return { title: page.t, path: page.p, excerpt: "" }; });
  }

  // pagefind's excerpt is HTML with <mark> around the words found. It is
  // parsed in an inert document and only its text and marks are kept, so
  // nothing from the index can add markup to the page.
  function excerptNodes(html) {
    var doc = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    var out = document.createDocumentFragment();
    doc.body.firstChild.childNodes.forEach(function (n) {
      if (n.nodeName === "MARK") {
        var m = document.createElement("mark");
        m.textContent = n.textContent;
        out.appendChild(m);
      } else {
        out.appendChild(document.createTextNode(n.textContent));
      }
    });
    return out;
  }

  function show(results) {
    list.textContent = "";
    results.slice(0, SHOWN).forEach(function (r) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + r.path;
      a.textContent = r.title;
      li.appendChild(a);
      if (r.excerpt) {
        var p = document.createElement("p");
        p.className = "site-search-excerpt";
        p.appendChild(excerptNodes(r.excerpt));
        li.appendChild(p);
      }
      list.appendChild(li);
    });
  }

  function run() {
    var query = input.value.trim();
    var mine = ++latest;
    if (!query) {
      list.textContent = "";
      status.textContent = "";
      return;
    }
    start().then(function (kind) {
      if (kind !== "full") return byTitle(query);
      return fullText.debouncedSearch(query, {}, 150).then(function (search) {
        if (!search || mine !== latest) return null;
        form.setAttribute("data-found", String(search.results.length));
        return Promise.all(
          search.results.slice(0, SHOWN).map(function (r) { return r.data(); })
        ).then(function (pages) {
          var found = pages.map(function (d) {
            return {
              title: (d.meta && d.meta.title) || d.raw_url,
              // Stored as /kpis/sla/index.html: made relative to the root.
              path: (d.raw_url || "").replace(/^\//, ""),
              excerpt: d.excerpt
            };
          });
          found.total = search.results.length;
          return found;
        });
      });
    }).then(function (found) {
      if (!found || mine !== latest) return;
      show(found);
      say(found.total === undefined ? found.length : found.total);
    });
  }

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll("a"));
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var first = links()[0];
    if (first) first.focus();
  });
  input.addEventListener("input", run);
  input.addEventListener("focus", function () { start(); });
  form.addEventListener("keydown", function (e) {
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (e.key === "ArrowDown") {
      if (all.length) all[Math.min(at + 1, all.length - 1)].focus();
      e.preventDefault();
    } else if (e.key === "ArrowUp" && at >= 0) {
      if (at === 0) input.focus();
      else all[at - 1].focus();
      e.preventDefault();
    } else if (e.key === "Escape") {
      input.value = "";
      run();
      input.focus();
      e.preventDefault();
    }
  });
})();
