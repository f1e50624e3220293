/* A build's progress on the submission and review pages: each element with data-follow (the URL of a submission's
 * publication.json) shows where its publication is, refreshed every few seconds while the build runs, and stops at
 * its end: published in release N, or not published and why (in the sentence of its data-words, if it has one).
 * Text with textContent only. */
const EVERY_MS = 2000;

function follow(element) {
  const form = element.dataset.words || "%s";  // the sentence the words go in
  const step = function () {
    fetch(element.dataset.follow, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (p) {
        if (p.words) element.textContent = form.replace("%s", function () { return p.words; });
        element.classList.toggle("error", Boolean(p.failed));
        if (p.done) {
          element.dataset.done = p.failed ? "failed" : "published";
          if (p.failed && element.id === "publication") window.location.reload();  // the page offers "Publish again"
          return;
        }
        window.setTimeout(step, EVERY_MS);
      })
      .catch(function () { window.setTimeout(step, EVERY_MS * 5); });
  };
  window.setTimeout(step, EVERY_MS);
}

document.querySelectorAll("[data-follow]").forEach(follow);
