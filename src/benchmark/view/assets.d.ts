// uPlot's browser build and stylesheet, embedded with `import ... with { type: "file" }`: the
// import is their path on disk, or in the embedded filesystem of a `bun build --compile` binary.
declare module "uplot/dist/uPlot.iife.min.js" {
  const path: string;
  export default path;
}
declare module "uplot/dist/uPlot.min.css" {
  const path: string;
  export default path;
}
