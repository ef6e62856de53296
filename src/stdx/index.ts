export { assert } from "./assert.ts";
export * from "./bytes.ts";
export { type Clock, systemClock, manualClock } from "./clock.ts";
export { globMatch } from "./glob.ts";
export { createLogger, createLogState, logLevels, logModules, type Logger, type LoggerOptions, type LogLevel, type LogFormat, type LogModule, type LogModuleLevels } from "./log.ts";
