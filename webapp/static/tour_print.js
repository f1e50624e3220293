/* A tour's handout (webapp/tours.py, print_page): the steps' figures asked of /figure one after another, since the
 * server draws a few at a time and answers 503 beyond that; a refused one is asked again after a pause. The page
 * says when every figure is there (data-figures="ready"), so that a reader prints a complete handout. */
(function () {
  "use strict";
  const figures = Array.prototype.slice.call(document.querySelectorAll("img.tour-figure[data-src]"));
  const status = document.querySelector(".tour-figures-status");
  const TRIES = 8, PAUSE_MS = 1500;

  function done() {
    document.body.dataset.figures = "ready";
    if (status) status.hidden = true;
  }

  function load(i, attempt) {
    if (i >= figures.length) { done(); return; }
    const img = figures[i];
    img.onload = function () { load(i + 1, 1); };
    img.onerror = function () {
      if (attempt < TRIES) setTimeout(function () { load(i, attempt + 1); }, PAUSE_MS * attempt);
      else { img.alt = img.alt + " (the figure could not be drawn; reload the page)"; load(i + 1, 1); }
    };
    img.removeAttribute("src");  // a refused figure is asked again (its answer was not kept)
    img.src = img.dataset.src;
  }

  load(0, 1);
}());
