/* feedgen-app embed.js: the newest headlines of this site on any page. No dependencies.
   <script src=".../embed.js"></script> renders where it stands; <feedgen-feed limit="5"
   summary theme="dark"></feedgen-feed> anywhere. Feed text goes in as text, never as HTML. */
(function () {
  "use strict";
  var me = document.currentScript;
  var FEED = new URL("feed.json", (me && me.src) || location.href).href;
  var MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
    "September", "Oktober", "November", "Dezember"];
  var CSS = ":host{display:block;--fg:#1b1b1b;--muted:#57544f;--link:#0a4fa3;--rule:#dcd8cf;" +
    "--bg:transparent;font:1rem/1.4 system-ui,sans-serif;color:var(--fg)}" +
    ":host([theme=dark]){--fg:#e9e7e2;--muted:#b4b0a7;--link:#8cb8ff;--rule:#3a3e46;--bg:#15171b}" +
    "@media (prefers-color-scheme:dark){:host(:not([theme=light])){--fg:#e9e7e2;" +
    "--muted:#b4b0a7;--link:#8cb8ff;--rule:#3a3e46}}" +
    ".box{background:var(--bg)}ul{list-style:none;margin:0;padding:0}" +
    "li{padding:.45em 0;border-bottom:1px solid var(--rule)}" +
    "a{color:var(--link);font-weight:600}a:focus-visible{outline:2px solid;outline-offset:2px}" +
    "time{display:block;color:var(--muted);font-size:.85em}p{margin:.25em 0 0}" +
    ".error{color:var(--muted);font-style:italic}";

  function germanDate(iso) {
    var m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)/.exec(iso || "");
    if (!m) return "";
    var day = +m[3] + ". " + MONTHS[m[2] - 1] + " " + m[1];
    return m[4] + m[5] === "0000" ? day : day + ", " + m[4] + ":" + m[5] + " Uhr";
  }

  function make(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function safeUrl(value, base) {
    try {
      var url = new URL(value, base);
      return /^https?:$/.test(url.protocol) ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function style(root) {
    if (root.adoptedStyleSheets && window.CSSStyleSheet) {
      try {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        root.adoptedStyleSheets = [sheet];
        return;
      } catch (e) { /* fall back to a style element */ }
    }
    root.appendChild(make("style", "", CSS));
  }

  function render(host) {
    var root = host.shadowRoot || host.attachShadow({ mode: "open" });
    var limit = parseInt(host.getAttribute("limit"), 10);
    var summary = host.hasAttribute("summary") && host.getAttribute("summary") !== "false";
    var src = safeUrl(host.getAttribute("src") || FEED, location.href) || FEED;
    var box = make("div", "box");
    var status = make("p", "", "Meldungen werden geladen …");
    status.setAttribute("role", "status");
    box.appendChild(status);
    while (root.firstChild) root.removeChild(root.firstChild);
    style(root);
    root.appendChild(box);
    if (!(limit > 0)) limit = 5;
    fetch(src, { credentials: "omit" }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).then(function (feed) {
      var list = make("ul");
      (feed.items || []).slice(0, limit).forEach(function (item) {
        var li = make("li");
        var href = safeUrl(item.url, src);
        var link = make(href ? "a" : "span", "", String(item.title || ""));
        if (href) link.href = href;
        li.appendChild(link);
        var time = make("time", "", germanDate(item.date_published));
        time.setAttribute("datetime", String(item.date_published || ""));
        li.appendChild(time);
        if (summary && item.summary) li.appendChild(make("p", "", String(item.summary)));
        list.appendChild(li);
      });
      box.replaceChild(list, status);
    }).catch(function () {
      status.className = "error";
      status.textContent = "Meldungen konnten nicht geladen werden.";
    });
  }

  if (!window.customElements.get("feedgen-feed")) {
    window.customElements.define("feedgen-feed", class extends HTMLElement {
      static get observedAttributes() { return ["limit", "summary", "theme", "src"]; }
      connectedCallback() { render(this); }
      attributeChangedCallback() { if (this.shadowRoot) render(this); }
    });
  }

  // A plain <script> in the body renders right where it stands, with its data-* options.
  if (me && !me.async && !me.defer && document.readyState === "loading" &&
      me.parentNode && me.parentNode !== document.head) {
    var host = document.createElement("feedgen-feed");
    ["limit", "summary", "theme", "src"].forEach(function (name) {
      var value = me.getAttribute("data-" + name);
      if (value !== null) host.setAttribute(name, value);
    });
    me.parentNode.insertBefore(host, me.nextSibling);
  }
})();
