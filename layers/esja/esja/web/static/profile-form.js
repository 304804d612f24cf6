// The code search of the forms that name codes (an alert profile, an invitation), quicker where scripts run:
// results as one types, « Ajouter » in place. Without it the form does the same through the server
// (esja/web/code_search.py); this only shortens the way. Text goes into the page as text, never as markup.
(function () {
  "use strict";
  var block = document.querySelector(".code-search[data-codes]");
  if (!block || !window.fetch) return;
  var form = block.closest("form");
  var input = document.getElementById("code_query");
  var codes = document.getElementById(block.getAttribute("data-field"));
  var results = document.getElementById("code-results");
  var search = block.querySelector('button[name="action"][value="chercher"]');
  if (!form || !input || !codes || !results || !search) return;
  var url = block.getAttribute("data-codes");
  // A text area holds a code a line; a one-line field, codes separated by « ; ».
  var separator = codes.tagName === "TEXTAREA" ? "\n" : "; ";
  var asked = 0;
  var timer = null;

  function say(text) {
    var p = document.createElement("p");
    p.textContent = text;
    return p;
  }

  function add(code) {
    var lines = codes.value.split(/[\n;]/).map(function (line) { return line.trim(); });
    if (lines.indexOf(code) < 0) {
      codes.value = lines.filter(function (line) { return line; }).concat([code]).join(separator);
    }
    results.insertBefore(say(block.getAttribute("data-added").replace("{code}", code)), results.firstChild);
  }

  function entry(found) {
    var li = document.createElement("li");
    var title = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = found.code;
    var words = document.createElement("span");
    words.textContent = " " + found.title;
    if (found.lang !== document.documentElement.lang) words.lang = found.lang;
    title.appendChild(strong);
    title.appendChild(words);
    li.appendChild(title);
    if (found.lineage.length > 1) {
      var above = document.createElement("p");
      above.className = "hint";
      above.textContent = found.lineage.slice(0, -1).map(function (a) { return a.code + " " + a.title; }).join(" › ");
      li.appendChild(above);
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = block.getAttribute("data-add").replace("{code}", found.code);
    button.addEventListener("click", function () { add(found.code); });
    li.appendChild(button);
    return li;
  }

  function show(answer) {
    results.textContent = "";
    if (!answer.entries.length) {
      results.appendChild(say(block.getAttribute("data-none")));
      return;
    }
    var list = document.createElement("ul");
    list.className = "cards codes";
    answer.entries.forEach(function (found) { list.appendChild(entry(found)); });
    results.appendChild(list);
  }

  function find(words, orSubmit) {
    var mine = ++asked;
    results.setAttribute("aria-busy", "true");
    fetch(url + "&q=" + encodeURIComponent(words), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || type.indexOf("application/json") !== 0) throw new Error("not the code search");
        return response.json();
      })
      .then(function (answer) { if (mine === asked) show(answer); })
      .catch(function () { if (orSubmit) form.requestSubmit(search); })  // the server's way, which always works
      .then(function () { results.removeAttribute("aria-busy"); });
  }

  search.addEventListener("click", function (event) {
    if (!input.value.trim()) return;  // the server previews: Enter on an empty search
    event.preventDefault();
    find(input.value, true);
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    if (input.value.trim().length < 3) return;
    timer = setTimeout(function () { find(input.value, false); }, 300);
  });
})();
