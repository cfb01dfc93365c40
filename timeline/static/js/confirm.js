// Asks before a form that removes something is sent: the question is the form's data-confirm.
// A file rather than an onsubmit attribute, as the Content-Security-Policy allows no inline script.
document.addEventListener("submit", function (event) {
  "use strict";
  var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
});
