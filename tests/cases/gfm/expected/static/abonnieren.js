// Copy buttons on the subscribe page. Only an extra: every address is readable without it.
(function () {
  "use strict";
  var status = document.getElementById("copy-status");
  if (!navigator.clipboard || !status) {
    return;
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = source.textContent.trim();
      navigator.clipboard.writeText(text).then(function () {
        status.textContent = "Kopiert: " + text;
      }, function () {
        status.textContent = "Kopieren nicht möglich – bitte die Adresse markieren und kopieren.";
      });
    });
  });
})();
