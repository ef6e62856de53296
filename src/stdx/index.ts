export { assert } from "./assert.ts";
export * from "./bytes.ts";
export { type Clock, systemClock, manualClock } from "./clock.ts";
export { globMatch } from "./glob.ts";
export { createLogger, logLevels, type Logger, type LogLevel, type LogFormat } from "./log.ts";
