// RESP framing: the request parser, the reply writer and Redis's text for doubles.
export type { Argv, Reply } from "./types.ts";
export { RespParser, type RespLimits } from "./parser.ts";
export { ReplyWriter } from "./writer.ts";
export { formatDouble, writeDouble, MAX_DOUBLE_CHARS } from "./double.ts";
export {
  RESP,
  DEFAULT_MAX_BULK_BYTES,
  DEFAULT_MAX_INLINE_BYTES,
  DEFAULT_MAX_MULTIBULK_COUNT,
  ERR_INVALID_BULK,
  ERR_INVALID_MULTIBULK,
  ERR_TOO_BIG_BULK,
  ERR_TOO_BIG_INLINE,
  ERR_TOO_BIG_MBULK,
  ERR_UNAUTH_BULK,
  ERR_UNAUTH_MULTIBULK,
  ERR_UNBALANCED_QUOTES,
} from "./constants.ts";
