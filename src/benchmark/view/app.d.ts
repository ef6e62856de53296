// app.js is the page's script, imported with `{ type: "text" }`: its source text.
declare const source: string;
export default source;
