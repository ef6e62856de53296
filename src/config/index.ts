// Crucible's configuration: one schema, TOML loading, overrides, validation and printing.
export { ConfigError, StartupError, addressInUseMessage } from "./errors.ts";
export {
  type Config,
  type ListenerConfig,
  type KeyDef,
  type KeyType,
  type KeyValue,
  type SectionDef,
  type SectionName,
  type EvictionPolicy,
  schema,
  sections,
  notYetSections,
  evictionPolicies,
  findKey,
  findKeyByRedisName,
  keysOf,
  dotted,
} from "./schema.ts";
export {
  type LoadOptions,
  type LoadResult,
  defaultConfig,
  loadConfig,
  parseConfigText,
  configFromDocument,
  checkConsistency,
  applyOverride,
  applyListenFlags,
  validateValue,
  describeAllowed,
  parseLogFilter,
  type LogFilter,
  findKeyLine,
  builtInDefaults,
  defaultConfigFile,
} from "./load.ts";
export { configToToml, configTemplate } from "./print.ts";
export { rewriteConfigFile, type RunningValue } from "./rewrite.ts";
export { parseSize, formatSize, parseDurationSecs, parseAddress, formatAddress, parseCpuList, formatCpuList, CPU_ID_MAX, type HostPort } from "./units.ts";
export { allowedCpus, numaNodes, numaNodeCpus, hostPaths } from "./host.ts";
