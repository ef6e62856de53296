export { UringEngine } from "./engine.ts";
