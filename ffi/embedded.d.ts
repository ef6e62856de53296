// `import(path, { with: { type: "file" } })` of the shim resolves to its path on disk (or in
// the compiled binary's embedded filesystem).
declare module "*.so" {
  const path: string;
  export default path;
}
