// Reads a citation export back with citation-js (another project's parsers) and renders it.
//
//   node tests/web/readback.js FILE FORMAT CHICAGO_CSL [strict]
//
// FORMAT is csl-json, ris or bibtex (read as biblatex); CHICAGO_CSL is a CSL style file (citation-js has APA built
// in). Prints JSON: the CSL-JSON items citation-js read, and each item's entry in APA and in the Chicago style as
// [id, text] pairs. With `strict`, BibTeX is checked against biblatex's mandatory fields first: {"strict": the
// complaint or null} is printed instead.
const fs = require('fs');
const { Cite, plugins } = require('@citation-js/core');
require('@citation-js/plugin-ris');
require('@citation-js/plugin-bibtex');
require('@citation-js/plugin-csl');

const [file, format, chicago, mode] = process.argv.slice(2);
const TYPES = { 'csl-json': '@csl/list+object', ris: '@ris/file', bibtex: '@biblatex/text' };
const text = fs.readFileSync(file, 'utf8');
const input = format === 'csl-json' ? JSON.parse(text) : text;

if (mode === 'strict') {
  plugins.config.get('@bibtex').parse.strict = true;
  let complaint = null;
  try {
    new Cite(input, { forceType: TYPES[format] });
  } catch (error) {
    complaint = error.message;
  }
  console.log(JSON.stringify({ strict: complaint }));
} else {
  plugins.config.get('@csl').styles.add('chicago', fs.readFileSync(chicago, 'utf8'));
  const cite = new Cite(input, { forceType: TYPES[format] });
  const render = (template) =>
    cite.format('bibliography', { format: 'text', template, lang: 'en-US', asEntryArray: true });
  const items = cite.data.map(({ _graph, ...item }) => item);
  console.log(JSON.stringify({ items, apa: render('apa'), chicago: render('chicago') }));
}
